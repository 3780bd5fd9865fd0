"""Import steps on a real database: a redelivered import replaces, never duplicates."""

from __future__ import annotations

import uuid
from datetime import timedelta

from sqlalchemy import func, select, update

from vignette.books import repository as repo
from vignette.books import service
from vignette.books.parsing import ParsedBook, ParsedChapter
from vignette.db.base import utcnow
from vignette.db.claims import Claim
from vignette.db.models import Book, Chapter, Description
from vignette.db.session import Database
from vignette.descriptions.extraction import Found
from vignette.users.service import create_user

PARSED = ParsedBook(
    title="Tales",
    author="A. Writer",
    language="en",
    genre="fantasy",
    chapters=[ParsedChapter("One", "The castle stood on the hill."), ParsedChapter("Two", "Rain.")],
)
FOUND = [Found("location", 0, 29, 0.9, 0.8)]
LEASE = 60.0


def _new_book(db: Database) -> uuid.UUID:
    with db.write() as s:
        user, _ = create_user(s, f"{uuid.uuid4().hex[:8]}@ex.org")
        return service.create_upload(
            s, user.id, filename="tales.epub", source_sha256="0" * 64
        ).book.id


def _count(db: Database, model: type[Chapter] | type[Description], book_id: uuid.UUID) -> int:
    with db.read() as s:
        query = select(func.count()).select_from(Chapter).where(Chapter.book_id == book_id)
        if model is Description:
            query = query.join(Description, Description.chapter_id == Chapter.id)
        return s.scalar(query) or 0


def test_a_redelivered_import_leaves_a_live_run_alone_and_takes_over_a_dead_one(
    db: Database,
) -> None:
    book_id = _new_book(db)
    with db.write() as s:
        first = repo.claim_import(s, Claim(book_id, "a"), lease_seconds=LEASE)
        assert first is not None
        chapters_a = repo.store_chapters(s, first, parsed=PARSED, cover=None)
    assert chapters_a is not None
    with db.write() as s:  # the first run stored one chapter's descriptions...
        assert repo.add_descriptions(s, first.claim, chapter_id=chapters_a[0][0], found=FOUND)
    with db.write() as s:  # a message delivered again while it runs: one run at a time
        assert repo.claim_import(s, Claim(book_id, "x"), lease_seconds=LEASE) is None
    with db.write() as s:  # ...then died: its lease runs out
        s.execute(
            update(Book)
            .where(Book.id == book_id)
            .values(lease_expires_at=utcnow() - timedelta(seconds=1))
        )
    with db.write() as s:
        second = repo.claim_import(s, Claim(book_id, "b"), lease_seconds=LEASE)
        assert second is not None
        assert second.deliveries == 2
        chapters_b = repo.store_chapters(s, second, parsed=PARSED, cover=None)
    assert chapters_b is not None
    assert _count(db, Chapter, book_id) == 2
    assert _count(db, Description, book_id) == 0  # the interrupted run's work is gone
    with db.write() as s:  # the old run, still alive somewhere, no longer counts
        assert not repo.add_descriptions(s, first.claim, chapter_id=chapters_b[0][0], found=FOUND)
        assert not repo.finish_import(s, first.claim)
    for chapter_id, _ in chapters_b:
        with db.write() as s:
            assert repo.add_descriptions(s, second.claim, chapter_id=chapter_id, found=FOUND)
    with db.write() as s:
        assert repo.finish_import(s, second.claim)
    with db.read() as s:
        book = s.get_one(Book, book_id)
        assert (book.status, book.chapters_done, book.chapters_total) == ("ready", 2, 2)
        assert (book.title, book.author, book.genre) == ("Tales", "A. Writer", "fantasy")
    assert _count(db, Description, book_id) == 2
    with db.write() as s:  # a message delivered after the end finds nothing to do
        assert repo.claim_import(s, Claim(book_id, "c"), lease_seconds=LEASE) is None


def test_a_failed_import_keeps_no_chapters(db: Database) -> None:
    book_id = _new_book(db)
    with db.write() as s:
        job = repo.claim_import(s, Claim(book_id, "a"), lease_seconds=LEASE)
        assert job is not None
        assert repo.store_chapters(s, job, parsed=PARSED, cover=None) is not None
    with db.write() as s:
        repo.fail_import(s, job.claim, code="time_limit", message="too slow")
    assert _count(db, Chapter, book_id) == 0
    with db.read() as s:
        book = s.get_one(Book, book_id)
        assert (book.status, book.error_code, book.error) == ("failed", "time_limit", "too slow")


def test_an_import_whose_lease_ran_out_is_reclaimed_and_its_run_stops_counting(
    db: Database,
) -> None:
    lost, alive, done = _new_book(db), _new_book(db), _new_book(db)
    with db.write() as s:
        claimed = [repo.claim_import(s, Claim(b, f"t{n}"), lease_seconds=LEASE)
                   for n, b in enumerate((lost, alive, done))]  # fmt: skip
    runs = {run.claim.id: run for run in claimed if run is not None}
    with db.write() as s:
        assert repo.store_chapters(s, runs[done], parsed=PARSED, cover=None) is not None
        assert repo.finish_import(s, runs[done].claim)
        assert s.get_one(Book, done).lease_expires_at is None
        # The worker importing `lost` died a while ago: its lease is in the past.
        past = utcnow() - timedelta(seconds=1)
        s.execute(update(Book).where(Book.id.in_([lost, done])).values(lease_expires_at=past))
    with db.write() as s:
        assert repo.reclaim_expired(s, utcnow()) == [lost]
    with db.write() as s:
        assert repo.reclaim_expired(s, utcnow()) == []  # sent again once, not every run
        assert repo.store_chapters(s, runs[lost], parsed=PARSED, cover=None) is None
        assert repo.IMPORTS.renew(s, runs[alive].claim, lease_seconds=LEASE)
        assert not repo.IMPORTS.renew(s, runs[lost].claim, lease_seconds=LEASE)
    with db.read() as s:
        books = {b: s.get_one(Book, b) for b in (lost, alive, done)}
    assert books[lost].status == "processing"
    assert books[lost].lease_expires_at is None
    assert books[done].status == "ready"  # an ended import is never taken again
    renewed = books[alive].lease_expires_at
    assert renewed is not None
    assert renewed > utcnow() + timedelta(seconds=LEASE - 10)
