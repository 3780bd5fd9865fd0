"""Create users and check API keys; keys are stored only as sha256 hashes."""

from __future__ import annotations

from sqlalchemy.orm import Session

from vignette.db.models import User
from vignette.errors import Conflict, InvalidInput
from vignette.users import repository as repo
from vignette.users.keys import hash_key, new_api_key


def create_user(session: Session, email: str) -> tuple[User, str]:
    """Create a user and return it with its new API key (shown once, never stored)."""
    email = email.strip().lower()
    if "@" not in email or len(email) > 320:
        raise InvalidInput(f"not an email address: {email!r}")
    if repo.user_by_email(session, email) is not None:
        raise Conflict(f"a user with email {email} already exists", code="user_exists")
    api_key = new_api_key()
    user = User(email=email, api_key_hash=hash_key(api_key))
    session.add(user)
    session.flush()
    return user, api_key


def user_for_key(session: Session, api_key: str) -> User | None:
    """The user owning this key, or None."""
    return repo.user_by_key_hash(session, hash_key(api_key))


def ensure_user_key(session: Session, email: str, known_key: str | None) -> str | None:
    """Make sure the user exists and `known_key` is theirs: None if it already is, else a
    new key (the user is created, or keeps its data and gets a new key)."""
    if known_key is not None and user_for_key(session, known_key) is not None:
        return None
    existing = repo.user_by_email(session, email)
    if existing is None:
        return create_user(session, email)[1]
    key = new_api_key()
    existing.api_key_hash = hash_key(key)
    session.flush()
    return key
