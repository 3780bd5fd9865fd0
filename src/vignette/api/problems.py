"""Every error leaves the API as problem details (RFC 9457) with a stable `code`."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match

from vignette.errors import VignetteError
from vignette.runtime import OUTAGE_ERRORS, unreachable

log = logging.getLogger(__name__)
MEDIA_TYPE = "application/problem+json"
# A part that does not answer: the client may try again in this many seconds.
UNAVAILABLE_RETRY_AFTER_SECONDS = 5
UNAVAILABLE = {
    "database": ("database_unavailable", "Database unavailable"),
    "redis": ("redis_unavailable", "Queue unavailable"),
}


def problem(
    status: int,
    code: str,
    title: str,
    detail: str,
    headers: Mapping[str, str] | None = None,
    **extra: Any,
) -> JSONResponse:
    """A problem details response (with `headers`, e.g. a 405's `Allow`)."""
    body = {
        "type": f"https://vignette.dev/problems/{code.replace('_', '-')}",
        "title": title,
        "status": status,
        "detail": detail,
        "code": code,
        **extra,
    }
    headers = dict(headers or {})
    if status == 401:
        headers["WWW-Authenticate"] = "Bearer"
    if status == 503:
        headers["Retry-After"] = str(UNAVAILABLE_RETRY_AFTER_SECONDS)
    return JSONResponse(body, status_code=status, media_type=MEDIA_TYPE, headers=headers)


METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE")


def _allowed(request: Request) -> str:
    """Every method some route takes at this path: Starlette's 405 names only the methods of
    the first route it found, and a path often has a route per method."""
    routes = request.app.router.routes
    allowed = [
        method
        for method in METHODS
        if any(r.matches({**request.scope, "method": method})[0] == Match.FULL for r in routes)
    ]
    return ", ".join(allowed)


def _validation_errors(exc: RequestValidationError) -> list[dict[str, Any]]:
    # Echo where and what, never the (possibly huge or secret) input itself.
    return [
        {"loc": list(err.get("loc", ())), "msg": err.get("msg", ""), "type": err.get("type", "")}
        for err in exc.errors()
    ]


def install(app: FastAPI) -> None:
    """Register the handlers that turn exceptions into problem details."""

    @app.exception_handler(VignetteError)
    async def _vignette(_: Request, exc: VignetteError) -> JSONResponse:
        return problem(exc.status, exc.code, exc.title, exc.detail, **exc.extra)

    @app.exception_handler(RequestValidationError)
    async def _invalid(_: Request, exc: RequestValidationError) -> JSONResponse:
        errors = _validation_errors(exc)
        first = errors[0] if errors else {"loc": [], "msg": "invalid request"}
        where = ".".join(str(p) for p in first["loc"])
        return problem(
            422, "validation_error", "Invalid request", f"{where}: {first['msg']}", errors=errors
        )

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        codes = {
            401: "unauthorized",
            404: "not_found",
            405: "method_not_allowed",
            413: "payload_too_large",
            415: "unsupported_media_type",
        }
        code = codes.get(exc.status_code, f"http_{exc.status_code}")
        title = code.replace("_", " ").capitalize()
        headers = dict(exc.headers or {})
        if exc.status_code == 405:
            headers["Allow"] = _allowed(request)
        return problem(exc.status_code, code, title, str(exc.detail), headers=headers)

    async def _unavailable(request: Request, exc: Exception) -> JSONResponse:
        part = unreachable(exc)
        if part is None:
            return await _crash(request, exc)
        # Not a bug: a part that does not answer, for now.
        log.warning("the %s does not answer: %s", part, type(exc).__name__)
        code, title = UNAVAILABLE[part]
        return problem(503, code, title, f"the {part} does not answer; try again shortly")

    for error in OUTAGE_ERRORS:
        app.add_exception_handler(error, _unavailable)

    @app.exception_handler(Exception)
    async def _crash(_: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error")
        return problem(500, "internal_error", "Internal error", "an unexpected error occurred")
