"""`/metrics` of a real `vignette serve`: the API's counts and its worker children's add up
in one scrape (multiprocess files), agree with what the provider saw, and outlive a killed
worker."""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.api import create_book, description_ids, wait_for
from tests.support.backends import Backend
from tests.support.fake import FakeServer, running_fake_server
from tests.support.metrics import scrape, value
from tests.support.service import Service

pytestmark = pytest.mark.integration

JOBS = 10


@pytest.fixture
def flaky_fake() -> Iterator[FakeServer]:
    with running_fake_server(failure_rate=0.4, seed=7) as server:
        yield server


def _calls(text: str, **labels: str) -> float:
    return value(text, "vignette_provider_calls_total", provider="gemini", **labels)


def test_counts_of_every_process_add_up_and_survive_a_killed_worker(
    fresh_backend: Backend, tmp_path: Path, flaky_fake: FakeServer
) -> None:
    svc = Service(
        tmp_path / "data",
        fresh_backend,
        provider_chain="gemini",
        gemini_api_key="sk-metrics-test",
        gemini_base_url=flaky_fake.url,
        worker_concurrency=2,
        max_provider_calls=12,
        retry_base_seconds=0.05,
        breaker_failures=1000,  # 40 % failures must not open the breaker here
        breaker_min_calls=1000,
    )
    svc.start()
    try:
        with svc.client() as c:
            book = create_book(c, chapters=3)
            ids = [c.post(f"/images/generate/async/{d}").json()["task_id"]
                   for d in description_ids(book)[:JOBS]]  # fmt: skip
            done = [wait_for(c, task_id, {"completed", "failed"}, timeout=90) for task_id in ids]
        completed = sum(d["status"] == "completed" for d in done)
        assert completed == JOBS, [d["status"] for d in done]

        seen = flaky_fake.outcomes("gemini")
        text = scrape(svc.base_url)
        # The API process counted the submits, the worker's pool children the calls.
        assert value(text, "vignette_jobs_submitted_total") == JOBS
        assert _calls(text) == sum(seen.values()) > JOBS  # some calls failed and were retried
        assert _calls(text, outcome="success") == seen["ok"] == JOBS
        assert value(text, "vignette_generation_seconds_count", provider="gemini") == _calls(text)
        assert value(text, "vignette_jobs_finished_total", provider="gemini",
                     outcome="completed") == JOBS  # fmt: skip
        assert value(text, "vignette_queue_wait_seconds_count") == JOBS
        assert value(text, "vignette_jobs", state="completed") == JOBS
        assert value(text, "vignette_book_imports_total", outcome="ready") == 0  # JSON book

        worker = svc.pid("worker")
        os.killpg(worker, signal.SIGKILL)  # the worker and its children, files left behind
        deadline = time.monotonic() + 60
        while svc.pid("worker") == worker and time.monotonic() < deadline:
            time.sleep(0.2)
        assert svc.pid("worker") != worker
        after_kill = scrape(svc.base_url)
        assert _calls(after_kill) == _calls(text)  # a dead process's counts are kept

        with svc.client() as c:
            extra = c.post(f"/images/generate/async/{description_ids(book)[JOBS]}").json()
            assert wait_for(c, extra["task_id"], {"completed", "failed"}, 90)["status"] == (
                "completed"
            )
        last = scrape(svc.base_url)
        assert _calls(last, outcome="success") == JOBS + 1  # the new worker adds to them
        assert value(last, "vignette_jobs_submitted_total") == JOBS + 1
    finally:
        svc.stop()
