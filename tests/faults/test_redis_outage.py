"""Redis goes away: a submit still commits its job (the database row is the truth) but cannot
send its message, so it answers 503 with `Retry-After` problem details, not a 500; the job is
there, queued, and the same submit again answers 200 with that job rather than a second one. Once
Redis is back, the reconciler sends every queued job whose message is missing (that resend is
proven by the flushed-broker tests in test_faults.py)."""

from __future__ import annotations

from pathlib import Path

import httpx

from tests.support.api import create_book, description_ids
from tests.support.backends import Backend
from tests.support.inprocess import InProcessApp
from vignette.embedded.process import stop_group


def test_a_submit_without_redis_answers_503_and_keeps_its_job(tmp_path: Path) -> None:
    app = InProcessApp(tmp_path / "data", Backend("embedded"), worker=False)
    app.start()
    try:
        with app.client() as c:
            desc = description_ids(create_book(c))[0]
            assert app.redis_proc is not None
            stop_group(app.redis_proc, timeout=10)  # the broker goes away
            app.redis_proc = None
            r = c.post(f"/images/generate/async/{desc}")
            assert r.status_code == 503, r.text
            assert r.headers["retry-after"] == "5"
            assert r.headers["content-type"] == "application/problem+json"
            assert r.json()["code"] == "redis_unavailable"
            assert httpx.get(f"{app.base_url}/healthz").status_code == 200
            jobs = c.get("/images").json()["items"]
            assert [j["status"] for j in jobs] == ["queued"]  # committed before the send failed
            again = c.post(f"/images/generate/async/{desc}")  # the client's retry
            assert again.status_code == 200, again.text  # nothing new to send: that job
            assert again.json()["task_id"] == jobs[0]["task_id"]
            assert len(c.get("/images").json()["items"]) == 1
    finally:
        app.stop()
