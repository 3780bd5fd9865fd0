"""Server-sent event streams: one job's task documents, and everything of the user's."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from typing import Annotated, Any

from fastapi import APIRouter, Header, Query, Request
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel

from vignette.api.deps import CurrentUserDep, RuntimeDep
from vignette.books import service as books
from vignette.errors import NotFound
from vignette.events import streams
from vignette.events.drain import Drain
from vignette.events.hub import ChangeHub
from vignette.events.response import EventStream
from vignette.generation import service as generation
from vignette.generation.documents import describe
from vignette.generation.schemas import TaskStatus
from vignette.runtime import Runtime

router = APIRouter(tags=["events"])

RETRY_MS = 3000  # how long a browser's EventSource waits before it reconnects
_STREAM: dict[int | str, dict[str, Any]] = {
    200: {"content": {"text/event-stream": {}}, "description": "a stream of server-sent events"}
}


def _hub(request: Request) -> ChangeHub:
    hub: ChangeHub = request.app.state.hub
    return hub


def _stream(request: Request, rt: Runtime, events: AsyncIterator[streams.Event]) -> EventStream:
    drain: Drain = request.app.state.drain
    ping = rt.settings.sse_ping_seconds
    return EventStream(events, retry_ms=RETRY_MS, ping_seconds=ping, drain=drain)


def _task(rt: Runtime, user_id: uuid.UUID, task_id: uuid.UUID) -> TaskStatus | None:
    with rt.db.read() as session:
        try:
            job = generation.get_job(session, user_id, task_id)
            return describe(session, job, slots=rt.settings.worker_concurrency)
        except NotFound:
            return None


def _tasks(rt: Runtime, user_id: uuid.UUID, ids: set[uuid.UUID]) -> list[BaseModel]:
    docs = (_task(rt, user_id, i) for i in sorted(ids))
    return [d for d in docs if d is not None]


def _books(rt: Runtime, user_id: uuid.UUID, ids: set[uuid.UUID]) -> list[BaseModel]:
    found: list[BaseModel] = []
    with rt.db.read() as session:
        for book_id in sorted(ids):
            try:
                found.append(books.book_document(session, user_id, book_id))
            except NotFound:
                continue
    return found


@router.get(
    "/images/task/{task_id}/events", response_class=EventStream, status_code=200, responses=_STREAM
)
async def task_events(
    task_id: uuid.UUID,
    request: Request,
    rt: RuntimeDep,
    user: CurrentUserDep,
    last_event_id: Annotated[str | None, Header(max_length=64)] = None,
    resume_from: Annotated[
        str | None, Query(alias="last_event_id", max_length=64, description="as Last-Event-ID")
    ] = None,
) -> EventStream:
    """The job's task document each time it changes (event `task`, id: the document's digest),
    ending after a final state. With `Last-Event-ID` (the header a reconnecting EventSource
    sends, or the `last_event_id` parameter for a new one), the current document is sent only
    if it differs from that one."""
    last_event_id = last_event_id or resume_from
    if await run_in_threadpool(_task, rt, user.id, task_id) is None:
        raise NotFound(f"task {task_id} not found")
    hub = _hub(request)

    async def read() -> TaskStatus | None:
        return await run_in_threadpool(_task, rt, user.id, task_id)

    following = hub.following(object_id=task_id)
    return _stream(request, rt, streams.task_events(read, following, last_event_id))


@router.get("/events", response_class=EventStream, status_code=200, responses=_STREAM)
async def user_events(request: Request, rt: RuntimeDep, user: CurrentUserDep) -> EventStream:
    """Every change to the user's jobs (event `task`) and book imports (event `book`, with its
    progress), for as long as the client stays; `resync` first and whenever changes may have
    been missed, when the client should reload what it shows."""
    hub = _hub(request)

    async def read_tasks(ids: set[uuid.UUID]) -> list[BaseModel]:
        return await run_in_threadpool(_tasks, rt, user.id, ids)

    async def read_books(ids: set[uuid.UUID]) -> list[BaseModel]:
        return await run_in_threadpool(_books, rt, user.id, ids)

    following = hub.following(user_id=user.id)
    return _stream(request, rt, streams.user_events(read_tasks, read_books, following))
