"""One subscription per API process to the change channel, fanned out to its open streams.

Each open stream holds an `Inbox`: the changes it is waiting for, coalesced (a stream re-reads
the row, so ten notices about one job before it wakes are one re-read) and bounded. The hub
never reads the database for a stream; it asks `owner_of` once per notice, and only when a
user-wide stream is open, to route job and book notices to their owner's streams.

When the subscription is lost and comes back, every inbox is told to re-read everything: what
was published in between is not replayed by pub/sub.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

import redis.asyncio as aioredis
from redis.exceptions import RedisError

from vignette.queue.changes import CHANNEL, Change

log = logging.getLogger(__name__)

# Changes an inbox keeps before it gives up on details and asks its stream to re-read all.
MAX_PENDING = 1000
RECONNECT_SECONDS = 1.0


@dataclass(eq=False, slots=True)
class Inbox:
    """What one open stream has been told since it last looked."""

    pending: set[Change] = field(default_factory=set)
    resync: bool = False  # changes may have been missed: re-read everything
    # The waiting stream's future (a bare future and a timer, not a task: memory per stream).
    _waiter: asyncio.Future[None] | None = None

    def _wake(self) -> None:
        if self._waiter is not None and not self._waiter.done():
            self._waiter.set_result(None)

    def put(self, change: Change) -> None:
        if len(self.pending) >= MAX_PENDING:
            self.resync = True
            self.pending.clear()
        elif not self.resync:
            self.pending.add(change)
        self._wake()

    def lost_track(self) -> None:
        self.resync = True
        self.pending.clear()
        self._wake()

    async def wait(self, timeout: float) -> tuple[set[Change], bool]:
        """The changes so far and whether to re-read all; waits up to `timeout` for one."""
        if not self.pending and not self.resync:
            loop = asyncio.get_running_loop()
            self._waiter = waiter = loop.create_future()
            timer = loop.call_later(timeout, self._wake)
            try:
                await waiter
            finally:
                timer.cancel()
                self._waiter = None
        changes, resync = self.pending, self.resync
        self.pending, self.resync = set(), False
        return changes, resync


OwnerLookup = Callable[[Change], Awaitable[uuid.UUID | None]]


class Following:
    """Entering opens an inbox in the hub's registry under `key`; leaving closes it. (A class,
    not a generator-based context manager: one small object per open stream.)"""

    __slots__ = ("_inbox", "_key", "_registry")

    def __init__(self, registry: dict[uuid.UUID, set[Inbox]], key: uuid.UUID) -> None:
        self._registry = registry
        self._key = key
        self._inbox: Inbox | None = None

    def __enter__(self) -> Inbox:
        self._inbox = Inbox()
        self._registry.setdefault(self._key, set()).add(self._inbox)
        return self._inbox

    def __exit__(self, *_: object) -> None:
        inboxes = self._registry.get(self._key)
        if inboxes is not None and self._inbox is not None:
            inboxes.discard(self._inbox)
            if not inboxes:
                del self._registry[self._key]
        self._inbox = None


class ChangeHub:
    """Routes change notices to the inboxes of the streams that follow them."""

    def __init__(self, redis_url: str, owner_of: OwnerLookup) -> None:
        self._url = redis_url
        self._owner_of = owner_of
        self._by_object: dict[uuid.UUID, set[Inbox]] = {}
        self._by_user: dict[uuid.UUID, set[Inbox]] = {}
        self._task: asyncio.Task[None] | None = None
        self.connected = asyncio.Event()

    @property
    def streams(self) -> int:
        """How many inboxes are open."""
        return sum(map(len, self._by_object.values())) + sum(map(len, self._by_user.values()))

    def start(self) -> None:
        """Subscribe (on the running loop); reconnects by itself until `stop`."""
        if self._task is None:
            self._task = asyncio.get_running_loop().create_task(self._listen())

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    def following(
        self, *, object_id: uuid.UUID | None = None, user_id: uuid.UUID | None = None
    ) -> Following:
        """An inbox for one object's notices, or for every notice about a user's objects, open
        while the returned context is entered."""
        registry, key = (self._by_user, user_id) if user_id else (self._by_object, object_id)
        if key is None:
            raise ValueError("follow an object or a user")
        return Following(registry, key)

    async def _listen(self) -> None:
        client = aioredis.Redis.from_url(self._url)
        try:
            while True:
                try:
                    async with client.pubsub() as pubsub:
                        await pubsub.subscribe(CHANNEL)
                        self._everyone_lost_track()  # what came before the subscription
                        self.connected.set()
                        async for message in pubsub.listen():
                            if message.get("type") == "message":
                                await self._route(message["data"])
                except (RedisError, OSError) as exc:
                    self.connected.clear()
                    log.warning("change notices: subscription lost (%s); reconnecting", exc)
                    await asyncio.sleep(RECONNECT_SECONDS)
        finally:
            self.connected.clear()
            await client.aclose()

    async def _route(self, data: bytes) -> None:
        change = Change.decode(data)
        if change is None:
            return
        for inbox in self._by_object.get(change.id, ()):
            inbox.put(change)
        if not self._by_user:
            return
        try:
            owner = await self._owner_of(change)
        except Exception:  # a database hiccup must not end the subscription
            log.exception("change notices: could not find the owner of %s", change)
            for inboxes in self._by_user.values():
                for inbox in inboxes:
                    inbox.lost_track()
            return
        for inbox in self._by_user.get(owner, ()) if owner else ():
            inbox.put(change)

    def _everyone_lost_track(self) -> None:
        for registry in (self._by_object, self._by_user):
            for inboxes in registry.values():
                for inbox in inboxes:
                    inbox.lost_track()
