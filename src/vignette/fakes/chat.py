"""The fake server's OpenAI chat completions answers: a deterministic, recognisable "translation",
or, for the LLM extractor's requests, a JSON list of passages.

A few common Russian words become English words; every other Cyrillic letter is transliterated;
everything else (Latin text, names, fault markers for the image providers) passes unchanged.
The answer starts with "English: " so tests can tell a translation from the original.
"""

from __future__ import annotations

import json
import re
import time
from typing import Any

Answer = tuple[int, str, bytes, dict[str, str]]
PREFIX = "English: "
LONG_ANSWER_CHARS = 20_000

WORDS = {
    "дом": "house", "лес": "forest", "море": "sea", "ночь": "night", "ночью": "at night",
    "старый": "old", "старая": "old", "замок": "castle", "дверь": "door", "красная": "red",
    "красный": "red", "луна": "moon", "дождь": "rain", "туман": "fog", "и": "and", "в": "in",
    "на": "on", "над": "above", "у": "by", "с": "with", "тёмный": "dark", "темный": "dark",
}  # fmt: skip
_CYRILLIC = "абвгдеёжзийклмнопрстуфхцчшщъыьэюя"
_LATIN = "a b v g d e yo zh z i y k l m n o p r s t u f kh ts ch sh shch _ y _ e yu ya"  # _: none
_LETTERS = dict(zip(_CYRILLIC, _LATIN.split(), strict=True))
_WORD = re.compile(r"[А-Яа-яЁё]+")
# Extraction requests carry this phrase in their system prompt (vignette.descriptions.llm).
EXTRACTION_MARKER = "passages worth illustrating"
_SENTENCE = re.compile(r"[^.!?\s][^.!?]*[.!?]+")
_SCENERY = re.compile(
    r"\b(?:(?:house|castle|forest|garden|room|street|hill|river|lake|sea|village|valley)s?\b"
    r"|дом|замк|замок|лес|сад|комнат|улиц|холм|рек|озер|мор[еяю]|деревн|долин)",
    re.IGNORECASE,
)
# Not in any chapter: the extractor must drop it rather than trust the model.
INVENTED = "A silver airship drifted slowly over the glass towers of a city that is in no book."


def _letter(char: str) -> str:
    latin = _LETTERS.get(char.lower(), char).replace("_", "")
    return latin.capitalize() if char.isupper() else latin


def fake_translate(text: str) -> str:
    """Known words translated, other Cyrillic transliterated, the rest unchanged."""

    def word(match: re.Match[str]) -> str:
        found = match.group(0)
        english = WORDS.get(found.lower())
        if english is not None:
            return english.capitalize() if found[0].isupper() else english
        return "".join(_letter(char) for char in found)

    return PREFIX + _WORD.sub(word, " ".join(text.split()))


def user_text(payload: dict[str, Any]) -> str:
    """The user messages' text (what fault markers are looked for in)."""
    messages = payload.get("messages")
    if not isinstance(messages, list):
        return ""
    texts = [
        m["content"]
        for m in messages
        if isinstance(m, dict) and m.get("role") == "user" and isinstance(m.get("content"), str)
    ]
    return "\n".join(texts)


def is_extraction(payload: dict[str, Any]) -> bool:
    """Whether the system prompt asks for passages rather than a translation."""
    messages = payload.get("messages")
    return isinstance(messages, list) and any(
        isinstance(m, dict)
        and m.get("role") == "system"
        and EXTRACTION_MARKER in str(m.get("content", ""))
        for m in messages
    )


def fake_extract(text: str) -> list[dict[str, str]]:
    """Sentences naming a place, as locations, plus an invented passage and an unknown type."""
    sentences = [m.group(0).strip() for m in _SENTENCE.finditer(text)]
    items = [{"type": "location", "text": s} for s in sentences if _SCENERY.search(s)]
    items.append({"type": "location", "text": INVENTED})
    if sentences:
        items.append({"type": "landscape", "text": sentences[0]})
    return items


def _json(status: int, body: Any, headers: dict[str, str] | None = None) -> Answer:
    return status, "application/json", json.dumps(body).encode(), headers or {}


def _error(status: int, code: str, message: str, headers: dict[str, str] | None = None) -> Answer:
    error = {"message": message, "type": "invalid_request_error", "param": None, "code": code}
    return _json(status, {"error": error}, headers)


def _completion(model: str, content: str | None, finish_reason: str) -> Answer:
    message = {"role": "assistant", "content": content, "refusal": None}
    choice = {"index": 0, "message": message, "finish_reason": finish_reason}
    usage = {"prompt_tokens": 40, "completion_tokens": 20, "total_tokens": 60}
    body = {
        "id": "chatcmpl-fake",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": model,
        "choices": [choice],
        "usage": usage,
    }
    return _json(200, body)


def chat_answer(fault: str | None, payload: dict[str, Any], retry: int) -> Answer:
    """POST /v1/chat/completions: a completion, or OpenAI's ways of saying no."""
    model = payload.get("model")
    if not isinstance(model, str) or not model or not user_text(payload):
        return _error(400, "invalid_request", "model and a user message are required")
    if fault is None or fault == "slow":
        if is_extraction(payload):
            passages = json.dumps(fake_extract(user_text(payload)), ensure_ascii=False)
            return _completion(model, passages, "stop")
        return _completion(model, fake_translate(user_text(payload)), "stop")
    if fault == "prose":
        return _completion(model, "Sure! Here are the passages you asked for.", "stop")
    if fault in ("empty", "no_image"):
        return _completion(model, "", "stop")
    if fault in ("blocked", "image_safety"):
        return _completion(model, None, "content_filter")
    if fault == "long":
        return _completion(model, PREFIX + "very " * (LONG_ANSWER_CHARS // 5), "length")
    if fault == "garbage":
        return 200, "text/html", b"<html><body>upstream hiccup</body></html>", {}
    if fault == "quota":
        return _error(429, "insufficient_quota", "You exceeded your current quota.")
    if fault == "badkey":
        return _error(401, "invalid_api_key", "Incorrect API key provided.")
    if fault.isdigit() and 100 <= int(fault) <= 599:
        status = int(fault)
        headers = {"Retry-After": str(retry)} if status == 429 else {}
        code = "rate_limit_exceeded" if status == 429 else "server_error"
        return _error(status, code, f"fake upstream answered {status}", headers)
    return _json(418, {"error": {"message": f"fake server: unknown fault {fault!r}"}})
