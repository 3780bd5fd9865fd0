"""Idempotency-Key support for POSTs that create: same key and body, same answer."""

from __future__ import annotations

import hashlib
import uuid
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from vignette.db.models import IdempotencyRecord
from vignette.errors import InvalidInput

MAX_KEY_LENGTH = 255


def request_hash(method: str, path: str, body: bytes) -> str:
    """A fingerprint of the request the key was first used with."""
    h = hashlib.sha256()
    for part in (method.encode(), path.encode(), body):
        h.update(len(part).to_bytes(8, "big"))
        h.update(part)
    return h.hexdigest()


def replay(
    session: Session, user_id: uuid.UUID, *, key: str, fingerprint: str
) -> tuple[int, dict[str, Any]] | None:
    """The stored answer for this key, None if new; 422 if the key was used for another body."""
    if not key or len(key) > MAX_KEY_LENGTH:
        raise InvalidInput(f"Idempotency-Key must be 1..{MAX_KEY_LENGTH} characters")
    record = session.scalar(
        select(IdempotencyRecord).where(
            IdempotencyRecord.user_id == user_id, IdempotencyRecord.key == key
        )
    )
    if record is None:
        return None
    if record.request_hash != fingerprint:
        raise InvalidInput(
            "this Idempotency-Key was already used with a different request",
            code="idempotency_key_reused",
        )
    return record.status_code, record.body


def remember(
    session: Session,
    user_id: uuid.UUID,
    *,
    key: str,
    fingerprint: str,
    status_code: int,
    body: dict[str, Any],
) -> None:
    """Store the answer given to the first request with this key."""
    session.add(
        IdempotencyRecord(
            user_id=user_id, key=key, request_hash=fingerprint, status_code=status_code, body=body
        )
    )
    session.flush()
