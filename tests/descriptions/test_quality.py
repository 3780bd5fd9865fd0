"""Precision and recall of description extraction on a small hand-labelled set.

The set (tests/descriptions/data/, see SOURCES.md there) holds four public-domain excerpts, two
English and two Russian, about 52,000 characters with 56 labelled passages. A predicted passage
matches a label when they overlap by at least half of the shorter one and the predicted type is
the label's type or one of its accepted alternatives ("also"). The set was used while tuning the
lexicons and thresholds, so these are development figures, not a held-out estimate.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pytest

from vignette.descriptions.extraction import Found, extract_descriptions

DATA = Path(__file__).parent / "data"
# Achieved when the floors were set (typed match): en P 1.00 (16/16) R 0.68 (17/25);
# ru P 0.88 (22/25) R 0.81 (25/31); all P 0.93 (38/41) R 0.75 (42/56) F1 0.83; ignoring the
# type, P 0.95 R 0.84. Each floor sits about one passage under that, so a drop is a regression.
FLOORS = {
    "en": {"precision": 0.90, "recall": 0.64},
    "ru": {"precision": 0.84, "recall": 0.77},
    "all": {"precision": 0.88, "recall": 0.71, "typed_f1": 0.78},
}


@dataclass
class Label:
    """A labelled passage located in its excerpt."""

    types: set[str]
    start: int
    end: int


@dataclass
class Score:
    """Counts behind precision and recall."""

    predicted: int = 0
    correct: int = 0
    labelled: int = 0
    found: int = 0

    @property
    def precision(self) -> float:
        return self.correct / self.predicted if self.predicted else 0.0

    @property
    def recall(self) -> float:
        return self.found / self.labelled if self.labelled else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    """Whether two spans share at least half of the shorter one."""
    shared = min(a[1], b[1]) - max(a[0], b[0])
    return shared > 0 and shared >= 0.5 * min(a[1] - a[0], b[1] - b[0])


def load() -> list[tuple[str, str, list[Label]]]:
    """(language, text, labels) for each excerpt."""
    doc = json.loads((DATA / "labels.json").read_text(encoding="utf-8"))
    out = []
    for chapter in doc["chapters"]:
        text = (DATA / chapter["file"]).read_text(encoding="utf-8")
        labels = []
        for item in chapter["labels"]:
            start = text.index(item["text"])
            labels.append(Label({item["type"], *item["also"]}, start, start + len(item["text"])))
        out.append((chapter["language"], text, labels))
    return out


def score(predicted: list[Found], labels: list[Label], typed: bool = True) -> Score:
    """Match predictions to labels, by span overlap and (when typed) type."""
    result = Score(predicted=len(predicted), labelled=len(labels))

    def hit(f: Found, lab: Label) -> bool:
        return overlaps((f.start, f.end), (lab.start, lab.end)) and (
            not typed or f.type in lab.types
        )

    result.correct = sum(1 for f in predicted if any(hit(f, lab) for lab in labels))
    result.found = sum(1 for lab in labels if any(hit(f, lab) for f in predicted))
    return result


def evaluate() -> dict[str, Score]:
    """Scores per language and overall; "untyped" ignores the type."""
    totals = {key: Score() for key in ("en", "ru", "all", "untyped")}
    for language, text, labels in load():
        predicted = extract_descriptions(text, language)
        for key, typed in ((language, True), ("all", True), ("untyped", False)):
            part = score(predicted, labels, typed)
            total = totals[key]
            total.predicted += part.predicted
            total.correct += part.correct
            total.labelled += part.labelled
            total.found += part.found
    return totals


@pytest.fixture(scope="module")
def results() -> dict[str, Score]:
    scores = evaluate()
    for key, s in scores.items():
        print(f"{key}: precision {s.precision:.2f} recall {s.recall:.2f} f1 {s.f1:.2f}")
    return scores


def test_labels_are_exact_substrings() -> None:
    for _, text, labels in load():
        assert labels
        for lab in labels:
            assert text[lab.start : lab.end].strip() == text[lab.start : lab.end]


@pytest.mark.parametrize("key", ["en", "ru", "all"])
def test_precision_and_recall_hold_their_floors(results: dict[str, Score], key: str) -> None:
    s = results[key]
    assert s.precision >= FLOORS[key]["precision"], f"{key} precision {s.precision:.2f}"
    assert s.recall >= FLOORS[key]["recall"], f"{key} recall {s.recall:.2f}"
    if "typed_f1" in FLOORS[key]:
        assert s.f1 >= FLOORS[key]["typed_f1"], f"{key} f1 {s.f1:.2f}"
