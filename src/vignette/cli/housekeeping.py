"""`vignette housekeeping`: run the beat schedule's housekeeping once, now."""

from __future__ import annotations

import typer

from vignette.db.session import Database
from vignette.maintenance.runner import Retention, housekeep
from vignette.settings import get_settings
from vignette.storage.local import LocalStorage


def housekeeping() -> None:
    """Remove finished jobs past VIGNETTE_IMAGE_RETENTION_DAYS, orphaned image files, old
    Idempotency-Key answers and expired browser sessions; prints what was removed."""
    settings = get_settings()
    db = Database(settings.resolved_database_url)
    try:
        report = housekeep(
            db,
            LocalStorage(settings.images_dir),
            Retention.from_settings(settings),
            uploads=LocalStorage(settings.uploads_dir),
        )
    finally:
        db.dispose()
    typer.echo(report.line())
