"""A stopping API process ends its open event streams (uvicorn waits for open responses, and a
stream never ends by itself): `vignette serve` stops cleanly with streams open."""

from __future__ import annotations

import threading

import pytest

from tests.support.api import create_book, description_ids
from tests.support.service import Service
from tests.support.sse import stream

pytestmark = pytest.mark.integration


def test_serve_stops_cleanly_with_event_streams_open(slow_service: Service) -> None:
    ended: list[str] = []
    opened = threading.Barrier(4)

    def follow(path: str) -> None:
        with slow_service.client() as c, stream(c, path, timeout=120) as received:
            for n, _ in enumerate(received):
                if n == 0:
                    opened.wait(timeout=60)
        ended.append(path)  # the server ended the stream

    with slow_service.client() as c:
        ids = description_ids(create_book(c))
        for description_id in ids[:4]:  # jobs that outlast the stop: their streams stay open
            c.post(f"/images/generate/async/{description_id}")
        tasks = [j["task_id"] for j in c.get("/images?limit=4").json()["items"]]
    paths = ["/events", f"/images/task/{tasks[0]}/events", f"/images/task/{tasks[1]}/events"]
    threads = [threading.Thread(target=follow, args=(p,), daemon=True) for p in paths]
    for t in threads:
        t.start()
    opened.wait(timeout=60)  # every stream has its first event
    with slow_service.client() as c, stream(c, "/events") as received:
        next(received)  # a client that comes and goes: its stream is released when it leaves
    with slow_service.client() as c:  # the oldest two are still to run (1.5 s each)
        assert {c.get(f"/images/task/{t}").json()["status"] for t in tasks[:2]} == {"queued"}
    assert slow_service.stop(timeout=60) == 0
    for t in threads:
        t.join(timeout=30)
    assert sorted(ended) == sorted(paths)
    assert f"ending {len(paths)} event streams" in slow_service.log()
