"""Chapter batches over HTTP: the app in-process, jobs run by a real worker."""

from __future__ import annotations

import uuid
from typing import Any

import httpx

from tests.support.api import (
    CHAPTER_TEXT,
    DESCRIPTIONS,
    create_book,
    description_ids,
    wait_for,
    wait_for_batch,
)
from tests.support.inprocess import InProcessApp


def _big_book(c: httpx.Client, repeats: int) -> dict[str, Any]:
    """One chapter with the five sample descriptions `repeats` times over."""
    body = {
        "title": "Long Winter",
        "genre": "fantasy",
        "chapters": [
            {
                "title": "All of it",
                "text": " ".join([CHAPTER_TEXT] * repeats),
                "descriptions": [{"type": t, "text": x} for t, x in DESCRIPTIONS] * repeats,
            }
        ],
    }
    r = c.post("/books", json=body)
    assert r.status_code == 201, r.text
    data: dict[str, Any] = r.json()
    return data


def test_chapter_batch_picks_best_descriptions_and_skips_illustrated_ones(
    api: InProcessApp,
) -> None:
    with api.client() as c:
        book = create_book(c, title="Batch Tales")
        chapter = book["chapters"][0]
        by_id = {d["id"]: d["type"] for d in chapter["descriptions"]}
        r = c.post(f"/images/generate/async/chapter/{chapter['id']}", json={"max_images": 3})
        assert r.status_code == 202, r.text
        first = r.json()
        assert r.headers["location"] == first["status_url"]
        assert len(first["job_ids"]) == 3
        done = wait_for_batch(c, first["batch_id"])
        assert done["total"] == 3
        assert done["counts"]["completed"] == 3
        types = [by_id[j["description_id"]] for j in done["jobs"]]
        assert types == ["location", "character", "atmosphere"]  # highest priority first
        assert [j["task_id"] for j in done["jobs"]] == first["job_ids"]

        second = c.post(f"/images/generate/async/chapter/{chapter['id']}").json()
        assert len(second["job_ids"]) == 2  # only the two without an image are left
        assert not set(second["job_ids"]) & set(first["job_ids"])
        wait_for_batch(c, second["batch_id"])
        third = c.post(f"/images/generate/async/chapter/{chapter['id']}").json()
        assert third["job_ids"] == []

        other = create_book(c, title="Typed")["chapters"][0]
        typed = c.post(
            f"/images/generate/async/chapter/{other['id']}",
            json={"max_images": 5, "types": ["object", "action"]},
        ).json()
        typed_types = {d["id"]: d["type"] for d in other["descriptions"]}
        status = wait_for_batch(c, typed["batch_id"])
        assert [typed_types[j["description_id"]] for j in status["jobs"]] == ["object", "action"]


def test_an_interactive_job_overtakes_a_big_batch(api: InProcessApp) -> None:
    with api.client() as c:
        chapter = _big_book(c, repeats=8)["chapters"][0]
        single = description_ids(create_book(c, title="Urgent"))[0]
        batch = c.post(f"/images/generate/async/chapter/{chapter['id']}", json={"max_images": 40})
        assert batch.status_code == 202, batch.text
        assert len(batch.json()["job_ids"]) == 40
        task = c.post(f"/images/generate/async/{single}").json()
        assert task["params"] is not None
        interactive = wait_for(c, task["task_id"], {"completed"})
        jobs = wait_for_batch(c, batch.json()["batch_id"], timeout=120)["jobs"]
        last_bulk = max(j["finished_at"] for j in jobs)
        assert interactive["finished_at"] < last_bulk


def test_batches_and_listings_are_owner_scoped_and_validated(api: InProcessApp) -> None:
    with api.client() as c:
        book = create_book(c, title="Mine")
        chapter_id = book["chapters"][0]["id"]
        batch = c.post(f"/images/generate/async/chapter/{chapter_id}", json={"max_images": 1})
        batch_id = batch.json()["batch_id"]
        assert (
            c.post(
                f"/images/generate/async/chapter/{chapter_id}", json={"max_images": 0}
            ).status_code
            == 422
        )
        bad_type = {"types": ["smell"]}
        assert (
            c.post(f"/images/generate/async/chapter/{chapter_id}", json=bad_type).status_code == 422
        )
        too_many = c.post(f"/images/generate/async/chapter/{chapter_id}", json={"max_images": 51})
        assert too_many.status_code == 422
        assert too_many.headers["content-type"] == "application/problem+json"
    with api.client(api.create_user()) as other:
        for r in (
            other.post(f"/images/generate/async/chapter/{chapter_id}"),
            other.get(f"/images/batch/{batch_id}"),
            other.get(f"/images/book/{book['id']}"),
            other.get(f"/images/chapter/{chapter_id}"),
            other.get(f"/images/batch/{uuid.uuid4()}"),
        ):
            assert r.status_code == 404, r.text
            assert r.headers["content-type"] == "application/problem+json"
        assert other.get("/images/user/stats").json()["images"]["total"] == 0
