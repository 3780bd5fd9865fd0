"""The FastAPI application factory."""

from __future__ import annotations

import logging
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.concurrency import run_in_threadpool
from starlette.types import ASGIApp

from vignette import __version__
from vignette.api import problems
from vignette.api.committer import Committer
from vignette.api.limits import BodySizeLimit
from vignette.batches.routes import router as batches_router
from vignette.books.routes import router as books_router
from vignette.events.drain import Drain
from vignette.events.hub import ChangeHub
from vignette.events.repository import owner_of
from vignette.events.response import StreamHandoff
from vignette.events.routes import router as events_router
from vignette.gallery.routes import router as gallery_router
from vignette.generation.routes import router as images_router
from vignette.metrics import metrics
from vignette.operations.routes import router as operations_router
from vignette.paths import API_PREFIX
from vignette.queue.changes import Change
from vignette.runtime import Runtime, build_runtime
from vignette.settings import Settings, get_settings
from vignette.usage.routes import router as usage_router
from vignette.web import pages
from vignette.web.routes import router as session_router


class VignetteAPI(FastAPI):
    """FastAPI with `StreamHandoff` outside its middleware stack."""

    def build_middleware_stack(self) -> ASGIApp:
        return StreamHandoff(super().build_middleware_stack())


def create_app(settings: Settings | None = None, runtime: Runtime | None = None) -> FastAPI:
    """Build the app; the runtime (engine, clients) is created at start-up, not at import."""
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.runtime = runtime or build_runtime(settings)
        rt: Runtime = app.state.runtime
        rt.dispatcher.failing_sends = rt.settings.fault_fail_sends  # tests only: the API's sends
        app.state.committer = Committer(rt)

        def owner(change: Change) -> uuid.UUID | None:
            with rt.db.read() as session:
                return owner_of(session, change)

        async def lookup(change: Change) -> uuid.UUID | None:
            return await run_in_threadpool(owner, change)

        app.state.hub = ChangeHub(rt.settings.redis_url or "", lookup)
        app.state.hub.start()
        app.state.drain = Drain()
        app.state.drain.start()
        try:
            yield
        finally:
            await app.state.drain.stop()
            await app.state.hub.stop()
            rt.close()

    app = VignetteAPI(
        title="Vignette",
        version=__version__,
        description="Illustrations for books, generated as queued jobs.",
        lifespan=lifespan,
    )
    # Multipart framing adds a little to the file itself; the route checks the file's own size.
    uploads = {f"{API_PREFIX}/books": settings.max_upload_bytes + 64 * 1024}
    app.add_middleware(BodySizeLimit, max_bytes=settings.max_request_bytes, uploads=uploads)
    problems.install(app)
    app.include_router(books_router, prefix=API_PREFIX)
    # Before the generation router, so /images/book/..., /images/user/stats and the other
    # literal paths are matched before /images/{image_id}.
    app.include_router(batches_router, prefix=API_PREFIX)
    app.include_router(gallery_router, prefix=API_PREFIX)
    app.include_router(usage_router, prefix=API_PREFIX)
    app.include_router(events_router, prefix=API_PREFIX)
    app.include_router(session_router, prefix=API_PREFIX)
    app.include_router(images_router, prefix=API_PREFIX)

    app.include_router(operations_router)
    metrics()  # this process's series exist from the start, at zero
    pages.install(app)
    logging.getLogger("vignette").setLevel(settings.log_level.upper())
    return app
