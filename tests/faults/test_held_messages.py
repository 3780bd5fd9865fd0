"""A worker killed outright (SIGKILL: no warm shutdown, nothing handed back) takes with it the
messages it held: those waiting on a retry's countdown and those received but not yet claimed.
Their rows stay `queued`, their messages sit unacknowledged in Redis for the broker's
visibility timeout (1 h) and their sent-markers live 10 minutes. The worker records what it
holds and keeps a short-lived `held` key per message alive, so once it is gone they lapse and
the reconciler sends those jobs again: every job completes, none twice, within the minute."""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.support.backends import Backend
from tests.support.books import one_chapter_book
from tests.support.fake import FakeServer, running_fake_server
from tests.support.service import Service

pytestmark = pytest.mark.integration

JOBS = 30
KEY = "sk-held-messages-test"
RETRY_AFTER = 20  # every job waits this long on its countdown, its message held by the worker

Jobs = list[dict[str, Any]]


@pytest.fixture
def patient_fake() -> Iterator[FakeServer]:
    with running_fake_server(retry_after_seconds=RETRY_AFTER) as server:
        yield server


def _until(c: httpx.Client, done: Callable[[Jobs], bool], timeout: float) -> Jobs:
    deadline = time.monotonic() + timeout
    while True:
        jobs: Jobs = c.get(f"/images?limit={JOBS}").json()["items"]
        if done(jobs) or time.monotonic() > deadline:
            return jobs
        time.sleep(0.2)


def _all_waiting(jobs: Jobs) -> bool:
    return len(jobs) == JOBS and all(
        j["status"] == "queued" and j["attempt_count"] == 1 for j in jobs
    )


def test_jobs_a_killed_worker_held_are_sent_again(
    fresh_backend: Backend, tmp_path: Path, patient_fake: FakeServer
) -> None:
    fake = patient_fake
    svc = Service(
        tmp_path / "data",
        fresh_backend,
        provider_chain="gemini",
        gemini_api_key=KEY,
        gemini_base_url=fake.url,
        worker_concurrency=2,
        lease_seconds=3,
        reconcile_interval_seconds=0.5,
        retry_base_seconds=0.1,
        breaker_failures=1000,  # the refusals below must not open the breaker
        breaker_min_calls=1000,
    )
    svc.start()
    try:
        fake.force(gemini="429")  # every call: rate limited, Retry-After 20 s
        sentences = [f"A lighthouse number {i} stood on the grey cliff." for i in range(JOBS)]
        with svc.client() as c:
            r = c.post("/books", json=one_chapter_book("Held", sentences))
            assert r.status_code == 201, r.text
            for d in r.json()["chapters"][0]["descriptions"]:
                assert c.post(f"/images/generate/async/{d['id']}").status_code == 202
            # Each job was refused once and waits on its countdown: its message is held by the
            # worker (an ETA message, unacknowledged in Redis) and its row is queued.
            jobs = _until(c, _all_waiting, timeout=60)
            assert _all_waiting(jobs), [(j["status"], j["attempt_count"]) for j in jobs]
            time.sleep(1.0)  # nothing in flight: every message is in the worker's hands
            worker = svc.pid("worker")
            os.killpg(worker, signal.SIGKILL)
            killed_at = time.monotonic()
            fake.force(gemini=None)  # the provider is healthy again

            jobs = _until(c, lambda js: all(j["status"] == "completed" for j in js), 90)
            recovered = time.monotonic() - killed_at
            assert sorted({j["status"] for j in jobs}) == ["completed"], [
                (j["status"], j["attempt_count"]) for j in jobs
            ]
            assert svc.pid("worker") != worker  # serve replaced the killed worker
            for j in jobs:  # none completed twice: one successful call each
                doc = c.get(f"/images/task/{j['task_id']}").json()
                assert [a["outcome"] for a in doc["attempts"]] == ["error", "success"]
        assert fake.outcomes("gemini")["ok"] == JOBS  # no picture paid for twice
        print(f"\nfigure: {JOBS} held jobs: all completed {recovered:.1f} s after the kill "
              f"(their countdowns ended {RETRY_AFTER} s after their first call)")  # fmt: skip
    finally:
        svc.stop()
