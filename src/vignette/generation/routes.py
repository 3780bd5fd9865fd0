"""HTTP routes for image generation (paths kept from the replaced system)."""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from typing import Annotated

from fastapi import APIRouter, Body, Header, Query, Request, Response
from fastapi.concurrency import run_in_threadpool
from sqlalchemy.orm import Session

from vignette.api.boundary import Action, Answer, create
from vignette.api.deps import CurrentUserDep, RuntimeDep
from vignette.api.files import file_response
from vignette.db.models import ImageJob, JobStatus
from vignette.db.models.images import FINAL_STATUSES
from vignette.errors import Conflict
from vignette.generation import service, status
from vignette.generation.documents import describe
from vignette.generation.schemas import (
    GenerateRequest,
    GenerationStatus,
    RegenerateRequest,
    TaskStatus,
)
from vignette.metrics import metrics
from vignette.runtime import Runtime

router = APIRouter(prefix="/images", tags=["images"])


def _options(payload: GenerateRequest | None) -> service.JobOptions:
    if payload is None:
        return service.JobOptions()
    return service.JobOptions(
        style=payload.style, aspect_ratio=payload.aspect_ratio, image_format=payload.format
    )


def _answer(result: service.SubmitResult, session: Session) -> Answer:
    doc = describe(session, result.job, fresh=result.created)
    return Answer(
        202 if result.created else 200,
        doc,
        messages=result.messages,
        headers={"Location": doc.status_url},
    )


def submission(
    rt: Runtime, user_id: uuid.UUID, description_id: uuid.UUID, options: service.JobOptions
) -> Action:
    """What a submit commits: the job (or the one to reuse), then its message."""
    defaults = service.Defaults.from_settings(rt.settings)

    def action(session: Session) -> Answer:
        result = service.submit(
            session, user_id, description_id=description_id, options=options, defaults=defaults
        )
        return _answer(result, session)

    return action


async def _submit(
    request: Request,
    rt: Runtime,
    user_id: uuid.UUID,
    description_id: uuid.UUID,
    payload: GenerateRequest | None,
    key: str | None,
) -> Response:
    action = submission(rt, user_id, description_id, _options(payload))
    return await create(request, user_id, action, idempotency_key=key)


@router.post(
    "/generate/async/{description_id}",
    status_code=202,
    response_model=TaskStatus,
    responses={200: {"model": TaskStatus, "description": "the existing job for this description"}},
)
async def generate_async(
    description_id: uuid.UUID,
    request: Request,
    rt: RuntimeDep,
    user: CurrentUserDep,
    payload: Annotated[GenerateRequest | None, Body()] = None,
    idempotency_key: Annotated[str | None, Header()] = None,
) -> Response:
    """Queue an image for a description; answers at once with the task to follow."""
    with metrics().submit_seconds.time():
        return await _submit(request, rt, user.id, description_id, payload, idempotency_key)


@router.post(
    "/generate/description/{description_id}",
    response_model=TaskStatus,
    responses={202: {"model": TaskStatus, "description": "not done within the wait"}},
)
async def generate_and_wait(
    description_id: uuid.UUID,
    request: Request,
    rt: RuntimeDep,
    user: CurrentUserDep,
    payload: Annotated[GenerateRequest | None, Body()] = None,
    wait: Annotated[float | None, Query(ge=0, le=120)] = None,
    idempotency_key: Annotated[str | None, Header()] = None,
) -> Response:
    """The same job as the async form, waiting up to `wait` seconds for it to finish."""
    submitted = await _submit(request, rt, user.id, description_id, payload, idempotency_key)
    if submitted.status_code >= 300:
        return submitted
    task_id = uuid.UUID(str(json.loads(bytes(submitted.body))["task_id"]))
    limit = min(
        rt.settings.sync_wait_max_seconds,
        wait if wait is not None else rt.settings.sync_wait_default_seconds,
    )
    deadline = time.monotonic() + limit
    pause = 0.02
    while True:
        doc = await run_in_threadpool(_status, rt, user.id, task_id)
        if doc.status in FINAL_STATUSES:
            return _json(doc, 200)
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return _json(doc, 202)
        await asyncio.sleep(min(pause, remaining))
        pause = min(pause * 1.5, 0.5)


def _json(doc: TaskStatus, status_code: int) -> Response:
    return Response(doc.model_dump_json(), status_code=status_code, media_type="application/json")


def _status(rt: Runtime, user_id: uuid.UUID, task_id: uuid.UUID) -> TaskStatus:
    with rt.db.read() as session:
        return describe(session, service.get_job(session, user_id, task_id))


@router.get("/task/{task_id}", response_model=TaskStatus)
def task_status(task_id: uuid.UUID, rt: RuntimeDep, user: CurrentUserDep) -> TaskStatus:
    """The job's state, from the database; while queued, its position and estimated wait."""
    with rt.db.read() as session:
        job = service.get_job(session, user.id, task_id)
        return describe(session, job, slots=rt.settings.worker_concurrency)


@router.post("/task/{task_id}/cancel", response_model=TaskStatus)
def cancel_task(task_id: uuid.UUID, rt: RuntimeDep, user: CurrentUserDep) -> TaskStatus:
    """Cancel the job (idempotent); answers with its final state."""
    with rt.db.write() as session:
        job = service.cancel(session, user.id, task_id)
        doc = describe(session, job)
    if doc.status == JobStatus.CANCELLED:
        rt.dispatcher.revoke(task_id)
        rt.changes.job(task_id)
    return doc


@router.post("/regenerate/{image_id}", status_code=202, response_model=TaskStatus)
async def regenerate(
    image_id: uuid.UUID,
    request: Request,
    rt: RuntimeDep,
    user: CurrentUserDep,
    payload: Annotated[RegenerateRequest | None, Body()] = None,
    idempotency_key: Annotated[str | None, Header()] = None,
) -> Response:
    """A new job for the same description (new seed, optional style)."""
    options, defaults = _options(payload), service.Defaults.from_settings(rt.settings)

    def action(session: Session) -> Answer:
        result = service.regenerate(
            session, user.id, image_id=image_id, options=options, defaults=defaults
        )
        return _answer(result, session)

    return await create(request, user.id, action, idempotency_key=idempotency_key)


@router.get("/generation/status", response_model=GenerationStatus)
def generation_status(rt: RuntimeDep, user: CurrentUserDep) -> GenerationStatus:
    """Per provider: breaker state, recent success rate, calls in the last hour; queue depths."""
    with rt.db.read() as session:
        return status.generation_status(
            session,
            chain=rt.settings.providers,
            breakers=rt.breakers,
            rates=rt.limiter.rates,
            client=rt.redis,
        )


@router.get("/{image_id}", response_model=TaskStatus)
def image_metadata(image_id: uuid.UUID, rt: RuntimeDep, user: CurrentUserDep) -> TaskStatus:
    """The image's metadata (the same document as its task)."""
    return _status(rt, user.id, image_id)


@router.get(
    "/{image_id}/file",
    response_class=Response,
    responses={200: {"content": {"image/webp": {}, "image/png": {}}}, 304: {}},
)
def image_file(
    image_id: uuid.UUID,
    rt: RuntimeDep,
    user: CurrentUserDep,
    if_none_match: Annotated[str | None, Header()] = None,
) -> Response:
    """The image bytes with their content type and an ETag."""
    with rt.db.read() as session:
        job: ImageJob = service.get_job(session, user.id, image_id)
        image = job.image
    if image is None:
        raise Conflict(f"image {image_id} is {job.status}, not completed", code="image_not_ready")
    return file_response(image.sha256, image.mime_type, if_none_match, rt.storage.read)


@router.delete("/{image_id}", status_code=204)
def delete_image(image_id: uuid.UUID, rt: RuntimeDep, user: CurrentUserDep) -> Response:
    """Delete the image and its job (cancelling it if still active)."""
    with rt.db.write() as session:
        unused = service.delete(session, user.id, image_id)
    rt.dispatcher.revoke(image_id)
    rt.changes.job(image_id)
    if unused is not None:
        rt.storage.delete(unused)
    return Response(status_code=204)
