"""Browser sessions: an API key exchanged for an HttpOnly cookie, CSRF on unsafe requests."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime

import httpx
from sqlalchemy import select

from tests.support.api import create_book, description_ids
from tests.support.inprocess import InProcessApp
from tests.support.sse import stream
from vignette.db.models import BrowserSession
from vignette.db.session import Database

COOKIE = "vignette_session"


def _browser(app: InProcessApp) -> httpx.Client:
    """A client with no Authorization header: only what a browser has, its cookies."""
    return httpx.Client(base_url=f"{app.base_url}/api/v1", timeout=30)


def _sign_in(c: httpx.Client, key: str) -> httpx.Response:
    return c.post("/session", json={"api_key": key})


def test_sign_in_sets_a_strict_http_only_cookie_and_the_cookie_opens_the_api(
    api: InProcessApp,
) -> None:
    key = api.create_user()
    with _browser(api) as browser:
        r = _sign_in(browser, key)
        assert r.status_code == 200, r.text
        csrf = r.json()["csrf_token"]
        cookie = r.headers["set-cookie"]
        assert cookie.startswith(f"{COOKIE}=")
        assert "HttpOnly" in cookie
        assert "SameSite=strict" in cookie
        assert "Secure" not in cookie  # plain HTTP on 127.0.0.1; Secure over HTTPS
        assert key not in cookie
        assert key not in r.text
        assert browser.get("/session").json()["csrf_token"] == csrf
        # Whose session it is (the page keeps its offline copies per user): the same user for
        # the same key, another for another key.
        with _browser(api) as again, _browser(api) as other:
            assert _sign_in(again, key).json()["user_id"] == r.json()["user_id"]
            assert _sign_in(other, api.create_user()).json()["user_id"] != r.json()["user_id"]

        assert browser.get("/books").status_code == 200
        body = {"title": "Cookie", "chapters": [{"text": "A red door in a white wall."}]}
        refused = browser.post("/books", json=body)
        assert refused.status_code == 403
        assert refused.json()["code"] == "csrf_token_missing"
        wrong = browser.post("/books", json=body, headers={"X-CSRF-Token": csrf + "x"})
        assert wrong.status_code == 403
        made = browser.post("/books", json=body, headers={"X-CSRF-Token": csrf})
        assert made.status_code == 201, made.text
        assert browser.get("/books").json()["total"] == 1  # the key's user's books
        with api.client(key) as bearer:  # the same user through the key
            assert bearer.get("/books").json()["items"][0]["id"] == made.json()["id"]


def test_a_wrong_key_or_a_non_json_body_signs_nobody_in(api: InProcessApp) -> None:
    with _browser(api) as browser:
        r = _sign_in(browser, "not-a-key")
        assert r.status_code == 401
        assert r.headers["content-type"].startswith("application/problem+json")
        assert r.json()["code"] == "invalid_api_key"
        assert "set-cookie" not in r.headers
        # What a cross-site form could send: text/plain that looks like JSON.
        forged = browser.post(
            "/session",
            content=f'{{"api_key": "{api.api_key}"}}',
            headers={"content-type": "text/plain"},
        )
        assert forged.status_code == 422
        assert "set-cookie" not in forged.headers
        as_form = browser.post("/session", data={"api_key": api.api_key})
        assert as_form.status_code == 422
        assert "set-cookie" not in as_form.headers
        assert browser.get("/session").status_code == 401
        assert browser.get("/books").status_code == 401


def test_sign_out_ends_the_session_on_the_server(api: InProcessApp) -> None:
    with _browser(api) as browser:
        csrf = _sign_in(browser, api.create_user()).json()["csrf_token"]
        session_id = browser.cookies[COOKIE]
        assert browser.delete("/session").status_code == 403  # no token: not signed out
        assert browser.get("/books").status_code == 200
        out = browser.delete("/session", headers={"X-CSRF-Token": csrf})
        assert out.status_code == 204
        assert COOKIE not in browser.cookies  # cleared in the browser
    with _browser(api) as replay:  # ...and the old id opens nothing on the server
        replay.cookies.set(COOKIE, session_id)
        r = replay.get("/books")
        assert r.status_code == 401
        assert r.json()["code"] == "session_expired"


def test_only_the_id_hash_is_stored(api: InProcessApp) -> None:
    assert api.settings is not None
    with _browser(api) as browser:
        _sign_in(browser, api.create_user()).raise_for_status()
        session_id = browser.cookies[COOKIE]
    db = Database(api.settings.resolved_database_url)
    try:
        with db.read() as s:
            hashes = set(s.scalars(select(BrowserSession.id_hash)))
    finally:
        db.dispose()
    assert session_id not in hashes
    assert len(next(iter(hashes))) == 64


def test_an_expired_session_is_refused(make_app: Callable[..., InProcessApp]) -> None:
    app = make_app(session_hours=5 / 3600)  # five seconds: enough to use it on a busy machine
    with _browser(app) as browser:
        signed_in = _sign_in(browser, app.api_key)
        signed_in.raise_for_status()
        expires_at = datetime.fromisoformat(signed_in.json()["expires_at"])
        assert browser.get("/books").status_code == 200
        time.sleep(max(0.0, (expires_at - datetime.now(UTC)).total_seconds()) + 0.3)
        assert browser.get("/books").status_code == 401
        assert browser.get("/session").status_code == 401


def test_event_streams_authenticate_with_the_cookie(api: InProcessApp) -> None:
    key = api.create_user()
    with api.client(key) as c:
        task_id = c.post(f"/images/generate/async/{description_ids(create_book(c))[0]}").json()[
            "task_id"
        ]
    with _browser(api) as browser:
        _sign_in(browser, key).raise_for_status()
        with stream(browser, f"/images/task/{task_id}/events") as received:
            docs = [e.data for e in received]
        assert docs[-1]["status"] == "completed"
        assert docs[-1]["task_id"] == task_id
