"""The pipeline end to end over HTTP against a real `vignette serve` process tree."""

from __future__ import annotations

import io
import random
import uuid
from concurrent.futures import ThreadPoolExecutor

import httpx
from PIL import Image

from tests.support.api import create_book, description_ids, wait_for
from tests.support.books import one_chapter_book
from tests.support.inprocess import InProcessApp

BURST = [f"Scene {i}: a lighthouse on a black rock above a winter sea." for i in range(30)]


def test_async_job_completes_and_image_downloads(api: InProcessApp) -> None:
    with api.client() as c:
        book = create_book(c)
        desc_id = description_ids(book)[0]
        r = c.post(f"/images/generate/async/{desc_id}")
        assert r.status_code == 202, r.text
        task = r.json()
        assert task["status"] == "queued"
        assert task["description_id"] == desc_id
        assert task["status_url"] == f"/api/v1/images/task/{task['task_id']}"
        assert r.headers["location"] == task["status_url"]

        done = wait_for(c, task["task_id"], {"completed", "failed"})
        assert done["status"] == "completed", done
        assert done["provider"] == "procedural"
        assert done["error"] is None
        assert [(a["provider"], a["outcome"]) for a in done["attempts"]] == [
            ("procedural", "success")
        ]
        assert done["timings"]["total_ms"] is not None

        f = c.get(api.base_url + done["image_url"])
        assert f.status_code == 200
        assert f.headers["content-type"] == "image/webp"
        img = Image.open(io.BytesIO(f.content))
        assert img.format == "WEBP"
        assert img.size == (1024, 768)
        assert done["image"]["sha256"] == f.headers["etag"].strip('"')

        again = c.get(
            api.base_url + done["image_url"], headers={"If-None-Match": f.headers["etag"]}
        )
        assert again.status_code == 304

        meta = c.get(f"/images/{task['task_id']}").json()
        assert meta["image"]["width"] == 1024
        assert meta["image"]["mime_type"] == "image/webp"


def test_repeating_a_request_returns_the_same_task(api: InProcessApp) -> None:
    with api.client() as c:
        desc_id = description_ids(create_book(c))[1]
        first = c.post(f"/images/generate/async/{desc_id}")
        second = c.post(f"/images/generate/async/{desc_id}")
        assert first.status_code == 202
        assert second.status_code == 200
        assert second.json()["task_id"] == first.json()["task_id"]
        wait_for(c, first.json()["task_id"], {"completed"})
        after = c.post(f"/images/generate/async/{desc_id}")
        assert after.status_code == 200
        assert after.json()["task_id"] == first.json()["task_id"]
        listing = c.get(f"/images/description/{desc_id}").json()
        assert listing["total"] == 1


def test_sync_form_waits_for_the_same_job(api: InProcessApp) -> None:
    with api.client() as c:
        desc_id = description_ids(create_book(c))[2]
        r = c.post(
            f"/images/generate/description/{desc_id}",
            params={"wait": 30},
            json={"aspect_ratio": "16:9", "format": "png"},
        )
        assert r.status_code == 200, r.text
        doc = r.json()
        assert doc["status"] == "completed"
        f = c.get(api.base_url + doc["image_url"])
        assert f.headers["content-type"] == "image/png"
        assert Image.open(io.BytesIO(f.content)).size == (1280, 720)
        # The async form for the same description answers with that job.
        again = c.post(f"/images/generate/async/{desc_id}")
        assert again.status_code == 200
        assert again.json()["task_id"] == doc["task_id"]


def test_twenty_parallel_requests_make_one_job(api: InProcessApp) -> None:
    with api.client() as c:
        desc_id = description_ids(create_book(c))[3]

    def post(_: int) -> httpx.Response:
        with api.client() as c2:
            return c2.post(f"/images/generate/async/{desc_id}")

    with ThreadPoolExecutor(max_workers=20) as pool:
        responses = list(pool.map(post, range(20)))
    assert all(r.status_code in (200, 202) for r in responses), [r.text for r in responses]
    assert sorted(r.status_code for r in responses).count(202) == 1
    assert len({r.json()["task_id"] for r in responses}) == 1
    with api.client() as c:
        done = wait_for(c, responses[0].json()["task_id"], {"completed"})
        assert done["attempt_count"] == 1
        assert c.get(f"/images/description/{desc_id}").json()["total"] == 1


def test_a_burst_of_mixed_submits_gives_each_request_its_own_answer(api: InProcessApp) -> None:
    """Submits that arrive together are committed in groups: every request still gets its
    own answer, a bad one spoils nothing for the others, and every job runs once."""
    with api.client() as c:
        book = c.post("/books", json=one_chapter_book("Burst", BURST)).json()
    ids = description_ids(book)
    paths = [f"/images/generate/async/{d}" for d in ids * 2]
    paths += [f"/images/generate/async/{uuid.uuid4()}" for _ in range(10)]
    random.Random(7).shuffle(paths)

    def post(path: str) -> tuple[str, httpx.Response]:
        with api.client() as c2:
            return path, c2.post(path)

    with ThreadPoolExecutor(max_workers=35) as pool:
        answers = list(pool.map(post, paths))
    tasks: dict[str, set[str]] = {}
    statuses: dict[str, list[int]] = {}
    for path, r in answers:
        desc_id = path.rsplit("/", 1)[1]
        if desc_id not in ids:
            assert r.status_code == 404, r.text
            assert r.json()["code"] == "not_found"
            continue
        assert r.status_code in (200, 202), r.text
        assert r.json()["description_id"] == desc_id
        tasks.setdefault(desc_id, set()).add(r.json()["task_id"])
        statuses.setdefault(desc_id, []).append(r.status_code)
    assert all(len(t) == 1 for t in tasks.values())
    assert all(sorted(s) == [200, 202] for s in statuses.values()), statuses
    assert len(tasks) == len(ids) == 30
    with api.client() as c:
        for desc_id, (task_id,) in tasks.items():
            done = wait_for(c, task_id, {"completed"})
            assert done["attempt_count"] == 1
            assert c.get(f"/images/description/{desc_id}").json()["total"] == 1


def test_idempotency_key(api: InProcessApp) -> None:
    with api.client() as c:
        ids = description_ids(create_book(c))
        headers = {"Idempotency-Key": "key-123"}
        first = c.post(f"/images/generate/async/{ids[0]}", headers=headers, json={"style": "ink"})
        replay = c.post(f"/images/generate/async/{ids[0]}", headers=headers, json={"style": "ink"})
        assert replay.status_code == first.status_code
        assert replay.json()["task_id"] == first.json()["task_id"]
        other = c.post(f"/images/generate/async/{ids[1]}", headers=headers, json={"style": "ink"})
        assert other.status_code == 422
        assert other.json()["code"] == "idempotency_key_reused"
        book_key = {"Idempotency-Key": "book-1"}
        body = {"title": "T", "chapters": [{"text": "Some text here."}]}
        b1 = c.post("/books", json=body, headers=book_key)
        b2 = c.post("/books", json=body, headers=book_key)
        assert b1.status_code == b2.status_code == 201
        assert b1.json()["id"] == b2.json()["id"]


def test_regenerate_and_delete(api: InProcessApp) -> None:
    with api.client() as c:
        desc_id = description_ids(create_book(c))[4]
        first = c.post(f"/images/generate/description/{desc_id}", params={"wait": 30}).json()
        assert first["status"] == "completed"
        r = c.post(f"/images/regenerate/{first['image_id']}", json={"style": "watercolour"})
        assert r.status_code == 202, r.text
        second = wait_for(c, r.json()["task_id"], {"completed"})
        assert second["task_id"] != first["task_id"]
        assert second["params"]["seed"] != first["params"]["seed"]
        assert "watercolour" in second["prompt"]
        assert c.get(f"/images/description/{desc_id}").json()["total"] == 2

        assert c.delete(f"/images/{first['image_id']}").status_code == 204
        assert c.get(f"/images/{first['image_id']}").status_code == 404
        assert c.get(api.base_url + second["image_url"]).status_code == 200
        assert c.get(f"/images/description/{desc_id}").json()["total"] == 1


def test_books_chapters_and_offsets(api: InProcessApp) -> None:
    with api.client() as c:
        book = create_book(c, title="Offsets", chapters=2)
        assert book["status"] == "ready"
        got = c.get(f"/books/{book['id']}").json()
        assert [ch["number"] for ch in got["chapters"]] == [1, 2]
        chapter = c.get(f"/chapters/{got['chapters'][0]['id']}").json()
        assert len(chapter["descriptions"]) == 5
        for d in chapter["descriptions"]:
            assert chapter["text"][d["start"] : d["end"]] == d["text"]
        page = c.get("/books", params={"limit": 1}).json()
        assert page["limit"] == 1
        assert len(page["items"]) == 1
        assert page["total"] >= 1
        assert c.delete(f"/books/{book['id']}").status_code == 204
        assert c.get(f"/books/{book['id']}").status_code == 404
        assert c.get(f"/chapters/{got['chapters'][0]['id']}").status_code == 404


def test_another_users_objects_are_404(api: InProcessApp) -> None:
    with api.client() as owner:
        book = create_book(owner)
        desc_id = description_ids(book)[0]
        task = owner.post(f"/images/generate/description/{desc_id}", params={"wait": 30}).json()
        assert task["status"] == "completed"
    chapter_id = book["chapters"][0]["id"]
    with api.client(api.create_user()) as other:
        for method, path in [
            ("GET", f"/books/{book['id']}"),
            ("DELETE", f"/books/{book['id']}"),
            ("GET", f"/chapters/{chapter_id}"),
            ("POST", f"/images/generate/async/{desc_id}"),
            ("POST", f"/images/generate/description/{desc_id}?wait=0"),
            ("GET", f"/images/description/{desc_id}"),
            ("GET", f"/images/task/{task['task_id']}"),
            ("POST", f"/images/task/{task['task_id']}/cancel"),
            ("GET", f"/images/{task['image_id']}"),
            ("GET", f"/images/{task['image_id']}/file"),
            ("DELETE", f"/images/{task['image_id']}"),
            ("POST", f"/images/regenerate/{task['image_id']}"),
        ]:
            r = other.request(method, path)
            assert r.status_code == 404, (method, path, r.status_code, r.text)
            assert r.headers["content-type"] == "application/problem+json"
        assert other.get("/books").json()["total"] == 0
    with api.client() as owner:
        assert owner.get(f"/images/{task['image_id']}/file").status_code == 200
