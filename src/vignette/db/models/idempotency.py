"""Stored answers to POSTs sent with an Idempotency-Key."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Integer, String, UniqueConstraint, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from vignette.db.base import Base, UTCDateTime, new_id, utcnow


class IdempotencyRecord(Base):
    """The first answer given for (user, key), replayed for the same request."""

    __tablename__ = "idempotency_keys"
    __table_args__ = (UniqueConstraint("user_id", "key"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_id)
    user_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("users.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(255))
    request_hash: Mapped[str] = mapped_column(String(64))
    status_code: Mapped[int] = mapped_column(Integer)
    body: Mapped[dict[str, Any]] = mapped_column(JSON)
    # Indexed: housekeeping deletes the answers older than VIGNETTE_IDEMPOTENCY_KEY_HOURS.
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
