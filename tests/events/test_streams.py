"""Live updates over server-sent events, against the app from create_app and a real worker."""

from __future__ import annotations

import time
from collections.abc import Callable

import httpx

from tests.support.api import create_book, description_ids, wait_for
from tests.support.books import scenes_text, upload
from tests.support.inprocess import InProcessApp
from tests.support.sse import Received, stream, take_until

FINAL = {"completed", "failed", "cancelled"}


def _queued_behind_another(c: httpx.Client) -> str:
    """A job that waits in the queue while the one worker slot renders another (1.5 s)."""
    ids = description_ids(create_book(c))
    busy = c.post(f"/images/generate/async/{ids[0]}").json()
    wait_for(c, busy["task_id"], {"generating"})
    task_id: str = c.post(f"/images/generate/async/{ids[1]}").json()["task_id"]
    return task_id


def _statuses(events: list[Received]) -> list[str]:
    return [e.data["status"] for e in events if e.type == "task"]


def test_a_jobs_stream_shows_queued_generating_completed_and_ends(slow_app: InProcessApp) -> None:
    with slow_app.client() as c:
        task_id = _queued_behind_another(c)
        with stream(c, f"/images/task/{task_id}/events") as received:
            got = list(received)  # the server ends the stream after the final state
        assert _statuses(got) == ["queued", "generating", "completed"]
        assert len({e.id for e in got}) == 3  # a new id for each document
        final = c.get(f"/images/task/{task_id}").json()
        assert got[-1].data == final  # the same document as the status URL
        assert c.get(f"/images/{task_id}/file").status_code == 200


def test_a_reconnecting_client_gets_what_it_missed_then_live(slow_app: InProcessApp) -> None:
    with slow_app.client() as c:
        task_id = _queued_behind_another(c)
        path = f"/images/task/{task_id}/events"
        with stream(c, path) as received:
            first = next(received)
        assert first.data["status"] == "queued"  # then the connection drops
        wait_for(c, task_id, {"generating"})
        with stream(c, path, last_event_id=first.id) as received:
            resumed = list(received)
        assert _statuses(resumed) == ["generating", "completed"]  # the missed one, then live
        # A client that saw the final document already is told nothing more (the header, or
        # the parameter a new EventSource can send).
        with stream(c, path, last_event_id=resumed[-1].id) as received:
            assert list(received) == []
        with stream(c, f"{path}?last_event_id={resumed[-1].id}") as received:
            assert list(received) == []
        # An id it never sent: the current document.
        with stream(c, path, last_event_id="not-an-id-we-sent") as received:
            assert _statuses(list(received)) == ["completed"]


def test_a_cancelled_job_ends_its_stream(slow_app: InProcessApp) -> None:
    with slow_app.client() as c:
        task_id = _queued_behind_another(c)
        with stream(c, f"/images/task/{task_id}/events") as received:
            assert next(received).data["status"] == "queued"
            started = time.monotonic()
            c.post(f"/images/task/{task_id}/cancel").raise_for_status()
            rest = list(received)
        assert _statuses(rest) == ["cancelled"]
        assert time.monotonic() - started < 5  # by the notice, not the 30 s re-read
        assert c.get(f"/images/task/{task_id}").json()["attempts"] == []


def test_streams_are_the_owners_alone(api: InProcessApp) -> None:
    with api.client() as c:
        task_id = c.post(f"/images/generate/async/{description_ids(create_book(c))[0]}").json()[
            "task_id"
        ]
        other = api.create_user()
        with api.client(other) as eve:
            r = eve.get(f"/images/task/{task_id}/events")
            assert r.status_code == 404
            assert r.headers["content-type"].startswith("application/problem+json")
        with httpx.Client(base_url=f"{api.base_url}/api/v1") as anonymous:
            assert anonymous.get(f"/images/task/{task_id}/events").status_code == 401
            assert anonymous.get("/events").status_code == 401


def test_the_users_stream_carries_jobs_and_import_progress(api: InProcessApp) -> None:
    user = api.create_user()
    with api.client(user) as c, stream(c, "/events", timeout=60) as received:
        assert next(received).type == "resync"  # the client loads what it shows, then follows
        book = create_book(c)
        task_id = c.post(f"/images/generate/async/{description_ids(book)[0]}").json()["task_id"]
        jobs = take_until(received, lambda e: e.type == "task" and e.data["status"] in FINAL)
        assert {e.data["task_id"] for e in jobs if e.type == "task"} == {task_id}
        assert _statuses(jobs)[-1] == "completed"

        book_id = upload(c, "scenes.txt", scenes_text(3).encode()).json()["id"]
        books = take_until(received, lambda e: e.type == "book" and e.data["status"] == "ready")
        progress = [e.data["progress"]["chapters_done"] for e in books if e.type == "book"]
        assert all(e.data["id"] == book_id for e in books if e.type == "book")
        assert progress == sorted(progress)
        assert progress[-1] == 3

        # Another user's stream hears nothing of this user's work.
        with api.client(api.create_user()) as other, stream(other, "/events", timeout=3) as theirs:
            assert next(theirs).type == "resync"
            again = c.post(f"/images/generate/async/{description_ids(book)[1]}").json()
            take_until(received, lambda e: e.type == "task" and e.data["status"] in FINAL)
            try:
                heard: Received | None = next(theirs)
            except httpx.ReadTimeout:
                heard = None
            assert heard is None, again


def test_an_idle_stream_is_kept_alive_by_pings(make_app: Callable[..., InProcessApp]) -> None:
    app = make_app(sse_ping_seconds=0.2)
    with app.client() as c, c.stream("GET", "/events", timeout=30) as r:
        assert r.headers["content-type"].startswith("text/event-stream")
        assert r.headers["cache-control"] == "no-store"
        lines: list[str] = []
        for line in r.iter_lines():
            lines.append(line)
            if lines.count(": ping") == 2:
                break
    # The user's stream opens with `resync`, then, with nothing to say, only pings.
    assert lines[0] == "event: resync"
    assert lines.count(": ping") == 2
