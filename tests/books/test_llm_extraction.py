"""The LLM extractor in a running service: descriptions from the chat endpoint with exact offsets,
and the rule-based extractor for every chapter the endpoint fails on."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx

from tests.support.books import CASTLE, GARDEN, import_book, scenes_text
from tests.support.fake import FakeServer
from tests.support.inprocess import InProcessApp
from vignette.descriptions.llm import CONFIDENCE

KEY = "sk-extract-secret-5be1"
BOOK = scenes_text(3)


def _descriptions(c: httpx.Client, book: dict[str, Any]) -> list[list[dict[str, Any]]]:
    """Each chapter's descriptions, checked to sit at exact offsets in the chapter text."""
    out = []
    for summary in book["chapters"]:
        chapter = c.get(f"/chapters/{summary['id']}").json()
        for d in chapter["descriptions"]:
            assert chapter["text"][d["start"] : d["end"]] == d["text"]
        out.append(chapter["descriptions"])
    return out


def test_llm_extraction_and_rule_based_fallback(
    make_app: Callable[..., InProcessApp], fake: FakeServer
) -> None:
    svc = make_app(
        extractor="llm",
        extractor_base_url=fake.url,
        extractor_api_key=KEY,
        extractor_timeout_seconds=5,
    )
    try:
        with svc.client() as c:
            book = import_book(c, "tale.txt", BOOK.encode())
            assert book["status"] == "ready", book
            assert book["descriptions_found"] == 6
            for found in _descriptions(c, book):
                # The fake's two place sentences, one description each; its invented passage
                # and its unknown type were dropped.
                assert [(d["type"], d["text"]) for d in found] == [
                    ("location", CASTLE), ("location", GARDEN),
                ]  # fmt: skip
                assert {d["confidence"] for d in found} == {CONFIDENCE}
            assert fake.outcomes("chat") == {"ok": 3}

            fake.force(chat="500")
            book = import_book(c, "tale-again.txt", BOOK.encode())
            assert book["status"] == "ready", book
            assert book["descriptions_found"] > 0
            for found in _descriptions(c, book):
                # The rule-based extractor joins both sentences into one passage.
                assert found
                assert found[0]["text"].startswith(CASTLE)
                assert found[0]["confidence"] != CONFIDENCE
            # Two failures in a row: the third chapter goes straight to the rules.
            assert fake.outcomes("chat") == {"ok": 3, "500": 2}
    finally:
        svc.stop()
    log = svc.log()
    assert "LLM extraction failed for a chapter" in log
    assert KEY not in log
