"""The translator step in a running service: cached in the database across restarts, failures
recorded in the job and never fatal."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from tests.support.api import wait_for
from tests.support.fake import FakeServer, running_fake_server
from tests.support.inprocess import InProcessApp

KEY = "sk-translate-secret-91aa"
RU_TEXT = "Старый дом стоял в лесу ночью. Шёл снег."
RU_OTHER = "Красный парус над морем на закате."


@pytest.fixture
def fake() -> Iterator[FakeServer]:
    with running_fake_server() as server:
        yield server


def test_translation_is_cached_across_restarts_and_failures_are_recorded(
    make_app: Callable[..., InProcessApp], fake: FakeServer
) -> None:
    svc = make_app(
        translator="llm",
        translator_base_url=fake.url,
        translator_api_key=KEY,
        translator_timeout_seconds=5,
    )
    try:
        with svc.client() as c:
            chapter = {
                "title": "1",
                "text": f"{RU_TEXT} {RU_OTHER}",
                "descriptions": [
                    {"type": "atmosphere", "text": RU_TEXT},
                    {"type": "object", "text": RU_OTHER},
                ],
            }
            book = c.post("/books", json={"title": "Т", "language": "ru", "chapters": [chapter]})
            first_id, other_id = [d["id"] for d in book.json()["chapters"][0]["descriptions"]]
            task = c.post(f"/images/generate/async/{first_id}").json()
            doc = wait_for(c, task["task_id"], {"completed", "failed"})
            assert doc["status"] == "completed", doc
            assert doc["params"]["translation"]["translated"] is True
            assert doc["params"]["translation"]["cached"] is False
            assert "English:" in doc["prompt"]
            assert fake.outcomes("chat") == {"ok": 1}
        svc.stop()
        svc.start()
        with svc.client() as c:
            again = c.post(f"/images/regenerate/{task['task_id']}").json()
            doc = wait_for(c, again["task_id"], {"completed", "failed"})
            assert doc["status"] == "completed"
            assert doc["params"]["translation"]["cached"] is True
            assert "English:" in doc["prompt"]
            assert fake.outcomes("chat") == {"ok": 1}  # no second call: the cache survived

            fake.force(chat="500")
            task = c.post(f"/images/generate/async/{other_id}").json()
            doc = wait_for(c, task["task_id"], {"completed", "failed"})
            assert doc["status"] == "completed"  # the original text is used instead
            assert doc["params"]["translation"]["translated"] is False
            assert doc["params"]["translation"]["error"]
            assert RU_OTHER.removesuffix(".") in doc["prompt"]
    finally:
        svc.stop()
    assert KEY not in svc.log()
