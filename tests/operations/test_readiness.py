"""`/healthz` and `/readyz` on the app from create_app with a real worker process and Redis:
ready once a worker consumes every queue, 503 naming the missing part otherwise."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx

from tests.support.backends import Backend
from tests.support.inprocess import InProcessApp
from vignette.embedded.process import stop_group


def _ready(app: InProcessApp, timeout: float = 30.0) -> httpx.Response:
    deadline = time.monotonic() + timeout
    while True:
        r = httpx.get(f"{app.base_url}/readyz", timeout=10)
        if r.status_code == 200 or time.monotonic() > deadline:
            return r
        time.sleep(0.2)


def test_ready_with_a_worker_on_every_queue_then_not_once_it_stops(
    make_app: Callable[..., InProcessApp],
) -> None:
    app = make_app()
    health = httpx.get(f"{app.base_url}/healthz")  # no key: a load balancer cannot sign in
    assert health.status_code == 200
    assert health.json()["status"] == "ok"

    r = _ready(app)  # once the worker has announced itself
    assert r.status_code == 200, r.text
    body: dict[str, Any] = r.json()
    assert body["status"] == "ready"
    assert {name: c["ok"] for name, c in body["checks"].items()} == {
        "database": True, "redis": True, "workers": True,
    }  # fmt: skip

    app.stop_worker()  # a worker that stops withdraws at once
    r = httpx.get(f"{app.base_url}/readyz")
    assert r.status_code == 503
    assert r.headers["retry-after"] == "5"
    body = r.json()
    assert body["status"] == "not_ready"
    assert body["checks"]["workers"] == {
        "ok": False, "detail": "no live worker consumes: heavy, normal, light",
    }  # fmt: skip
    assert body["checks"]["database"]["ok"]
    assert body["checks"]["redis"]["ok"]
    assert httpx.get(f"{app.base_url}/healthz").status_code == 200  # alive all the same


def test_not_ready_and_saying_why_when_redis_is_down(tmp_path: Path) -> None:
    app = InProcessApp(tmp_path / "data", Backend("embedded"), worker=False)
    app.start()
    try:
        assert app.redis_proc is not None
        stop_group(app.redis_proc, timeout=10)  # the broker goes away
        app.redis_proc = None
        r = httpx.get(f"{app.base_url}/readyz", timeout=10)
        assert r.status_code == 503  # an answer, not a 500 or a hang
        checks = r.json()["checks"]
        assert checks["redis"]["ok"] is False
        assert "Redis does not answer" in checks["redis"]["detail"]
        assert checks["workers"]["ok"] is False
        assert checks["database"]["ok"] is True
    finally:
        app.stop()
