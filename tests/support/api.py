"""Small helpers for driving the HTTP API in tests."""

from __future__ import annotations

import time
from typing import Any

import httpx

CHAPTER_TEXT = (
    "The old castle stood on a dark hill above the frozen lake. "
    "Snow fell over the pine forest at night, and the moon shone silver on the towers. "
    "Anna wore a long red coat and had golden hair braided around her head. "
    "A brass lantern hung by the gate, its glass cracked. "
    "The riders galloped across the bridge as the storm broke."
)
DESCRIPTIONS = [
    ("location", "The old castle stood on a dark hill above the frozen lake."),
    (
        "atmosphere",
        "Snow fell over the pine forest at night, and the moon shone silver on the towers.",
    ),
    ("character", "Anna wore a long red coat and had golden hair braided around her head."),
    ("object", "A brass lantern hung by the gate, its glass cracked."),
    ("action", "The riders galloped across the bridge as the storm broke."),
]


def create_book(
    client: httpx.Client, title: str = "Winter Tales", chapters: int = 1
) -> dict[str, Any]:
    """Create a book whose chapters each carry the five sample descriptions."""
    body = {
        "title": title,
        "author": "A. Writer",
        "language": "en",
        "genre": "fantasy",
        "chapters": [
            {
                "title": f"Chapter {n + 1}",
                "text": CHAPTER_TEXT,
                "descriptions": [{"type": t, "text": x} for t, x in DESCRIPTIONS],
            }
            for n in range(chapters)
        ],
    }
    r = client.post("/books", json=body)
    assert r.status_code == 201, r.text
    data: dict[str, Any] = r.json()
    return data


def description_ids(book: dict[str, Any]) -> list[str]:
    """All description ids of a created book, in order."""
    return [d["id"] for c in book["chapters"] for d in c["descriptions"]]


def wait_for(
    client: httpx.Client, task_id: str, statuses: set[str], timeout: float = 60.0
) -> dict[str, Any]:
    """Poll the task until its status is one of `statuses`."""
    deadline = time.monotonic() + timeout
    doc: dict[str, Any] = {}
    while time.monotonic() < deadline:
        r = client.get(f"/images/task/{task_id}")
        assert r.status_code == 200, r.text
        doc = r.json()
        if doc["status"] in statuses:
            return doc
        time.sleep(0.05)
    raise AssertionError(f"task {task_id} did not reach {statuses}; last: {doc}")


def wait_for_call_in_flight(client: httpx.Client, task_id: str, timeout: float = 30.0) -> None:
    """Wait until the job is generating with a provider call under way."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        doc = client.get(f"/images/task/{task_id}").json()
        calls = doc["attempts"]
        if doc["status"] == "generating" and calls and calls[-1]["outcome"] == "pending":
            return
        time.sleep(0.02)
    raise AssertionError(f"task {task_id} never had a call in flight")


def wait_for_batch(c: httpx.Client, batch_id: str, timeout: float = 60.0) -> dict[str, Any]:
    """Poll the batch until every job in it has finished."""
    deadline = time.monotonic() + timeout
    doc: dict[str, Any] = {}
    while time.monotonic() < deadline:
        r = c.get(f"/images/batch/{batch_id}")
        assert r.status_code == 200, r.text
        doc = r.json()
        if doc["finished"]:
            return doc
        time.sleep(0.1)
    raise AssertionError(f"batch {batch_id} did not finish: {doc}")
