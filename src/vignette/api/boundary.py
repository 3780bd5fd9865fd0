"""The request boundary for POSTs that create: the one entry point every creating route uses.

A route hands over an action (a function of a session that calls services and returns an
`Answer`); the boundary takes care of the Idempotency-Key, commits the action together with
whatever else arrives meanwhile (`api/committer.py`), then sends the messages the services
asked for, and answers.
"""

from __future__ import annotations

import uuid

from fastapi import Request
from fastapi.responses import Response

from vignette.api import idempotency
from vignette.api.committer import Committer
from vignette.api.creations import Action, Answer, Creation

__all__ = ["Action", "Answer", "create"]


async def create(
    request: Request,
    user_id: uuid.UUID,
    action: Action,
    *,
    idempotency_key: str | None,
    fingerprint_of: bytes | None = None,
) -> Response:
    """Commit a creating action at the request boundary and answer it.

    The Idempotency-Key's fingerprint is taken of the request body, or of `fingerprint_of`
    when the body itself is not stable (a multipart boundary differs on every request).
    """
    fingerprint = ""
    if idempotency_key is not None:
        source = fingerprint_of if fingerprint_of is not None else await request.body()
        fingerprint = idempotency.request_hash(request.method, request.scope["path"], source)
    committer: Committer = request.app.state.committer
    return await committer.run(Creation(user_id, idempotency_key, fingerprint, action))
