"""`GET /healthz` (the process answers; nothing else is touched) and `GET /readyz` (the
database, Redis and a live worker for every queue). Both unauthenticated: they say nothing about
any user, and a load balancer or an orchestrator cannot sign in."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from vignette import __version__
from vignette.api.deps import RuntimeDep
from vignette.operations.readiness import readiness

router = APIRouter(tags=["operations"])

RETRY_AFTER_SECONDS = 5


class Health(BaseModel):
    status: str
    version: str


class Readiness(BaseModel):
    status: str  # "ready" or "not_ready"
    checks: dict[str, dict[str, Any]]


@router.get("/healthz")
async def healthz() -> Health:
    """Liveness: this process answers."""
    return Health(status="ok", version=__version__)


@router.get(
    "/readyz",
    responses={503: {"model": Readiness, "description": "a part is missing (named in checks)"}},
)
async def readyz(rt: RuntimeDep) -> JSONResponse:
    """Readiness: 200 when the database and Redis answer and every queue has a live worker;
    503 with `Retry-After` and the failing part named otherwise."""
    checks = await run_in_threadpool(readiness, rt)
    ready = all(c.ok for c in checks)
    body = Readiness(
        status="ready" if ready else "not_ready",
        checks={c.name: {"ok": c.ok, "detail": c.detail} for c in checks},
    )
    headers = None if ready else {"Retry-After": str(RETRY_AFTER_SECONDS)}
    return JSONResponse(body.model_dump(), status_code=200 if ready else 503, headers=headers)
