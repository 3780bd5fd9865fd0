"""initial schema

Revision ID: 0001
Revises:
Create Date: 2026-11-29 15:43:28.848139
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table(
        "image_files",
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("mime_type", sa.String(length=64), nullable=False),
        sa.Column("width", sa.Integer(), nullable=False),
        sa.Column("height", sa.Integer(), nullable=False),
        sa.Column("size_bytes", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("sha256", name=op.f("pk_image_files")),
    )
    op.create_table(
        "users",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=False),
        sa.Column("api_key_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_users")),
        sa.UniqueConstraint("api_key_hash", name=op.f("uq_users_api_key_hash")),
        sa.UniqueConstraint("email", name=op.f("uq_users_email")),
    )
    op.create_table(
        "books",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("title", sa.String(length=500), nullable=False),
        sa.Column("author", sa.String(length=300), nullable=False),
        sa.Column("language", sa.String(length=16), nullable=False),
        sa.Column("genre", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_books_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_books")),
    )
    with op.batch_alter_table("books", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_books_created_at"), ["created_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_books_user_id"), ["user_id"], unique=False)

    op.create_table(
        "idempotency_keys",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("key", sa.String(length=255), nullable=False),
        sa.Column("request_hash", sa.String(length=64), nullable=False),
        sa.Column("status_code", sa.Integer(), nullable=False),
        sa.Column("body", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_idempotency_keys_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_idempotency_keys")),
        sa.UniqueConstraint("user_id", "key", name=op.f("uq_idempotency_keys_user_id")),
    )
    op.create_table(
        "chapters",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("book_id", sa.Uuid(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=500), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["book_id"], ["books.id"], name=op.f("fk_chapters_book_id_books"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_chapters")),
    )
    with op.batch_alter_table("chapters", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_chapters_book_id"), ["book_id"], unique=False)

    op.create_table(
        "descriptions",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("chapter_id", sa.Uuid(), nullable=False),
        sa.Column("type", sa.String(length=16), nullable=False),
        sa.Column("start_offset", sa.Integer(), nullable=False),
        sa.Column("end_offset", sa.Integer(), nullable=False),
        sa.Column("confidence", sa.Float(), nullable=False),
        sa.Column("priority", sa.Float(), nullable=False),
        sa.CheckConstraint(
            "type IN ('location', 'character', 'atmosphere', 'object', 'action')",
            name=op.f("ck_descriptions_type"),
        ),
        sa.CheckConstraint(
            "start_offset >= 0 AND end_offset > start_offset", name=op.f("ck_descriptions_offsets")
        ),
        sa.ForeignKeyConstraint(
            ["chapter_id"],
            ["chapters.id"],
            name=op.f("fk_descriptions_chapter_id_chapters"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_descriptions")),
    )
    with op.batch_alter_table("descriptions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_descriptions_chapter_id"), ["chapter_id"], unique=False
        )

    op.create_table(
        "generated_images",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("description_id", sa.Uuid(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("priority", sa.Integer(), nullable=False),
        sa.Column("prompt", sa.Text(), nullable=False),
        sa.Column("params", sa.JSON(), nullable=False),
        sa.Column("provider", sa.String(length=32), nullable=True),
        sa.Column("model", sa.String(length=128), nullable=True),
        sa.Column("image_sha256", sa.String(length=64), nullable=True),
        sa.Column("error_code", sa.String(length=32), nullable=True),
        sa.Column("error_message", sa.Text(), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("deliveries", sa.Integer(), nullable=False),
        sa.Column("lease_token", sa.String(length=36), nullable=True),
        sa.Column("lease_expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("available_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "status IN ('queued', 'generating', 'completed', 'failed', 'cancelled')",
            name=op.f("ck_generated_images_status"),
        ),
        sa.ForeignKeyConstraint(
            ["description_id"],
            ["descriptions.id"],
            name=op.f("fk_generated_images_description_id_descriptions"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["image_sha256"],
            ["image_files.sha256"],
            name=op.f("fk_generated_images_image_sha256_image_files"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_generated_images")),
    )
    with op.batch_alter_table("generated_images", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_generated_images_description_id"), ["description_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_generated_images_image_sha256"), ["image_sha256"], unique=False
        )
        batch_op.create_index(
            "ix_generated_images_queue", ["status", "priority", "available_at"], unique=False
        )
        batch_op.create_index(
            "uq_generated_images_active_description",
            ["description_id"],
            unique=True,
            sqlite_where=sa.text("status IN ('queued', 'generating')"),
            postgresql_where=sa.text("status IN ('queued', 'generating')"),
        )

    op.create_table(
        "provider_calls",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("job_id", sa.Uuid(), nullable=False),
        sa.Column("attempt", sa.Integer(), nullable=False),
        sa.Column("provider", sa.String(length=32), nullable=False),
        sa.Column("model", sa.String(length=128), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("duration_ms", sa.Integer(), nullable=True),
        sa.Column("outcome", sa.String(length=16), nullable=False),
        sa.Column("error_code", sa.String(length=32), nullable=True),
        sa.Column("error_message", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["job_id"],
            ["generated_images.id"],
            name=op.f("fk_provider_calls_job_id_generated_images"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_provider_calls")),
    )
    with op.batch_alter_table("provider_calls", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_provider_calls_job_id"), ["job_id"], unique=False)


def downgrade() -> None:

    with op.batch_alter_table("provider_calls", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_provider_calls_job_id"))

    op.drop_table("provider_calls")
    with op.batch_alter_table("generated_images", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_generated_images_active_description",
            sqlite_where=sa.text("status IN ('queued', 'generating')"),
            postgresql_where=sa.text("status IN ('queued', 'generating')"),
        )
        batch_op.drop_index("ix_generated_images_queue")
        batch_op.drop_index(batch_op.f("ix_generated_images_image_sha256"))
        batch_op.drop_index(batch_op.f("ix_generated_images_description_id"))

    op.drop_table("generated_images")
    with op.batch_alter_table("descriptions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_descriptions_chapter_id"))

    op.drop_table("descriptions")
    with op.batch_alter_table("chapters", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_chapters_book_id"))

    op.drop_table("chapters")
    op.drop_table("idempotency_keys")
    with op.batch_alter_table("books", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_books_user_id"))
        batch_op.drop_index(batch_op.f("ix_books_created_at"))

    op.drop_table("books")
    op.drop_table("users")
    op.drop_table("image_files")
