"""HTTP routes for chapter batches (under /images/...)."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Body, Header, Request, Response
from sqlalchemy.orm import Session

from vignette.api.boundary import Answer, create
from vignette.api.deps import CurrentUserDep, RuntimeDep
from vignette.batches import service
from vignette.batches.schemas import BatchCreated, BatchRequest, BatchStatus
from vignette.errors import InvalidInput
from vignette.generation.service import Defaults
from vignette.paths import batch_url

# Registered before the generation router: these literal paths must win over /images/{id}.
router = APIRouter(prefix="/images", tags=["images"])


@router.post("/generate/async/chapter/{chapter_id}", status_code=202, response_model=BatchCreated)
async def generate_chapter(
    chapter_id: uuid.UUID,
    request: Request,
    rt: RuntimeDep,
    user: CurrentUserDep,
    payload: Annotated[BatchRequest | None, Body()] = None,
    idempotency_key: Annotated[str | None, Header()] = None,
) -> Response:
    """Queue bulk jobs for the chapter's best descriptions that have no image or active job."""
    wanted = payload or BatchRequest()
    if wanted.max_images > rt.settings.max_batch_images:
        raise InvalidInput(
            f"max_images must be at most {rt.settings.max_batch_images}", code="too_many_images"
        )
    defaults = Defaults.from_settings(rt.settings)

    def action(session: Session) -> Answer:
        result = service.create_batch(
            session,
            user.id,
            chapter_id=chapter_id,
            max_images=wanted.max_images,
            types=wanted.types,
            defaults=defaults,
        )
        body = BatchCreated(
            batch_id=result.batch.id,
            chapter_id=chapter_id,
            status_url=batch_url(result.batch.id),
            job_ids=[j.id for j in result.jobs],
            created_at=result.batch.created_at,
        )
        return Answer(202, body, messages=result.messages, headers={"Location": body.status_url})

    return await create(request, user.id, action, idempotency_key=idempotency_key)


@router.get("/batch/{batch_id}", response_model=BatchStatus)
def batch_status(batch_id: uuid.UUID, rt: RuntimeDep, user: CurrentUserDep) -> BatchStatus:
    """A batch's counts by status, and its jobs (each the usual task document)."""
    with rt.db.read() as session:
        return service.batch_status(session, user.id, batch_id)
