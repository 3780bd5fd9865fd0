"""The schema on a real database (SQLite, and PostgreSQL when configured)."""

from __future__ import annotations

from datetime import UTC

import pytest
from sqlalchemy import func, inspect, select
from sqlalchemy.exc import IntegrityError

from vignette.books.schemas import BookIn
from vignette.books.service import create_book, delete_book
from vignette.db.models import Description, ImageJob, ProviderCall
from vignette.db.session import Database
from vignette.generation import service as generation
from vignette.users.service import create_user, user_for_key

BOOK = BookIn.model_validate(
    {
        "title": "T",
        "chapters": [
            {
                "text": "A red door. A red door. The sea.",
                "descriptions": [
                    {"type": "object", "text": "A red door."},
                    {"type": "object", "text": "A red door."},
                    {"type": "location", "text": "The sea."},
                ],
            }
        ],
    }
)
OPTIONS, DEFAULTS = generation.JobOptions(), generation.Defaults()


def test_migrations_create_every_table(db: Database) -> None:
    tables = set(inspect(db.engine).get_table_names())
    assert {
        "users", "books", "chapters", "descriptions", "generated_images",
        "provider_calls", "image_files", "idempotency_keys", "browser_sessions",
        "alembic_version",
    } <= tables  # fmt: skip
    columns = {c["name"] for c in inspect(db.engine).get_columns("generated_images")}
    # No copies of description data in the image row.
    assert not {"chapter_id", "description_text", "description_type", "text"} & columns


def test_keys_are_stored_hashed(db: Database) -> None:
    with db.write() as s:
        user, key = create_user(s, "A@Example.org")
    with db.read() as s:
        found = user_for_key(s, key)
        assert found is not None
        assert found.id == user.id
        assert found.api_key_hash != key
        assert key not in found.api_key_hash
        assert found.created_at.tzinfo == UTC


def test_duplicate_descriptions_get_successive_offsets(db: Database) -> None:
    with db.write() as s:
        user, _ = create_user(s, "b@example.org")
        book = create_book(s, user.id, BOOK)
        starts = [(d.start, d.end) for d in book.chapters[0].descriptions]
    assert starts == [(0, 11), (12, 23), (24, 32)]


def test_one_active_job_per_description_is_enforced_by_the_database(db: Database) -> None:
    with db.write() as s:
        user, _ = create_user(s, "c@example.org")
        book = create_book(s, user.id, BOOK)
        desc_id = book.chapters[0].descriptions[0].id
        first = generation.submit(
            s, user.id, description_id=desc_id, options=OPTIONS, defaults=DEFAULTS
        )
        assert first.created
    with pytest.raises(IntegrityError), db.write() as s:
        s.add(ImageJob(description_id=desc_id, status="queued", prompt="p", params={}))
    with db.write() as s:
        # Finished jobs do not count as active.
        s.get_one(ImageJob, first.job.id).status = "failed"
        s.add(ImageJob(description_id=desc_id, status="queued", prompt="p", params={}))


def test_deleting_a_book_cascades(db: Database) -> None:
    with db.write() as s:
        user, _ = create_user(s, "d@example.org")
        book = create_book(s, user.id, BOOK)
        desc_id = book.chapters[0].descriptions[0].id
        job = generation.submit(
            s, user.id, description_id=desc_id, options=OPTIONS, defaults=DEFAULTS
        )
        s.add(ProviderCall(job_id=job.job.id, attempt=1, provider="p", model="m"))
    with db.write() as s:
        delete_book(s, user.id, book.id)
    with db.read() as s:
        assert s.scalar(select(func.count()).select_from(Description)) == 0
        assert s.scalar(select(func.count()).select_from(ImageJob)) == 0
        assert s.scalar(select(func.count()).select_from(ProviderCall)) == 0
