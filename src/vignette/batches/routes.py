"""HTTP routes for chapter batches, image listings and statistics (under /images/...)."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from functools import partial
from typing import Annotated

from fastapi import APIRouter, Body, Header, Query, Request, Response
from sqlalchemy.orm import Session

from vignette.api.auth import Rt, User
from vignette.api.creating import Created, create
from vignette.batches import service
from vignette.batches.schemas import (
    BatchCreated,
    BatchRequest,
    BatchStatus,
    JobStatusName,
    UserStats,
)
from vignette.books.schemas import DescriptionType
from vignette.db.models import ImageJob
from vignette.errors import InvalidInput
from vignette.generation import service as generation
from vignette.generation.schemas import TaskPage
from vignette.runtime import Runtime

# Registered before the generation router: these literal paths must win over /images/{id}.
router = APIRouter(prefix="/images", tags=["images"])
API_PREFIX = "/api/v1"


@router.post("/generate/async/chapter/{chapter_id}", status_code=202, response_model=BatchCreated)
async def generate_chapter(
    chapter_id: uuid.UUID,
    request: Request,
    user: User,
    payload: Annotated[BatchRequest | None, Body()] = None,
    idempotency_key: Annotated[str | None, Header()] = None,
) -> Response:
    """Queue bulk jobs for the chapter's best descriptions that have no image or active job."""
    rt: Runtime = request.app.state.runtime
    wanted = payload or BatchRequest()
    if wanted.max_images > rt.settings.max_batch_images:
        raise InvalidInput(
            f"max_images must be at most {rt.settings.max_batch_images}", code="too_many_images"
        )
    s = rt.settings
    defaults = generation.Defaults(
        width=s.image_width, height=s.image_height, image_format=s.image_format
    )

    def action(session: Session) -> Created:
        result = service.create_batch(
            session, user.id, chapter_id, wanted.max_images, wanted.types, defaults
        )
        body = BatchCreated(
            batch_id=result.batch.id,
            chapter_id=chapter_id,
            status_url=f"{API_PREFIX}/images/batch/{result.batch.id}",
            job_ids=[j.id for j in result.jobs],
            created_at=result.batch.created_at,
        )
        sends: list[Callable[[], None]] = [
            partial(rt.dispatcher.send, j.id, j.priority) for j in result.created
        ]
        return Created(202, body, after_commit=sends, headers={"Location": body.status_url})

    return await create(request, user.id, idempotency_key, action)


@router.get("/batch/{batch_id}", response_model=BatchStatus)
def batch_status(batch_id: uuid.UUID, rt: Rt, user: User) -> BatchStatus:
    """A batch's counts by status, and its jobs (each the usual task document)."""
    with rt.db.read() as session:
        return service.batch_status(session, user.id, batch_id)


Limit = Annotated[int, Query(ge=1, le=100)]
Offset = Annotated[int, Query(ge=0)]
TypeFilter = Annotated[DescriptionType | None, Query(alias="type")]
StatusFilter = Annotated[JobStatusName | None, Query()]


def _task_page(
    session: Session, page: tuple[list[ImageJob], int], limit: int, offset: int
) -> TaskPage:
    jobs, total = page
    items = generation.describe_all(session, jobs)
    return TaskPage(items=items, total=total, limit=limit, offset=offset)


@router.get("/book/{book_id}", response_model=TaskPage)
def images_for_book(
    book_id: uuid.UUID,
    rt: Rt,
    user: User,
    type_: TypeFilter = None,
    status: StatusFilter = None,
    limit: Limit = 20,
    offset: Offset = 0,
) -> TaskPage:
    """The book's images and jobs, newest first; filters `type` and `status`."""
    with rt.db.read() as session:
        page = service.images_for_book(session, user.id, book_id, type_, status, limit, offset)
        return _task_page(session, page, limit, offset)


@router.get("/chapter/{chapter_id}", response_model=TaskPage)
def images_for_chapter(
    chapter_id: uuid.UUID,
    rt: Rt,
    user: User,
    type_: TypeFilter = None,
    status: StatusFilter = None,
    limit: Limit = 20,
    offset: Offset = 0,
) -> TaskPage:
    """The chapter's images and jobs, newest first; filters `type` and `status`."""
    with rt.db.read() as session:
        page = service.images_for_chapter(
            session, user.id, chapter_id, type_, status, limit, offset
        )
        return _task_page(session, page, limit, offset)


@router.get("/user/stats", response_model=UserStats)
def user_stats(rt: Rt, user: User) -> UserStats:
    """Your books, descriptions found, images by type and status, and provider calls."""
    with rt.db.read() as session:
        return service.user_stats(session, user.id)
