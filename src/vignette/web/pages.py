"""The web reader's files: the HTML shell at `/`, everything else under `/static/`.

Plain files from the package, no build step: `vignette serve` and `vignette api` serve them
with Python alone. The shell is sent with a strict Content-Security-Policy (scripts, styles
and connections from this origin only).
"""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, FastAPI
from fastapi.responses import FileResponse
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


def install(app: FastAPI) -> None:
    """Serve the shell at `/` and the files under `/static/`."""
    app.include_router(router)
    app.mount("/static", StaticFiles(directory=STATIC, check_dir=False), name="static")
