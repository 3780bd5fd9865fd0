"""The dependencies routes declare: the runtime and the caller."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Query, Request

from vignette.api.auth import SESSION_COOKIE, CurrentUser, check_csrf, current_user
from vignette.runtime import Runtime


# Async, so it runs on the event loop: a sync dependency costs a thread-pool hop per request.
async def request_runtime(request: Request) -> Runtime:
    """The runtime the app built at start-up."""
    rt: Runtime = request.app.state.runtime
    return rt


RuntimeDep = Annotated[Runtime, Depends(request_runtime)]
CurrentUserDep = Annotated[CurrentUser, Depends(current_user)]

# A listing's page. The offset is bounded so a huge one is a 422, never an overflow in the
# database (SQL offsets are 64-bit integers).
MAX_OFFSET = 1_000_000_000
Limit = Annotated[int, Query(ge=1, le=100)]
Offset = Annotated[int, Query(ge=0, le=MAX_OFFSET)]


# No session dependency: a route opens `rt.db.read()` in its body, so the connection goes back to
# the pool before the answer is serialized. A dependency's session would hold it until the
# request ends, while the answer of a sync route waits for a second thread-pool slot: under a
# burst, every slot then waits for a connection that only a waiting answer can give back.

__all__ = ["SESSION_COOKIE", "CurrentUserDep", "Limit", "Offset", "RuntimeDep", "check_csrf"]
