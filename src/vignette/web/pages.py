"""The web reader's files: the HTML shell at `/`, everything else under `/static/`.

Plain files from the package, no build step: `vignette serve` and `vignette api` serve them
with Python alone. The shell is sent with a strict Content-Security-Policy (scripts, styles
and connections from this origin only). The service worker at `/sw.js` (scope `/`) is the
static `sw.js` with the list of the shell's files and a version from their contents filled in,
so a changed file installs a new worker.
"""

from __future__ import annotations

import hashlib
import json
from functools import cache
from pathlib import Path

from fastapi import APIRouter, FastAPI
from fastapi.responses import FileResponse, Response
from fastapi.staticfiles import StaticFiles

from vignette.errors import NotFound

STATIC = Path(__file__).parent / "static"
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; img-src 'self' blob: data:; style-src 'self'; script-src 'self'; "
        "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
        "frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-cache",
}

router = APIRouter(include_in_schema=False)


@router.get("/")
def shell() -> FileResponse:
    """The web reader's page."""
    index = STATIC / "index.html"
    if not index.is_file():
        raise NotFound("the web reader is not installed with this package")
    return FileResponse(index, media_type="text/html; charset=utf-8", headers=SECURITY_HEADERS)


@cache
def service_worker_source(static: Path = STATIC) -> str:
    """sw.js with SHELL (the page and every static file) and VERSION (their digest)."""
    files = sorted(p for p in static.rglob("*") if p.is_file() and p.name != "sw.js")
    digest = hashlib.sha256()
    for path in files:
        digest.update(path.relative_to(static).as_posix().encode())
        digest.update(path.read_bytes())
    shell = ["/"] + [
        "/static/" + p.relative_to(static).as_posix() for p in files if p.name != "index.html"
    ]
    source = (static / "sw.js").read_text(encoding="utf-8")
    source = source.replace('const SHELL = ["/"];', f"const SHELL = {json.dumps(shell)};", 1)
    version = digest.hexdigest()[:16]
    return source.replace('const VERSION = "dev";', f'const VERSION = "{version}";', 1)


@router.get("/sw.js")
def service_worker() -> Response:
    """The service worker that keeps the page for a reload offline."""
    if not (STATIC / "sw.js").is_file():
        raise NotFound("the web reader is not installed with this package")
    return Response(
        service_worker_source(),
        media_type="text/javascript; charset=utf-8",
        headers={"Cache-Control": "no-cache", "X-Content-Type-Options": "nosniff"},
    )


def install(app: FastAPI) -> None:
    """Serve the shell at `/` and the files under `/static/`."""
    app.include_router(router)
    app.mount("/static", StaticFiles(directory=STATIC, check_dir=False), name="static")
