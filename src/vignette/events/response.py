"""The HTTP side of an event stream: `text/event-stream` with sse-starlette's framing, in as
little memory per open stream as the job allows.

sse-starlette's `EventSourceResponse` runs a task group of four tasks per stream (the stream, a
pinger, a disconnect listener, a shutdown listener) inside the framework's request frames:
about 42 KB per idle stream on uvicorn (`bench/events.py` measures it beside ours). Here the
route's `EventStream` is handed out of the framework (`StreamHandoff`) and sent by the
connection's own task; one more task listens for the client leaving and sends the pings.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from typing import Any

from sse_starlette import ServerSentEvent
from starlette.responses import Response
from starlette.types import ASGIApp, Receive, Scope, Send

from vignette.events.drain import Drain
from vignette.events.streams import Event

PING = b": ping\r\n\r\n"
HANDOFF = "vignette.event_stream"  # the scope key through which a route hands its stream out
ASGI_SCOPE_KEYS = frozenset(
    {
        "type", "asgi", "http_version", "method", "scheme", "path", "raw_path", "query_string",
        "root_path", "headers", "client", "server", "state", "extensions",
    }
)  # fmt: skip


class EventStream(Response):
    """A response sending `events` as server-sent events, and a ping comment every
    `ping_seconds`, until the events end, the client leaves or the drain ends it."""

    media_type = "text/event-stream"

    def __init__(
        self, events: AsyncIterator[Event], *, retry_ms: int, ping_seconds: float, drain: Drain
    ) -> None:
        super().__init__(media_type=self.media_type)
        self.events = events
        self.retry_ms = retry_ms
        self.ping_seconds = ping_seconds
        self.drain = drain

    def frame(self, e: Event) -> bytes:
        """One event in the wire format (sse-starlette's encoder: escaping, CRLF endings)."""
        return ServerSentEvent(data=e.data, event=e.type, id=e.id, retry=self.retry_ms).encode()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        handoff: list[EventStream] | None = scope.get(HANDOFF)
        if handoff is not None:
            handoff.append(self)  # sent by `StreamHandoff`, once the framework's frames are gone
            return
        await self.run(receive, send)

    async def run(self, receive: Receive, send: Send) -> None:
        """Send the stream on the connection until it ends. The events are read in this task;
        the client leaving or the drain cancels it (and only that cancellation is absorbed)."""
        await send(
            {
                "type": "http.response.start",
                "status": 200,
                "headers": [
                    (b"content-type", b"text/event-stream; charset=utf-8"),
                    (b"cache-control", b"no-store"),
                    (b"x-accel-buffering", b"no"),  # no proxy buffering (nginx)
                ],
            }
        )
        task = asyncio.current_task()
        assert task is not None
        done = cancelled = False

        def end() -> None:
            nonlocal cancelled
            if not done and not cancelled:
                cancelled = True
                task.cancel()

        listener = asyncio.ensure_future(_listen(receive, send, end, self.ping_seconds))
        self.drain.add(end)
        try:
            try:
                async for event in self.events:
                    await send(_body(self.frame(event)))
                    del event  # a sent event is not held while the next is awaited
            except asyncio.CancelledError:
                if not cancelled or task.uncancel() > 0:
                    raise  # not (only) ours: the server is cancelling this connection
            done = True
            await send({"type": "http.response.body", "body": b"", "more_body": False})
        except OSError:
            pass  # the client went away while we were sending
        finally:
            done = True
            self.drain.discard(end)
            listener.cancel()
            aclose = getattr(self.events, "aclose", None)
            if aclose is not None:
                await aclose()


class StreamHandoff:
    """The app's outermost layer: a route's `EventStream` is sent here, after the route, its
    dependencies and the framework's middleware have returned, so an open stream holds the
    connection and its own state, not a request's worth of framework frames."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        handoff: list[EventStream] = []
        scope[HANDOFF] = handoff
        await self.app(scope, receive, send)
        if handoff:
            stream = handoff.pop()
            # What the framework left in the scope (exit stacks, route, app) goes with it.
            for key in [k for k in scope if k not in ASGI_SCOPE_KEYS]:
                del scope[key]
            await stream.run(receive, send)


def _body(data: bytes) -> dict[str, Any]:
    return {"type": "http.response.body", "body": data, "more_body": True}


async def _listen(
    receive: Receive, send: Send, end: Callable[[], None], ping_seconds: float
) -> None:
    """Until the client disconnects (then `end()`): a ping every `ping_seconds`."""
    while True:
        try:
            async with asyncio.timeout(ping_seconds):
                message = await receive()
        except TimeoutError:
            try:
                await send(_body(PING))
            except OSError:
                end()
                return
            continue
        if message["type"] == "http.disconnect":
            end()
            return
