"""Signing a browser in and out."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.orm import Session

from vignette.errors import Unauthorized
from vignette.users.keys import hash_key
from vignette.users.repository import user_id_for_key_hash
from vignette.users.sessions import SignedIn, close_session, find_session, open_session


def sign_in(session: Session, api_key: str, *, ttl: timedelta) -> tuple[str, SignedIn]:
    """A new session for the key's user: (cookie id, session); 401 for an unknown key."""
    user_id = user_id_for_key_hash(session, hash_key(api_key.strip()))
    if user_id is None:
        raise Unauthorized("this API key is not known here", code="invalid_api_key")
    return open_session(session, user_id, ttl=ttl)


def current(session: Session, session_id: str | None) -> SignedIn:
    """The live session of this cookie, or 401."""
    found = find_session(session, session_id) if session_id else None
    if found is None:
        raise Unauthorized("not signed in", code="not_signed_in")
    return found


def sign_out(session: Session, session_id: str) -> None:
    close_session(session, session_id)
