"""Housekeeping, run by beat on the light queue (or `vignette housekeeping`): finished jobs
past their retention with their image files, orphaned image files, old Idempotency-Key
answers and expired browser sessions. Each batch is one short transaction.

An image file is removed only when no row references it and its bytes were last put before
the grace period: a worker writes the file, then commits the row that points at it, and
putting bytes that are already stored touches the file (`LocalStorage.put`).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, fields
from datetime import datetime, timedelta
from itertools import islice

from sqlalchemy.orm import Session

from vignette.db.base import utcnow
from vignette.db.session import Database
from vignette.maintenance import repository as repo
from vignette.settings import Settings
from vignette.storage.local import LocalStorage

log = logging.getLogger(__name__)

BATCH = 500  # rows (or files) per transaction
# Far longer than a worker takes from writing a file to committing the row that names it.
ORPHAN_GRACE = timedelta(hours=1)


@dataclass(frozen=True)
class Retention:
    """How long things are kept; `jobs` None keeps finished jobs and their images forever."""

    jobs: timedelta | None
    idempotency_keys: timedelta
    orphan_grace: timedelta = ORPHAN_GRACE

    @classmethod
    def from_settings(cls, settings: Settings) -> Retention:
        """VIGNETTE_IMAGE_RETENTION_DAYS (0: forever) and VIGNETTE_IDEMPOTENCY_KEY_HOURS."""
        days = settings.image_retention_days
        return cls(
            jobs=timedelta(days=days) if days > 0 else None,
            idempotency_keys=timedelta(hours=settings.idempotency_key_hours),
        )


@dataclass
class Report:
    """What one run removed."""

    jobs: int = 0
    batches: int = 0
    image_files: int = 0  # the files of those jobs that nothing else used
    orphaned_files: int = 0  # files no row references (and partial writes of dead workers)
    idempotency_keys: int = 0
    sessions: int = 0
    uploads: int = 0  # uploaded book files no import waits for (rejected requests' files)

    @property
    def removed(self) -> bool:
        """Whether anything was removed."""
        return any(getattr(self, f.name) for f in fields(self))

    def line(self) -> str:
        """One line for the log and the command line."""
        return (
            f"housekeeping: removed {self.jobs} jobs, {self.batches} batches, "
            f"{self.image_files} image files, {self.orphaned_files} orphaned files, "
            f"{self.idempotency_keys} idempotency keys, {self.sessions} sessions, "
            f"{self.uploads} uploads"
        )

    def as_dict(self) -> dict[str, int]:
        """The counts by name (the task's result)."""
        return {f.name: getattr(self, f.name) for f in fields(self)}


def housekeep(
    db: Database,
    storage: LocalStorage,
    retention: Retention,
    *,
    uploads: LocalStorage | None = None,
    now: datetime | None = None,
) -> Report:
    """Remove everything past its time; logs the report at INFO when anything went."""
    now = now or utcnow()
    written_before = (now - retention.orphan_grace).timestamp()
    report = Report()
    if retention.jobs is not None:
        _expire_jobs(db, storage, report, before=now - retention.jobs, grace=written_before)
    report.orphaned_files = _remove_orphans(db, storage, written_before)
    if uploads is not None:
        report.uploads = _remove_orphaned_uploads(db, uploads, written_before)
    keys_before = now - retention.idempotency_keys
    report.idempotency_keys = _in_batches(
        db, lambda s: repo.delete_idempotency_keys(s, before=keys_before, limit=BATCH)
    )
    report.sessions = _in_batches(
        db, lambda s: repo.delete_expired_sessions(s, now=now, limit=BATCH)
    )
    log.log(logging.INFO if report.removed else logging.DEBUG, report.line())
    return report


def _expire_jobs(
    db: Database, storage: LocalStorage, report: Report, *, before: datetime, grace: float
) -> None:
    while True:
        with db.write() as s:
            expired = repo.delete_finished_jobs(s, before=before, limit=BATCH)
        report.jobs += expired.jobs
        report.batches += expired.batches
        report.image_files += _remove_unused(db, storage, expired.images, grace)
        if expired.jobs < BATCH:
            return


def _remove_orphans(db: Database, storage: LocalStorage, written_before: float) -> int:
    removed = storage.delete_partial_writes(written_before)
    old = (f.sha256 for f in storage.files() if f.modified < written_before)
    for chunk in _chunks(old, BATCH):
        removed += _remove_unused(db, storage, chunk, written_before)
    return removed


def _remove_orphaned_uploads(db: Database, uploads: LocalStorage, written_before: float) -> int:
    """Uploaded files no processing book needs, last put before `written_before`: those of
    requests refused after the file was stored (a bad Idempotency-Key, a conflict, an outage).
    Putting the same bytes again touches the file, so a new upload of them is never taken."""
    removed = uploads.delete_partial_writes(written_before)
    old = (f.sha256 for f in uploads.files() if f.modified < written_before)
    for chunk in _chunks(old, BATCH):
        with db.read() as s:
            unused = chunk - repo.uploads_in_use(s, chunk)
        removed += sum(uploads.delete_if_older(sha, written_before) for sha in sorted(unused))
    return removed


def _remove_unused(
    db: Database, storage: LocalStorage, shas: set[str], written_before: float
) -> int:
    """Remove the files (and image_files rows) of these digests that no row references and
    that were last put before `written_before`; how many files went."""

    def stale(s: Session, candidates: set[str]) -> set[str]:
        unused = candidates - repo.referenced_images(s, candidates)
        return {sha for sha in unused if (storage.modified(sha) or 0.0) < written_before}

    with db.read() as s:  # most files of a sweep are in use: no write lock for them
        candidates = stale(s, shas)
    if not candidates:
        return 0
    with db.write() as s:
        # Again inside the transaction: on SQLite a worker's commit of a reference to one of
        # these waits for ours, and its put (before that commit) has touched the file.
        gone = stale(s, candidates)
        repo.delete_image_records(s, gone)
    return sum(storage.delete_if_older(sha, written_before) for sha in sorted(gone))


def _in_batches(db: Database, step: Callable[[Session], int]) -> int:
    """Run `step` in its own transaction until it removes less than a batch; the total."""
    total = 0
    while True:
        with db.write() as s:
            removed = step(s)
        total += removed
        if removed < BATCH:
            return total


def _chunks(items: Iterable[str], size: int) -> Iterator[set[str]]:
    it = iter(items)
    while chunk := set(islice(it, size)):
        yield chunk
