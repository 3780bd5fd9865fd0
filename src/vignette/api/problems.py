"""Every error leaves the API as problem details (RFC 9457) with a stable `code`."""

from __future__ import annotations

import logging
from typing import Any

import kombu.exceptions
import redis
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy import exc as sa
from starlette.exceptions import HTTPException as StarletteHTTPException

from vignette.errors import VignetteError

log = logging.getLogger(__name__)
MEDIA_TYPE = "application/problem+json"
# A part that does not answer: the client may try again in this many seconds.
UNAVAILABLE_RETRY_AFTER_SECONDS = 5


def problem(status: int, code: str, title: str, detail: str, **extra: Any) -> JSONResponse:
    """A problem details response."""
    body = {
        "type": f"https://vignette.dev/problems/{code.replace('_', '-')}",
        "title": title,
        "status": status,
        "detail": detail,
        "code": code,
        **extra,
    }
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    if status == 503:
        headers = {"Retry-After": str(UNAVAILABLE_RETRY_AFTER_SECONDS)}
    return JSONResponse(body, status_code=status, media_type=MEDIA_TYPE, headers=headers)


def unreachable_database(exc: sa.DBAPIError) -> bool:
    """A lost or refused connection (or a busy SQLite file), as opposed to a bad statement."""
    return exc.connection_invalidated or isinstance(exc, sa.OperationalError | sa.InterfaceError)


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
    async def _http(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        codes = {
            401: "unauthorized",
            404: "not_found",
            405: "method_not_allowed",
            413: "payload_too_large",
        }
        code = codes.get(exc.status_code, f"http_{exc.status_code}")
        title = code.replace("_", " ").capitalize()
        return problem(exc.status_code, code, title, str(exc.detail))

    @app.exception_handler(sa.DBAPIError)
    async def _database(request: Request, exc: sa.DBAPIError) -> JSONResponse:
        if not unreachable_database(exc):
            return await _crash(request, exc)
        log.warning("the database does not answer: %s", type(exc.orig).__name__)
        return problem(503, "database_unavailable", "Database unavailable",
                       "the database does not answer; try again shortly")  # fmt: skip

    @app.exception_handler(sa.TimeoutError)  # no pooled connection came free in time
    async def _pool(_: Request, exc: sa.TimeoutError) -> JSONResponse:
        log.warning("no database connection came free in time")
        return problem(503, "database_unavailable", "Database unavailable",
                       "the database is overloaded; try again shortly")  # fmt: skip

    @app.exception_handler(redis.ConnectionError)
    @app.exception_handler(redis.TimeoutError)
    @app.exception_handler(kombu.exceptions.OperationalError)
    async def _broker(_: Request, exc: Exception) -> JSONResponse:
        log.warning("Redis does not answer: %s", type(exc).__name__)
        return problem(503, "redis_unavailable", "Queue unavailable",
                       "the queue (Redis) does not answer; try again shortly")  # fmt: skip

    @app.exception_handler(Exception)
    async def _crash(_: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error")
        return problem(500, "internal_error", "Internal error", "an unexpected error occurred")
