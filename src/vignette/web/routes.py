"""Browser sessions: sign in with an API key (a cookie comes back), see it, sign out."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Cookie, Request, Response
from fastapi.concurrency import run_in_threadpool

from vignette.api.deps import SESSION_COOKIE, RuntimeDep, check_csrf
from vignette.errors import VignetteError
from vignette.runtime import Runtime
from vignette.users.sessions import SignedIn
from vignette.web import service
from vignette.web.schemas import SessionOut, SignIn

router = APIRouter(prefix="/session", tags=["session"])


def _out(signed_in: SignedIn) -> SessionOut:
    return SessionOut(
        user_id=signed_in.user_id,
        csrf_token=signed_in.csrf_token,
        expires_at=signed_in.expires_at,
    )


def _sign_in(rt: Runtime, api_key: str) -> tuple[str, SignedIn]:
    with rt.db.write() as session:
        return service.sign_in(session, api_key, ttl=timedelta(hours=rt.settings.session_hours))


def _current(rt: Runtime, session_id: str | None) -> SignedIn:
    with rt.db.read() as session:
        return service.current(session, session_id)


@router.post("", response_model=SessionOut)
async def sign_in(
    payload: SignIn,
    request: Request,
    response: Response,
    rt: RuntimeDep,
) -> SessionOut:
    """Exchange an API key for a browser session: an HttpOnly, SameSite=Strict cookie
    (`Secure` over HTTPS) and the CSRF token to send as `X-CSRF-Token`. The body must be
    JSON: what a cross-site form can send (text/plain, form encoding) is refused."""
    session_id, signed_in = await run_in_threadpool(_sign_in, rt, payload.api_key)
    response.set_cookie(
        SESSION_COOKIE,
        session_id,
        max_age=int(rt.settings.session_hours * 3600),
        path="/",
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
    )
    return _out(signed_in)


@router.get("", response_model=SessionOut)
async def current_session(
    rt: RuntimeDep,
    vignette_session: Annotated[str | None, Cookie(max_length=128)] = None,
) -> SessionOut:
    """The browser's session, or 401 when it is not signed in (or the session ended)."""
    return _out(await run_in_threadpool(_current, rt, vignette_session))


@router.delete("", status_code=204)
async def sign_out(
    request: Request,
    rt: RuntimeDep,
    vignette_session: Annotated[str | None, Cookie(max_length=128)] = None,
) -> Response:
    """Sign out: the session is deleted on the server and the cookie cleared."""
    if vignette_session:
        try:
            signed_in = await run_in_threadpool(_current, rt, vignette_session)
        except VignetteError:
            signed_in = None  # already ended: only the cookie is left to clear
        if signed_in is not None:
            check_csrf(request, signed_in)
            await run_in_threadpool(_close, rt, vignette_session)
    response = Response(status_code=204)
    response.delete_cookie(SESSION_COOKIE, path="/", httponly=True, samesite="strict")
    return response


def _close(rt: Runtime, session_id: str) -> None:
    with rt.db.write() as session:
        service.sign_out(session, session_id)
