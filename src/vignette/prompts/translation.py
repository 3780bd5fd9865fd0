"""Turn a (often Russian) book passage into an English visual description for an image prompt."""

from __future__ import annotations

import json
import time
import unicodedata
from typing import Any, Protocol

import httpx

from vignette.settings import Settings

SYSTEM_PROMPT = (
    "You turn a passage from a book into a concise English visual description for an "
    "image-generation prompt: what can be seen (people, their looks, the place, objects, light, "
    "weather, mood). Keep the names of people and places. Answer with the description only: "
    "no commentary, no quotes, no preamble."
)
# Part of the cache key: changing the instructions must not serve answers to the old ones.
PROMPT_VERSION = 1
# Image prompts hold ~1500 characters of passage; longer input only costs tokens.
MAX_INPUT_CHARS = 6000
MAX_ANSWER_BYTES = 256 * 1024
# Below this share of non-Latin letters a passage is treated as English already: an English
# text quoting a Russian name or word is still English.
NON_LATIN_SHARE = 0.25


class TranslationError(Exception):
    """A translation could not be obtained; the message never contains a key."""


class Translator(Protocol):
    """Anything that turns text into a visual description in the target language."""

    name: str

    def translate(self, text: str, target_language: str = "en") -> str:
        """The translated text, or TranslationError."""
        ...


class NoTranslator:
    """Translation switched off: text passes through unchanged."""

    name = "none"

    def translate(self, text: str, target_language: str = "en") -> str:
        """The text itself."""
        return text


def needs_translation(text: str) -> bool:
    """Whether enough of the passage's letters are non-Latin (e.g. Cyrillic) to need English."""
    latin = other = 0
    for char in text:
        if not char.isalpha():
            continue
        if unicodedata.name(char, "").startswith("LATIN"):
            latin += 1
        else:
            other += 1
    total = latin + other
    return total > 0 and other / total >= NON_LATIN_SHARE


def max_answer_chars(text: str) -> int:
    """The longest plausible answer for this input; anything longer is a runaway model."""
    return min(8000, 1000 + 4 * len(text))


class LLMTranslator:
    """An OpenAI-compatible chat completions endpoint asked for a visual description."""

    def __init__(self, base_url: str, api_key: str, model: str, timeout: float = 30.0) -> None:
        if not base_url:
            raise ValueError("the LLM translator needs a base URL")
        self.model = model
        self.name = f"llm:{model}:v{PROMPT_VERSION}"
        self._url = f"{base_url.rstrip('/')}/v1/chat/completions"
        self._key = api_key
        self._timeout = timeout
        self._client = httpx.Client(follow_redirects=False)

    def close(self) -> None:
        """Release pooled connections."""
        self._client.close()

    def translate(self, text: str, target_language: str = "en") -> str:
        """One chat completion; the cleaned answer or TranslationError."""
        passage = text[:MAX_INPUT_CHARS]
        instructions = SYSTEM_PROMPT
        if target_language != "en":
            instructions = instructions.replace("English", f"language '{target_language}'")
        body = {
            "model": self.model,
            "messages": [
                {"role": "system", "content": instructions},
                {"role": "user", "content": passage},
            ],
            "temperature": 0,
        }
        # The key goes only in this header: never in the URL, an error or a log line.
        headers = {"Authorization": f"Bearer {self._key}"} if self._key else {}
        status, raw = self._post(body, headers)
        if status >= 300:
            raise TranslationError(f"translator answered HTTP {status}: {self._snippet(raw)}")
        answer = _answer_text(raw)
        if len(answer) > max_answer_chars(passage):
            raise TranslationError(f"translator answer too long ({len(answer)} characters)")
        return answer

    def _post(self, body: dict[str, Any], headers: dict[str, str]) -> tuple[int, bytes]:
        # httpx's timeout applies per read, so a trickling body is bounded by this deadline.
        deadline = time.monotonic() + self._timeout
        try:
            with self._client.stream(
                "POST", self._url, json=body, headers=headers, timeout=self._timeout
            ) as response:
                chunks: list[bytes] = []
                size = 0
                for chunk in response.iter_bytes():
                    size += len(chunk)
                    if size > MAX_ANSWER_BYTES:
                        raise TranslationError("translator answer larger than allowed")
                    if time.monotonic() > deadline:
                        raise TranslationError(
                            f"translator answer not complete in {self._timeout}s"
                        )
                    chunks.append(chunk)
                return response.status_code, b"".join(chunks)
        except httpx.TimeoutException as exc:
            raise TranslationError(f"translator timed out ({type(exc).__name__})") from None
        except httpx.HTTPError as exc:
            raise TranslationError(f"translator unreachable ({type(exc).__name__})") from None

    def _snippet(self, raw: bytes) -> str:
        text = " ".join(raw[:200].decode("utf-8", errors="replace").split())
        return text.replace(self._key, "***") if self._key else text


def _answer_text(raw: bytes) -> str:
    """choices[0].message.content, stripped; TranslationError when missing or empty."""
    try:
        body = json.loads(raw)
        choice = body["choices"][0]
        content = choice["message"]["content"]
    except (ValueError, KeyError, IndexError, TypeError):
        raise TranslationError("translator answer is not a chat completion") from None
    if not isinstance(content, str) or not content.strip():
        reason = choice.get("finish_reason") if isinstance(choice, dict) else None
        raise TranslationError(f"translator gave an empty answer (finish_reason={reason})")
    return content.strip().strip('"«»“”').strip()


def create_translator(settings: Settings) -> Translator:
    """The translator the settings name ("none" or "llm")."""
    kind = settings.translator.strip().lower()
    if kind in ("", "none"):
        return NoTranslator()
    if kind == "llm":
        return LLMTranslator(
            settings.translator_base_url,
            settings.translator_api_key.get_secret_value(),
            settings.translator_model,
            settings.translator_timeout_seconds,
        )
    raise ValueError(f"unknown translator {settings.translator!r} (expected 'none' or 'llm')")
