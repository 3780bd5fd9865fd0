"""`GET /metrics` on the app from create_app, with a real worker process: the deployment's
gauges (jobs by state, queues, breakers) read from the database and Redis at scrape time, the
API's own counters, nothing of a user's in it; 404 when turned off."""

from __future__ import annotations

from collections.abc import Callable

import httpx

from tests.support.api import create_book, description_ids, wait_for
from tests.support.inprocess import InProcessApp
from tests.support.metrics import scrape, value
from tests.support.service import free_port


def test_metrics_count_jobs_and_read_the_deployment_gauges(
    make_app: Callable[..., InProcessApp],
) -> None:
    app = make_app()
    before = scrape(app.base_url)
    assert value(before, "vignette_jobs", state="completed") == 0
    with app.client() as c:
        book = create_book(c)
        ids = [c.post(f"/images/generate/async/{d}").json()["task_id"]
               for d in description_ids(book)[:3]]  # fmt: skip
        done = [wait_for(c, task_id, {"completed", "failed"}) for task_id in ids]
    assert {d["status"] for d in done} == {"completed"}
    after = scrape(app.base_url)

    # Counted by this API process (the counters are the process's; compare, not absolutes).
    assert (
        value(after, "vignette_jobs_submitted_total")
        - value(before, "vignette_jobs_submitted_total")
        == 3
    )
    assert (
        value(after, "vignette_submit_seconds_count")
        - value(before, "vignette_submit_seconds_count")
        == 3
    )
    # Read from the database and Redis when scraped: every state and queue, zeros included.
    assert value(after, "vignette_jobs", state="completed") == 3
    assert value(after, "vignette_jobs", state="queued") == 0
    assert value(after, "vignette_books", state="ready") == 1
    for queue in ("heavy", "normal", "light"):
        assert f'vignette_queue_depth{{queue="{queue}"}}' in after
    assert value(after, "vignette_breaker_state", provider="procedural", state="closed") == 1
    assert value(after, "vignette_breaker_state", provider="procedural", state="open") == 0
    assert value(after, "vignette_dependency_up", part="database") == 1
    assert value(after, "vignette_dependency_up", part="redis") == 1
    # Numbers only: no key, user, book or job id.
    for secret in (app.api_key, book["id"], *ids):
        assert secret not in after


def test_metrics_can_be_turned_off(make_app: Callable[..., InProcessApp]) -> None:
    app = make_app(metrics_enabled=False)
    r = httpx.get(f"{app.base_url}/metrics")
    assert r.status_code == 404
    assert r.headers["content-type"] == "application/problem+json"


def test_a_worker_host_serves_its_counts_on_its_own_port(
    make_app: Callable[..., InProcessApp],
) -> None:
    port = free_port()
    app = make_app(worker_metrics_port=port)  # the worker process serves them, not the API
    with app.client() as c:
        task = c.post(f"/images/generate/async/{description_ids(create_book(c))[0]}").json()
        assert wait_for(c, task["task_id"], {"completed", "failed"})["status"] == "completed"
    text = scrape(f"http://127.0.0.1:{port}")
    calls = "vignette_provider_calls_total"
    assert value(text, calls, provider="procedural", outcome="success") == 1
    assert value(text, "vignette_jobs_finished_total", outcome="completed") == 1
    assert value(text, "vignette_jobs_submitted_total") == 0  # the API's count is not here
