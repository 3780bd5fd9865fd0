"""What `vignette serve` prints while it works: one readable line per job and per book import
outcome, none of Celery's routine lines per message or of beat's per schedule tick."""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import quote

import pytest

from tests.support.api import wait_for
from tests.support.backends import Backend
from tests.support.books import import_book, scenes_text, upload, wait_for_book
from tests.support.fake import FakeServer
from tests.support.service import Service

pytestmark = pytest.mark.integration


def test_serve_prints_a_line_per_outcome_and_no_routine_lines(
    fresh_backend: Backend, tmp_path: Path
) -> None:
    svc = Service(tmp_path / "data", fresh_backend, reconcile_interval_seconds=0.5)
    svc.start()
    try:
        with svc.client() as c:
            book = import_book(c, "The Coast.txt", scenes_text(2).encode())
            refused = upload(c, "broken.epub", b"PK\x03\x04 not a zip").json()
            chapter = c.get(f"/chapters/{book['chapters'][0]['id']}").json()
            task = c.post(f"/images/generate/async/{chapter['descriptions'][0]['id']}").json()
            assert wait_for(c, task["task_id"], {"completed", "failed"})["status"] == "completed"
            assert wait_for_book(c, refused["id"])["status"] == "failed"
    finally:
        svc.stop()
    log = svc.log()
    assert f"book {book['id']} ready: 'The Coast', 2 chapters" in log
    assert f"book {refused['id']} failed: malformed" in log
    assert re.search(rf"job {task['task_id']} completed: procedural, call 1, [\d.]+ s", log)
    # Routine: the reconciler ran every half second, beat sent it, Celery saw every message.
    assert "Sending due task" not in log
    assert "succeeded in" not in log
    assert not re.search(r"Task vignette\.\S+\[[0-9a-f-]+\] received", log)


def test_json_logs_carry_the_job_and_its_owner_as_fields(
    fresh_backend: Backend, tmp_path: Path
) -> None:
    svc = Service(tmp_path / "data", fresh_backend, log_format="json")
    svc.start()
    try:
        with svc.client() as c:
            book = import_book(c, "Coast.txt", scenes_text(1).encode())
            user_id = c.post("/session", json={"api_key": svc.api_key}).json()["user_id"]
            chapter = c.get(f"/chapters/{book['chapters'][0]['id']}").json()
            task = c.post(f"/images/generate/async/{chapter['descriptions'][0]['id']}").json()
            assert wait_for(c, task["task_id"], {"completed", "failed"})["status"] == "completed"
    finally:
        svc.stop()
    records = [json.loads(line) for line in svc.log().splitlines() if line.startswith("{")]
    assert records, "no JSON lines"
    assert all({"time", "level", "name", "message"} <= r.keys() for r in records)
    (done,) = [r for r in records if r.get("job_id") == task["task_id"]]
    assert done["provider"] == "procedural"
    assert done["level"] == "INFO"
    assert done["message"].startswith(f"job {task['task_id']} completed")
    (ready,) = [r for r in records if r.get("book_id") == book["id"]]
    assert done["user_id"] == ready["user_id"] == user_id  # the owner, in both
    # The API's and the worker's lines are JSON too (uvicorn's and Celery's own formats are off).
    assert {r["name"].split(".")[0] for r in records} >= {"uvicorn", "vignette"}


def test_no_prompt_reaches_the_log_at_any_level(
    fresh_backend: Backend, tmp_path: Path, fake: FakeServer
) -> None:
    # Pollinations takes the prompt in the URL path; HTTP clients log URLs at INFO and DEBUG.
    svc = Service(tmp_path / "data", fresh_backend, log_level="DEBUG",
                  provider_chain="pollinations", pollinations_base_url=fake.url,
                  pollinations_api_key="sk-log-test")  # fmt: skip
    svc.start()
    try:
        with svc.client() as c:
            book = import_book(c, "Coast.txt", scenes_text(1).encode())
            chapter = c.get(f"/chapters/{book['chapters'][0]['id']}").json()
            task = c.post(f"/images/generate/async/{chapter['descriptions'][0]['id']}").json()
            done = wait_for(c, task["task_id"], {"completed", "failed"})
            assert done["status"] == "completed", done
            prompt = c.get(f"/images/{task['task_id']}").json()["prompt"]
    finally:
        svc.stop()
    assert fake.outcomes("pollinations").get("ok") == 1  # the call went out, by URL
    log = svc.log()
    assert f"job {task['task_id']} completed: pollinations" in log
    for words in (prompt[:40], quote(prompt[:40])):  # as text, and as the URL carries it
        assert words not in log
