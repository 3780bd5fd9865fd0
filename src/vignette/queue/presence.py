"""Which queues a live worker consumes: each worker announces itself and its queues every few
seconds, with a short TTL, and readiness reads the announcements (one key per worker, so a
worker that dies drops out by itself)."""

from __future__ import annotations

import json
from collections.abc import Iterable

import redis

PREFIX = "vignette:worker:"
TTL_SECONDS = 15.0
ANNOUNCE_EVERY_SECONDS = TTL_SECONDS / 3


class Presence:
    """The workers' announcements in the broker's Redis."""

    def __init__(self, client: redis.Redis, ttl: float = TTL_SECONDS) -> None:
        self.redis = client
        self.ttl = ttl

    def announce(self, worker: str, queues: Iterable[str]) -> None:
        """`worker` is alive and consumes `queues`, for `ttl` seconds."""
        body = json.dumps(sorted(set(queues)))
        self.redis.set(PREFIX + worker, body, ex=max(1, round(self.ttl)))

    def withdraw(self, worker: str) -> None:
        """`worker` has stopped."""
        self.redis.delete(PREFIX + worker)

    def queues_served(self) -> set[str]:
        """The queues at least one live worker consumes."""
        keys = list(self.redis.scan_iter(match=PREFIX + "*", count=100))
        served: set[str] = set()
        for body in self.redis.mget(keys) if keys else []:
            if body is None:
                continue  # expired between the scan and the read
            try:
                served.update(str(q) for q in json.loads(body))
            except (ValueError, TypeError):
                continue
        return served
