"""The one typed doorway to razdel and pymorphy3, which ship no type information."""

from __future__ import annotations

import re
import threading
from functools import lru_cache
from typing import Any

import razdel  # type: ignore[import-untyped, unused-ignore]

# Abbreviations after which razdel, tuned for Russian, wrongly ends an English sentence.
_EN_ABBREVIATIONS = re.compile(
    r"(?:^|\s)(?:Mr|Mrs|Ms|Dr|St|Mt|Capt|Col|Gen|Lt|Sgt|Prof|Rev|Hon|Jr|Sr|No|Vol|Messrs)\.$"
)
_lock = threading.Lock()
_morph: Any = None


def sentence_spans(text: str, language: str) -> list[tuple[int, int]]:
    """(start, end) offsets of each sentence in text, by razdel's rules."""
    spans = [(int(s.start), int(s.stop)) for s in razdel.sentenize(text)]
    if language == "ru" or not spans:
        return spans
    merged = [spans[0]]
    for start, end in spans[1:]:
        prev_start, prev_end = merged[-1]
        if _EN_ABBREVIATIONS.search(text[prev_start:prev_end]):
            merged[-1] = (prev_start, end)
        else:
            merged.append((start, end))
    return merged


def _analyzer() -> Any:
    global _morph
    with _lock:
        if _morph is None:
            import pymorphy3  # type: ignore[import-untyped, unused-ignore]

            # Dictionaries come with the pymorphy3-dicts-ru package: nothing is downloaded.
            _morph = pymorphy3.MorphAnalyzer(lang="ru")
        return _morph


@lru_cache(maxsize=200_000)
def ru_lemma(word: str) -> tuple[str, str]:
    """(normal form with "ё" as "е", part of speech) for a lower-case Russian word.

    Pronominal and ordinal adjectives ("мой", "весь", "первый") get the tag "PRON", since they
    say nothing about how a thing looks.
    """
    best = _analyzer().parse(word)[0]
    tag = best.tag
    pos = "PRON" if ("Apro" in tag or "Anum" in tag) else str(tag.POS or "")
    return str(best.normal_form).replace("ё", "е"), pos
