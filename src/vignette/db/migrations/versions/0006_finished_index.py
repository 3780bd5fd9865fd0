"""index on (status, finished_at): the recent completed jobs behind a queued job's estimated wait

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02 23:10:00.000000
"""

from __future__ import annotations

from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_generated_images_finished", "generated_images", ["status", "finished_at"])


def downgrade() -> None:
    op.drop_index("ix_generated_images_finished", table_name="generated_images")
