"""Who is calling: a Bearer API key (cached 30 s per process by its hash), or a browser
session cookie (read from the database each time, so a sign-out holds at once) whose unsafe
requests must carry the session's CSRF token."""

from __future__ import annotations

import hmac
import threading
import time
import uuid
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from vignette.errors import Forbidden, Unauthorized
from vignette.runtime import Runtime
from vignette.users.keys import hash_key
from vignette.users.repository import user_id_for_key_hash
from vignette.users.sessions import SignedIn, find_session

CACHE_SECONDS = 30.0
SESSION_COOKIE = "vignette_session"
CSRF_HEADER = "X-CSRF-Token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
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


def _session(rt: Runtime, session_id: str) -> SignedIn | None:
    with rt.db.read() as session:
        return find_session(session, session_id)


# Async, so it runs on the event loop: a sync dependency costs a thread-pool hop per request.
async def current_user(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> CurrentUser:
    """The user whose API key is in the Authorization header or whose browser session is in
    the cookie, or 401."""
    if credentials is None and SESSION_COOKIE in request.cookies:
        return await _cookie_user(request, request.cookies[SESSION_COOKIE])
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


async def _cookie_user(request: Request, session_id: str) -> CurrentUser:
    rt: Runtime = request.app.state.runtime
    signed_in = await run_in_threadpool(_session, rt, session_id)
    if signed_in is None:
        raise Unauthorized("your session has ended; sign in again", code="session_expired")
    if request.method not in SAFE_METHODS:
        check_csrf(request, signed_in)
    return CurrentUser(signed_in.user_id)


def check_csrf(request: Request, signed_in: SignedIn) -> None:
    """403 unless the request carries the session's CSRF token."""
    sent = request.headers.get(CSRF_HEADER, "")
    if not hmac.compare_digest(sent.encode(), signed_in.csrf_token.encode()):
        raise Forbidden(
            f"a signed-in browser must send its session's {CSRF_HEADER} header",
            code="csrf_token_missing",
        )
