"""Book counts on a real database: completed images only, each book its own, a fixed number
of grouped queries for a page whatever its size."""

from __future__ import annotations

import uuid

from tests.support.books import one_chapter_book
from tests.support.queries import selects
from vignette.books import service
from vignette.books.schemas import BookIn
from vignette.db.models import ImageFile, ImageJob, JobStatus
from vignette.db.session import Database
from vignette.users.service import create_user

SHA = "c" * 64
# Per book, each description's jobs by status: book n has n + 1 descriptions.
JOBS: list[list[list[JobStatus]]] = [
    [[JobStatus.FAILED]],
    [[JobStatus.COMPLETED, JobStatus.COMPLETED], [JobStatus.QUEUED]],  # a regenerated passage
    [[JobStatus.COMPLETED], [JobStatus.CANCELLED, JobStatus.GENERATING], []],
]
IMAGES = [0, 2, 1]


def _book(n: int) -> BookIn:
    sentences = [f"Tower {i} of book {n} rose over the grey lake." for i in range(n + 1)]
    return BookIn.model_validate(one_chapter_book(f"Book {n}", sentences))


def _library(db: Database) -> tuple[uuid.UUID, list[uuid.UUID]]:
    """A user with three books and their jobs (JOBS), and a stranger whose book has images."""
    with db.write() as s:
        s.add(ImageFile(sha256=SHA, mime_type="image/webp", width=1, height=1, size_bytes=1))
        user, _ = create_user(s, f"{uuid.uuid4().hex[:8]}@ex.org")
        stranger, _ = create_user(s, f"{uuid.uuid4().hex[:8]}@ex.org")
        books = [service.create_book(s, user.id, _book(n)) for n in range(len(JOBS))]
        theirs = service.create_book(s, stranger.id, _book(2))
        plans = [*zip(books, JOBS, strict=True), (theirs, [[JobStatus.COMPLETED]] * 3)]
        for book, plan in plans:
            for desc, statuses in zip(book.chapters[0].descriptions, plan, strict=True):
                for status in statuses:
                    done = status == JobStatus.COMPLETED
                    s.add(
                        ImageJob(
                            description_id=desc.id,
                            status=status,
                            prompt="p",
                            params={},
                            image_sha256=SHA if done else None,
                        )
                    )
        return user.id, [b.id for b in books]


def test_a_page_of_books_carries_each_books_counts_in_two_grouped_queries(db: Database) -> None:
    user_id, ids = _library(db)
    expected = {i: (n + 1, IMAGES[n]) for n, i in enumerate(ids)}
    with db.read() as s:
        with selects(db) as whole:
            page = service.list_books(s, user_id, limit=10, offset=0)
        with selects(db) as one:
            small = service.list_books(s, user_id, limit=1, offset=1)
        assert page.total == small.total == 3
        assert {b.id: (b.descriptions_found, b.images_made) for b in page.items} == expected
        assert small.items == page.items[1:2]
        for book_id, counts in expected.items():
            alone = service.book_document(s, user_id, book_id)
            assert (alone.descriptions_found, alone.images_made) == counts
    assert len(whole) == len(one)
    assert len([q for q in whole if "GROUP BY" in q.upper()]) == 2
