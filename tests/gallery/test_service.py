"""Listings on a real database: each item is its task document with its book, chapter and
passage, and a page takes the same queries whatever its size."""

from __future__ import annotations

import uuid

from tests.support.books import one_chapter_book
from tests.support.queries import selects
from vignette.books.schemas import BookIn
from vignette.books.service import create_book
from vignette.db.models import Book, ImageFile, ImageJob, JobStatus
from vignette.db.session import Database
from vignette.gallery import service
from vignette.gallery.service import PageRequest
from vignette.generation.documents import describe
from vignette.users.service import create_user

SHA = "d" * 64


def _book(title: str, n: int) -> BookIn:
    body = one_chapter_book(title, [f"{title}: tower {i} rose over the lake." for i in range(n)])
    body["chapters"].insert(0, {"title": "Prologue", "text": "Nothing happened."})
    body["chapters"][1]["title"] = f"{title} at dusk"
    return BookIn.model_validate(body)


def _jobs(db: Database) -> tuple[uuid.UUID, list[uuid.UUID]]:
    """A user's completed jobs over two books (in their second chapters), and a stranger's."""
    with db.write() as s:
        s.add(ImageFile(sha256=SHA, mime_type="image/webp", width=1, height=1, size_bytes=1))
        user, _ = create_user(s, f"{uuid.uuid4().hex[:8]}@ex.org")
        stranger, _ = create_user(s, f"{uuid.uuid4().hex[:8]}@ex.org")
        books = [
            create_book(s, user.id, _book("North", 2)),
            create_book(s, user.id, _book("South", 3)),
            create_book(s, stranger.id, _book("Elsewhere", 2)),
        ]
        jobs = {
            b.id: [
                ImageJob(
                    description_id=d.id,
                    status=JobStatus.COMPLETED,
                    prompt=f"p{d.id}",
                    params={},
                    image_sha256=SHA,
                )
                for d in b.chapters[1].descriptions
            ]
            for b in books
        }
        s.add_all(j for js in jobs.values() for j in js)
        s.flush()
        return user.id, [j.id for b in books[:2] for j in jobs[b.id]]


def test_items_carry_their_context_in_a_fixed_number_of_queries(db: Database) -> None:
    user_id, mine = _jobs(db)
    with db.read() as s:
        with selects(db) as whole:
            page = service.user_images(s, user_id, page=PageRequest(limit=20, offset=0))
        with selects(db) as one:
            small = service.user_images(s, user_id, page=PageRequest(limit=1, offset=2))
        assert page.total == small.total == 5
        assert sorted(i.task_id for i in page.items) == sorted(mine)
        assert small.items == page.items[2:3]
        for item in page.items:
            job = s.get_one(ImageJob, item.task_id)
            alone = describe(s, job)
            assert item.model_dump(include=set(type(alone).model_fields)) == alone.model_dump()
            book = s.get_one(Book, item.book_id)
            chapter = next(c for c in book.chapters if c.id == item.chapter_id)
            (d,) = [d for d in chapter.descriptions if d.id == job.description_id]
            assert book.user_id == user_id
            assert (item.book_title, item.chapter_number, item.chapter_title) == (
                book.title, 2, f"{book.title} at dusk",
            )  # fmt: skip
            assert (item.description.id, item.description.type) == (d.id, "location")
            assert (item.description.start, item.description.end) == (d.start, d.end)
            assert item.description.text == chapter.text[d.start : d.end]
            assert item.description.text.startswith(f"{book.title}: tower")
        assert {i.book_title for i in page.items} == {"North", "South"}
        by_book = service.book_images(
            s, user_id, page.items[0].book_id, page=PageRequest(limit=20, offset=0)
        )
        assert {i.book_id for i in by_book.items} == {page.items[0].book_id}
    assert len(whole) == len(one)
