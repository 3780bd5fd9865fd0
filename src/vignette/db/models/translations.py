"""Translations of passages, kept so every worker and every restart reuses them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from vignette.db.base import Base, UTCDateTime, utcnow


class TranslationCache(Base):
    """One translated passage, keyed by (source text hash, target language, translator)."""

    __tablename__ = "translation_cache"

    # The key is the primary key (unique by construction); the source text is not stored.
    text_sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    target_language: Mapped[str] = mapped_column(String(16), primary_key=True)
    translator: Mapped[str] = mapped_column(String(200), primary_key=True)
    translated: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
