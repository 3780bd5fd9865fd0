"""Translations through the persistent cache; the slow call stays outside any transaction."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass

from sqlalchemy.orm import Session

from vignette.prompts.translation import (
    NoTranslator,
    TranslationError,
    Translator,
    needs_translation,
)
from vignette.translations.repository import lookup, normalise, store

SessionFactory = Callable[[], AbstractContextManager[Session]]


@dataclass(frozen=True)
class TranslationOutcome:
    """The text to build a prompt from, and how it was obtained."""

    text: str
    translated: bool  # True when `text` is a translation (fresh or cached)
    cached: bool  # True when it came from the cache, without a call
    error: str | None = None  # why the original text is used although a translation was due


def wants_call(translator: Translator, text: str, target: str) -> bool:
    """Whether the translator has work to do (off, empty, or English already: no)."""
    if isinstance(translator, NoTranslator) or not normalise(text):
        return False
    # The script check only knows English; other targets always go to the translator.
    return needs_translation(text) if target == "en" else True


def _call(translator: Translator, text: str, target: str) -> TranslationOutcome:
    try:
        value = translator.translate(normalise(text), target)
    except TranslationError as exc:
        # The original text still makes a usable (if worse) prompt; the caller records why.
        return TranslationOutcome(text, translated=False, cached=False, error=str(exc))
    return TranslationOutcome(value, translated=True, cached=False)


def cached_translation(
    session: Session, translator: Translator, text: str, target: str = "en"
) -> TranslationOutcome:
    """The cached translation, else a fresh one stored in the cache; failures fall back.

    The call runs inside the caller's session: for a PostgreSQL session or a test. On SQLite
    a write transaction holds the only write lock, so workers use translate_with_cache.
    """
    if not wants_call(translator, text, target):
        return TranslationOutcome(text, translated=False, cached=False)
    hit = lookup(session, translator, text, target=target)
    if hit is not None:
        return TranslationOutcome(hit, translated=True, cached=True)
    outcome = _call(translator, text, target)
    if outcome.translated:
        store(session, translator, text, target=target, value=outcome.text)
    return outcome


def translate_with_cache(
    read: SessionFactory,
    write: SessionFactory,
    translator: Translator,
    text: str,
    target: str = "en",
) -> TranslationOutcome:
    """cached_translation with the slow call outside any transaction (e.g. db.read, db.write)."""
    if not wants_call(translator, text, target):
        return TranslationOutcome(text, translated=False, cached=False)
    with read() as session:
        hit = lookup(session, translator, text, target=target)
    if hit is not None:
        return TranslationOutcome(hit, translated=True, cached=True)
    outcome = _call(translator, text, target)
    if outcome.translated:
        with write() as session:
            store(session, translator, text, target=target, value=outcome.text)
    return outcome
