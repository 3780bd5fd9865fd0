"""What each word signals: cue categories from the lexicons, and whether it is an adjective."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

from vignette.descriptions import lexicon_en as en
from vignette.descriptions import lexicon_ru as ru
from vignette.descriptions.nlp import ru_lemma

CATEGORIES = (
    "place", "nature", "spatial", "pose", "body", "wear", "look", "person", "weather", "light",
    "sound", "time", "smell", "mood", "object", "material", "action", "colour", "speech", "mind",
    "feeling", "negation",
)  # fmt: skip
_EN: dict[str, frozenset[str]] = {cat: getattr(en, cat.upper()) for cat in CATEGORIES}
_RU: dict[str, frozenset[str]] = {cat: getattr(ru, cat.upper()) for cat in CATEGORIES}
_RU_ADJECTIVE_TAGS = {"ADJF", "ADJS", "PRTF", "PRTS"}
_SUFFIXES = (
    ("ies", "y"), ("ied", "y"), ("es", ""), ("s", ""), ("ed", ""), ("ed", "e"), ("ing", ""),
    ("ing", "e"), ("er", ""), ("est", ""),
)  # fmt: skip
WORD = re.compile(r"[A-Za-zА-Яа-яЁё]+(?:[-'’][A-Za-zА-Яа-яЁё]+)*")


@dataclass(frozen=True)
class WordInfo:
    """The cue categories a word belongs to and whether it reads as an adjective."""

    cats: frozenset[str]
    adjective: bool


def en_forms(word: str) -> Iterator[str]:
    """The word and the base forms simple English suffix rules could have come from."""
    yield word
    if word in en.IRREGULAR:
        yield en.IRREGULAR[word]
    word = word.replace("’", "'")
    if word.endswith("'s"):
        word = word[:-2]
        yield word
    for suffix, repl in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            stem = word[: len(word) - len(suffix)] + repl
            yield stem
            if len(stem) > 3 and stem[-1] == stem[-2] and stem[-1] not in "lsz":
                yield stem[:-1]  # "stopped" → "stopp" → "stop"


@lru_cache(maxsize=100_000)
def en_info(word: str) -> WordInfo:
    """Categories of a lower-case English word."""
    forms = list(dict.fromkeys(en_forms(word)))
    cats = frozenset(cat for cat, words in _EN.items() if any(f in words for f in forms))
    adjective = any(f in en.ADJECTIVES for f in forms) or (
        len(word) > 5 and word.endswith(en.ADJ_SUFFIXES)
    )
    return WordInfo(cats, adjective)


@lru_cache(maxsize=200_000)
def ru_info(word: str) -> WordInfo:
    """Categories of a lower-case Russian word, looked up by its pymorphy3 lemma."""
    lemma, pos = ru_lemma(word)
    cats = frozenset(cat for cat, words in _RU.items() if lemma in words)
    return WordInfo(cats, pos in _RU_ADJECTIVE_TAGS)


def word_info(word: str) -> WordInfo:
    """Categories of any word: Cyrillic words go to the Russian analyser, others to English."""
    lower = word.lower()
    return en_info(lower) if lower[0].isascii() else ru_info(lower)
