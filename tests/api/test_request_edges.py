"""Edges of the request contract: a 405 says which methods are allowed, a body in a content type
a route does not take is a 415, a title of blanks is refused, and a file name's control
characters never reach a book."""

from __future__ import annotations

import json

from tests.support.books import scenes_text, wait_for_book
from tests.support.inprocess import InProcessApp

BOOK = {"title": "Edges", "chapters": [{"title": "One", "text": "A grey sea under a low sky."}]}


def test_a_405_names_the_allowed_methods(api: InProcessApp) -> None:
    with api.client() as c:
        r = c.delete("/books")
    assert r.status_code == 405
    assert r.headers["content-type"] == "application/problem+json"
    assert r.json()["code"] == "method_not_allowed"
    assert {m.strip() for m in r.headers["allow"].split(",")} == {"GET", "POST"}


def test_a_book_in_another_content_type_is_a_415(api: InProcessApp) -> None:
    body = json.dumps(BOOK)
    with api.client() as c:
        for content_type in ("text/plain", "application/x-www-form-urlencoded", None):
            headers = {"Content-Type": content_type} if content_type else {}
            r = c.post("/books", content=body, headers=headers)
            assert r.status_code == 415, (content_type, r.text)
            assert r.json()["code"] == "unsupported_media_type"
        ok = c.post("/books", content=body,
                    headers={"Content-Type": "application/json; charset=utf-8"})  # fmt: skip
        assert ok.status_code == 201, ok.text


def test_a_title_of_blanks_is_refused_and_blanks_around_one_are_dropped(
    api: InProcessApp,
) -> None:
    with api.client() as c:
        r = c.post("/books", json={**BOOK, "title": " \t  "})
        assert r.status_code == 422, r.text
        assert r.json()["errors"][0]["loc"] == ["body", "title"]
        made = c.post("/books", json={**BOOK, "title": "  The Coast \n"})
        assert made.status_code == 201, made.text
        assert made.json()["title"] == "The Coast"


def test_control_characters_of_a_file_name_never_reach_the_book(api: InProcessApp) -> None:
    # Raw bytes: httpx would percent-encode them; a hand-made client need not.
    boundary = "vignette-edge"
    body = (
        (
            f"--{boundary}\r\n"
            'Content-Disposition: form-data; name="file"; '
            'filename="dir/The\x00 Co\x07ast\x1b.txt"\r\n'
            "Content-Type: text/plain\r\n\r\n"
        ).encode()
        + scenes_text(1).encode()
        + f"\r\n--{boundary}--\r\n".encode()
    )
    multipart = {"Content-Type": f"multipart/form-data; boundary={boundary}"}
    with api.client() as c:
        r = c.post("/books", content=body, headers=multipart)
        assert r.status_code == 202, r.text
        book = wait_for_book(c, r.json()["id"])
    assert book["status"] == "ready", book
    assert book["title"] == "The Coast", book["title"]  # the name, without what cannot print
