"""An open stream's inbox: notices coalesced, bounded, and a lost track said as such."""

from __future__ import annotations

import asyncio
import uuid

from vignette.events.hub import MAX_PENDING, Inbox
from vignette.queue.changes import Change


def test_notices_about_one_object_wake_the_stream_once() -> None:
    async def run() -> tuple[set[Change], bool, set[Change]]:
        inbox, job = Inbox(), Change("job", uuid.uuid4())
        for _ in range(10):
            inbox.put(job)
        changes, resync = await inbox.wait(1.0)
        after, _ = await inbox.wait(0.05)  # nothing new: it waits out the timeout, empty
        return changes, resync, after

    changes, resync, after = asyncio.run(run())
    assert len(changes) == 1
    assert resync is False
    assert after == set()


def test_too_many_notices_become_one_resync() -> None:
    async def run() -> tuple[set[Change], bool]:
        inbox = Inbox()
        for _ in range(MAX_PENDING + 5):
            inbox.put(Change("job", uuid.uuid4()))
        return await inbox.wait(1.0)

    changes, resync = asyncio.run(run())
    assert resync is True
    assert changes == set()  # the stream reloads everything instead of holding thousands


def test_a_notice_is_decoded_or_refused() -> None:
    job = Change("job", uuid.uuid4())
    assert Change.decode(job.encode()) == job
    assert Change.decode(b"book:" + str(job.id).encode()) == Change("book", job.id)
    assert Change.decode(b"job:not-a-uuid") is None
    assert Change.decode(b"user:" + str(job.id).encode()) is None
