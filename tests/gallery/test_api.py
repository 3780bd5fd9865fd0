"""Image listings by book and chapter: pages, filters, real totals."""

from __future__ import annotations

from tests.support.api import create_book, wait_for_batch
from tests.support.inprocess import InProcessApp


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
