"""translation cache: translated passages keyed by text hash, target language, translator

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-29 18:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "translation_cache",
        sa.Column("text_sha256", sa.String(length=64), nullable=False),
        sa.Column("target_language", sa.String(length=16), nullable=False),
        sa.Column("translator", sa.String(length=200), nullable=False),
        sa.Column("translated", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint(
            "text_sha256", "target_language", "translator", name=op.f("pk_translation_cache")
        ),
    )


def downgrade() -> None:
    op.drop_table("translation_cache")
