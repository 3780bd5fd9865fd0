"""Queries for users and their keys."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.orm import Session

from vignette.db.models import User


def user_id_for_key_hash(session: Session, digest: str) -> uuid.UUID | None:
    """The id of the user whose key hashes to `digest`."""
    return session.scalar(select(User.id).where(User.api_key_hash == digest))


def user_by_key_hash(session: Session, digest: str) -> User | None:
    """The user whose key hashes to `digest`."""
    return session.scalar(select(User).where(User.api_key_hash == digest))


def user_by_email(session: Session, email: str) -> User | None:
    """The user with this (normalised) email address."""
    return session.scalar(select(User).where(User.email == email))
