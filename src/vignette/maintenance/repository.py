"""The SQL of housekeeping: each function removes at most `limit` rows, for one short
transaction (SQLite has one writer; a long delete would stall every submit)."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, cast

from sqlalchemy import CursorResult, Delete, delete, exists, select
from sqlalchemy.orm import Session

from vignette.db.models import (
    Batch,
    BatchJob,
    Book,
    BookStatus,
    BrowserSession,
    IdempotencyRecord,
    ImageFile,
    ImageJob,
    ProviderCall,
)
from vignette.db.models.images import FINAL_STATUSES


@dataclass(frozen=True)
class Expired:
    """What one pass over finished jobs removed, and the image files they pointed at."""

    jobs: int = 0
    batches: int = 0
    images: set[str] = field(default_factory=set)


def _deleted(session: Session, statement: Delete) -> int:
    result = cast(CursorResult[Any], session.execute(statement))
    return result.rowcount


def delete_finished_jobs(session: Session, *, before: datetime, limit: int) -> Expired:
    """Delete up to `limit` jobs that ended before `before`, with their ledger rows and
    batch links, and the batches left empty; never a queued or generating job."""
    rows = session.execute(
        select(ImageJob.id, ImageJob.image_sha256)
        .where(ImageJob.status.in_(FINAL_STATUSES), ImageJob.finished_at < before)
        .limit(limit)
    ).all()
    if not rows:
        return Expired()
    ids = [row.id for row in rows]
    batch_ids = set(session.scalars(select(BatchJob.batch_id).where(BatchJob.job_id.in_(ids))))
    # The rows that reference a job first: no foreign key is left dangling, cascade or not.
    session.execute(delete(BatchJob).where(BatchJob.job_id.in_(ids)))
    session.execute(delete(ProviderCall).where(ProviderCall.job_id.in_(ids)))
    jobs = _deleted(
        session, delete(ImageJob).where(ImageJob.id.in_(ids), ImageJob.status.in_(FINAL_STATUSES))
    )
    batches = 0
    if batch_ids:
        emptied = ~exists().where(BatchJob.batch_id == Batch.id)
        batches = _deleted(session, delete(Batch).where(Batch.id.in_(batch_ids), emptied))
    return Expired(jobs, batches, {row.image_sha256 for row in rows if row.image_sha256})


def referenced_images(session: Session, shas: Collection[str]) -> set[str]:
    """Which of these image files a job or a book cover points at."""
    if not shas:
        return set()
    listed = list(shas)
    jobs = select(ImageJob.image_sha256).where(ImageJob.image_sha256.in_(listed))
    covers = select(Book.cover_sha256).where(Book.cover_sha256.in_(listed))
    return {sha for sha in session.scalars(jobs.union(covers)) if sha is not None}


def uploads_in_use(session: Session, shas: Collection[str]) -> set[str]:
    """The uploaded files among `shas` that a book still waits to be imported from."""
    if not shas:
        return set()
    rows = session.scalars(
        select(Book.source_sha256).where(
            Book.source_sha256.in_(list(shas)), Book.status == BookStatus.PROCESSING
        )
    )
    return {sha for sha in rows if sha is not None}


def delete_image_records(session: Session, shas: Collection[str]) -> None:
    """Delete the image_files rows of these digests that nothing references any more."""
    if not shas:
        return
    unused = (
        ~exists().where(ImageJob.image_sha256 == ImageFile.sha256),
        ~exists().where(Book.cover_sha256 == ImageFile.sha256),
    )
    session.execute(delete(ImageFile).where(ImageFile.sha256.in_(list(shas)), *unused))


def delete_idempotency_keys(session: Session, *, before: datetime, limit: int) -> int:
    """Delete up to `limit` stored Idempotency-Key answers created before `before`."""
    old = select(IdempotencyRecord.id).where(IdempotencyRecord.created_at < before).limit(limit)
    statement = delete(IdempotencyRecord).where(IdempotencyRecord.id.in_(old.scalar_subquery()))
    return _deleted(session, statement.execution_options(synchronize_session=False))


def delete_expired_sessions(session: Session, *, now: datetime, limit: int) -> int:
    """Delete up to `limit` browser sessions that have expired (they open nothing already)."""
    old = select(BrowserSession.id_hash).where(BrowserSession.expires_at <= now).limit(limit)
    statement = delete(BrowserSession).where(BrowserSession.id_hash.in_(old.scalar_subquery()))
    return _deleted(session, statement.execution_options(synchronize_session=False))
