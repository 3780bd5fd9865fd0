"""The request boundary for POSTs that create: idempotency, commit, then side effects."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field

from fastapi import Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from vignette import idempotency
from vignette.runtime import Runtime


@dataclass
class Created:
    """What an action answers, and what to do once it is committed (e.g. send messages)."""

    status: int
    body: BaseModel
    after_commit: list[Callable[[], None]] = field(default_factory=list)
    headers: dict[str, str] = field(default_factory=dict)


async def create(
    request: Request, user_id: uuid.UUID, key: str | None, action: Callable[[Session], Created]
) -> Response:
    """Run a creating action at the request boundary (fingerprinting only when keyed)."""
    rt: Runtime = request.app.state.runtime
    fp = ""
    if key is not None:
        fp = idempotency.request_hash(request.method, request.scope["path"], await request.body())
    return await run_in_threadpool(commit_then_send, rt, user_id, key, fp, action)


def commit_then_send(
    rt: Runtime,
    user_id: uuid.UUID,
    key: str | None,
    request_fingerprint: str,
    action: Callable[[Session], Created],
) -> Response:
    """Run `action` in one transaction (or replay the stored answer), then its side effects."""
    for attempt in range(2):
        try:
            with rt.db.write() as session:
                if key is not None:
                    stored = idempotency.replay(session, user_id, key, request_fingerprint)
                    if stored is not None:
                        return JSONResponse(stored[1], status_code=stored[0])
                outcome = action(session)
                if key is not None:
                    body = outcome.body.model_dump(mode="json")
                    idempotency.remember(
                        session, user_id, key, request_fingerprint, outcome.status, body
                    )
            break
        except IntegrityError:
            if attempt == 1 or key is None:
                raise
            # A concurrent request with the same key won; the next pass replays its answer.
    for effect in outcome.after_commit:
        effect()
    # pydantic-core serialises straight to JSON bytes: cheaper than dict, then json.dumps.
    return Response(
        outcome.body.model_dump_json(),
        status_code=outcome.status,
        headers=outcome.headers,
        media_type="application/json",
    )
