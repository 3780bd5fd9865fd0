"""Task documents for a page of jobs: the same as one by one, in a fixed number of queries."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

from sqlalchemy import event, update

from tests.support.books import one_chapter_book
from vignette.books.schemas import BookIn
from vignette.books.service import create_book
from vignette.db.models import ImageFile, ImageJob, JobStatus, ProviderCall
from vignette.db.session import Database
from vignette.generation import service as generation
from vignette.generation.documents import describe, describe_all
from vignette.queue.names import BULK_PRIORITY, INTERACTIVE_PRIORITY
from vignette.users.service import create_user

SENTENCES = [f"Tower {i} rose over the grey lake at dawn." for i in range(9)]
BOOK = BookIn.model_validate(one_chapter_book("Towers", SENTENCES))
DEFAULTS = generation.Defaults()


@contextmanager
def _statements(db: Database) -> Iterator[list[str]]:
    seen: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        seen.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        event.remove(db.engine, "before_cursor_execute", count)


def _jobs(db: Database) -> list[uuid.UUID]:
    """Nine jobs: three queued (bulk, then two interactive), three completed, three failed."""
    with db.write() as s:
        user, _ = create_user(s, "t@example.org")
        book = create_book(s, user.id, BOOK)
        ids = [d.id for d in book.chapters[0].descriptions]
        user_id = user.id
    jobs = []
    for n, desc_id in enumerate(ids):
        priority = BULK_PRIORITY if n == 0 else INTERACTIVE_PRIORITY
        with db.write() as s:
            options = generation.JobOptions(priority=priority)
            result = generation.submit(
                s, user_id, description_id=desc_id, options=options, defaults=DEFAULTS
            )
            jobs.append(result.job)
    with db.write() as s:
        for n, job in enumerate(jobs):
            s.execute(
                update(ImageJob)
                .where(ImageJob.id == job.id)
                .values(available_at=job.available_at + timedelta(seconds=n))
            )
        for n, job in enumerate(jobs[3:], start=3):
            done = n < 6
            for attempt in range(1, n - 1):  # 2..6 calls: each job's own number of them
                s.add(
                    ProviderCall(
                        job_id=job.id,
                        attempt=attempt,
                        provider="procedural",
                        model=f"m{n}",
                        outcome="success" if done and attempt == n - 2 else "transient",
                    )
                )
            if done:
                sha = f"{n:064d}"
                size = {"width": n, "height": n, "size_bytes": n}
                s.add(ImageFile(sha256=sha, mime_type="image/webp", **size))
                values: dict[str, Any] = {"status": JobStatus.COMPLETED, "image_sha256": sha}
            else:
                values = {"status": JobStatus.FAILED, "error_code": "rate_limited"}
            s.execute(update(ImageJob).where(ImageJob.id == job.id).values(**values))
    return [j.id for j in jobs]


def test_a_page_is_described_as_each_job_alone_in_three_queries(db: Database) -> None:
    ids = _jobs(db)
    with db.read() as s:
        jobs = [s.get_one(ImageJob, i) for i in ids]
        with _statements(db) as page_of_nine:
            page = describe_all(s, jobs)
        with _statements(db) as page_of_three:
            describe_all(s, jobs[2:5])
        alone = [describe(s, j) for j in jobs]
    assert page == alone
    assert len(page_of_nine) == 3
    assert len(page_of_three) == 3
    assert [d.queue_position for d in page[:3]] == [3, 1, 2]
    assert [d.status for d in page] == ["queued"] * 3 + ["completed"] * 3 + ["failed"] * 3
    for n, doc in enumerate(page[3:], start=3):
        assert [a.attempt for a in doc.attempts] == list(range(1, n - 1))
        assert {a.model for a in doc.attempts} == {f"m{n}"}
    for n, doc in enumerate(page[3:6], start=3):
        assert doc.image is not None
        assert doc.image.width == n
        assert doc.image_url == f"/api/v1/images/{ids[n]}/file"
    assert all(d.image is None for d in page[6:])
    assert all(d.error is not None and d.error.code == "rate_limited" for d in page[6:])
