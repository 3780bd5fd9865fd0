"""Housekeeping on the beat schedule: its own interval, the light queue, and for real under
`vignette serve` (beat sends it, the worker removes what is past its time)."""

from __future__ import annotations

import os
import time
import uuid
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select, update

from tests.support.api import create_book, description_ids, wait_for
from tests.support.backends import Backend
from tests.support.service import Service
from vignette.db.base import utcnow
from vignette.db.models import BrowserSession, ImageJob
from vignette.db.session import Database
from vignette.queue.celery_app import create_celery
from vignette.queue.names import SCHEDULED, TaskName
from vignette.settings import Settings
from vignette.storage.local import LocalStorage


def test_beat_sends_housekeeping_to_the_light_queue_at_its_own_interval() -> None:
    settings = Settings(housekeeping_interval_seconds=120, reconcile_interval_seconds=5)
    schedule = create_celery(settings).conf.beat_schedule
    entry = schedule[TaskName.HOUSEKEEPING]
    assert entry["task"] == TaskName.HOUSEKEEPING
    assert entry["schedule"] == 120
    assert entry["options"] == {"queue": "light", "expires": 120, "priority": 0}
    assert schedule[TaskName.RECONCILE_JOBS]["schedule"] == 5
    assert set(SCHEDULED.values()) <= set(Settings.model_fields)


def test_operators_set_the_retention_in_days(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("VIGNETTE_IMAGE_RETENTION_DAYS", raising=False)
    assert Settings().image_retention_days == 0  # the default keeps pictures forever
    monkeypatch.setenv("VIGNETTE_IMAGE_RETENTION_DAYS", "90")
    assert Settings().image_retention_days == 90


@pytest.mark.integration
def test_serve_runs_housekeeping_on_its_schedule(fresh_backend: Backend, tmp_path: Path) -> None:
    data = tmp_path / "data"
    svc = Service(data, fresh_backend, housekeeping_interval_seconds=1, image_retention_days=90)
    svc.start()
    db = Database(fresh_backend.database_url or f"sqlite:///{data / 'vignette.db'}")
    try:
        with svc.client() as c:
            passages = description_ids(create_book(c))[:2]
            tasks = [c.post(f"/images/generate/async/{d}").json()["task_id"] for d in passages]
            assert [wait_for(c, t, {"completed", "failed"})["status"] for t in tasks] == [
                "completed",
                "completed",
            ]
            assert c.post("/session", json={"api_key": svc.api_key}).status_code == 200
        old, kept = (uuid.UUID(t) for t in tasks)
        with db.read() as s:
            sha = s.get_one(ImageJob, old).image_sha256
        assert sha is not None
        # The file first: a run between the two steps finds it still in use.
        path = LocalStorage(data / "images").path(sha)
        long_ago = (utcnow() - timedelta(days=100)).timestamp()
        os.utime(path, (long_ago, long_ago))
        with db.write() as s:
            s.execute(update(ImageJob).where(ImageJob.id == old)
                      .values(finished_at=utcnow() - timedelta(days=100)))  # fmt: skip
            s.execute(update(BrowserSession).values(expires_at=utcnow() - timedelta(seconds=1)))

        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and _rows(db) != ({kept}, 0):
            time.sleep(0.2)
        assert _rows(db) == ({kept}, 0)
        assert not path.exists()
    finally:
        db.dispose()
        svc.stop()
    assert (
        "housekeeping: removed 1 jobs, 0 batches, 1 image files, 0 orphaned files, "
        "0 idempotency keys, 1 sessions"
    ) in svc.log()


def _rows(db: Database) -> tuple[set[uuid.UUID], int]:
    """The jobs left, and how many browser sessions."""
    with db.read() as s:
        jobs = set(s.scalars(select(ImageJob.id)))
        return jobs, s.scalar(select(func.count()).select_from(BrowserSession)) or 0
