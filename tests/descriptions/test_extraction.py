"""Unit tests for description extraction: offsets, dialogue, types, priorities."""

from __future__ import annotations

import pytest

from vignette.descriptions.extraction import Found, extract_descriptions

CLEAR = {
    "location": (
        "The old castle stood on a steep hill above the river, its grey towers and crumbling "
        "walls overgrown with dark ivy.",
        "Старый дом стоял на высоком холме над рекой; вокруг него тянулся заброшенный сад с "
        "кривыми яблонями и высокой травой.",
    ),
    "character": (
        "She was a tall, slender woman with pale skin, large dark eyes and long black hair that "
        "fell loosely over her shoulders.",
        "Это была высокая стройная девушка с бледным лицом, большими серыми глазами и длинными "
        "русыми волосами.",
    ),
    "atmosphere": (
        "The night was cold and silent; a thin mist crept over the meadows, and the pale "
        "moonlight glimmered faintly through the clouds.",
        "Наступила тихая холодная ночь; густой туман поднимался над землей, и бледный свет луны "
        "едва пробивался сквозь тучи.",
    ),
    "object": (
        "On the desk lay an old wooden casket, carved with strange figures, bound with polished "
        "brass and fastened by a heavy iron lock.",
        "На столике стояла старинная шкатулка красного дерева, украшенная резной золотой "
        "крышкой и маленьким серебряным замком.",
    ),
    "action": (
        "The soldier sprang forward, seized the thief, struck him twice, and hurled him down; "
        "then both rushed away and fled.",
        "Он бросился вперед, схватил вора, ударил его и швырнул на землю, а потом выстрелил и "
        "побежал прочь.",
    ),
}


@pytest.mark.parametrize("kind", list(CLEAR))
@pytest.mark.parametrize("language", ["en", "ru"])
def test_clear_examples_get_their_type(kind: str, language: str) -> None:
    sentence = CLEAR[kind][0 if language == "en" else 1]
    found = extract_descriptions(sentence, language)
    assert [f.type for f in found] == [kind]
    assert (found[0].start, found[0].end) == (0, len(sentence))
    assert 0 < found[0].confidence <= 1


def test_offsets_are_exact_in_surrounding_text() -> None:
    filler = "He said that he would think about the matter tomorrow.\n\n"
    text = f"  {filler}{CLEAR['location'][0]} {CLEAR['atmosphere'][0]}\n\n{filler}"
    found = extract_descriptions(text, "en")
    assert found
    joined = f"{CLEAR['location'][0]} {CLEAR['atmosphere'][0]}"
    for f in found:
        passage = text[f.start : f.end]
        assert passage == passage.strip()
        assert passage in joined
    assert found[0].start == text.index(CLEAR["location"][0])


def test_offsets_in_a_russian_chapter_are_exact() -> None:
    text = "\n\n".join(CLEAR[k][1] for k in CLEAR)
    found = extract_descriptions(text, "ru")
    assert {f.type for f in found} == set(CLEAR)
    for f in found:
        assert text[f.start : f.end] in [CLEAR[k][1] for k in CLEAR]


def test_quoted_speech_is_not_a_description() -> None:
    text = f"“{CLEAR['location'][0][:-1]},” said he. “{CLEAR['character'][0]}”"
    assert extract_descriptions(text, "en") == []


def test_narration_around_speech_is_still_read() -> None:
    text = f"“Look there!” said he. {CLEAR['location'][0]}"
    found = extract_descriptions(text, "en")
    assert [text[f.start : f.end] for f in found] == [CLEAR["location"][0]]


def test_russian_dialogue_lines_are_skipped() -> None:
    line = f"— {CLEAR['location'][1][:-1]}, — сказал он и ушел."
    assert extract_descriptions(line, "ru") == []
    assert extract_descriptions(f"«{CLEAR['atmosphere'][1]}» — прошептала она.", "ru") == []


def test_short_and_empty_passages_are_not_descriptions() -> None:
    assert extract_descriptions("", "en") == []
    assert extract_descriptions("The pale moon shone.", "en") == []
    assert extract_descriptions("Шел дождь.", "ru") == []
    assert extract_descriptions("He thought about it and then said nothing to anyone.", "en") == []


def test_priority_follows_type_order_for_comparable_passages() -> None:
    found: dict[str, Found] = {}
    for kind, (english, _) in CLEAR.items():
        found[kind] = extract_descriptions(english, "en")[0]
    order = sorted(found, key=lambda k: found[k].priority, reverse=True)
    assert order == ["location", "character", "atmosphere", "object", "action"]


def test_passages_stay_within_a_paragraph_and_a_few_sentences() -> None:
    paragraph = " ".join([CLEAR["location"][0], CLEAR["atmosphere"][0]] * 4)
    text = f"{paragraph}\n\n{paragraph}"
    found = extract_descriptions(text, "en")
    boundary = len(paragraph)
    for f in found:
        assert not f.start < boundary < f.end
        assert f.end - f.start <= 1000


def test_unknown_language_reads_as_english() -> None:
    assert [f.type for f in extract_descriptions(CLEAR["object"][0], "de")] == ["object"]
