"""Image listings by book and chapter: pages, filters, real totals."""

from __future__ import annotations

from typing import Any

from tests.support.api import create_book, wait_for_batch
from tests.support.books import one_chapter_book
from tests.support.inprocess import InProcessApp

HARBOUR = [
    "Fishing boats rocked in the grey harbour under a sky full of gulls.",
    "A tall lighthouse of white stone stood at the end of the long pier.",
]


def test_listings_filter_and_count(api: InProcessApp) -> None:
    with api.client() as c:
        book = create_book(c, title="Listed", chapters=2)
        first, second = book["chapters"]
        for chapter in (first, second):
            r = c.post(f"/images/generate/async/chapter/{chapter['id']}", json={"max_images": 5})
            wait_for_batch(c, r.json()["batch_id"])
        page = c.get(f"/images/book/{book['id']}", params={"limit": 3}).json()
        assert page["total"] == 10
        assert len(page["items"]) == 3
        rest = c.get(f"/images/book/{book['id']}", params={"limit": 10, "offset": 3}).json()
        assert len(rest["items"]) == 7
        ids = {i["task_id"] for i in page["items"]} | {i["task_id"] for i in rest["items"]}
        assert len(ids) == 10
        assert {"status_url", "attempts", "image"} <= page["items"][0].keys()
        located = c.get(f"/images/book/{book['id']}", params={"type": "location"}).json()
        assert located["total"] == 2
        assert c.get(f"/images/book/{book['id']}", params={"status": "failed"}).json()["total"] == 0
        chap = c.get(
            f"/images/chapter/{first['id']}", params={"type": "action", "status": "completed"}
        ).json()
        assert chap["total"] == 1
        assert chap["items"][0]["description_id"] == first["descriptions"][4]["id"]
        assert c.get(f"/images/chapter/{second['id']}").json()["total"] == 5
        assert c.get(f"/images/book/{book['id']}", params={"type": "smell"}).status_code == 422
        assert c.get(f"/images/book/{book['id']}", params={"status": "x"}).status_code == 422


def test_the_users_images_across_books_in_either_order(api: InProcessApp) -> None:
    key = api.create_user()
    with api.client(key) as c:
        books = [create_book(c, title=f"Shelf {n}") for n in range(2)]
        for book in books:
            chapter = book["chapters"][0]["id"]
            r = c.post(f"/images/generate/async/chapter/{chapter}", json={"max_images": 2})
            wait_for_batch(c, r.json()["batch_id"])
        newest = c.get("/images", params={"limit": 100}).json()
        assert newest["total"] == 4
        created = [i["created_at"] for i in newest["items"]]
        assert created == sorted(created, reverse=True)
        oldest = c.get("/images", params={"limit": 100, "order": "oldest"}).json()
        assert [i["task_id"] for i in oldest["items"]] == [
            i["task_id"] for i in reversed(newest["items"])
        ]
        assert c.get("/images", params={"type": "location"}).json()["total"] == 2
        assert c.get("/images", params={"order": "sideways"}).status_code == 422
    with api.client(api.create_user()) as other:
        assert other.get("/images").json()["total"] == 0  # nobody else's


def _passages(book: dict[str, Any]) -> dict[str, tuple[dict[str, Any], dict[str, Any]]]:
    """Description id → (its chapter, the description) of a created book."""
    return {d["id"]: (ch, d) for ch in book["chapters"] for d in ch["descriptions"]}


def test_gallery_items_carry_their_book_chapter_and_passage(api: InProcessApp) -> None:
    key = api.create_user()
    with api.client(key) as c:
        harbour = c.post("/books", json=one_chapter_book("Harbour", HARBOUR)).json()
        castle = create_book(c, title="Castle", chapters=2)
        jobs = []
        for chapter, n in ((harbour["chapters"][0], 2), (castle["chapters"][1], 3)):
            r = c.post(f"/images/generate/async/chapter/{chapter['id']}", json={"max_images": n})
            jobs += [j["task_id"] for j in wait_for_batch(c, r.json()["batch_id"])["jobs"]]
        books = {b["id"]: b for b in (harbour, castle)}
        where = _passages(harbour) | _passages(castle)

        def check(item: dict[str, Any]) -> str:
            chapter, desc = where[item["description_id"]]
            book = books[chapter["book_id"]]
            assert (item["book_id"], item["book_title"]) == (book["id"], book["title"])
            assert (item["chapter_id"], item["chapter_number"], item["chapter_title"]) == (
                chapter["id"], chapter["number"], chapter["title"],
            )  # fmt: skip
            assert item["description"] == {
                k: desc[k] for k in ("id", "type", "text", "start", "end")
            }
            assert chapter["text"][desc["start"] : desc["end"]] == item["description"]["text"]
            assert item["status"] == "completed"  # and the task document's fields too
            assert item["image_url"]
            return str(item["book_title"])

        every = c.get("/images", params={"limit": 100}).json()
        assert sorted(i["task_id"] for i in every["items"]) == sorted(jobs)
        assert sorted(check(i) for i in every["items"]) == ["Castle"] * 3 + ["Harbour"] * 2
        # A smaller page: the same items, each with its own context.
        assert c.get("/images", params={"limit": 2}).json()["items"] == every["items"][:2]
        by_book = c.get(f"/images/book/{harbour['id']}").json()["items"]
        assert [check(i) for i in by_book] == ["Harbour"] * 2
        by_chapter = c.get(f"/images/chapter/{castle['chapters'][1]['id']}").json()["items"]
        assert [check(i) for i in by_chapter] == ["Castle"] * 3
        assert {i["chapter_number"] for i in by_chapter} == {2}
        desc_id = by_chapter[0]["description_id"]
        (alone,) = c.get(f"/images/description/{desc_id}").json()["items"]
        assert check(alone) == "Castle"
        assert alone["description"]["id"] == desc_id
        # The task status document is the same everywhere, without the listing's context.
        task = c.get(alone["status_url"].removeprefix("/api/v1")).json()
        assert "book_id" not in task
        assert "description" not in task
        assert {k: v for k, v in alone.items() if k in task} == task

    with api.client(api.create_user()) as other:
        theirs = create_book(other, title="Theirs")
        r = other.post(
            f"/images/generate/async/chapter/{theirs['chapters'][0]['id']}", json={"max_images": 1}
        )
        wait_for_batch(other, r.json()["batch_id"])
        (item,) = other.get("/images").json()["items"]
        assert (item["book_id"], item["book_title"]) == (theirs["id"], "Theirs")
        assert other.get(f"/images/book/{harbour['id']}").status_code == 404
        assert other.get(f"/images/description/{desc_id}").status_code == 404
    with api.client(key) as c:
        mine = c.get("/images", params={"limit": 100}).json()
        assert sorted(i["task_id"] for i in mine["items"]) == sorted(jobs)
        assert theirs["id"] not in {i["book_id"] for i in mine["items"]}
