"""A book import's message delivered again while the import runs (what the broker does once an
unacknowledged message outlives its visibility timeout, or what a resend does) finds the book
held by a live lease and does nothing: the import runs once, not twice at the same time.

Redis restores such messages in a sweep every ~100 s (kombu's defaults), after a visibility
timeout of an hour, so the test delivers the same message again itself, through the
dispatcher, while the first run is half-way, to a second free worker slot."""

from __future__ import annotations

import time
import uuid
from pathlib import Path

import pytest

from tests.support.backends import Backend
from tests.support.books import scenes_text, upload, wait_for_book
from tests.support.fake import FakeServer
from tests.support.service import Service
from vignette.queue.messages import ProcessBook
from vignette.runtime import build_runtime
from vignette.settings import Settings

pytestmark = pytest.mark.integration

CHAPTERS = 6


def test_an_import_delivered_again_while_it_runs_runs_once(
    fresh_backend: Backend, tmp_path: Path, fake: FakeServer
) -> None:
    svc = Service(
        tmp_path / "data",
        fresh_backend,
        extractor="llm",
        extractor_base_url=fake.url,
        extractor_api_key="sk-twice-test",
        lease_seconds=2,  # renewed while the import runs
        reconcile_interval_seconds=0.5,
        worker_concurrency=2,  # a free slot for the second delivery
    )
    fake.force(chat="slow")  # each chapter's extraction call takes 1.2 s
    svc.start()
    redis_url = fresh_backend.redis_url or f"unix://{svc.data_dir / 'run' / 'redis.sock'}"
    rt = build_runtime(Settings(data_dir=svc.data_dir, redis_url=redis_url,
                                database_url=fresh_backend.database_url))  # fmt: skip
    try:
        with svc.client() as c:
            r = upload(c, "castle.txt", scenes_text(CHAPTERS).encode())
            assert r.status_code == 202, r.text
            book_id = r.json()["id"]
            deadline = time.monotonic() + 30
            while c.get(f"/books/{book_id}").json()["progress"]["chapters_done"] < 2:
                assert time.monotonic() < deadline, "the import never got going"
                time.sleep(0.05)
            rt.dispatcher.send(ProcessBook(uuid.UUID(book_id)))  # the same message, again
            book = wait_for_book(c, book_id, timeout=60)
        assert book["status"] == "ready", book
        assert len(book["chapters"]) == CHAPTERS
        assert book["descriptions_found"] == 2 * CHAPTERS
        # One extraction call per chapter: a second run would have started the book again.
        assert sum(fake.outcomes("chat").values()) == CHAPTERS, fake.outcomes("chat")
    finally:
        fake.force(chat=None)
        rt.close()
        svc.stop()
