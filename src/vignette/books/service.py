"""Book use cases: create from JSON or an upload, list, read, delete."""

from __future__ import annotations

import uuid

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from vignette.books.parsing import BookRejected, Limits, sniff
from vignette.books.schemas import (
    BookIn,
    BookOut,
    ChapterOut,
    ChapterSummary,
    DescriptionOut,
    Progress,
)
from vignette.db.base import utcnow
from vignette.db.models import Book, Chapter, Description, ImageFile, ImageJob
from vignette.errors import InvalidInput, NotFound
from vignette.settings import Settings
from vignette.storage.local import LocalStorage

API_PREFIX = "/api/v1"
SUPPORTED = ("zip", "fb2", "text")

# Descriptions given by hand are taken at face value; ordering follows the type ranking.
TYPE_PRIORITY = {"location": 5.0, "character": 4.0, "atmosphere": 3.0, "object": 2.0, "action": 1.0}


def create_book(session: Session, user_id: uuid.UUID, payload: BookIn) -> Book:
    """Store a book; each description's offsets are found in its chapter's text."""
    book = Book(
        user_id=user_id,
        title=payload.title.strip(),
        author=payload.author.strip(),
        language=payload.language.strip().lower(),
        genre=payload.genre.strip().lower(),
        status="ready",
        chapters_total=len(payload.chapters),
        chapters_done=len(payload.chapters),
        finished_at=utcnow(),
    )
    for number, chapter_in in enumerate(payload.chapters, start=1):
        chapter = Chapter(number=number, title=chapter_in.title.strip(), text=chapter_in.text)
        seen_from: dict[str, int] = {}
        for index, desc in enumerate(chapter_in.descriptions):
            start = chapter_in.text.find(desc.text, seen_from.get(desc.text, 0))
            if start < 0:
                raise InvalidInput(
                    f"chapters[{number - 1}].descriptions[{index}]: "
                    "the description text does not occur in the chapter text",
                    code="description_not_in_chapter",
                )
            end = start + len(desc.text)
            seen_from[desc.text] = end
            chapter.descriptions.append(
                Description(
                    type=desc.type,
                    start=start,
                    end=end,
                    confidence=1.0,
                    priority=TYPE_PRIORITY[desc.type],
                )
            )
        book.chapters.append(chapter)
    session.add(book)
    session.flush()
    return book


def limits(settings: Settings) -> Limits:
    """Parsing limits for uploads under these settings."""
    return Limits(max_file_bytes=settings.max_upload_bytes)


def upload_storage(settings: Settings) -> LocalStorage:
    """Uploaded book files, content-addressed, kept until their import ends."""
    return LocalStorage(settings.data_dir / "uploads")


def check_upload(data: bytes, limits: Limits) -> None:
    """Refuse at once what needs no parsing to refuse: too large, empty, not a book format."""
    if len(data) > limits.max_file_bytes:
        raise BookRejected("too_large", f"The file is larger than {limits.max_file_bytes} bytes.")
    if not data.strip():
        raise BookRejected("empty", "The file is empty.")
    kind = sniff(data)
    if kind not in SUPPORTED:
        raise BookRejected(
            "unsupported_format", f"This is a {kind} file; send EPUB, FB2 or plain text."
        )


def create_upload(session: Session, user_id: uuid.UUID, filename: str, source_sha256: str) -> Book:
    """A book waiting for its uploaded file to be processed."""
    stem = filename.rsplit(".", 1)[0].strip() or "Untitled"
    book = Book(
        user_id=user_id,
        title=stem[:500],
        filename=filename,
        source_sha256=source_sha256,
        status="processing",
    )
    session.add(book)
    session.flush()
    return book


def get_cover(session: Session, user_id: uuid.UUID, book_id: uuid.UUID) -> ImageFile:
    """The book's cover image, or NotFound."""
    cover = session.scalar(
        select(ImageFile)
        .join(Book, Book.cover_sha256 == ImageFile.sha256)
        .where(Book.id == book_id, Book.user_id == user_id)
    )
    if cover is None:
        raise NotFound(f"book {book_id} has no cover")
    return cover


def list_books(
    session: Session, user_id: uuid.UUID, limit: int, offset: int
) -> tuple[list[Book], int]:
    """A page of the user's books, newest first, with the total."""
    total = session.scalar(select(func.count()).select_from(Book).where(Book.user_id == user_id))
    books = session.scalars(
        select(Book)
        .where(Book.user_id == user_id)
        .options(selectinload(Book.chapters).load_only(Chapter.id, Chapter.number, Chapter.title))
        .order_by(Book.created_at.desc(), Book.id)
        .limit(limit)
        .offset(offset)
    ).all()
    return list(books), total or 0


def get_book(session: Session, user_id: uuid.UUID, book_id: uuid.UUID) -> Book:
    """The user's book or NotFound."""
    book = session.scalar(
        select(Book)
        .where(Book.id == book_id, Book.user_id == user_id)
        .options(selectinload(Book.chapters).load_only(Chapter.id, Chapter.number, Chapter.title))
    )
    if book is None:
        raise NotFound(f"book {book_id} not found")
    return book


def count_descriptions(session: Session, book_id: uuid.UUID) -> int:
    """How many descriptions the book's chapters have."""
    query = (
        select(func.count())
        .select_from(Description)
        .join(Chapter, Chapter.id == Description.chapter_id)
        .where(Chapter.book_id == book_id)
    )
    return session.scalar(query) or 0


def get_chapter(session: Session, user_id: uuid.UUID, chapter_id: uuid.UUID) -> Chapter:
    """The user's chapter with its descriptions, or NotFound."""
    chapter = session.scalar(
        select(Chapter)
        .join(Book, Book.id == Chapter.book_id)
        .where(Chapter.id == chapter_id, Book.user_id == user_id)
        .options(selectinload(Chapter.descriptions))
    )
    if chapter is None:
        raise NotFound(f"chapter {chapter_id} not found")
    return chapter


def delete_book(session: Session, user_id: uuid.UUID, book_id: uuid.UUID) -> list[str]:
    """Delete a book and everything under it; returns image files no longer used."""
    book = get_book(session, user_id, book_id)
    covers = {book.cover_sha256} if book.cover_sha256 else set()
    shas = covers | set(
        session.scalars(
            select(ImageJob.image_sha256)
            .join(Description, Description.id == ImageJob.description_id)
            .join(Chapter, Chapter.id == Description.chapter_id)
            .where(Chapter.book_id == book_id, ImageJob.image_sha256.is_not(None))
        ).all()
    )
    session.delete(book)
    session.flush()
    still_used = set(
        session.scalars(select(ImageJob.image_sha256).where(ImageJob.image_sha256.in_(shas))).all()
    ) | set(session.scalars(select(Book.cover_sha256).where(Book.cover_sha256.in_(shas))).all())
    return sorted(s for s in shas if s is not None and s not in still_used)


def chapter_out(chapter: Chapter) -> ChapterOut:
    """A chapter document; description texts are slices of the chapter text."""
    return ChapterOut(
        id=chapter.id,
        book_id=chapter.book_id,
        number=chapter.number,
        title=chapter.title,
        text=chapter.text,
        descriptions=[
            DescriptionOut(
                id=d.id,
                type=d.type,
                text=chapter.text[d.start : d.end],
                start=d.start,
                end=d.end,
                confidence=d.confidence,
                priority=d.priority,
            )
            for d in chapter.descriptions
        ],
    )


def book_out(book: Book) -> BookOut:
    """A book document with its chapter list."""
    return BookOut(
        id=book.id,
        title=book.title,
        author=book.author,
        language=book.language,
        genre=book.genre,
        status=book.status,  # type: ignore[arg-type]
        error=book.error,
        error_code=book.error_code,
        progress=Progress(chapters_done=book.chapters_done, chapters_total=book.chapters_total),
        filename=book.filename,
        cover_url=f"{API_PREFIX}/books/{book.id}/cover" if book.cover_sha256 else None,
        created_at=book.created_at,
        finished_at=book.finished_at,
        chapters=[ChapterSummary(id=c.id, number=c.number, title=c.title) for c in book.chapters],
    )
