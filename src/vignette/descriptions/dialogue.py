"""Tell speech from narration: quoted spans and paragraphs that are lines of dialogue."""

from __future__ import annotations

_PAIRS = {"«": "»", "“": "”", "„": "“", '"': '"'}
_DASHES = ("—", "–", "―", "- ", "-\u00a0")


def quoted_spans(paragraph: str) -> list[tuple[int, int]]:
    """(start, end) of each quotation in a paragraph; an unclosed one runs to the end."""
    spans: list[tuple[int, int]] = []
    i = 0
    n = len(paragraph)
    while i < n:
        close = _PAIRS.get(paragraph[i])
        if close is None:
            i += 1
            continue
        j = paragraph.find(close, i + 1)
        end = n if j < 0 else j + 1
        spans.append((i, end))
        i = end
    return spans


def quoted_share(spans: list[tuple[int, int]], start: int, end: int) -> float:
    """The share of [start, end) that lies inside quotations."""
    inside = sum(max(0, min(end, b) - max(start, a)) for a, b in spans)
    return inside / max(end - start, 1)


def is_dialogue_paragraph(paragraph: str) -> bool:
    """A paragraph that opens with a dash: a line of dialogue in Russian typesetting."""
    # Quoted speech is judged sentence by sentence instead: narration often surrounds it.
    return paragraph.startswith(_DASHES)
