"""Queries for image listings; the caller has checked that the scope is the user's."""

from __future__ import annotations

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from vignette.db.models import Chapter, Description, ImageJob


def jobs_page(
    session: Session,
    scope: ColumnElement[bool],
    *,
    type_: str | None,
    status: str | None,
    limit: int,
    offset: int,
    oldest_first: bool = False,
) -> tuple[list[ImageJob], int]:
    """A page of jobs whose description matches `scope`, newest first (or oldest first), and
    their total."""
    where = [scope]
    if type_ is not None:
        where.append(Description.type == type_)
    if status is not None:
        where.append(ImageJob.status == status)
    base = (
        select(ImageJob)
        .join(Description, Description.id == ImageJob.description_id)
        .join(Chapter, Chapter.id == Description.chapter_id)
        .where(*where)
    )
    total = session.scalar(select(func.count()).select_from(base.subquery())) or 0
    if oldest_first:
        order = (ImageJob.created_at.asc(), ImageJob.id.asc())
    else:
        order = (ImageJob.created_at.desc(), ImageJob.id.desc())
    items = session.scalars(base.order_by(*order).limit(limit).offset(offset)).all()
    return list(items), total
