"""A queued job's estimated wait: the jobs ahead over the slots, times a typical recent run."""

from __future__ import annotations

import statistics

from tests.support.api import create_book, description_ids, wait_for
from tests.support.inprocess import InProcessApp
from vignette.generation.estimates import estimated_wait, typical_duration


def test_the_estimate_counts_rounds_of_slots() -> None:
    assert estimated_wait(1, 2, 4.0) == 2.0  # starts within the current round
    assert estimated_wait(2, 2, 4.0) == 2.0
    assert estimated_wait(3, 2, 4.0) == 6.0  # one more round first
    assert estimated_wait(5, 1, 4.0) == 18.0
    assert estimated_wait(3, 2, None) is None  # no history, no guess


def test_a_typical_run_needs_a_few_samples_and_ignores_one_outlier() -> None:
    assert typical_duration([1.0, 2.0]) is None
    assert typical_duration([1.0, 1.2, 1.1, 90.0]) == 1.15


def test_a_queued_job_shows_an_estimate_from_the_runs_before_it(slow_app: InProcessApp) -> None:
    with slow_app.client() as c:
        ids = description_ids(create_book(c, chapters=2))
        done = []
        for d in ids[:3]:  # history: three runs of the 1.5 s provider
            task = c.post(f"/images/generate/async/{d}").json()
            done.append(wait_for(c, task["task_id"], {"completed"}))
        runs = [doc["timings"]["generating_ms"] / 1000 for doc in done]

        first = c.post(f"/images/generate/async/{ids[3]}").json()
        wait_for(c, first["task_id"], {"generating"})
        queued = [c.post(f"/images/generate/async/{d}").json()["task_id"] for d in ids[4:6]]
        docs = [c.get(f"/images/task/{t}").json() for t in queued]
        assert [d["queue_position"] for d in docs] == [1, 2]
        typical = statistics.median(runs)
        # One worker slot: the first waits half a run, the second a run and a half.
        for doc, rounds in zip(docs, (0.5, 1.5), strict=True):
            assert doc["estimated_wait_seconds"] is not None
            assert abs(doc["estimated_wait_seconds"] - rounds * typical) < 0.1
        assert c.get(f"/images/task/{done[0]['task_id']}").json()["estimated_wait_seconds"] is None
