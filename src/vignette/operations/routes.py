"""`GET /healthz` (the process answers; nothing else is touched), `GET /readyz` (the
database, Redis and a live worker for every queue) and `GET /metrics` (Prometheus). All
unauthenticated: they say nothing about any user, only counts, and a load balancer, an
orchestrator or a Prometheus server cannot sign in."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel

from vignette import __version__
from vignette.api.deps import RuntimeDep
from vignette.errors import NotFound
from vignette.metrics import CONTENT_TYPE
from vignette.operations.metrics import scrape
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


@router.get(
    "/metrics",
    response_class=Response,
    responses={200: {"content": {CONTENT_TYPE: {}}, "description": "Prometheus text format"}},
)
async def prometheus_metrics(rt: RuntimeDep) -> Response:
    """Prometheus metrics: the counters of every process of this host (API and workers that
    share its metrics directory) and the deployment's jobs, books, queues and breakers."""
    if not rt.settings.metrics_enabled:
        raise NotFound("metrics are turned off (VIGNETTE_METRICS_ENABLED)")
    body = await run_in_threadpool(scrape, rt)
    return Response(body, media_type=CONTENT_TYPE)
