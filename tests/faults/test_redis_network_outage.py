"""Redis unreachable for 20 s under load (a proxy in front of the Redis server cuts every
connection and refuses new ones), then back: submits meanwhile answer 503 with `Retry-After`
(their jobs are committed, their messages not sent), status reads keep answering from the
database, and once Redis is back every job, sent or not, completes exactly once."""

from __future__ import annotations

import dataclasses
import time
from pathlib import Path

import httpx
import pytest

from tests.support.backends import Backend
from tests.support.books import one_chapter_book
from tests.support.service import Service
from tests.support.tcp_proxy import proxied_url

pytestmark = pytest.mark.integration

BEFORE = 20  # jobs submitted before the outage
DURING = 5  # submitted while Redis is away
OUTAGE_SECONDS = 20


def test_a_redis_outage_answers_503_and_loses_no_job(
    fresh_backend: Backend, tmp_path: Path
) -> None:
    if fresh_backend.name == "embedded":
        pytest.skip("the embedded Redis is a socket of vignette serve, which stops without it")
    with proxied_url(fresh_backend.redis_url) as (proxy, proxied):
        svc = Service(
            tmp_path / "data",
            dataclasses.replace(fresh_backend, redis_url=proxied),
            procedural_delay_ms=300,
            lease_seconds=3,
            reconcile_interval_seconds=0.5,
        )
        svc.start()
        try:
            with svc.client() as c:
                sentences = [f"A grey heron number {i} stood in the reeds." for i in range(30)]
                book = c.post("/books", json=one_chapter_book("Heron", sentences)).json()
                free = [d["id"] for d in book["chapters"][0]["descriptions"]]
                ids = [c.post(f"/images/generate/async/{d}").json()["task_id"]
                       for d in free[:BEFORE]]  # fmt: skip
                worker = svc.pid("worker")

                proxy.cut()
                cut_at = time.monotonic()
                refused = [c.post(f"/images/generate/async/{d}") for d in free[BEFORE:][:DURING]]
                read = c.get(f"/images/task/{ids[0]}")
                time.sleep(max(0.0, OUTAGE_SECONDS - (time.monotonic() - cut_at)))
                proxy.restore()
                back_at = time.monotonic()

                assert [r.status_code for r in refused] == [503] * DURING, [r.text for r in refused]
                assert {r.json()["code"] for r in refused} == {"redis_unavailable"}
                assert {r.headers["retry-after"] for r in refused} == {"5"}
                assert read.status_code == 200  # the database still answers
                assert httpx.get(f"{svc.base_url}/healthz").status_code == 200

                # Every job: the 20 sent before and the 5 committed but never sent.
                deadline = time.monotonic() + 120
                jobs: list[dict[str, object]] = []
                while time.monotonic() < deadline:
                    jobs = c.get("/images?limit=100").json()["items"]
                    if len(jobs) == BEFORE + DURING and all(
                        j["status"] in {"completed", "failed"} for j in jobs
                    ):
                        break
                    time.sleep(0.5)
                recovered = time.monotonic() - back_at
                assert len(jobs) == BEFORE + DURING
                assert {j["status"] for j in jobs} == {"completed"}, [
                    (j["status"], j.get("error")) for j in jobs if j["status"] != "completed"
                ]
                for j in jobs:  # each completed once
                    doc = c.get(f"/images/task/{j['task_id']}").json()
                    outcomes = [a["outcome"] for a in doc["attempts"]]
                    assert outcomes.count("success") == 1, outcomes
                restarted = svc.pid("worker") != worker
                print(f"\nfigure: Redis out {OUTAGE_SECONDS} s: {DURING} submits answered 503; all "
                      f"{BEFORE + DURING} jobs done {recovered:.1f} s after it came back "
                      f"(worker {'restarted' if restarted else 'reconnected'})")  # fmt: skip
        finally:
            svc.stop()
