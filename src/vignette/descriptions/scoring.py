"""Score one sentence: how strongly it describes each kind of scene, and how vividly."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from vignette.descriptions.features import WORD, word_info
from vignette.descriptions.types import DESCRIPTION_TYPES

# Weights of each cue category toward each description type.
WEIGHTS: dict[str, dict[str, float]] = {
    "location": {"place": 1.0, "nature": 0.5, "pose": 0.5, "spatial": 0.4},
    "character": {"body": 1.0, "wear": 1.0, "look": 0.9},
    "atmosphere": {
        "weather": 1.0,
        "light": 0.9,
        "sound": 0.9,
        "time": 0.6,
        "smell": 1.0,
        "mood": 0.6,
    },
    "object": {"object": 0.9, "material": 0.7},
    "action": {"action": 1.0},
}
# Speech tags, reasoning, inner feeling and negation mark narration that paints nothing.
PENALTIES = {"speech": 1.2, "mind": 0.6, "feeling": 0.3, "negation": 0.3}
ADJECTIVE_WEIGHT = 0.3
MAX_ADJECTIVE_BONUS = 6
OTHER_TYPES_WEIGHT = 0.3


@dataclass(frozen=True)
class SentenceScore:
    """Per-type evidence for one sentence, with its size and vividness."""

    raw: dict[str, float]
    words: int
    adjectives: int
    colours: int
    lights: int
    penalty: float

    @property
    def vividness(self) -> float:
        """Share of words that paint: adjectives, colours, light."""
        return (self.adjectives + self.colours + 0.5 * self.lights) / max(self.words, 1)

    @property
    def kind(self) -> str:
        """The type with the most evidence; ties go to the higher-priority type."""
        return max(DESCRIPTION_TYPES, key=lambda t: (self.raw[t], -DESCRIPTION_TYPES.index(t)))

    @property
    def strength(self) -> float:
        """Evidence for the leading type, plus adjectives, minus the penalty."""
        raw = self.raw[self.kind]
        if raw <= 0:
            return 0.0
        bonus = ADJECTIVE_WEIGHT * min(self.adjectives + self.colours, MAX_ADJECTIVE_BONUS)
        # Cues of the other types still make a sentence concrete: a face seen while a mask is
        # torn off is an action scene that is also pictured.
        others = sum(v for t, v in self.raw.items() if t != self.kind)
        return max(0.0, raw + bonus + OTHER_TYPES_WEIGHT * others - self.penalty)


def score_sentence(sentence: str) -> SentenceScore:
    """Count the cues of a sentence and weigh them into per-type evidence."""
    counts: Counter[str] = Counter()
    adjectives = 0
    words = 0
    for match in WORD.finditer(sentence):
        info = word_info(match.group(0))
        words += 1
        counts.update(info.cats)
        adjectives += info.adjective
    raw = {t: sum(counts[c] * w for c, w in WEIGHTS[t].items()) for t in DESCRIPTION_TYPES}
    if counts["body"] + counts["wear"] + counts["look"]:
        raw["character"] += 0.4 * counts["person"]
    penalty = sum(counts[c] * w for c, w in PENALTIES.items())
    return SentenceScore(raw, words, adjectives, counts["colour"], counts["light"], penalty)
