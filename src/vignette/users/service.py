"""Create users and check API keys; keys are stored only as sha256 hashes."""

from __future__ import annotations

import hashlib
import secrets

from sqlalchemy import select
from sqlalchemy.orm import Session

from vignette.db.models import User
from vignette.errors import Conflict, InvalidInput

KEY_PREFIX = "vg_"


def hash_key(api_key: str) -> str:
    """The stored form of a key (keys are long random strings, so a plain hash suffices)."""
    return hashlib.sha256(api_key.encode()).hexdigest()


def new_api_key() -> str:
    """A fresh random API key."""
    return KEY_PREFIX + secrets.token_urlsafe(32)


def create_user(session: Session, email: str) -> tuple[User, str]:
    """Create a user and return it with its new API key (shown once, never stored)."""
    email = email.strip().lower()
    if "@" not in email or len(email) > 320:
        raise InvalidInput(f"not an email address: {email!r}")
    if session.scalar(select(User.id).where(User.email == email)) is not None:
        raise Conflict(f"a user with email {email} already exists", code="user_exists")
    api_key = new_api_key()
    user = User(email=email, api_key_hash=hash_key(api_key))
    session.add(user)
    session.flush()
    return user, api_key


def user_for_key(session: Session, api_key: str) -> User | None:
    """The user owning this key, or None."""
    return session.scalar(select(User).where(User.api_key_hash == hash_key(api_key)))
