"""Reject request bodies over the configured size with a problem document (Starlette's own
limit answers in plain text), before reading them whole."""

from __future__ import annotations

import json

from starlette.types import ASGIApp, Message, Receive, Scope, Send


class BodySizeLimit:
    """ASGI middleware: 413 problem details when a body exceeds `max_bytes`."""

    def __init__(self, app: ASGIApp, max_bytes: int, uploads: dict[str, int] | None = None) -> None:
        self.app = app
        self.max_bytes = max_bytes
        # POST paths that take multipart file uploads, with their own (larger) limit.
        self.uploads = uploads or {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers", []))
        limit = self.max_bytes
        if scope.get("method") == "POST" and headers.get(b"content-type", b"").startswith(
            b"multipart/form-data"
        ):
            limit = self.uploads.get(scope.get("path", ""), limit)
        for name, value in headers.items():
            if name == b"content-length" and value.isdigit() and int(value) > limit:
                await self._reject(send, limit)
                return
        seen = 0
        overflow = False

        async def limited_receive() -> Message:
            nonlocal seen, overflow
            if overflow:
                return {"type": "http.request", "body": b"", "more_body": False}
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    # Stop reading; whatever the app answers to the cut body is replaced below.
                    overflow = True
                    return {"type": "http.request", "body": b"", "more_body": False}
            return message

        async def replacing_send(message: Message) -> None:
            if not overflow:
                await send(message)
            elif message["type"] == "http.response.start":
                await self._reject(send, limit)

        await self.app(scope, limited_receive, replacing_send)

    async def _reject(self, send: Send, limit: int) -> None:
        body = json.dumps(
            {
                "type": "https://vignette.dev/problems/payload-too-large",
                "title": "Payload too large",
                "status": 413,
                "detail": f"request body is larger than {limit} bytes",
                "code": "payload_too_large",
            }
        ).encode()
        headers = [
            (b"content-type", b"application/problem+json"),
            (b"content-length", str(len(body)).encode()),
        ]
        await send({"type": "http.response.start", "status": 413, "headers": headers})
        await send({"type": "http.response.body", "body": body})
