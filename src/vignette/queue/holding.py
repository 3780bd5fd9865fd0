"""What a worker holds, told to the reconcilers: for each message it has received (waiting for
a slot, on a retry's countdown, running), `received:<send id>` and a short-lived
`held:<send id>`, renewed every `ttl / 3` while the worker lives (`queue/markers.py`).

A worker killed outright hands nothing back: its messages stay unacknowledged in Redis for the
broker's visibility timeout (an hour) and their sent-markers for 10 minutes. Its `held` keys
lapse within `ttl` instead, and the reconciler sends those jobs again; a claim is a
conditional update, so a second message for a job is harmless.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, Protocol

import redis

from vignette.queue.markers import HELD_PREFIX, RECEIVED_PREFIX, SEND_HEADER

MAX_TTL_SECONDS = 15.0
MIN_TTL_SECONDS = 2.0


class HeldMessage(Protocol):
    """What a worker knows of a message it holds (Celery's request)."""

    @property
    def request_dict(self) -> Mapping[str, Any]: ...


def held_ttl(lease_seconds: float) -> float:
    """How long a held message's `held` key lives without renewal: at most one lease, so a
    dead worker's waiting jobs come back no later than its running ones."""
    return max(MIN_TTL_SECONDS, min(lease_seconds, MAX_TTL_SECONDS))


def send_ids(messages: Iterable[HeldMessage]) -> list[str]:
    """The send ids the messages carry (messages sent before send ids existed carry none)."""
    found = []
    for m in messages:
        send = m.request_dict.get(SEND_HEADER)
        if isinstance(send, str) and send:
            found.append(send)
    return found


class HeldMarkers:
    """Records and renews what this worker holds, in one pipeline a round."""

    def __init__(self, client: redis.Redis, ttl: float, received_ttl: float) -> None:
        self.redis = client
        self.ttl = ttl
        self.received_ttl = received_ttl  # as long as a sent-marker may live

    @property
    def renew_every(self) -> float:
        return self.ttl / 3

    def hold(self, messages: Iterable[HeldMessage]) -> int:
        """Record `messages` as received and held for `ttl` more seconds; how many."""
        sends = send_ids(messages)
        if not sends:
            return 0
        pipe = self.redis.pipeline(transaction=False)
        for send in sends:
            pipe.set(RECEIVED_PREFIX + send, b"1", ex=max(1, round(self.received_ttl)))
            pipe.set(HELD_PREFIX + send, b"1", ex=max(1, round(self.ttl)))
        pipe.execute()
        return len(sends)
