"""First start of `vignette serve`: a local user whose key is kept in the data dir."""

from __future__ import annotations

import os

from vignette.db.session import Database
from vignette.settings import Settings
from vignette.users.service import ensure_user_key

LOCAL_EMAIL = "local@vignette.localhost"


def ensure_local_key(settings: Settings) -> list[str]:
    """Create the local user and its key file (0600) if missing; returns lines to print."""
    path = settings.data_dir.resolve() / "api-key"
    known = path.read_text().strip() if path.exists() else None
    db = Database(settings.resolved_database_url)
    try:
        with db.write() as session:
            key = ensure_user_key(session, LOCAL_EMAIL, known)
    finally:
        db.dispose()
    if key is None:
        return [f"API key: in {path}"]
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(key + "\n")
    os.chmod(path, 0o600)
    return [f"API key for the local user: {key}", f"(also saved in {path})"]
