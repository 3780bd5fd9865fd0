"""Marker keys left in the broker's Redis beside each message, so lost messages can be found.

A marker lives in the same Redis as the queue: when the broker loses its data the markers go
with the messages, and a reconciler that finds an active row without a marker sends again.

Each send has its own id, carried by the message (header `vignette_send`) and stored as the
marker's value. A worker that receives a message records it (`received:<send id>`, as long as
the marker may live) and keeps `held:<send id>` alive, a few seconds at a time, while it holds
the message: waiting for a slot, on a retry's countdown, running (`queue/holding.py`). A
message received and no longer held is gone with its worker, whatever the marker says. The
keys are per send, so no write about one send can undo another's.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable

import redis

from vignette.queue.publishing import marker_writer

SEND_HEADER = "vignette_send"
RECEIVED_PREFIX = "vignette:received:"
HELD_PREFIX = "vignette:held:"


class Markers:
    """One family of markers (jobs, book imports), keyed by object id."""

    def __init__(self, client: redis.Redis, prefix: str) -> None:
        self.redis = client
        self.prefix = prefix

    def set(self, object_id: uuid.UUID, ttl: float, send_id: str) -> None:
        """Mark a message as sent, for `ttl` seconds (with the current batch, if any)."""
        writer = marker_writer(self.redis)
        writer.set(self.prefix + str(object_id), send_id.encode(), ex=max(1, int(ttl) + 1))

    def clear(self, object_id: uuid.UUID) -> None:
        """Forget the marker (the message was revoked)."""
        self.redis.delete(self.prefix + str(object_id))

    def missing(self, object_ids: Iterable[uuid.UUID]) -> list[uuid.UUID]:
        """The ids whose marker is gone."""
        ids = list(object_ids)
        if not ids:
            return []
        pipe = self.redis.pipeline(transaction=False)
        for object_id in ids:
            pipe.exists(self.prefix + str(object_id))
        return [i for i, found in zip(ids, pipe.execute(), strict=True) if not found]

    def lost(self, object_ids: Iterable[uuid.UUID]) -> list[uuid.UUID]:
        """The ids whose last message is gone: no marker, or received by a worker that no
        longer holds it (killed before it ran it). Two round trips for any number of ids."""
        ids = list(object_ids)
        if not ids:
            return []
        pipe = self.redis.pipeline(transaction=False)
        for object_id in ids:
            pipe.get(self.prefix + str(object_id))
        sends: list[bytes | None] = pipe.execute()
        for send in sends:
            if send is not None:
                pipe.exists(RECEIVED_PREFIX + send.decode())
                pipe.exists(HELD_PREFIX + send.decode())
        flags = pipe.execute()
        lost, i = [], 0
        for object_id, send in zip(ids, sends, strict=True):
            if send is None:
                lost.append(object_id)
                continue
            received, held = flags[i], flags[i + 1]
            i += 2
            if received and not held:
                lost.append(object_id)
        return lost
