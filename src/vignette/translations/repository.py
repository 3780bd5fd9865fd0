"""The translation cache table: keyed by (text hash, target language, translator)."""

from __future__ import annotations

import hashlib

from sqlalchemy import insert
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from vignette.db.base import utcnow
from vignette.db.models.translations import TranslationCache
from vignette.prompts.translation import Translator

_KEY = ["text_sha256", "target_language", "translator"]


def normalise(text: str) -> str:
    """Whitespace collapsed: the prompt builder does the same, so variants share an entry."""
    return " ".join(text.split())


def text_hash(text: str) -> str:
    """The cache key's hash of a (normalised) passage."""
    return hashlib.sha256(normalise(text).encode("utf-8")).hexdigest()


def lookup(session: Session, translator: Translator, text: str, *, target: str) -> str | None:
    """The cached translation, if any."""
    row = session.get(TranslationCache, (text_hash(text), target, translator.name))
    return row.translated if row is not None else None


def store(session: Session, translator: Translator, text: str, *, target: str, value: str) -> None:
    """Insert a translation; a concurrent insert of the same key wins silently."""
    values = {
        "text_sha256": text_hash(text),
        "target_language": target,
        "translator": translator.name,
        "translated": value,
        "created_at": utcnow(),
    }
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        session.execute(
            postgresql.insert(TranslationCache)
            .values(values)
            .on_conflict_do_nothing(index_elements=_KEY)
        )
    elif dialect == "sqlite":
        session.execute(
            sqlite.insert(TranslationCache)
            .values(values)
            .on_conflict_do_nothing(index_elements=_KEY)
        )
    else:
        # Other databases: a savepoint keeps the caller's transaction usable after a clash.
        try:
            with session.begin_nested():
                session.execute(insert(TranslationCache).values(values))
        except IntegrityError:
            pass
    session.flush()
