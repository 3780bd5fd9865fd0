"""book import: upload progress on books, chapter batches

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-29 16:38:39.362002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "batches",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("chapter_id", sa.Uuid(), nullable=False),
        sa.Column("max_images", sa.Integer(), nullable=False),
        sa.Column("types", sa.JSON(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["chapter_id"],
            ["chapters.id"],
            name=op.f("fk_batches_chapter_id_chapters"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_batches_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_batches")),
    )
    with op.batch_alter_table("batches", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_batches_chapter_id"), ["chapter_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_batches_user_id"), ["user_id"], unique=False)

    op.create_table(
        "batch_jobs",
        sa.Column("batch_id", sa.Uuid(), nullable=False),
        sa.Column("job_id", sa.Uuid(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["batch_id"],
            ["batches.id"],
            name=op.f("fk_batch_jobs_batch_id_batches"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["job_id"],
            ["generated_images.id"],
            name=op.f("fk_batch_jobs_job_id_generated_images"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("batch_id", "job_id", name=op.f("pk_batch_jobs")),
    )
    with op.batch_alter_table("batch_jobs", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_batch_jobs_job_id"), ["job_id"], unique=False)

    # Server defaults fill the rows that exist; the models set the values for new rows.
    with op.batch_alter_table("books", schema=None) as batch_op:
        batch_op.add_column(sa.Column("error_code", sa.String(length=32), nullable=True))
        batch_op.add_column(
            sa.Column("filename", sa.String(length=300), nullable=False, server_default="")
        )
        batch_op.add_column(sa.Column("source_sha256", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("cover_sha256", sa.String(length=64), nullable=True))
        batch_op.add_column(
            sa.Column("chapters_total", sa.Integer(), nullable=False, server_default="0")
        )
        batch_op.add_column(
            sa.Column("chapters_done", sa.Integer(), nullable=False, server_default="0")
        )
        batch_op.add_column(sa.Column("claim_token", sa.String(length=36), nullable=True))
        batch_op.add_column(
            sa.Column("deliveries", sa.Integer(), nullable=False, server_default="0")
        )
        batch_op.add_column(sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_books_cover_sha256_image_files"),
            "image_files",
            ["cover_sha256"],
            ["sha256"],
        )
    # Books created from JSON before this revision are complete: every chapter is done.
    op.execute(
        "UPDATE books SET"
        " chapters_total = (SELECT count(*) FROM chapters WHERE chapters.book_id = books.id),"
        " chapters_done = (SELECT count(*) FROM chapters WHERE chapters.book_id = books.id)"
    )


def downgrade() -> None:
    with op.batch_alter_table("books", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_books_cover_sha256_image_files"), type_="foreignkey"
        )
        batch_op.drop_column("finished_at")
        batch_op.drop_column("deliveries")
        batch_op.drop_column("claim_token")
        batch_op.drop_column("chapters_done")
        batch_op.drop_column("chapters_total")
        batch_op.drop_column("cover_sha256")
        batch_op.drop_column("source_sha256")
        batch_op.drop_column("filename")
        batch_op.drop_column("error_code")

    with op.batch_alter_table("batch_jobs", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_batch_jobs_job_id"))
    op.drop_table("batch_jobs")
    with op.batch_alter_table("batches", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_batches_user_id"))
        batch_op.drop_index(batch_op.f("ix_batches_chapter_id"))
    op.drop_table("batches")
