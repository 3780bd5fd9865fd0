"""The stack's floor for an open event stream: bare Starlette + sse-starlette on uvicorn, one
event then an idle stream with pings, nothing else (no auth, no database, no hub). Used by
bench/events.py to put Vignette's memory per stream beside what the stack itself costs."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

from sse_starlette import EventSourceResponse, ServerSentEvent
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.routing import Route


async def events(request: Request) -> EventSourceResponse:
    async def stream() -> AsyncIterator[ServerSentEvent]:
        yield ServerSentEvent(data='{"status": "queued"}', event="task", id="1")
        await asyncio.sleep(3600)

    return EventSourceResponse(stream(), ping=15)


app = Starlette(routes=[Route("/events", events)])
