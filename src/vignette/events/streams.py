"""What an event stream sends, as plain values: the route frames them as server-sent events.

A job's stream sends its task document (the one `GET /images/task/{id}` answers) each time it
changed, with the document's digest as the event id; a client reconnecting with
`Last-Event-ID` gets the current document if it differs from the last one it saw (a job's
intermediate states are superseded by its current one), then live changes; the stream ends
after a final state. The user's stream sends `task` and `book` documents as they change, and
`resync` when it may have missed changes (at its start, after a lost subscription): the client
then reloads what it shows.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass

from pydantic import BaseModel

from vignette.db.models.images import FINAL_STATUSES
from vignette.events.hub import Inbox
from vignette.generation.schemas import TaskStatus

# A stream re-reads its object this often even without a notice (a lost notice costs at most
# this much delay); between notices a stream costs no database work.
REREAD_SECONDS = 30.0


@dataclass(frozen=True, slots=True)
class Event:
    """One server-sent event: its type, id (None: not resumable) and JSON data."""

    type: str
    id: str | None
    data: str


def digest(data: str) -> str:
    """The event id of a document: the same document, the same id."""
    return hashlib.sha256(data.encode()).hexdigest()[:16]


async def task_events(
    read: Callable[[], Awaitable[TaskStatus | None]],
    following: AbstractContextManager[Inbox],
    last_event_id: str | None,
    reread_seconds: float = REREAD_SECONDS,
) -> AsyncIterator[Event]:
    """A job's documents as they change, until a final state (or the job is deleted). The job
    is read after `following` began: a change committed from then on wakes the stream."""
    last = last_event_id
    with following as inbox:
        while (doc := await read()) is not None:
            final = doc.status in FINAL_STATUSES
            event = task_event(doc)
            del doc  # between events a stream holds the last digest alone (memory per stream)
            if event.id != last:
                last = event.id
                yield event
            del event
            if final:
                return
            await inbox.wait(reread_seconds)


def task_event(doc: TaskStatus) -> Event:
    """A task document as an event, its digest the event id."""
    data = doc.model_dump_json()
    return Event("task", digest(data), data)


Reader = Callable[[set[uuid.UUID]], Awaitable[list[BaseModel]]]


async def user_events(
    read_jobs: Reader,
    read_books: Reader,
    following: AbstractContextManager[Inbox],
    reread_seconds: float = REREAD_SECONDS,
) -> AsyncIterator[Event]:
    """Every change to the user's jobs and book imports, for as long as the client stays."""
    with following as inbox:
        yield Event("resync", None, "{}")
        while True:
            changes, resync = await inbox.wait(reread_seconds)
            if resync:
                yield Event("resync", None, "{}")
                continue
            for event_type, kind, read in (
                ("task", "job", read_jobs), ("book", "book", read_books)
            ):  # fmt: skip
                ids = {c.id for c in changes if c.kind == kind}
                for doc in await read(ids) if ids else ():
                    yield Event(event_type, None, doc.model_dump_json())
