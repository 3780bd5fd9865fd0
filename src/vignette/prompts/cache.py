"""Translations through a persistent database cache; services flush, callers commit."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass

from sqlalchemy import insert
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from vignette.db.base import utcnow
from vignette.db.models.translations import TranslationCache
from vignette.prompts.translation import (
    NoTranslator,
    TranslationError,
    Translator,
    needs_translation,
)

SessionFactory = Callable[[], AbstractContextManager[Session]]


@dataclass(frozen=True)
class TranslationOutcome:
    """The text to build a prompt from, and how it was obtained."""

    text: str
    translated: bool  # True when `text` is a translation (fresh or cached)
    cached: bool  # True when it came from the cache, without a call
    error: str | None = None  # why the original text is used although a translation was due


def normalise(text: str) -> str:
    """Whitespace collapsed: the prompt builder does the same, so variants share an entry."""
    return " ".join(text.split())


def text_hash(text: str) -> str:
    """The cache key's hash of a (normalised) passage."""
    return hashlib.sha256(normalise(text).encode("utf-8")).hexdigest()


def wants_call(translator: Translator, text: str, target: str) -> bool:
    """Whether the translator has work to do (off, empty, or English already: no)."""
    if isinstance(translator, NoTranslator) or not normalise(text):
        return False
    # The script check only knows English; other targets always go to the translator.
    return needs_translation(text) if target == "en" else True


def lookup(session: Session, translator: Translator, text: str, target: str) -> str | None:
    """The cached translation, if any."""
    row = session.get(TranslationCache, (text_hash(text), target, translator.name))
    return row.translated if row is not None else None


def store(session: Session, translator: Translator, text: str, target: str, value: str) -> None:
    """Insert a translation; a concurrent insert of the same key wins silently."""
    values = {
        "text_sha256": text_hash(text),
        "target_language": target,
        "translator": translator.name,
        "translated": value,
        "created_at": utcnow(),
    }
    keys = ["text_sha256", "target_language", "translator"]
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        session.execute(
            postgresql.insert(TranslationCache)
            .values(values)
            .on_conflict_do_nothing(index_elements=keys)
        )
    elif dialect == "sqlite":
        session.execute(
            sqlite.insert(TranslationCache)
            .values(values)
            .on_conflict_do_nothing(index_elements=keys)
        )
    else:
        # Other databases: a savepoint keeps the caller's transaction usable after a clash.
        try:
            with session.begin_nested():
                session.execute(insert(TranslationCache).values(values))
        except IntegrityError:
            pass
    session.flush()


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
    """The cached translation, else a fresh one stored in the cache; failures fall back."""
    if not wants_call(translator, text, target):
        return TranslationOutcome(text, translated=False, cached=False)
    hit = lookup(session, translator, text, target)
    if hit is not None:
        return TranslationOutcome(hit, translated=True, cached=True)
    outcome = _call(translator, text, target)
    if outcome.translated:
        store(session, translator, text, target, outcome.text)
    return outcome


def translate_with_cache(
    read: SessionFactory,
    write: SessionFactory,
    translator: Translator,
    text: str,
    target: str = "en",
) -> TranslationOutcome:
    """cached_translation with the slow call outside any transaction (e.g. db.read, db.write)."""
    # On SQLite a write transaction holds the database's only write lock; a translator call
    # of up to its timeout must not run inside one.
    if not wants_call(translator, text, target):
        return TranslationOutcome(text, translated=False, cached=False)
    with read() as session:
        hit = lookup(session, translator, text, target)
    if hit is not None:
        return TranslationOutcome(hit, translated=True, cached=True)
    outcome = _call(translator, text, target)
    if outcome.translated:
        with write() as session:
            store(session, translator, text, target, outcome.text)
    return outcome
