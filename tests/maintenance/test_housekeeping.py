"""Housekeeping on a real database and real files: what goes, and what stays."""

from __future__ import annotations

import logging
import os
import uuid
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select, update

from vignette.api.idempotency import remember
from vignette.books.schemas import BookIn
from vignette.books.service import create_book
from vignette.db.base import utcnow
from vignette.db.models import (
    Batch,
    BatchJob,
    Book,
    BookStatus,
    BrowserSession,
    IdempotencyRecord,
    ImageFile,
    ImageJob,
    JobStatus,
    ProviderCall,
)
from vignette.db.session import Database
from vignette.maintenance.runner import BATCH, Report, Retention, housekeep
from vignette.storage.local import LocalStorage
from vignette.users.service import create_user
from vignette.users.sessions import find_session, open_session

RETENTION = Retention(jobs=timedelta(days=90), idempotency_keys=timedelta(hours=24))
LONG_AGO = timedelta(days=100)


@pytest.fixture
def storage(tmp_path: Path) -> LocalStorage:
    return LocalStorage(tmp_path / "images")


class World:
    """A user with a book of many passages, and helpers to put jobs and files in place."""

    def __init__(self, db: Database, storage: LocalStorage) -> None:
        self.db, self.storage = db, storage
        sentences = [f"A red door number {n} in a white wall." for n in range(12)]
        book = BookIn.model_validate(
            {
                "title": "Doors",
                "chapters": [
                    {
                        "text": " ".join(sentences),
                        "descriptions": [{"type": "object", "text": t} for t in sentences],
                    }
                ],
            }
        )
        with db.write() as s:
            user, _ = create_user(s, f"{uuid.uuid4().hex[:8]}@example.org")
            made = create_book(s, user.id, book)
            self.user_id, self.book_id = user.id, made.id
            self.chapter_id = made.chapters[0].id
            self._free = [d.id for d in made.chapters[0].descriptions]

    def file(self, label: str, *, age: timedelta = timedelta(0), row: bool = True) -> str:
        """Stored bytes last put `age` ago, with their image_files row unless `row` is False."""
        sha = self.storage.put(f"picture {label}".encode())
        when = (utcnow() - age).timestamp()
        os.utime(self.storage.path(sha), (when, when))
        if row:
            with self.db.write() as s:
                s.add(ImageFile(sha256=sha, mime_type="image/png", width=1, height=1,
                                size_bytes=10))  # fmt: skip
        return sha

    def job(
        self, status: JobStatus, *, ended: timedelta | None = None, image: str | None = None
    ) -> uuid.UUID:
        """A job of the next free passage; finished `ended` ago, with a ledger row."""
        finished = utcnow() - ended if ended is not None else None
        with self.db.write() as s:
            job = ImageJob(description_id=self._free.pop(), status=status, prompt="p",
                           params={}, image_sha256=image, finished_at=finished,
                           created_at=(finished or utcnow()) - timedelta(minutes=1))  # fmt: skip
            s.add(job)
            s.flush()
            s.add(ProviderCall(job_id=job.id, attempt=1, provider="procedural", model="m"))
            return job.id

    def batch(self, *job_ids: uuid.UUID) -> uuid.UUID:
        """A chapter batch of these jobs."""
        with self.db.write() as s:
            batch = Batch(user_id=self.user_id, chapter_id=self.chapter_id, max_images=5)
            s.add(batch)
            s.flush()
            for position, job_id in enumerate(job_ids):
                s.add(BatchJob(batch_id=batch.id, job_id=job_id, position=position))
            return batch.id

    def jobs(self) -> set[uuid.UUID]:
        with self.db.read() as s:
            return set(s.scalars(select(ImageJob.id)))

    def count(self, model: type[ProviderCall | Batch | BatchJob | ImageFile]) -> int:
        with self.db.read() as s:
            return s.scalar(select(func.count()).select_from(model)) or 0

    def image_rows(self) -> set[str]:
        with self.db.read() as s:
            return set(s.scalars(select(ImageFile.sha256)))


@pytest.fixture
def world(db: Database, storage: LocalStorage) -> World:
    return World(db, storage)


def test_finished_jobs_past_retention_go_with_their_files_and_ledger(
    world: World, db: Database, storage: LocalStorage
) -> None:
    old_image, shared, recent_image = (world.file(n, age=LONG_AGO) for n in ("a", "s", "r"))
    old_done = world.job(JobStatus.COMPLETED, ended=LONG_AGO, image=old_image)
    old_failed = world.job(JobStatus.FAILED, ended=LONG_AGO)
    old_cancelled = world.job(JobStatus.CANCELLED, ended=LONG_AGO)
    old_sharing = world.job(JobStatus.COMPLETED, ended=LONG_AGO, image=shared)
    recent = world.job(JobStatus.COMPLETED, ended=timedelta(days=1), image=recent_image)
    recent_sharing = world.job(JobStatus.COMPLETED, ended=timedelta(days=1), image=shared)
    # Active jobs never go, however old: a job waits in the queue or runs.
    queued, generating = world.job(JobStatus.QUEUED), world.job(JobStatus.GENERATING)
    with db.write() as s:
        s.execute(update(ImageJob).where(ImageJob.id.in_([queued, generating]))
                  .values(created_at=utcnow() - LONG_AGO))  # fmt: skip
    world.batch(old_done, old_failed)  # left empty: goes too
    mixed = world.batch(old_cancelled, recent)

    report = housekeep(db, storage, RETENTION)

    assert (report.jobs, report.batches, report.image_files) == (4, 1, 1)
    assert world.jobs() == {recent, recent_sharing, queued, generating}
    assert not storage.path(old_image).exists()
    assert storage.path(shared).exists()  # a kept job still shows it
    assert storage.path(recent_image).exists()
    assert world.image_rows() == {shared, recent_image}
    assert world.count(ProviderCall) == 4  # the kept jobs' ledger rows
    with db.read() as s:
        assert set(s.scalars(select(Batch.id))) == {mixed}
        assert set(s.scalars(select(BatchJob.job_id))) == {recent}
    assert old_sharing not in world.jobs()


def test_without_a_retention_every_finished_job_is_kept(
    world: World, db: Database, storage: LocalStorage
) -> None:
    image = world.file("kept", age=LONG_AGO)
    done = world.job(JobStatus.COMPLETED, ended=timedelta(days=3650), image=image)
    forever = Retention(jobs=None, idempotency_keys=timedelta(hours=24))
    report = housekeep(db, storage, forever)
    assert report == Report()
    assert world.jobs() == {done}
    assert storage.path(image).exists()


def test_a_file_put_again_just_now_stays_though_its_old_job_goes(
    world: World, db: Database, storage: LocalStorage
) -> None:
    # A worker has just produced the same bytes and is about to commit its job: putting them
    # touched the file, so neither the file nor its image_files row may go.
    image = world.file("again", age=LONG_AGO)
    world.job(JobStatus.COMPLETED, ended=LONG_AGO, image=image)
    assert storage.put(b"picture again") == image
    report = housekeep(db, storage, RETENTION)
    assert (report.jobs, report.image_files, report.orphaned_files) == (1, 0, 0)
    assert storage.path(image).exists()
    assert world.image_rows() == {image}
    # An hour on, nobody committed a reference: it is an orphan now.
    later = housekeep(db, storage, RETENTION, now=utcnow() + timedelta(hours=2))
    assert later.orphaned_files == 1
    assert not storage.path(image).exists()
    assert world.image_rows() == set()


def test_orphaned_files_go_after_the_grace_period(
    world: World, db: Database, storage: LocalStorage
) -> None:
    two_hours = timedelta(hours=2)
    orphan = world.file("orphan", age=two_hours, row=False)
    orphan_with_row = world.file("orphan with a row", age=two_hours)
    fresh = world.file("being written", age=timedelta(minutes=5), row=False)
    in_use = world.file("in use", age=LONG_AGO)
    cover = world.file("cover", age=LONG_AGO)
    world.job(JobStatus.COMPLETED, ended=timedelta(days=1), image=in_use)
    with db.write() as s:
        s.execute(update(Book).where(Book.id == world.book_id).values(cover_sha256=cover))
    folder = storage.path(orphan).parent
    dead_write, live_write, stranger = (folder / n for n in (".tmp-dead", ".tmp-live", "notes"))
    for path in (dead_write, live_write, stranger):
        path.write_bytes(b"x")
    old = (utcnow() - two_hours).timestamp()
    for path in (dead_write, stranger):
        os.utime(path, (old, old))

    report = housekeep(db, storage, RETENTION)

    assert report.orphaned_files == 3  # two orphans and the dead writer's partial file
    assert not storage.path(orphan).exists()
    assert not storage.path(orphan_with_row).exists()
    assert not dead_write.exists()
    for kept in (fresh, in_use, cover):
        assert storage.path(kept).exists()
    assert live_write.exists()
    assert stranger.exists()  # not a name storage gives: not ours to remove
    assert world.image_rows() == {in_use, cover}


def test_old_idempotency_keys_and_expired_sessions_go_in_batches(
    world: World, db: Database, storage: LocalStorage
) -> None:
    many = BATCH * 2 + 3
    with db.write() as s:
        for n in range(many):
            remember(s, world.user_id, key=f"old-{n}", fingerprint="f", status_code=201, body={})
        s.execute(update(IdempotencyRecord).values(created_at=utcnow() - timedelta(hours=25)))
        remember(s, world.user_id, key="fresh", fingerprint="f", status_code=201, body={})
        live, _ = open_session(s, world.user_id, ttl=timedelta(hours=1))
        # Another user's two sessions, ended a moment ago (signing in again would take them).
        other, _ = create_user(s, "other@example.org")
        for _ in range(2):
            open_session(s, other.id, ttl=timedelta(hours=1))
        s.execute(update(BrowserSession).where(BrowserSession.user_id == other.id)
                  .values(expires_at=utcnow() - timedelta(seconds=1)))  # fmt: skip

    report = housekeep(db, storage, RETENTION)

    assert (report.idempotency_keys, report.sessions) == (many, 2)
    with db.read() as s:
        assert list(s.scalars(select(IdempotencyRecord.key))) == ["fresh"]
        assert s.scalar(select(func.count()).select_from(BrowserSession)) == 1
        assert find_session(s, live) is not None


def test_the_report_is_one_line_at_info_and_quiet_when_nothing_went(
    world: World, db: Database, storage: LocalStorage, caplog: pytest.LogCaptureFixture
) -> None:
    world.job(JobStatus.FAILED, ended=LONG_AGO)
    world.file("orphan", age=timedelta(hours=2), row=False)
    caplog.set_level(logging.DEBUG, logger="vignette.maintenance")
    first = housekeep(db, storage, RETENTION)
    second = housekeep(db, storage, RETENTION)
    assert first.as_dict() == {"jobs": 1, "batches": 0, "image_files": 0, "orphaned_files": 1,
                               "idempotency_keys": 0, "sessions": 0, "uploads": 0}  # fmt: skip
    assert not second.removed
    lines = [(r.levelno, r.getMessage()) for r in caplog.records]
    assert lines == [
        (logging.INFO, "housekeeping: removed 1 jobs, 0 batches, 0 image files, "
                       "1 orphaned files, 0 idempotency keys, 0 sessions, 0 uploads"),
        (logging.DEBUG, second.line()),
    ]  # fmt: skip


def test_uploads_no_import_waits_for_go_after_the_grace_period(
    world: World, db: Database, storage: LocalStorage, tmp_path: Path
) -> None:
    uploads = LocalStorage(tmp_path / "uploads")
    refused = uploads.put(b"a book whose request was refused after its file was stored")
    waiting = uploads.put(b"a book still waiting for its import")
    fresh = uploads.put(b"a book being uploaded right now")
    old = (utcnow() - timedelta(hours=2)).timestamp()
    for sha in (refused, waiting):
        os.utime(uploads.path(sha), (old, old))
    with db.write() as s:
        s.add(Book(user_id=world.user_id, title="Queued", status=BookStatus.PROCESSING,
                   source_sha256=waiting))  # fmt: skip

    report = housekeep(db, storage, RETENTION, uploads=uploads)

    assert report.uploads == 1
    assert not uploads.path(refused).exists()
    assert uploads.path(waiting).exists()  # its import has not run yet
    assert uploads.path(fresh).exists()  # within the grace period
    assert "1 uploads" in report.line()
