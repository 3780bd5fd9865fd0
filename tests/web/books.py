"""Books for the browser tests: imported through the API, read back, opened in the reader."""

from __future__ import annotations

import uuid
from typing import Any

from tests.support.books import import_book, scenes_text
from tests.support.service import Service
from tests.web.conftest import WebPage


def fresh_book(service: Service, chapters: int = 4) -> dict[str, Any]:
    """A fresh plain-text book imported through the API (its own descriptions, no images)."""
    with service.client() as client:
        name = f"scenes-{uuid.uuid4().hex[:6]}.txt"
        book = import_book(client, name, scenes_text(chapters).encode())
        assert book["status"] == "ready", book
        return book


def chapter_doc(service: Service, chapter_id: str) -> dict[str, Any]:
    """The chapter as the API answers it (text and descriptions)."""
    with service.client() as client:
        r = client.get(f"/chapters/{chapter_id}")
        assert r.status_code == 200, r.text
        doc: dict[str, Any] = r.json()
        return doc


def open_chapter(
    web: WebPage, service: Service, book: dict[str, Any], index: int = 0
) -> dict[str, Any]:
    """Open the book's chapter in the reader and wait for its highlights; the chapter."""
    chapter = chapter_doc(service, book["chapters"][index]["id"])
    web.page.goto(f"{web.base_url}/#/book/{book['id']}/chapter/{chapter['id']}")
    web.page.wait_for_selector(".chapter-text .hl[role=button]")
    return chapter
