"""Ask an OpenAI-compatible chat endpoint for the passages worth illustrating; keep what checks out.

The model only proposes (type, text) pairs. Offsets, priority and every bound come from here, by
the same rules the rule-based extractor holds: a passage the chapter does not contain verbatim,
of an unknown type, too short or long, dialogue, or overlapping one already kept, is dropped.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from vignette.chat import ChatClient, ChatError
from vignette.descriptions.dialogue import is_dialogue_paragraph, quoted_share, quoted_spans
from vignette.descriptions.extraction import (
    MAX_PASSAGE_CHARS,
    MIN_CHARS,
    MIN_WORDS,
    Found,
    passage_priority,
)
from vignette.descriptions.features import WORD
from vignette.descriptions.scoring import score_sentence
from vignette.descriptions.types import DESCRIPTION_TYPES
from vignette.settings import Settings

log = logging.getLogger(__name__)

# The fake server recognises extraction requests by this phrase; keep it in the prompt.
MARKER = "passages worth illustrating"
SYSTEM_PROMPT = (
    f"You find the {MARKER} in a part of a book chapter. A passage is one to a few consecutive "
    "sentences of narration that describe a place (type location), a character's appearance "
    "(character), an atmosphere such as weather, light, sound or time of day (atmosphere), an "
    "object (object) or an action scene (action). Lines of dialogue are not passages. The text "
    "is in language '{language}'. Answer with a JSON array only, no commentary: "
    '[{{"type": "location", "text": "..."}}], in reading order, where "text" is copied from the '
    "chapter exactly, character for character, without changes or ellipses."
)
CONFIDENCE = 0.8
# Bounds one request (and its answer) whatever the chapter's length.
MAX_CHUNK_CHARS = 12_000
# A quoted passage answered back as JSON can grow to ~6 bytes a character (\uXXXX escapes).
MAX_ANSWER_BYTES = 8 * MAX_CHUNK_CHARS + 64 * 1024


class ExtractionError(ChatError):
    """The LLM extractor could not answer for a chapter; the message never contains a key."""


def chunk_spans(text: str, limit: int = MAX_CHUNK_CHARS) -> list[tuple[int, int]]:
    """(start, end) pieces of at most `limit` characters, cut at paragraph ends where possible."""
    spans: list[tuple[int, int]] = []
    start, n = 0, len(text)
    while start < n:
        end = min(start + limit, n)
        if end < n:
            # Cutting in the second half keeps pieces large; a passage is never cut in two
            # unless one paragraph is longer than half a piece.
            floor = start + limit // 2
            for sep in ("\n\n", "\n", ". ", " "):
                cut = text.rfind(sep, floor, end)
                if cut >= 0:
                    end = cut + len(sep)
                    break
        spans.append((start, end))
        start = end
    return spans


def parse_items(answer: str) -> list[Any]:
    """The JSON array in an answer (bare, fenced or wrapped in one object); else ExtractionError."""
    body = answer.strip()
    if body.startswith("```"):
        body = body.split("\n", 1)[1] if "\n" in body else ""
        body = body.rsplit("```", 1)[0]
    try:
        value = json.loads(body)
    except ValueError:
        raise ExtractionError("extractor answer is not JSON") from None
    if isinstance(value, dict):
        # JSON mode makes some servers wrap the array: {"passages": [...]}.
        value = next((v for v in value.values() if isinstance(v, list)), None)
    if not isinstance(value, list):
        raise ExtractionError("extractor answer is not a JSON array")
    return value


def _describes(passage: str) -> bool:
    if len(WORD.findall(passage)) < MIN_WORDS or is_dialogue_paragraph(passage):
        return False
    return quoted_share(quoted_spans(passage), 0, len(passage)) <= 0.5


def validate_items(chunk: str, items: list[Any], offset: int = 0) -> list[Found]:
    """The proposed passages that hold in `chunk`, with offsets shifted by `offset`."""
    kept: list[Found] = []
    taken: list[tuple[int, int]] = []
    cursor = 0
    for item in items:
        if not isinstance(item, dict):
            continue
        kind, passage = item.get("type"), item.get("text")
        if not isinstance(kind, str) or not isinstance(passage, str):
            continue
        kind, passage = kind.strip().lower(), passage.strip()
        if kind not in DESCRIPTION_TYPES or not MIN_CHARS <= len(passage) <= MAX_PASSAGE_CHARS:
            continue
        start = chunk.find(passage, cursor)
        if start < 0:
            # Models do not always answer in reading order; the overlap check below still
            # stops a repeated answer from taking the same span twice.
            start = chunk.find(passage)
        end = start + len(passage)
        if start < 0 or any(start < b and a < end for a, b in taken) or not _describes(passage):
            continue
        taken.append((start, end))
        cursor = end
        vivid = score_sentence(passage).vividness
        priority = passage_priority(kind, vivid, end - start)
        kept.append(Found(kind, offset + start, offset + end, CONFIDENCE, priority))
    return kept


class LLMExtractor:
    """Descriptions proposed by a chat model and validated against the chapter text."""

    def __init__(self, base_url: str, api_key: str, model: str, timeout: float = 60.0) -> None:
        self._chat = ChatClient(
            base_url,
            api_key,
            model,
            timeout,
            label="extractor",
            error=ExtractionError,
            max_answer_bytes=MAX_ANSWER_BYTES,
        )
        self.model = model

    def close(self) -> None:
        """Release pooled connections."""
        self._chat.close()

    def extract(self, text: str, language: str) -> list[Found]:
        """Validated descriptions in reading order; ExtractionError if any request fails."""
        system = SYSTEM_PROMPT.format(language=language or "unknown")
        found: list[Found] = []
        proposed = 0
        for start, end in chunk_spans(text):
            chunk = text[start:end]
            if not chunk.strip():
                continue
            items = parse_items(self._chat.complete(system, chunk))
            proposed += len(items)
            found.extend(validate_items(chunk, items, start))
        log.debug("extractor kept %d of %d proposed passages", len(found), proposed)
        return sorted(found, key=lambda f: f.start)


def create_extractor(settings: Settings) -> LLMExtractor | None:
    """The LLM extractor when the settings ask for one; None means the rule-based extractor."""
    kind = settings.extractor.strip().lower()
    if kind in ("", "rules"):
        return None
    if kind == "llm":
        return LLMExtractor(
            settings.extractor_base_url,
            settings.extractor_api_key.get_secret_value(),
            settings.extractor_model,
            settings.extractor_timeout_seconds,
        )
    raise ValueError(f"unknown extractor {settings.extractor!r} (expected 'rules' or 'llm')")
