"""Book upload and import over HTTP against a real `vignette serve` process tree."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import httpx

from tests.support.api import create_book, description_ids, wait_for, wait_for_batch
from tests.support.books import (
    FIXTURES,
    hostile_files,
    import_book,
    needs_fixtures,
    upload,
    wait_for_book,
)
from tests.support.inprocess import InProcessApp

# File → (chapters, first chapter title); counts as in tests/books/test_parsing.py.
EXPECTED = {
    "en-carroll-alice.epub": (10, "Down The Rabbit-Hole"),
    "en-doyle-sherlock-holmes.epub": (12, "A Scandal in Bohemia"),
    "en-poe-house-of-usher.fb2": (1, "The Fall of the House of Usher"),
    "en-shakespeare-romeo-juliet.epub": (26, "Act I. Prologue"),
    "odd-en-childrens-literature-single-spine.epub": (16, "INTRODUCTORY"),
    "odd-en-doyle-study-in-scarlet-latin1.fb2": (1, "PART I. CHAPTER I. MR. SHERLOCK HOLMES."),
    "odd-en-lorem-no-toc.epub": (1, "Chapter Start"),
    "ru-dostoevsky-besy.fb2": (23, "Часть первая. Глава первая"),
    "ru-tolstoy-otrochestvo.fb2": (27, "Глава I. ПОЕЗДКА НА ДОЛГИХ"),
}


def _problem(r: httpx.Response, status: int, code: str | None = None) -> None:
    assert r.status_code == status, r.text
    assert r.headers["content-type"] == "application/problem+json"
    if code is not None:
        assert r.json()["code"] == code


@needs_fixtures
def test_fixture_books_import_with_chapters_and_descriptions(api: InProcessApp) -> None:
    with api.client() as c:
        accepted = {}
        for name in EXPECTED:
            r = upload(c, name, (FIXTURES / name).read_bytes())
            assert r.status_code == 202, r.text
            doc = r.json()
            assert doc["status"] == "processing"
            assert doc["filename"] == name
            assert r.headers["location"] == f"/api/v1/books/{doc['id']}"
            accepted[name] = doc["id"]
        with ThreadPoolExecutor(4) as pool:
            finals = pool.map(lambda i: wait_for_book(c, i), accepted.values())
            done = dict(zip(accepted, finals, strict=True))
        for name, (count, first_title) in EXPECTED.items():
            book = done[name]
            assert book["status"] == "ready", (name, book)
            assert book["error"] is None
            assert book["progress"] == {"chapters_done": count, "chapters_total": count}
            assert len(book["chapters"]) == count, name
            assert book["chapters"][0]["title"] == first_title
            if name != "odd-en-lorem-no-toc.epub":  # lorem ipsum describes nothing
                assert book["descriptions_found"] > 0, name
        alice = done["en-carroll-alice.epub"]
        assert (alice["title"], alice["author"], alice["language"], alice["genre"]) == (
            "Alice's Adventures in Wonderland", "Lewis Carroll", "en", "fantasy",
        )  # fmt: skip
        assert done["ru-dostoevsky-besy.fb2"]["language"] == "ru"
        chapter = c.get(f"/chapters/{alice['chapters'][0]['id']}").json()
        assert chapter["text"].startswith("Alice was beginning to get very tired")
        for d in chapter["descriptions"]:
            assert chapter["text"][d["start"] : d["end"]] == d["text"]
        cover = c.get(api.base_url + alice["cover_url"])
        assert cover.status_code == 200
        assert cover.headers["content-type"] == "image/jpeg"
        assert cover.content.startswith(b"\xff\xd8\xff")
        again = c.get(
            api.base_url + alice["cover_url"], headers={"If-None-Match": cover.headers["etag"]}
        )
        assert again.status_code == 304
        sherlock = done["en-doyle-sherlock-holmes.epub"]
        assert sherlock["cover_url"] is None  # its only cover is SVG
        _problem(c.get(f"/books/{sherlock['id']}/cover"), 404)
        # The upload is gone once imported; the book keeps what it needs.
        assert not [p for p in (api.data_dir / "uploads").rglob("*") if p.is_file()]


def test_hostile_uploads_fail_cleanly_and_the_worker_stays_up(api: InProcessApp) -> None:
    with api.client() as c:
        outcomes: dict[str, str] = {}
        pending: dict[str, str] = {}
        for case, (name, data) in hostile_files().items():
            r = upload(c, name, data)
            if r.status_code == 202:
                pending[case] = r.json()["id"]
            else:
                assert 400 <= r.status_code < 500, (case, r.text)
                assert r.headers["content-type"] == "application/problem+json"
                assert r.json()["detail"]
                outcomes[case] = r.json()["code"]
        for case, book_id in pending.items():
            book = wait_for_book(c, book_id)
            assert book["status"] == "failed", (case, book)
            assert book["error"], case
            assert book["chapters"] == []
            outcomes[case] = book["error_code"]
        assert outcomes == {
            "zip bomb": "zip_bomb",
            "xxe": "unsafe_xml",
            "billion laughs": "unsafe_xml",
            "path traversal": "unsafe_archive",
            "truncated zip": "malformed",
            "wrong extension": "unsupported_format",
            "empty": "empty",
            "xxe in epub": "unsafe_xml",
        }
        # The worker is still up: a normal job completes and a normal book imports.
        task = c.post(f"/images/generate/async/{description_ids(create_book(c))[0]}").json()
        assert wait_for(c, task["task_id"], {"completed", "failed"})["status"] == "completed"
        text = "Chapter 1\n\nThe old castle stood on a dark hill above the frozen lake at dusk.\n"
        assert import_book(c, "tale.txt", text.encode())["status"] == "ready"


def test_upload_size_limit_and_bad_multipart(api: InProcessApp) -> None:
    with api.client() as c:
        # One byte over the file limit is refused by the route; far over, by the body limit.
        _problem(upload(c, "big.txt", b"x" * (50 * 1024 * 1024 + 1)), 413, "too_large")
        _problem(upload(c, "big.txt", b"x" * (51 * 1024 * 1024)), 413, "payload_too_large")
        r = c.post(
            "/books",
            content=b"--x\r\n\r\n--x--",
            headers={"content-type": "multipart/form-data; boundary=x"},
        )
        _problem(r, 422)
        two = [("a", ("a.txt", b"hello")), ("b", ("b.txt", b"world"))]
        _problem(c.post("/books", files=two), 422, "no_file")
        # The JSON form still works on the same path.
        assert create_book(c)["status"] == "ready"


def test_other_users_books_are_not_found(api: InProcessApp) -> None:
    with api.client() as c:
        book = import_book(
            c, "short.txt", b"The grey sea rolled under a low and heavy sky all day."
        )
    stranger = api.create_user()
    with api.client(stranger) as other:
        _problem(other.get(f"/books/{book['id']}"), 404)
        _problem(other.get(f"/books/{book['id']}/cover"), 404)
        _problem(other.get(f"/chapters/{book['chapters'][0]['id']}"), 404)
        _problem(other.get(f"/books/{uuid.uuid4()}"), 404)


def test_book_time_limit_fails_the_book_not_the_worker(
    make_app: Callable[..., InProcessApp],
) -> None:
    svc = make_app(book_time_limit_seconds=1)
    try:
        with svc.client() as c:
            # Enough text that extraction alone takes well over a second.
            paragraph = "The old castle stood on a dark hill above the frozen lake at night. " * 40
            text = "\n\n".join(f"Chapter {n}\n\n" + paragraph for n in range(1, 300))
            book = import_book(c, "long.txt", text.encode())
            assert book["status"] == "failed", book
            assert book["error_code"] == "time_limit"
            assert "1 s" in book["error"]
            task = c.post(f"/images/generate/async/{description_ids(create_book(c))[0]}").json()
            assert wait_for(c, task["task_id"], {"completed", "failed"})["status"] == "completed"
    finally:
        svc.stop()


def _listed_counts(c: httpx.Client, **params: int) -> dict[str, tuple[int, int]]:
    """Book id → (descriptions_found, images_made) as GET /books lists them."""
    page = c.get("/books", params={"limit": 100, **params}).json()
    return {b["id"]: (b["descriptions_found"], b["images_made"]) for b in page["items"]}


def _illustrate(c: httpx.Client, chapter_id: str, n: int) -> list[str]:
    """Generate images for n of the chapter's descriptions; the completed jobs' ids."""
    r = c.post(f"/images/generate/async/chapter/{chapter_id}", json={"max_images": n})
    assert r.status_code == 202, r.text
    jobs = wait_for_batch(c, r.json()["batch_id"])["jobs"]
    assert [j["status"] for j in jobs] == ["completed"] * n
    return [j["task_id"] for j in jobs]


def test_listed_books_carry_their_own_counts(api: InProcessApp) -> None:
    key = api.create_user()
    with api.client(key) as c:
        bare = c.post("/books", json={"title": "Bare", "chapters": [{"text": "Nothing."}]})
        assert bare.status_code == 201, bare.text
        assert (bare.json()["descriptions_found"], bare.json()["images_made"]) == (0, 0)
        sizes = {"One": 1, "Two": 2, "Three": 3}
        made = {t: create_book(c, title=t, chapters=n) for t, n in sizes.items()}
        ids = {t: b["id"] for t, b in made.items()} | {"Bare": bare.json()["id"]}
        for title, book in made.items():  # the creation answer counts what it was given
            assert (book["descriptions_found"], book["images_made"]) == (5 * sizes[title], 0)
        fresh = {ids["Bare"]: (0, 0)} | {ids[t]: (5 * n, 0) for t, n in sizes.items()}
        assert _listed_counts(c) == fresh

        _illustrate(c, made["One"]["chapters"][0]["id"], 2)
        three = _illustrate(c, made["Three"]["chapters"][1]["id"], 3)
        r = c.post(f"/images/regenerate/{three[0]}")  # a second image of the same passage
        assert r.status_code == 202, r.text
        assert wait_for(c, r.json()["task_id"], {"completed", "failed"})["status"] == "completed"
        expected = {
            ids["Bare"]: (0, 0),
            ids["One"]: (5, 2),
            ids["Two"]: (10, 0),
            ids["Three"]: (15, 4),
        }
        assert _listed_counts(c) == expected
        # A smaller page carries the same counts for its own books.
        page = _listed_counts(c, limit=2, offset=1)
        assert len(page) == 2
        assert page == {i: expected[i] for i in page}
        for book_id, (found, images) in expected.items():
            one = c.get(f"/books/{book_id}").json()
            assert (one["descriptions_found"], one["images_made"]) == (found, images)
            listed = c.get(f"/images/book/{book_id}", params={"status": "completed"}).json()
            assert listed["total"] == images

        r = upload(c, "short.txt", b"The grey sea rolled under a low and heavy sky all day.")
        assert r.status_code == 202, r.text
        assert (r.json()["descriptions_found"], r.json()["images_made"]) == (0, 0)
        imported = wait_for_book(c, r.json()["id"])
        assert _listed_counts(c)[imported["id"]] == (imported["descriptions_found"], 0)

    with api.client(api.create_user()) as other:
        theirs = create_book(other, title="Theirs")
        _illustrate(other, theirs["chapters"][0]["id"], 1)
        assert _listed_counts(other) == {theirs["id"]: (5, 1)}
    with api.client(key) as c:  # the stranger's books and images are not the user's
        listed = _listed_counts(c)
        assert theirs["id"] not in listed
        assert {i: listed[i] for i in expected} == expected
