"""Turn a (often Russian) book passage into an English visual description for an image prompt."""

from __future__ import annotations

import unicodedata
from typing import Protocol

from vignette.chat import ChatClient, ChatError
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
# Below this share of non-Latin letters a passage is treated as English already: an English
# text quoting a Russian name or word is still English.
NON_LATIN_SHARE = 0.25


class TranslationError(ChatError):
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
        self._chat = ChatClient(
            base_url, api_key, model, timeout, label="translator", error=TranslationError
        )
        self.model = model
        self.name = f"llm:{model}:v{PROMPT_VERSION}"

    def close(self) -> None:
        """Release pooled connections."""
        self._chat.close()

    def translate(self, text: str, target_language: str = "en") -> str:
        """One chat completion; the cleaned answer or TranslationError."""
        passage = text[:MAX_INPUT_CHARS]
        instructions = SYSTEM_PROMPT
        if target_language != "en":
            instructions = instructions.replace("English", f"language '{target_language}'")
        answer = self._chat.complete(instructions, passage).strip('"«»“”').strip()
        if not answer:
            raise TranslationError("translator gave an empty answer (only quotes)")
        if len(answer) > max_answer_chars(passage):
            raise TranslationError(f"translator answer too long ({len(answer)} characters)")
        return answer


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
