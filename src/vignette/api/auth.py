"""Bearer API key authentication, with a short per-process cache of key hash → user."""

from __future__ import annotations

import threading
import time
import uuid
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from vignette.errors import Unauthorized
from vignette.runtime import Runtime
from vignette.users.keys import hash_key
from vignette.users.repository import user_id_for_key_hash

CACHE_SECONDS = 30.0
_bearer = HTTPBearer(auto_error=False, description="API key from `vignette users create`")


@dataclass(frozen=True)
class CurrentUser:
    """The authenticated caller."""

    id: uuid.UUID


class _KeyCache:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._entries: dict[str, tuple[uuid.UUID, float]] = {}

    def get(self, digest: str) -> uuid.UUID | None:
        with self._lock:
            entry = self._entries.get(digest)
        if entry is None or entry[1] < time.monotonic():
            return None
        return entry[0]

    def put(self, digest: str, user_id: uuid.UUID) -> None:
        with self._lock:
            if len(self._entries) > 10_000:
                self._entries.clear()
            self._entries[digest] = (user_id, time.monotonic() + CACHE_SECONDS)


_cache = _KeyCache()


def _lookup(rt: Runtime, digest: str) -> uuid.UUID | None:
    with rt.db.read() as session:
        return user_id_for_key_hash(session, digest)


# Async, so it runs on the event loop: a sync dependency costs a thread-pool hop per request.
async def current_user(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> CurrentUser:
    """The user whose API key is in the Authorization header, or 401."""
    if credentials is None or credentials.scheme.lower() != "bearer" or not credentials.credentials:
        raise Unauthorized("send your API key as 'Authorization: Bearer <key>'")
    digest = hash_key(credentials.credentials)
    user_id = _cache.get(digest)
    if user_id is None:
        rt: Runtime = request.app.state.runtime
        user_id = await run_in_threadpool(_lookup, rt, digest)
        if user_id is None:
            raise Unauthorized("unknown API key", code="invalid_api_key")
        _cache.put(digest, user_id)
    return CurrentUser(user_id)
