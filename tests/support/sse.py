"""Reading server-sent events the way a browser's EventSource does, over a real connection."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import httpx


@dataclass(frozen=True)
class Received:
    """One event as a client gets it."""

    type: str
    id: str | None
    data: dict[str, Any]


def events(response: httpx.Response) -> Iterator[Received]:
    """The events of a streaming response, until the server ends it (comments skipped)."""
    kind, event_id, data = "message", None, list[str]()
    for line in response.iter_lines():
        if not line:
            if data:
                yield Received(kind, event_id, json.loads("\n".join(data)))
            kind, event_id, data = "message", None, []
        elif line.startswith(":"):
            continue  # a ping
        else:
            field, _, value = line.partition(":")
            value = value.removeprefix(" ")
            if field == "event":
                kind = value
            elif field == "id":
                event_id = value
            elif field == "data":
                data.append(value)


@contextmanager
def stream(
    client: httpx.Client, path: str, *, last_event_id: str | None = None, timeout: float = 30.0
) -> Iterator[Iterator[Received]]:
    """Open an event stream; the connection closes when the block ends."""
    headers = {"Last-Event-ID": last_event_id} if last_event_id else {}
    with client.stream("GET", path, headers=headers, timeout=timeout) as response:
        response.raise_for_status()
        assert response.headers["content-type"].startswith("text/event-stream")
        yield events(response)


def take_until(
    received: Iterator[Received], done: Callable[[Received], bool], limit: int = 100
) -> list[Received]:
    """Events up to and including the first for which `done` holds."""
    taken: list[Received] = []
    for event in received:
        taken.append(event)
        if done(event) or len(taken) >= limit:
            break
    return taken
