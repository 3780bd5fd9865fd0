"""API keys: random, shown once, stored only as a sha256 hash."""

from __future__ import annotations

import hashlib
import secrets

KEY_PREFIX = "vg_"


def hash_key(api_key: str) -> str:
    """The stored form of a key (keys are long random strings, so a plain hash suffices)."""
    return hashlib.sha256(api_key.encode()).hexdigest()


def new_api_key() -> str:
    """A fresh random API key."""
    return KEY_PREFIX + secrets.token_urlsafe(32)
