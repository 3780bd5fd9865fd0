"""Find the passages of a chapter worth illustrating, with exact offsets, type and priority."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from vignette.descriptions.dialogue import is_dialogue_paragraph, quoted_share, quoted_spans
from vignette.descriptions.nlp import sentence_spans
from vignette.descriptions.scoring import SentenceScore, score_sentence
from vignette.descriptions.types import DESCRIPTION_TYPES

# Base priority by type (location > character > atmosphere > object > action); length and
# vividness move a passage within about a tenth, so a vivid object can pass a dull atmosphere.
BASE_PRIORITY = {
    "location": 0.8, "character": 0.7, "atmosphere": 0.6, "object": 0.5, "action": 0.4,
}  # fmt: skip
MIN_WORDS = 6
MIN_CHARS = 60
MAX_SENTENCES = 4
MAX_CHARS = 1000
MAX_PASSAGE_CHARS = 1500
# A sentence seeds a passage with this much evidence; a neighbour joins one with EXTEND.
SEED = 2.8
EXTEND = 2.0
MIN_DENSITY = 0.07
DENSITY_WORDS = 30
_PARAGRAPH = re.compile(r"\S(?:.*?\S)?(?=\n\s*\n|\s*$)", re.DOTALL)


@dataclass(frozen=True)
class Found:
    """A described passage: text[start:end] is the passage itself."""

    type: str
    start: int
    end: int
    confidence: float
    priority: float


@dataclass
class _Sentence:
    start: int
    end: int
    score: SentenceScore
    kind: str
    strength: float


def _seed(s: _Sentence) -> bool:
    # Long sentences are judged as if they had DENSITY_WORDS words: Poe-length periods still
    # need cues, but not one in every fourteen words.
    density = s.strength / max(min(s.score.words, DENSITY_WORDS), 1)
    return s.score.words >= MIN_WORDS and s.strength >= SEED and density >= MIN_DENSITY


def _groups(sentences: list[_Sentence]) -> list[list[_Sentence]]:
    """Seed sentences, each grown by neighbours that also carry some evidence."""
    taken = [False] * len(sentences)
    groups: list[list[_Sentence]] = []
    for i, s in enumerate(sentences):
        if taken[i] or not _seed(s):
            continue
        lo = hi = i
        grown = True
        while grown:
            grown = False
            for j in (hi + 1, lo - 1):
                if not 0 <= j < len(sentences) or taken[j] or hi - lo + 1 >= MAX_SENTENCES:
                    continue
                cand = sentences[j]
                span = max(sentences[hi].end, cand.end) - min(sentences[lo].start, cand.start)
                if span <= MAX_CHARS and cand.strength >= EXTEND:
                    lo, hi = min(lo, j), max(hi, j)
                    grown = True
        for k in range(lo, hi + 1):
            taken[k] = True
        groups.append(sentences[lo : hi + 1])
    return groups


def _found(group: list[_Sentence]) -> Found | None:
    start, end = group[0].start, group[-1].end
    if not MIN_CHARS <= end - start <= MAX_PASSAGE_CHARS:
        # A run-on "sentence" longer than a prompt can hold is a list or a lost full stop.
        return None
    totals = {t: sum(s.score.raw[t] for s in group) for t in DESCRIPTION_TYPES}
    kind = max(DESCRIPTION_TYPES, key=lambda t: (totals[t], -DESCRIPTION_TYPES.index(t)))
    strength = sum(s.strength for s in group if s.kind == kind) or max(s.strength for s in group)
    words = sum(s.score.words for s in group)
    vivid = sum(s.score.vividness * s.score.words for s in group) / max(words, 1)
    confidence = 1.0 - math.exp(-(strength / 3.0) * (0.7 + vivid * 2))
    priority = passage_priority(kind, vivid, end - start)
    return Found(kind, start, end, round(min(max(confidence, 0.05), 0.99), 3), priority)


def passage_priority(kind: str, vividness: float, length: int) -> float:
    """Priority from the type ranking, nudged by vividness and by a picture-friendly length."""
    size_bonus = 0.04 if 150 <= length <= 700 else (-0.04 if length < 100 or length > 900 else 0)
    return round(BASE_PRIORITY[kind] + min(0.08, vividness * 0.3) + size_bonus, 3)


def _paragraph_sentences(text: str, start: int, end: int, language: str) -> list[_Sentence]:
    paragraph = text[start:end]
    quotes = quoted_spans(paragraph)
    out: list[_Sentence] = []
    for s_start, s_end in sentence_spans(paragraph, language):
        piece = paragraph[s_start:s_end]
        score = score_sentence(piece)
        kind, strength = score.kind, score.strength
        if quoted_share(quotes, s_start, s_end) > 0.5:
            strength = 0.0  # a line of speech describes the speaker's mind, not the scene
        out.append(_Sentence(start + s_start, start + s_end, score, kind, strength))
    return out


def extract_descriptions(text: str, language: str) -> list[Found]:
    """Descriptive passages in text, in reading order, for "ru" or "en" (others read as English)."""
    language = "ru" if language.lower().startswith("ru") else "en"
    found: list[Found] = []
    for match in _PARAGRAPH.finditer(text):
        if is_dialogue_paragraph(match.group(0)):
            continue
        sentences = _paragraph_sentences(text, match.start(), match.end(), language)
        for group in _groups(sentences):
            item = _found(group)
            if item is not None:
                found.append(item)
    return found
