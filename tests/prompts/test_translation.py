"""The LLM translator against the fake server's chat completions endpoint over real HTTP."""

from __future__ import annotations

import time

import pytest
from pydantic import SecretStr

from tests.support.fake import SECRET, FakeServer, assert_secret_hidden
from vignette.prompts.translation import (
    LLMTranslator,
    NoTranslator,
    TranslationError,
    create_translator,
    needs_translation,
)
from vignette.settings import Settings

PASSAGE = "Старый дом в лесу ночью"


def translator(url: str, timeout: float = 5.0) -> LLMTranslator:
    return LLMTranslator(url, SECRET, "gpt-4o-mini", timeout=timeout)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Старый дом стоял на краю леса, и туман лежал над рекой.", True),
        ("The old house stood at the edge of the forest.", False),
        # Mixed: an English passage quoting a Russian word stays English ...
        ("Holmes looked at the door marked «выход» and said nothing at all.", False),
        # ... a Russian passage naming English characters is still Russian.
        ("Холмс и Watson вошли в тёмную комнату на Baker Street.", True),
        ("Ёлка", True),
        ("", False),
        ("1984 — 2025 ...", False),
        ("Café déjà vu, über straße", False),  # accented Latin letters count as Latin
    ],
)
def test_needs_translation(text: str, expected: bool) -> None:
    assert needs_translation(text) is expected


def test_no_translator_returns_the_text_unchanged() -> None:
    assert NoTranslator().name == "none"
    assert NoTranslator().translate(PASSAGE) == PASSAGE


def test_success_is_one_call_with_the_key_in_a_header_only(fake: FakeServer) -> None:
    result = translator(fake.url).translate(PASSAGE)

    assert result == "English: Old house in lesu at night"
    assert fake.outcomes("chat") == {"ok": 1}
    [call] = fake.recent()
    assert (call["method"], call["path"], call["query"]) == ("POST", "/v1/chat/completions", {})
    assert "authorization" in call["headers"]


def test_image_provider_markers_survive_translation(fake: FakeServer) -> None:
    # A marker meant for an image provider must reach it through the translated prompt.
    result = translator(fake.url).translate("Красная дверь [fault:gemini:503]")
    assert result == "English: Red door [fault:gemini:503]"
    assert fake.outcomes("chat") == {"ok": 1}


@pytest.mark.parametrize(
    ("fault", "words"),
    [
        ("500", "HTTP 500"),
        ("503", "HTTP 503"),
        ("429", "HTTP 429"),
        ("quota", "HTTP 429"),
        ("badkey", "HTTP 401"),
        ("empty", "empty answer"),
        ("blocked", "finish_reason=content_filter"),
        ("long", "too long"),
        ("garbage", "not a chat completion"),
    ],
)
def test_each_fault_raises_after_exactly_one_call(fake: FakeServer, fault: str, words: str) -> None:
    fake.force(chat=fault)
    with pytest.raises(TranslationError) as caught:
        translator(fake.url).translate(PASSAGE)
    assert words in str(caught.value)
    assert_secret_hidden(caught.value)
    assert fake.outcomes("chat") == {fault: 1}


def test_a_marker_in_the_passage_picks_the_fault(fake: FakeServer) -> None:
    with pytest.raises(TranslationError, match="HTTP 500"):
        translator(fake.url).translate(f"[fault:chat:500] {PASSAGE}")
    assert fake.outcomes("chat") == {"500": 1}


def test_a_held_call_times_out(fake: FakeServer) -> None:
    fake.force(chat="timeout")
    started = time.monotonic()
    with pytest.raises(TranslationError, match="timed out") as caught:
        translator(fake.url, timeout=0.5).translate(PASSAGE)
    assert time.monotonic() - started < 4
    assert_secret_hidden(caught.value)


def test_unreachable_server_is_a_translation_error(closed_port_url: str) -> None:
    with pytest.raises(TranslationError, match="unreachable") as caught:
        translator(closed_port_url).translate(PASSAGE)
    assert_secret_hidden(caught.value)


def test_create_translator_from_settings() -> None:
    assert isinstance(create_translator(Settings(translator="none")), NoTranslator)
    llm = create_translator(
        Settings(
            translator="llm",
            translator_base_url="http://127.0.0.1:9",
            translator_api_key=SecretStr(SECRET),
            translator_model="m-1",
        )
    )
    assert isinstance(llm, LLMTranslator)
    # The model is part of the name, so the cache never serves one model's answers for another.
    assert llm.name.startswith("llm:m-1:")
    assert SECRET not in llm.name
    with pytest.raises(ValueError, match="base URL"):
        create_translator(Settings(translator="llm"))
    with pytest.raises(ValueError, match="unknown translator"):
        create_translator(Settings(translator="babelfish"))
