"""The dependencies routes declare: the runtime, the caller, a read session."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from vignette.api.auth import SESSION_COOKIE, CurrentUser, check_csrf, current_user
from vignette.runtime import Runtime


# Async, so it runs on the event loop: a sync dependency costs a thread-pool hop per request.
async def request_runtime(request: Request) -> Runtime:
    """The runtime the app built at start-up."""
    rt: Runtime = request.app.state.runtime
    return rt


RuntimeDep = Annotated[Runtime, Depends(request_runtime)]
CurrentUserDep = Annotated[CurrentUser, Depends(current_user)]


async def read_session(rt: RuntimeDep) -> AsyncIterator[Session]:
    """A session for reading, closed when the request ends; it never commits.

    Opening it is free (no connection until the first query), so it is made on the event loop.
    """
    with rt.db.read() as session:
        yield session


ReadSessionDep = Annotated[Session, Depends(read_session)]

__all__ = ["SESSION_COOKIE", "CurrentUserDep", "ReadSessionDep", "RuntimeDep", "check_csrf"]
