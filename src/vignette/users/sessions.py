"""Browser sessions: signing in with an API key makes one; the cookie carries its random id.

Only the id's sha256 is stored, so a copy of the database opens no browser. Each session has
its own CSRF token, which the page sends with every unsafe request; a session ends when it
expires or is signed out.
"""

from __future__ import annotations

import hashlib
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from vignette.db.base import utcnow
from vignette.db.models import BrowserSession


@dataclass(frozen=True)
class SignedIn:
    """A live session: whose it is, its CSRF token and when it ends."""

    user_id: uuid.UUID
    csrf_token: str
    expires_at: datetime


def _digest(session_id: str) -> str:
    return hashlib.sha256(session_id.encode()).hexdigest()


def open_session(session: Session, user_id: uuid.UUID, *, ttl: timedelta) -> tuple[str, SignedIn]:
    """A new session for the user: (the id for the cookie, the session)."""
    session_id = secrets.token_urlsafe(32)
    now = utcnow()
    row = BrowserSession(
        id_hash=_digest(session_id),
        user_id=user_id,
        csrf_token=secrets.token_urlsafe(32),
        created_at=now,
        expires_at=now + ttl,
    )
    session.add(row)
    # Expired sessions of this user go as it signs in again: the table does not grow forever.
    session.execute(
        delete(BrowserSession).where(
            BrowserSession.user_id == user_id, BrowserSession.expires_at < now
        )
    )
    return session_id, SignedIn(user_id, row.csrf_token, row.expires_at)


def find_session(session: Session, session_id: str) -> SignedIn | None:
    """The live session with this id; None when unknown or expired."""
    row = session.execute(
        select(BrowserSession.user_id, BrowserSession.csrf_token, BrowserSession.expires_at).where(
            BrowserSession.id_hash == _digest(session_id)
        )
    ).first()
    if row is None or row.expires_at <= utcnow():
        return None
    return SignedIn(row.user_id, row.csrf_token, row.expires_at)


def close_session(session: Session, session_id: str) -> None:
    """Sign out: the id opens nothing from now on."""
    session.execute(delete(BrowserSession).where(BrowserSession.id_hash == _digest(session_id)))
