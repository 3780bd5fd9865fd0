"""The submit path on a real database: reuse of jobs, ownership, queue positions."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from sqlalchemy import update

from vignette.books.schemas import BookIn
from vignette.books.service import create_book
from vignette.db.models import ImageJob, JobStatus
from vignette.db.session import Database
from vignette.errors import NotFound
from vignette.generation import service as generation
from vignette.generation.documents import describe
from vignette.queue.names import BULK_PRIORITY
from vignette.users.service import create_user

TEXT = "The old mill stood by the frozen river. Snow lay on the roofs. A lamp burned in the inn."
BOOK = BookIn.model_validate(
    {
        "title": "Winter",
        "genre": "fantasy",
        "chapters": [
            {
                "text": TEXT,
                "descriptions": [
                    {"type": "location", "text": "The old mill stood by the frozen river."},
                    {"type": "atmosphere", "text": "Snow lay on the roofs."},
                    {"type": "object", "text": "A lamp burned in the inn."},
                ],
            }
        ],
    }
)
DEFAULTS = generation.Defaults()


def _book(db: Database, email: str) -> tuple[uuid.UUID, list[uuid.UUID]]:
    with db.write() as s:
        user, _ = create_user(s, email)
        book = create_book(s, user.id, BOOK)
        return user.id, [d.id for d in book.chapters[0].descriptions]


def _submit(
    db: Database, user_id: uuid.UUID, desc_id: uuid.UUID, priority: int = 0
) -> generation.SubmitResult:
    options = generation.JobOptions(priority=priority)
    with db.write() as s:
        return generation.submit(
            s, user_id, description_id=desc_id, options=options, defaults=DEFAULTS
        )


def test_a_new_job_is_stored_as_built(db: Database) -> None:
    user_id, ids = _book(db, "a@example.org")
    result = _submit(db, user_id, ids[0])
    assert result.created
    with db.read() as s:
        row = s.get_one(ImageJob, result.job.id)
        assert row.description_id == ids[0]
        assert row.status == JobStatus.QUEUED
        assert row.attempts == 0
        assert row.deliveries == 0
        assert "old mill" in row.prompt
        assert "fantasy" in row.prompt
        assert row.params["width"] == 1024
        assert row.params["height"] == 768
        assert row.params["seed"] == result.job.params["seed"]
        assert row.created_at == result.job.created_at


def test_an_active_or_completed_job_is_reused_and_a_failed_one_is_not(db: Database) -> None:
    user_id, ids = _book(db, "b@example.org")
    first = _submit(db, user_id, ids[0])
    again = _submit(db, user_id, ids[0])
    assert not again.created
    assert again.job.id == first.job.id
    with db.write() as s:
        s.execute(update(ImageJob).values(status=JobStatus.COMPLETED))
    assert _submit(db, user_id, ids[0]).job.id == first.job.id
    with db.write() as s:
        s.execute(update(ImageJob).values(status=JobStatus.FAILED))
    retry = _submit(db, user_id, ids[0])
    assert retry.created
    assert retry.job.id != first.job.id


def test_another_users_description_is_not_found(db: Database) -> None:
    _, ids = _book(db, "c@example.org")
    stranger, _ = _book(db, "d@example.org")
    with pytest.raises(NotFound):
        _submit(db, stranger, ids[0])
    with pytest.raises(NotFound):
        _submit(db, stranger, uuid.uuid4())


def test_queue_position_counts_higher_priorities_then_older_jobs(db: Database) -> None:
    user_id, ids = _book(db, "e@example.org")
    bulk = _submit(db, user_id, ids[0], priority=BULK_PRIORITY).job
    early = _submit(db, user_id, ids[1]).job
    late = _submit(db, user_id, ids[2]).job
    with db.write() as s:
        # Make the order of the two interactive jobs unambiguous.
        s.execute(
            update(ImageJob)
            .where(ImageJob.id == late.id)
            .values(available_at=early.available_at + timedelta(seconds=1))
        )
    with db.read() as s:
        positions = {
            job.id: describe(s, s.get_one(ImageJob, job.id)).queue_position
            for job in (bulk, early, late)
        }
        # The answer to the submit itself leaves the position to the status URL.
        assert describe(s, late, fresh=True).queue_position is None
    assert positions == {early.id: 1, late.id: 2, bulk.id: 3}
