"""Change notices: after a commit that changed a job or a book import, its id is published on
one Redis pub/sub channel; each API process holds one subscription and fans the notices out to
its open event streams (`vignette.events`).

A notice carries only a kind and an id: the database row stays the truth, and a reader of the
notice reads the row. Losing a notice (Redis down, no subscriber yet) delays a stream until its
next re-read; it never loses the change itself. Publishing never fails the work that changed.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from typing import Literal

import redis

log = logging.getLogger(__name__)

CHANNEL = "vignette:changes"
Kind = Literal["job", "book"]
KINDS: tuple[Kind, ...] = ("job", "book")


@dataclass(frozen=True)
class Change:
    """Something about this object changed and is committed."""

    kind: Kind
    id: uuid.UUID

    def encode(self) -> bytes:
        return f"{self.kind}:{self.id}".encode()

    @staticmethod
    def decode(data: bytes | str) -> Change | None:
        """The notice, or None for anything that is not one."""
        text = data.decode() if isinstance(data, bytes) else data
        kind, _, raw = text.partition(":")
        for known in KINDS:
            if kind == known:
                try:
                    return Change(known, uuid.UUID(raw))
                except ValueError:
                    return None
        return None


class ChangeFeed:
    """Publishes change notices; call it after the commit, never inside the transaction."""

    def __init__(self, client: redis.Redis) -> None:
        self.redis = client

    def job(self, job_id: uuid.UUID) -> None:
        self._publish(Change("job", job_id))

    def jobs(self, job_ids: list[uuid.UUID]) -> None:
        """Several jobs' notices in one round trip."""
        if not job_ids:
            return
        try:
            pipe = self.redis.pipeline(transaction=False)
            for job_id in job_ids:
                pipe.publish(CHANNEL, Change("job", job_id).encode())
            pipe.execute()
        except (redis.RedisError, OSError) as exc:
            log.debug("change notices for %d jobs not published: %s", len(job_ids), exc)

    def book(self, book_id: uuid.UUID) -> None:
        self._publish(Change("book", book_id))

    def _publish(self, change: Change) -> None:
        try:
            self.redis.publish(CHANNEL, change.encode())
        except (redis.RedisError, OSError) as exc:
            log.debug("change notice for %s %s not published: %s", change.kind, change.id, exc)
