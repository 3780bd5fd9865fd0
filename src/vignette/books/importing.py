"""Worker-side steps of a book import, each one short transaction; tasks.py strings them."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from vignette.books.parsing import ParsedBook
from vignette.db.base import utcnow
from vignette.db.models import Book, Chapter, Description, ImageFile
from vignette.descriptions import Found


@dataclass(frozen=True)
class Claimed:
    """A book this worker now owns, with what it needs to process it."""

    book_id: uuid.UUID
    token: str
    filename: str
    source_sha256: str | None
    deliveries: int


@dataclass(frozen=True)
class Cover:
    """A validated cover image already in storage."""

    sha256: str
    mime_type: str
    width: int
    height: int
    size_bytes: int


def _ours(book_id: uuid.UUID, token: str) -> list[object]:
    return [Book.id == book_id, Book.status == "processing", Book.claim_token == token]


def claim(session: Session, book_id: uuid.UUID, token: str, lease_seconds: float) -> Claimed | None:
    """Take a processing book with a new token and a lease; None if it is not processing.

    A redelivered message takes the book over: the previous run's writes are conditional on
    its token, so they stop counting, and store_chapters clears whatever it left.
    """
    result = session.execute(
        update(Book)
        .where(Book.id == book_id, Book.status == "processing")
        .values(
            claim_token=token,
            lease_expires_at=utcnow() + timedelta(seconds=lease_seconds),
            deliveries=Book.deliveries + 1,
        )
        .execution_options(synchronize_session=False)
    )
    if not result.rowcount:  # type: ignore[attr-defined]
        return None
    row = session.execute(
        select(Book.filename, Book.source_sha256, Book.deliveries).where(Book.id == book_id)
    ).one()
    return Claimed(book_id, token, row[0], row[1], row[2])


def renew_lease(session: Session, job: Claimed, lease_seconds: float) -> bool:
    """Extend the run's lease; False if the book is not ours any more."""
    result = session.execute(
        update(Book)
        .where(*_ours(job.book_id, job.token))  # type: ignore[arg-type]
        .values(lease_expires_at=utcnow() + timedelta(seconds=lease_seconds))
        .execution_options(synchronize_session=False)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


def reclaim_expired(session: Session, now: datetime) -> list[uuid.UUID]:
    """Books whose importing worker stopped renewing its lease (killed, machine gone): the
    run loses its claim, and the caller sends the import again."""
    expired = list(
        session.scalars(
            select(Book.id).where(Book.status == "processing", Book.lease_expires_at < now)
        ).all()
    )
    reclaimed = []
    for book_id in expired:
        result = session.execute(
            update(Book)
            .where(Book.id == book_id, Book.status == "processing", Book.lease_expires_at < now)
            .values(claim_token=None, lease_expires_at=None)
            .execution_options(synchronize_session=False)
        )
        if result.rowcount:  # type: ignore[attr-defined]
            reclaimed.append(book_id)
    return reclaimed


def store_chapters(
    session: Session, job: Claimed, parsed: ParsedBook, cover: Cover | None
) -> list[tuple[uuid.UUID, str]] | None:
    """Replace the book's chapters and metadata; returns (chapter id, text), None if not ours."""
    if cover is not None and session.get(ImageFile, cover.sha256) is None:
        session.add(
            ImageFile(
                sha256=cover.sha256,
                mime_type=cover.mime_type,
                width=cover.width,
                height=cover.height,
                size_bytes=cover.size_bytes,
            )
        )
        session.flush()
    values: dict[str, object] = {
        "title": (parsed.title or job.filename or "Untitled")[:500],
        "author": parsed.author[:300],
        "language": (parsed.language or "en")[:16],
        "genre": (parsed.genre or "")[:64],
        "cover_sha256": cover.sha256 if cover else None,
        "chapters_total": len(parsed.chapters),
        "chapters_done": 0,
    }
    result = session.execute(
        update(Book)
        .where(*_ours(job.book_id, job.token))  # type: ignore[arg-type]
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    if not result.rowcount:  # type: ignore[attr-defined]
        return None
    # A redelivery starts over: what an interrupted run stored goes (descriptions cascade).
    session.execute(delete(Chapter).where(Chapter.book_id == job.book_id))
    chapters = [
        Chapter(book_id=job.book_id, number=n, title=c.title[:500], text=c.text)
        for n, c in enumerate(parsed.chapters, start=1)
    ]
    session.add_all(chapters)
    session.flush()
    return [(c.id, c.text) for c in chapters]


def add_descriptions(
    session: Session, job: Claimed, chapter_id: uuid.UUID, found: list[Found]
) -> bool:
    """Store one chapter's descriptions and count it done; False if the book is not ours."""
    result = session.execute(
        update(Book)
        .where(*_ours(job.book_id, job.token))  # type: ignore[arg-type]
        .values(chapters_done=Book.chapters_done + 1)
        .execution_options(synchronize_session=False)
    )
    if not result.rowcount:  # type: ignore[attr-defined]
        return False
    session.add_all(
        Description(
            chapter_id=chapter_id,
            type=f.type,
            start=f.start,
            end=f.end,
            confidence=f.confidence,
            priority=f.priority,
        )
        for f in found
    )
    session.flush()
    return True


def finish(session: Session, job: Claimed) -> bool:
    """Mark the book ready; False if it is not ours any more."""
    result = session.execute(
        update(Book)
        .where(*_ours(job.book_id, job.token))  # type: ignore[arg-type]
        .values(status="ready", claim_token=None, lease_expires_at=None, finished_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


def fail(session: Session, book_id: uuid.UUID, token: str | None, code: str, message: str) -> None:
    """Mark a processing book failed with a reason (any run's token when `token` is None)."""
    where = [Book.id == book_id, Book.status == "processing"]
    if token is not None:
        where.append(Book.claim_token == token)
    session.execute(
        update(Book)
        .where(*where)
        .values(
            status="failed",
            error_code=code,
            error=message[:2000],
            claim_token=None,
            lease_expires_at=None,
            finished_at=utcnow(),
        )
        .execution_options(synchronize_session=False)
    )
    # A failed book keeps no half-imported chapters.
    if session.scalar(select(Book.status).where(Book.id == book_id)) == "failed":
        session.execute(delete(Chapter).where(Chapter.book_id == book_id))


def source_still_needed(session: Session, sha256: str) -> bool:
    """Whether another book still waits to be processed from the same uploaded file."""
    count = session.scalar(
        select(func.count())
        .select_from(Book)
        .where(Book.source_sha256 == sha256, Book.status == "processing")
    )
    return bool(count)


def processing_before(session: Session, before: datetime, limit: int = 1000) -> list[uuid.UUID]:
    """Books still processing that were uploaded before `before`."""
    return list(
        session.scalars(
            select(Book.id)
            .where(Book.status == "processing", Book.created_at < before)
            .order_by(Book.created_at)
            .limit(limit)
        ).all()
    )
