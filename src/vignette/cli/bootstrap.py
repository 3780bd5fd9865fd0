"""First start of `vignette serve`: a local user whose key is kept in the data dir."""

from __future__ import annotations

import os

from sqlalchemy import select

from vignette.db.models import User
from vignette.db.session import Database
from vignette.settings import Settings
from vignette.users.service import create_user, hash_key, new_api_key

LOCAL_EMAIL = "local@vignette.localhost"


def ensure_local_key(settings: Settings) -> list[str]:
    """Create the local user and its key file (0600) if missing; returns lines to print."""
    path = settings.data_dir.resolve() / "api-key"
    db = Database(settings.resolved_database_url)
    try:
        if path.exists():
            key = path.read_text().strip()
            with db.read() as session:
                known = session.scalar(select(User.id).where(User.api_key_hash == hash_key(key)))
            if known is not None:
                return [f"API key: in {path}"]
        with db.write() as session:
            existing = session.scalar(select(User).where(User.email == LOCAL_EMAIL))
            if existing is None:
                _, key = create_user(session, LOCAL_EMAIL)
            else:  # the key file was lost: issue a new key, keep the user's data
                key = new_api_key()
                existing.api_key_hash = hash_key(key)
    finally:
        db.dispose()
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(key + "\n")
    os.chmod(path, 0o600)
    return [f"API key for the local user: {key}", f"(also saved in {path})"]
