"""Sent-markers and what workers hold, on a real Redis: a job's message counts as lost when its
marker is gone, or when a worker received it and stopped holding it (killed)."""

from __future__ import annotations

import time
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import redis

from vignette.queue.holding import HeldMarkers
from vignette.queue.markers import HELD_PREFIX, SEND_HEADER, Markers


@dataclass
class Received:
    """A message as a worker holds it (the part of Celery's request that is read)."""

    send_id: str
    request_dict: Mapping[str, Any] = field(init=False)

    def __post_init__(self) -> None:
        self.request_dict = {SEND_HEADER: self.send_id}


def test_lost_means_unmarked_or_received_and_no_longer_held(client: redis.Redis) -> None:
    markers = Markers(client, "vignette:sent:")
    holding = HeldMarkers(client, ttl=1, received_ttl=60)
    waiting, running, dropped, flushed = (uuid.uuid4() for _ in range(4))
    sends = {job: uuid.uuid4().hex[:16] for job in (waiting, running, dropped, flushed)}
    for job, send in sends.items():
        markers.set(job, 60, send)
    assert holding.hold([Received(sends[running]), Received(sends[dropped])]) == 2
    client.delete("vignette:sent:" + str(flushed))  # the broker lost it

    # `running`'s worker keeps renewing; `dropped`'s was killed and its key lapses.
    deadline = time.monotonic() + 10
    while client.exists(HELD_PREFIX + sends[dropped]) and time.monotonic() < deadline:
        holding.hold([Received(sends[running])])
        time.sleep(0.1)
    holding.hold([Received(sends[running])])
    assert markers.lost([waiting, running, dropped, flushed]) == [dropped, flushed]

    # Sent again: a new send, waiting in the queue, is not lost whatever became of the old one.
    markers.set(dropped, 60, uuid.uuid4().hex[:16])
    assert markers.lost([dropped]) == []
    assert markers.lost([]) == []


def test_messages_without_a_send_id_are_not_recorded(client: redis.Redis) -> None:
    @dataclass
    class Old:
        request_dict: Mapping[str, Any]

    holding = HeldMarkers(client, ttl=5, received_ttl=60)
    assert holding.hold([Old({}), Old({SEND_HEADER: ""}), Old({SEND_HEADER: 7})]) == 0
    assert not client.keys("vignette:received:*")
