"""Book use cases: create from JSON or an upload, list, read, delete, and their documents."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy.orm import Session

from vignette.books import repository as repo
from vignette.books.parsing import BookRejected, Limits, sniff
from vignette.books.schemas import (
    BookIn,
    BookOut,
    BookPage,
    ChapterOut,
    ChapterSummary,
    DescriptionOut,
    Progress,
)
from vignette.db.base import utcnow
from vignette.db.models import Book, BookStatus, Chapter, Description, ImageFile
from vignette.descriptions.types import TYPE_PRIORITY
from vignette.errors import InvalidInput, NotFound, VignetteError
from vignette.paths import cover_url
from vignette.queue.messages import Message, ProcessBook
from vignette.settings import Settings

SUPPORTED = ("zip", "fb2", "text")


class BookRefused(VignetteError):
    """An upload refused before any work: too large, empty, or not a book format."""

    title = "Book rejected"

    def __init__(self, rejection: BookRejected) -> None:
        super().__init__(rejection.message, code=rejection.code)
        self.status = rejection.status


@dataclass(frozen=True)
class UploadResult:
    """A new book waiting for its import, and the message that starts it."""

    book: Book
    messages: list[Message]


def create_book(session: Session, user_id: uuid.UUID, payload: BookIn) -> Book:
    """Store a book; each description's offsets are found in its chapter's text."""
    book = Book(
        user_id=user_id,
        title=payload.title.strip(),
        author=payload.author.strip(),
        language=payload.language.strip().lower(),
        genre=payload.genre.strip().lower(),
        status=BookStatus.READY,
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


def check_upload(data: bytes, limits: Limits) -> None:
    """Refuse at once what needs no parsing to refuse: too large, empty, not a book format."""
    if len(data) > limits.max_file_bytes:
        too_large = f"The file is larger than {limits.max_file_bytes} bytes."
        raise BookRefused(BookRejected("too_large", too_large))
    if not data.strip():
        raise BookRefused(BookRejected("empty", "The file is empty."))
    kind = sniff(data)
    if kind not in SUPPORTED:
        message = f"This is a {kind} file; send EPUB, FB2 or plain text."
        raise BookRefused(BookRejected("unsupported_format", message))


def create_upload(
    session: Session, user_id: uuid.UUID, *, filename: str, source_sha256: str
) -> UploadResult:
    """A book waiting for its uploaded file to be processed, and its import message."""
    stem = filename.rsplit(".", 1)[0].strip() or "Untitled"
    book = Book(
        user_id=user_id,
        title=stem[:500],
        filename=filename,
        source_sha256=source_sha256,
        status=BookStatus.PROCESSING,
    )
    session.add(book)
    session.flush()
    return UploadResult(book, [ProcessBook(book.id)])


def get_cover(session: Session, user_id: uuid.UUID, book_id: uuid.UUID) -> ImageFile:
    """The book's cover image, or NotFound."""
    cover = repo.owned_cover(session, user_id=user_id, book_id=book_id)
    if cover is None:
        raise NotFound(f"book {book_id} has no cover")
    return cover


def list_books(session: Session, user_id: uuid.UUID, *, limit: int, offset: int) -> BookPage:
    """A page of the user's books, newest first, with the total and each book's counts (a
    fixed number of queries whatever the page's size)."""
    books, total = repo.books_page(session, user_id=user_id, limit=limit, offset=offset)
    counts = repo.counts(session, [b.id for b in books])
    items = [book_out(b, counts[b.id]) for b in books]
    return BookPage(items=items, total=total, limit=limit, offset=offset)


def get_book(session: Session, user_id: uuid.UUID, book_id: uuid.UUID) -> Book:
    """The user's book or NotFound."""
    book = repo.owned_book(session, user_id=user_id, book_id=book_id)
    if book is None:
        raise NotFound(f"book {book_id} not found")
    return book


def get_chapter(session: Session, user_id: uuid.UUID, chapter_id: uuid.UUID) -> Chapter:
    """The user's chapter with its descriptions, or NotFound."""
    chapter = repo.owned_chapter(session, user_id=user_id, chapter_id=chapter_id)
    if chapter is None:
        raise NotFound(f"chapter {chapter_id} not found")
    return chapter


def delete_book(session: Session, user_id: uuid.UUID, book_id: uuid.UUID) -> list[str]:
    """Delete a book and everything under it; returns image files no longer used."""
    book = get_book(session, user_id, book_id)
    shas = repo.image_shas(session, book)
    session.delete(book)
    session.flush()
    return sorted(shas - repo.shas_in_use(session, shas))


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


def book_out(book: Book, counts: repo.Counts) -> BookOut:
    """A book document with its chapter list and its counts."""
    return BookOut(
        id=book.id,
        title=book.title,
        author=book.author,
        language=book.language,
        genre=book.genre,
        status=BookStatus(book.status),
        error=book.error,
        error_code=book.error_code,
        progress=Progress(chapters_done=book.chapters_done, chapters_total=book.chapters_total),
        filename=book.filename,
        cover_url=cover_url(book.id) if book.cover_sha256 else None,
        created_at=book.created_at,
        finished_at=book.finished_at,
        descriptions_found=counts.descriptions,
        images_made=counts.images,
        chapters=[ChapterSummary(id=c.id, number=c.number, title=c.title) for c in book.chapters],
    )


def new_book_out(book: Book) -> BookOut:
    """The document of a book just created: the descriptions it was given, no image yet."""
    found = sum(len(c.descriptions) for c in book.chapters)
    return book_out(book, repo.Counts(descriptions=found))


def book_document(session: Session, user_id: uuid.UUID, book_id: uuid.UUID) -> BookOut:
    """One book's document, with its counts."""
    book = get_book(session, user_id, book_id)
    return book_out(book, repo.counts(session, [book_id])[book_id])
