"""Queries for books, chapters and imports; every read a user triggers is scoped to its owner."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session, selectinload

from vignette.books.parsing import ParsedBook
from vignette.db.base import utcnow
from vignette.db.claims import Claim, LeasedTable
from vignette.db.models import (
    Book,
    BookStatus,
    Chapter,
    Description,
    ImageFile,
    ImageJob,
    JobStatus,
)
from vignette.descriptions.extraction import Found

IMPORTS = LeasedTable(
    model=Book,
    id=Book.id,
    status=Book.status,
    token=Book.lease_token,
    lease_expires_at=Book.lease_expires_at,
    deliveries=Book.deliveries,
    running=BookStatus.PROCESSING,
)
_CHAPTER_LIST = selectinload(Book.chapters).load_only(Chapter.id, Chapter.number, Chapter.title)


@dataclass(frozen=True)
class ImportRun:
    """A book import this worker now owns, with what it needs to process it."""

    claim: Claim
    filename: str
    source_sha256: str | None
    deliveries: int
    user_id: uuid.UUID


@dataclass(frozen=True)
class Counts:
    """A book's descriptions, and its completed image jobs (a regenerated passage counts each)."""

    descriptions: int = 0
    images: int = 0


@dataclass(frozen=True)
class Cover:
    """A validated cover image already in storage."""

    sha256: str
    mime_type: str
    width: int
    height: int
    size_bytes: int


def owned_book(session: Session, *, user_id: uuid.UUID, book_id: uuid.UUID) -> Book | None:
    """The user's book with its chapter list."""
    return session.scalar(
        select(Book).where(Book.id == book_id, Book.user_id == user_id).options(_CHAPTER_LIST)
    )


def books_page(
    session: Session, *, user_id: uuid.UUID, limit: int, offset: int
) -> tuple[list[Book], int]:
    """A page of the user's books, newest first, with the total."""
    total = session.scalar(select(func.count()).select_from(Book).where(Book.user_id == user_id))
    books = session.scalars(
        select(Book)
        .where(Book.user_id == user_id)
        .options(_CHAPTER_LIST)
        .order_by(Book.created_at.desc(), Book.id)
        .limit(limit)
        .offset(offset)
    ).all()
    return list(books), total or 0


def counts(session: Session, book_ids: list[uuid.UUID]) -> dict[uuid.UUID, Counts]:
    """Each book's descriptions and completed images, in two grouped queries whatever the
    number of books (the caller has checked that the books are the user's)."""
    if not book_ids:
        return {}
    found = session.execute(
        select(Chapter.book_id, func.count())
        .select_from(Description)
        .join(Chapter, Chapter.id == Description.chapter_id)
        .where(Chapter.book_id.in_(book_ids))
        .group_by(Chapter.book_id)
    ).all()
    # Completed jobs, as the gallery counts them (GET /images/book/{id}?status=completed).
    made = session.execute(
        select(Chapter.book_id, func.count())
        .select_from(ImageJob)
        .join(Description, Description.id == ImageJob.description_id)
        .join(Chapter, Chapter.id == Description.chapter_id)
        .where(Chapter.book_id.in_(book_ids), ImageJob.status == JobStatus.COMPLETED)
        .group_by(Chapter.book_id)
    ).all()
    descriptions = {book_id: int(n) for book_id, n in found}
    images = {book_id: int(n) for book_id, n in made}
    return {i: Counts(descriptions.get(i, 0), images.get(i, 0)) for i in book_ids}


def owned_chapter(session: Session, *, user_id: uuid.UUID, chapter_id: uuid.UUID) -> Chapter | None:
    """The user's chapter with its descriptions."""
    return session.scalar(
        select(Chapter)
        .join(Book, Book.id == Chapter.book_id)
        .where(Chapter.id == chapter_id, Book.user_id == user_id)
        .options(selectinload(Chapter.descriptions))
    )


def owned_cover(session: Session, *, user_id: uuid.UUID, book_id: uuid.UUID) -> ImageFile | None:
    """The user's book's cover image file."""
    return session.scalar(
        select(ImageFile)
        .join(Book, Book.cover_sha256 == ImageFile.sha256)
        .where(Book.id == book_id, Book.user_id == user_id)
    )


def image_shas(session: Session, book: Book) -> set[str]:
    """The image files the book points at: its cover and its jobs' images."""
    shas = set(
        session.scalars(
            select(ImageJob.image_sha256)
            .join(Description, Description.id == ImageJob.description_id)
            .join(Chapter, Chapter.id == Description.chapter_id)
            .where(Chapter.book_id == book.id, ImageJob.image_sha256.is_not(None))
        ).all()
    )
    return {s for s in (shas | {book.cover_sha256}) if s is not None}


def shas_in_use(session: Session, shas: set[str]) -> set[str]:
    """Which of these image files a job or a book cover still points at."""
    jobs = session.scalars(select(ImageJob.image_sha256).where(ImageJob.image_sha256.in_(shas)))
    covers = session.scalars(select(Book.cover_sha256).where(Book.cover_sha256.in_(shas)))
    return {s for s in (*jobs.all(), *covers.all()) if s is not None}


# Worker-side steps of an import, each in its own short transaction (books/runner.py).


def claim_import(session: Session, claim: Claim, *, lease_seconds: float) -> ImportRun | None:
    """Take a processing book that no live run holds, with a new token and a lease; None if
    it is not processing or another run holds it.

    A message delivered again while its import runs (the broker's visibility timeout, a resend)
    finds the lease held and does nothing: one run at a time. After a worker died, its lease
    runs out and the next delivery takes over; the dead run's writes are conditional on its
    token, and store_chapters clears whatever it left.
    """
    where = [Book.status == BookStatus.PROCESSING, IMPORTS.free(utcnow())]
    if not IMPORTS.claim(session, claim, lease_seconds=lease_seconds, where=where):
        return None
    row = session.execute(
        select(Book.filename, Book.source_sha256, Book.deliveries, Book.user_id).where(
            Book.id == claim.id
        )
    ).one()
    return ImportRun(
        claim, filename=row[0], source_sha256=row[1], deliveries=row[2], user_id=row[3]
    )


def store_chapters(
    session: Session, run: ImportRun, *, parsed: ParsedBook, cover: Cover | None
) -> list[tuple[uuid.UUID, str]] | None:
    """Replace the book's chapters and metadata; returns (chapter id, text), None if not ours."""
    claim = run.claim
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
    metadata = {
        Book.title: (parsed.title or run.filename or "Untitled")[:500],
        Book.author: parsed.author[:300],
        Book.language: (parsed.language or "en")[:16],
        Book.genre: (parsed.genre or "")[:64],
        Book.cover_sha256: cover.sha256 if cover else None,
        Book.chapters_total: len(parsed.chapters),
        Book.chapters_done: 0,
    }
    if not IMPORTS.update_owned(session, claim, metadata):
        return None
    # A redelivery starts over: what an interrupted run stored goes (descriptions cascade).
    session.execute(delete(Chapter).where(Chapter.book_id == claim.id))
    chapters = [
        Chapter(book_id=claim.id, number=n, title=c.title[:500], text=c.text)
        for n, c in enumerate(parsed.chapters, start=1)
    ]
    session.add_all(chapters)
    session.flush()
    return [(c.id, c.text) for c in chapters]


def add_descriptions(
    session: Session, claim: Claim, *, chapter_id: uuid.UUID, found: list[Found]
) -> bool:
    """Store one chapter's descriptions and count it done; False if the book is not ours."""
    if not IMPORTS.update_owned(session, claim, {Book.chapters_done: Book.chapters_done + 1}):
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


def finish_import(session: Session, claim: Claim) -> bool:
    """Mark the book ready; False if it is not ours any more."""
    ready = {Book.status: BookStatus.READY, Book.finished_at: utcnow()}
    return IMPORTS.settle(session, claim, ready)


def fail_import(session: Session, claim: Claim, *, code: str, message: str) -> bool:
    """Mark the book failed with a reason; a failed book keeps no half-imported chapters.
    False if the import is no longer this run's."""
    failed = {
        Book.status: BookStatus.FAILED,
        Book.error_code: code,
        Book.error: message[:2000],
        Book.finished_at: utcnow(),
    }
    if not IMPORTS.settle(session, claim, failed):
        return False
    session.execute(delete(Chapter).where(Chapter.book_id == claim.id))
    return True


def source_still_needed(session: Session, sha256: str) -> bool:
    """Whether another book still waits to be processed from the same uploaded file."""
    count = session.scalar(
        select(func.count())
        .select_from(Book)
        .where(Book.source_sha256 == sha256, Book.status == BookStatus.PROCESSING)
    )
    return bool(count)


def reclaim_expired(session: Session, now: datetime) -> list[uuid.UUID]:
    """Books whose importing worker stopped renewing its lease (killed, machine gone): the
    run loses its claim, and the caller sends the import again."""
    return [
        book_id
        for book_id, _ in IMPORTS.expired(session, now)
        if IMPORTS.reclaim(session, book_id, now=now, values={})
    ]


def processing_before(session: Session, before: datetime, limit: int = 1000) -> list[uuid.UUID]:
    """Books still processing that were uploaded before `before`."""
    return list(
        session.scalars(
            select(Book.id)
            .where(Book.status == BookStatus.PROCESSING, Book.created_at < before)
            .order_by(Book.created_at)
            .limit(limit)
        ).all()
    )
