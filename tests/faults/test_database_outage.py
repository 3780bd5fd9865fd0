"""The database goes away for a while under load (a proxy in front of PostgreSQL cuts every
connection and refuses new ones) and comes back: while it is gone the API answers 503 with
`Retry-After` problem details, in seconds, not a 500 and not a hang; afterwards the API and the
worker carry on without a restart and every job accepted before the outage completes."""

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

JOBS = 20
OUTAGE_SECONDS = 20


def test_a_database_outage_answers_503_and_loses_no_job(
    fresh_backend: Backend, tmp_path: Path
) -> None:
    if fresh_backend.name == "embedded":
        pytest.skip("SQLite is a file inside the process: it cannot become unreachable")
    with proxied_url(fresh_backend.database_url) as (proxy, proxied):
        app = Service(
            tmp_path / "data",
            dataclasses.replace(fresh_backend, database_url=proxied),
            procedural_delay_ms=300,
            lease_seconds=3,
            reconcile_interval_seconds=0.5,
        )
        app.start()
        try:
            with app.client() as c:
                sentences = [f"A red kite number {i} hung over the field." for i in range(JOBS)]
                book = c.post("/books", json=one_chapter_book("Outage", sentences)).json()
                descriptions = [d["id"] for d in book["chapters"][0]["descriptions"]]
                ids = [c.post(f"/images/generate/async/{d}").json()["task_id"]
                       for d in descriptions]  # fmt: skip
                assert len(ids) == JOBS
                worker_pid = app.pid("worker")

                proxy.cut()  # with jobs queued and in flight
                cut_at = time.monotonic()
                answers = []
                while time.monotonic() - cut_at < OUTAGE_SECONDS:
                    r = c.get(f"/images/task/{ids[0]}")
                    answers.append(r)
                    time.sleep(0.5)
                submit = c.post(f"/images/generate/async/{descriptions[0]}")
                assert httpx.get(f"{app.base_url}/healthz").status_code == 200
                ready = httpx.get(f"{app.base_url}/readyz")
                proxy.restore()

                statuses = {r.status_code for r in answers}
                assert statuses <= {503}, statuses  # (the first read may still be cached: none is)
                r = answers[-1]
                assert r.headers["retry-after"] == "5"
                assert r.headers["content-type"] == "application/problem+json"
                assert r.json()["code"] == "database_unavailable"
                assert submit.status_code == 503, submit.text
                assert ready.status_code == 503
                assert not ready.json()["checks"]["database"]["ok"]

                # Back without a restart: the same worker process finishes every job.
                deadline = time.monotonic() + 90
                docs: list[dict[str, object]] = []
                while time.monotonic() < deadline:
                    got = [c.get(f"/images/task/{t}") for t in ids]
                    if all(g.status_code == 200 for g in got):
                        docs = [g.json() for g in got]
                        if all(d["status"] in {"completed", "failed"} for d in docs):
                            break
                    time.sleep(0.5)
                recovered = time.monotonic() - cut_at - OUTAGE_SECONDS
                assert [d["status"] for d in docs] == ["completed"] * JOBS, [
                    (d["status"], d.get("error")) for d in docs
                ]
                assert app.pid("worker") == worker_pid  # not restarted
                print(f"\nfigure: database out {OUTAGE_SECONDS} s: {len(answers)} reads "
                      f"answered 503; all {JOBS} jobs done {recovered:.1f} s after it came "
                      "back")  # fmt: skip
        finally:
            app.stop()
