"""What a creating POST commits: its action, its idempotency key, and the answer it gives."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TypeVar

from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from vignette.api import idempotency
from vignette.queue.messages import Message

T = TypeVar("T")


@dataclass
class Answer:
    """An action's HTTP answer, and the messages to send once its transaction committed."""

    status: int
    body: BaseModel
    messages: list[Message] = field(default_factory=list)
    headers: dict[str, str] = field(default_factory=dict)


Action = Callable[[Session], Answer]


@dataclass(frozen=True)
class Creation:
    """One creating request: whose, under which Idempotency-Key, and what it does."""

    user_id: uuid.UUID
    key: str | None
    fingerprint: str  # of the request, when keyed
    action: Action


# What committing a creation gives: its answer, or the stored answer it replays.
Outcome = Answer | Response


def apply(session: Session, creation: Creation) -> Outcome:
    """The creation's writes in `session`: its action, or the stored answer to replay."""
    key, fp = creation.key, creation.fingerprint
    if key is not None:
        stored = idempotency.replay(session, creation.user_id, key=key, fingerprint=fp)
        if stored is not None:
            return JSONResponse(stored[1], status_code=stored[0])
    answer = creation.action(session)
    if key is not None:
        body = answer.body.model_dump(mode="json")
        idempotency.remember(
            session, creation.user_id, key=key, fingerprint=fp, status_code=answer.status, body=body
        )
    return answer


def respond(outcome: Outcome) -> Response:
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


def messages_of(outcomes: Sequence[Outcome | Exception]) -> list[Message]:
    """The messages of the outcomes that committed an action (a replay sends nothing)."""
    return [m for o in outcomes if isinstance(o, Answer) for m in o.messages]


def replaying_a_won_key(creation: Creation, run: Callable[[], T]) -> T:
    """Run; if a concurrent request with the same Idempotency-Key won the insert, run once
    more: that pass finds its answer and replays it."""
    try:
        return run()
    except IntegrityError:
        if creation.key is None:
            raise
    return run()
