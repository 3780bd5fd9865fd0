"""The request boundary for POSTs that create: idempotency, commit, then side effects."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, TypeVar

from fastapi import Request
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from vignette import idempotency
from vignette.errors import VignetteError
from vignette.publishing import together
from vignette.runtime import Runtime

if TYPE_CHECKING:
    from vignette.api.committer import Committer

Action = Callable[[Session], "Created"]
T = TypeVar("T")


@dataclass
class Created:
    """What an action answers, and what to do once it is committed (e.g. send messages)."""

    status: int
    body: BaseModel
    after_commit: list[Callable[[], None]] = field(default_factory=list)
    headers: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Creation:
    """One creating request: whose, under which Idempotency-Key, and what it does."""

    user_id: uuid.UUID
    key: str | None
    fingerprint: str  # of the request, when keyed
    action: Action


async def create(request: Request, user_id: uuid.UUID, key: str | None, action: Action) -> Response:
    """Run a creating action at the request boundary (fingerprinting only when keyed)."""
    fp = ""
    if key is not None:
        fp = idempotency.request_hash(request.method, request.scope["path"], await request.body())
    return await commit(request, Creation(user_id, key, fp, action))


async def commit(request: Request, creation: Creation) -> Response:
    """Commit the creation with whatever else arrives at the same time (group commit)."""
    committer: Committer = request.app.state.committer
    return await committer.run(creation)


def apply(session: Session, creation: Creation) -> Created | Response:
    """The creation's writes in `session`: its action, or the stored answer to replay."""
    key, fp = creation.key, creation.fingerprint
    if key is not None:
        stored = idempotency.replay(session, creation.user_id, key, fp)
        if stored is not None:
            return JSONResponse(stored[1], status_code=stored[0])
    outcome = creation.action(session)
    if key is not None:
        body = outcome.body.model_dump(mode="json")
        idempotency.remember(session, creation.user_id, key, fp, outcome.status, body)
    return outcome


def respond(outcome: Created | Response) -> Response:
    """The HTTP answer for a committed (and sent) outcome."""
    if isinstance(outcome, Response):
        return outcome
    # pydantic-core serialises straight to JSON bytes: cheaper than dict, then json.dumps.
    return Response(
        outcome.body.model_dump_json(),
        status_code=outcome.status,
        headers=outcome.headers,
        media_type="application/json",
    )


def replaying_a_won_key(creation: Creation, run: Callable[[], T]) -> T:
    """Run; if a concurrent request with the same Idempotency-Key won the insert, run once
    more: that pass finds its answer and replays it."""
    try:
        return run()
    except IntegrityError:
        if creation.key is None:
            raise
    return run()


def commit_alone(rt: Runtime, creation: Creation) -> Response:
    """Run one creation in its own transaction (or replay its stored answer), then send."""

    def in_transaction() -> Created | Response:
        with rt.db.write() as session:
            return apply(session, creation)

    outcome = replaying_a_won_key(creation, in_transaction)
    send(rt, [outcome])
    return respond(outcome)


def send(rt: Runtime, outcomes: list[Created | Response | VignetteError]) -> None:
    """Run the committed outcomes' side effects: their messages go out together."""
    effects = [e for o in outcomes if isinstance(o, Created) for e in o.after_commit]
    if len(effects) <= 1:  # a batch for one message costs more than it saves
        for effect in effects:
            effect()
        return
    with together(rt.dispatcher.celery, rt.redis):
        for effect in effects:
            effect()
