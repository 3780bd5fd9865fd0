"""The LLM extractor against the fake server's chat completions endpoint over real HTTP."""

from __future__ import annotations

import itertools
import time

import pytest
from pydantic import SecretStr

from tests.support.fake import SECRET, FakeServer, assert_secret_hidden
from vignette.descriptions.extraction import passage_priority
from vignette.descriptions.llm import (
    CONFIDENCE,
    MAX_CHUNK_CHARS,
    ExtractionError,
    LLMExtractor,
    chunk_spans,
    create_extractor,
    parse_items,
    validate_items,
)
from vignette.descriptions.scoring import score_sentence
from vignette.descriptions.types import DESCRIPTION_TYPES
from vignette.fakes.chat import INVENTED
from vignette.settings import Settings

CASTLE = "The old castle stood on a dark hill above the frozen lake, its towers grey with frost."
GARDEN = "Behind the house a narrow garden ran down to the river between rows of apple trees."
TEXT = (
    "It had been a long winter and nobody expected the letter to arrive so soon after dawn.\n\n"
    f"{CASTLE} Snow lay on every ledge. {GARDEN}\n\n"
    '"Come back into the house before the storm breaks over the village," she said.\n\n'
    "The room was small.\n\n"  # names a place, but too short to be a description
    f"Years later he remembered it exactly. {CASTLE}"
)
RU_TEXT = (
    "Было уже поздно, и все давно разошлись по своим углам и затихли.\n\n"
    "Старый дом стоял на краю деревни, у самой реки, под высокими тёмными липами."
)


def extractor(url: str, timeout: float = 5.0) -> LLMExtractor:
    return LLMExtractor(url, SECRET, "gpt-4o-mini", timeout=timeout)


def test_passages_have_exact_offsets_and_invalid_answers_are_dropped(fake: FakeServer) -> None:
    found = extractor(fake.url).extract(TEXT, "en")

    passages = [TEXT[f.start : f.end] for f in found]
    # The repeated sentence is found twice, at its two places; the invented passage, the
    # unknown type, the line of dialogue and the too-short sentence are gone.
    assert passages == [CASTLE, GARDEN, CASTLE]
    assert found[0].start == TEXT.index(CASTLE)
    assert found[2].start == TEXT.rindex(CASTLE)
    assert INVENTED not in TEXT
    for f in found:
        assert f.type in DESCRIPTION_TYPES
        assert f.type == "location"
        assert f.confidence == CONFIDENCE
        vivid = score_sentence(TEXT[f.start : f.end]).vividness
        assert f.priority == passage_priority("location", vivid, f.end - f.start)
    assert fake.outcomes("chat") == {"ok": 1}
    [call] = fake.recent()
    assert (call["method"], call["path"]) == ("POST", "/v1/chat/completions")
    assert "authorization" in call["headers"]


def test_russian_text_keeps_exact_offsets(fake: FakeServer) -> None:
    [found] = extractor(fake.url).extract(RU_TEXT, "ru")
    assert RU_TEXT[found.start : found.end] == RU_TEXT.split("\n\n")[1]


def test_long_chapters_are_sent_in_bounded_chunks(fake: FakeServer) -> None:
    paragraph = f"{CASTLE} {GARDEN} Nothing else happened that afternoon at all, or so they said."
    text = "\n\n".join(f"{n}. {paragraph}" for n in range(150))
    spans = chunk_spans(text)

    found = extractor(fake.url).extract(text, "en")

    assert len(spans) > 1
    assert all(end - start <= MAX_CHUNK_CHARS for start, end in spans)
    assert "".join(text[a:b] for a, b in spans) == text
    assert fake.outcomes("chat") == {"ok": len(spans)}
    assert len(found) == 2 * 150
    assert [text[f.start : f.end] for f in found] == [CASTLE, GARDEN] * 150
    assert all(a.end <= b.start for a, b in itertools.pairwise(found))


def test_validation_rules() -> None:
    chunk = f"Intro line that says nothing much. {CASTLE} {GARDEN}"
    items = [
        {"type": "object", "text": GARDEN},  # out of reading order: still found
        {"type": "LOCATION", "text": f"  {CASTLE}  "},  # case and outer spaces are not content
        {"type": "location", "text": CASTLE},  # the same span again
        {"type": "location", "text": CASTLE[:-1] + "!"},  # not verbatim
        {"type": "weather", "text": CASTLE},  # not a type
        {"type": "atmosphere", "text": GARDEN[10:]},  # overlaps a kept passage
        {"type": "action", "text": "Intro line that says"},  # too short
        {"type": "location"},
        "a bare string",
        {"type": ["location"], "text": CASTLE},
    ]
    kept = validate_items(chunk, items, offset=100)
    assert [(f.type, f.start - 100, f.end - 100) for f in kept] == [
        ("object", chunk.index(GARDEN), chunk.index(GARDEN) + len(GARDEN)),
        ("location", chunk.index(CASTLE), chunk.index(CASTLE) + len(CASTLE)),
    ]


def test_parse_items_accepts_fenced_and_wrapped_arrays() -> None:
    item = {"type": "location", "text": "x"}
    assert parse_items('[{"type": "location", "text": "x"}]') == [item]
    assert parse_items('```json\n[{"type": "location", "text": "x"}]\n```') == [item]
    assert parse_items('{"passages": [{"type": "location", "text": "x"}]}') == [item]
    with pytest.raises(ExtractionError, match="not JSON"):
        parse_items("Sure! Here you are.")
    with pytest.raises(ExtractionError, match="not a JSON array"):
        parse_items('{"count": 3}')


@pytest.mark.parametrize(
    ("fault", "words"),
    [
        ("500", "HTTP 500"),
        ("429", "HTTP 429"),
        ("badkey", "HTTP 401"),
        ("garbage", "not a chat completion"),
        ("prose", "not JSON"),
        ("long", "not JSON"),
        ("empty", "empty answer"),
        ("blocked", "finish_reason=content_filter"),
    ],
)
def test_each_fault_raises_the_typed_error(fake: FakeServer, fault: str, words: str) -> None:
    fake.force(chat=fault)
    with pytest.raises(ExtractionError) as caught:
        extractor(fake.url).extract(TEXT, "en")
    assert words in str(caught.value)
    assert_secret_hidden(caught.value)
    assert fake.outcomes("chat") == {fault: 1}


def test_a_held_call_times_out(fake: FakeServer) -> None:
    fake.force(chat="timeout")
    started = time.monotonic()
    with pytest.raises(ExtractionError, match="timed out") as caught:
        extractor(fake.url, timeout=0.5).extract(TEXT, "en")
    assert time.monotonic() - started < 4
    assert_secret_hidden(caught.value)


def test_unreachable_server_is_an_extraction_error(closed_port_url: str) -> None:
    with pytest.raises(ExtractionError, match="unreachable") as caught:
        extractor(closed_port_url).extract(TEXT, "en")
    assert_secret_hidden(caught.value)


def test_create_extractor_from_settings() -> None:
    assert create_extractor(Settings()) is None
    assert create_extractor(Settings(extractor="rules")) is None
    llm = create_extractor(
        Settings(
            extractor="llm",
            extractor_base_url="http://127.0.0.1:9",
            extractor_api_key=SecretStr(SECRET),
            extractor_model="m-1",
        )
    )
    assert isinstance(llm, LLMExtractor)
    assert llm.model == "m-1"
    with pytest.raises(ValueError, match="base URL"):
        create_extractor(Settings(extractor="llm"))
    with pytest.raises(ValueError, match="unknown extractor"):
        create_extractor(Settings(extractor="magic"))
