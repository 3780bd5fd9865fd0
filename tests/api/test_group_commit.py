"""Group commit: creations that arrive together share a transaction and a send, on a real
database and Redis, and each still gets its own answer."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.responses import Response
from sqlalchemy import event, func, select
from sqlalchemy.orm import Session

from tests.support.backends import Backend
from tests.support.books import one_chapter_book
from vignette.api.committer import Committer
from vignette.api.creations import Answer, Creation
from vignette.books.schemas import BookIn
from vignette.books.service import create_book, new_book_out
from vignette.db.migrate import upgrade
from vignette.db.models import Book, ImageJob
from vignette.embedded.process import stop_group
from vignette.embedded.redis_server import start_redis
from vignette.errors import InvalidInput, NotFound
from vignette.generation.routes import submission
from vignette.generation.service import JobOptions
from vignette.queue.dispatch import JOB_MARKER_PREFIX
from vignette.runtime import Runtime, build_runtime
from vignette.settings import Settings
from vignette.users.service import create_user

SENTENCES = [f"Scene {i}: a red castle by the grey sea under a stormy sky." for i in range(12)]
BOOK = BookIn.model_validate(one_chapter_book("Group", SENTENCES))


@pytest.fixture
def rt(fresh_backend: Backend, tmp_path: Path) -> Iterator[Runtime]:
    """A runtime on a fresh database and Redis, with a Celery app sending to that Redis."""
    redis_proc = None
    if fresh_backend.name == "embedded":
        redis_proc, redis_url = start_redis(tmp_path)
        db_url = f"sqlite:///{tmp_path / 'v.db'}"
    else:
        redis_url, db_url = fresh_backend.redis_url, fresh_backend.database_url
    upgrade(db_url)
    settings = Settings(data_dir=tmp_path, database_url=db_url, redis_url=redis_url)
    # The runtime sends with a Celery app configured from these settings: to this Redis.
    runtime = build_runtime(settings)
    yield runtime
    runtime.close()
    if redis_proc is not None:
        stop_group(redis_proc, timeout=5)


def _setup(rt: Runtime) -> tuple[uuid.UUID, list[uuid.UUID]]:
    with rt.db.write() as s:
        user, _ = create_user(s, f"{uuid.uuid4().hex[:8]}@example.org")
        book = create_book(s, user.id, BOOK)
        return user.id, [d.id for d in book.chapters[0].descriptions]


def _submit(rt: Runtime, user_id: uuid.UUID, desc_id: uuid.UUID, key: str | None = None,
            fingerprint: str = "") -> Creation:  # fmt: skip
    """What the async submit route commits."""
    return Creation(user_id, key, fingerprint, submission(rt, user_id, desc_id, JobOptions()))


def _run(committer: Committer, creations: list[Creation]) -> list[Response | BaseException]:
    async def all_at_once() -> list[Response | BaseException]:
        return await asyncio.gather(*(committer.run(c) for c in creations), return_exceptions=True)

    return asyncio.run(all_at_once())


def _transactions_begun(rt: Runtime) -> list[int]:
    """A list that grows by one for every transaction begun on the runtime's engine."""
    begun: list[int] = []
    event.listen(rt.db.engine, "begin", lambda _conn: begun.append(1))
    return begun


def _messages(rt: Runtime) -> set[str]:
    """Task ids of the generation messages waiting in the normal queue."""
    ids = set()
    for key in rt.redis.scan_iter("normal*"):
        for raw in rt.redis.lrange(key, 0, -1):
            ids.add(json.loads(raw)["headers"]["id"])
    return ids


def test_creations_that_arrive_together_share_one_transaction(rt: Runtime) -> None:
    user_id, ids = _setup(rt)
    committer = Committer(rt)
    begun = _transactions_begun(rt)
    answers = _run(committer, [_submit(rt, user_id, d) for d in ids[:10]])
    # The first goes alone at once; the nine that came meanwhile share the next transaction.
    assert len(begun) == 2
    assert [a.status_code for a in answers if isinstance(a, Response)] == [202] * 10
    tasks = {json.loads(bytes(a.body))["task_id"] for a in answers if isinstance(a, Response)}
    with rt.db.read() as s:
        stored = {str(i) for i in s.scalars(select(ImageJob.id))}
    assert tasks == stored
    assert len(tasks) == 10
    # One message and one marker per job, sent after the commit.
    assert _messages(rt) == tasks
    assert all(rt.redis.exists(JOB_MARKER_PREFIX + t) for t in tasks)


def test_a_failing_creation_leaves_no_writes_and_spares_the_group(rt: Runtime) -> None:
    user_id, ids = _setup(rt)

    def writes_then_refuses(session: Session) -> Answer:
        create_book(session, user_id, BOOK)  # rows added and flushed, then a client error
        raise InvalidInput("refused after writing", code="refused")

    def new_book(session: Session) -> Answer:
        return Answer(201, new_book_out(create_book(session, user_id, BOOK)))

    creations = [
        _submit(rt, user_id, ids[0]),  # alone, first
        _submit(rt, user_id, ids[1]),
        Creation(user_id, None, "", writes_then_refuses),
        _submit(rt, user_id, uuid.uuid4()),  # unknown description
        _submit(rt, user_id, ids[1]),  # the same description again in the same group
        Creation(user_id, None, "", new_book),
        _submit(rt, uuid.uuid4(), ids[2]),  # someone else's description
        _submit(rt, user_id, ids[3]),
    ]
    answers = _run(Committer(rt), creations)
    assert isinstance(answers[2], InvalidInput)
    assert answers[2].code == "refused"
    assert isinstance(answers[3], NotFound)
    assert isinstance(answers[6], NotFound)
    ok = [a for a in answers if isinstance(a, Response)]
    assert [a.status_code for a in ok] == [202, 202, 200, 201, 202]
    first, second, again = (json.loads(bytes(a.body)) for a in ok[:3])
    assert again["task_id"] == second["task_id"] != first["task_id"]
    with rt.db.read() as s:
        assert s.scalar(select(func.count()).select_from(Book)) == 2  # set-up's and new_book's
        assert s.scalar(select(func.count()).select_from(ImageJob)) == 3
    assert len(_messages(rt)) == 3


def test_an_unexpected_error_fails_only_its_own_creation(rt: Runtime) -> None:
    user_id, ids = _setup(rt)

    def broken(session: Session) -> Answer:
        session.add(ImageJob())  # violates NOT NULL columns: not a client error
        session.flush()
        raise AssertionError("not reached")

    creations = [_submit(rt, user_id, ids[0]), _submit(rt, user_id, ids[1]),
                 Creation(user_id, None, "", broken), _submit(rt, user_id, ids[2])]  # fmt: skip
    answers = _run(Committer(rt), creations)
    assert not isinstance(answers[2], (Response, AssertionError))  # the database refused it
    assert [a.status_code for a in answers if isinstance(a, Response)] == [202, 202, 202]
    with rt.db.read() as s:
        assert s.scalar(select(func.count()).select_from(ImageJob)) == 3
    assert len(_messages(rt)) == 3


def test_an_idempotency_key_used_twice_in_one_group(rt: Runtime) -> None:
    user_id, ids = _setup(rt)
    creations = [
        _submit(rt, user_id, ids[0]),
        _submit(rt, user_id, ids[1], key="k1", fingerprint="body-a"),
        _submit(rt, user_id, ids[1], key="k1", fingerprint="body-a"),  # replayed
        _submit(rt, user_id, ids[2], key="k1", fingerprint="body-b"),  # another body: 422
    ]
    answers = _run(Committer(rt), creations)
    assert isinstance(answers[3], InvalidInput)
    assert answers[3].code == "idempotency_key_reused"
    keyed, replayed = answers[1], answers[2]
    assert isinstance(keyed, Response)
    assert isinstance(replayed, Response)
    assert replayed.status_code == keyed.status_code == 202
    assert json.loads(bytes(replayed.body)) == json.loads(bytes(keyed.body))
    with rt.db.read() as s:
        assert s.scalar(select(func.count()).select_from(ImageJob)) == 2


def test_a_client_that_goes_away_leaves_the_group_answered(rt: Runtime) -> None:
    user_id, ids = _setup(rt)
    committer = Committer(rt)

    async def one_leaves() -> list[Response | BaseException]:
        tasks = [asyncio.create_task(committer.run(_submit(rt, user_id, d))) for d in ids[:5]]
        await asyncio.sleep(0)  # all five are in: the first alone, four waiting
        tasks[2].cancel()  # as uvicorn does when a client disconnects
        return await asyncio.gather(*tasks, return_exceptions=True)

    answers = asyncio.run(one_leaves())
    assert isinstance(answers[2], asyncio.CancelledError)
    assert [a.status_code for a in answers if isinstance(a, Response)] == [202] * 4
    # What it asked for still stands, as a request cancelled mid-commit always did.
    with rt.db.read() as s:
        assert s.scalar(select(func.count()).select_from(ImageJob)) == 5
    assert len(_messages(rt)) == 5
