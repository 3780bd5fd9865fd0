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

from vignette.api.auth import Rt, User
from vignette.api.creating import Action, Created, create
from vignette.db.models import ImageJob
from vignette.db.models.images import FINAL_STATUSES
from vignette.errors import Conflict
from vignette.generation import service, status
from vignette.generation.schemas import GenerateRequest, RegenerateRequest, TaskPage, TaskStatus
from vignette.generation.status import GenerationStatus
from vignette.runtime import Runtime

router = APIRouter(prefix="/images", tags=["images"])


def _defaults(rt: Runtime) -> service.Defaults:
    s = rt.settings
    return service.Defaults(width=s.image_width, height=s.image_height, image_format=s.image_format)


def _options(payload: GenerateRequest | RegenerateRequest | None) -> service.JobOptions:
    if payload is None:
        return service.JobOptions()
    return service.JobOptions(
        style=payload.style, aspect_ratio=payload.aspect_ratio, image_format=payload.format
    )


def _answer(rt: Runtime, result: service.SubmitResult, session: Session) -> Created:
    job = result.job
    doc = service.describe(session, job, fresh=result.created)
    effects = []
    if result.created:
        job_id, priority = job.id, job.priority
        effects.append(lambda: rt.dispatcher.send(job_id, priority))
    return Created(
        202 if result.created else 200,
        doc,
        after_commit=effects,
        headers={"Location": doc.status_url},
    )


def submission(
    rt: Runtime, user_id: uuid.UUID, description_id: uuid.UUID, options: service.JobOptions
) -> Action:
    """What a submit commits: the job (or the one to reuse), then its message."""

    def action(session: Session) -> Created:
        result = service.submit(session, user_id, description_id, options, _defaults(rt))
        return _answer(rt, result, session)

    return action


async def _submit(
    request: Request,
    user_id: uuid.UUID,
    description_id: uuid.UUID,
    payload: GenerateRequest | None,
    key: str | None,
) -> Response:
    rt: Runtime = request.app.state.runtime
    action = submission(rt, user_id, description_id, _options(payload))
    return await create(request, user_id, key, action)


@router.post(
    "/generate/async/{description_id}",
    status_code=202,
    response_model=TaskStatus,
    responses={200: {"model": TaskStatus, "description": "the existing job for this description"}},
)
async def generate_async(
    description_id: uuid.UUID,
    request: Request,
    user: User,
    payload: Annotated[GenerateRequest | None, Body()] = None,
    idempotency_key: Annotated[str | None, Header()] = None,
) -> Response:
    """Queue an image for a description; answers at once with the task to follow."""
    return await _submit(request, user.id, description_id, payload, idempotency_key)


@router.post(
    "/generate/description/{description_id}",
    response_model=TaskStatus,
    responses={202: {"model": TaskStatus, "description": "not done within the wait"}},
)
async def generate_and_wait(
    description_id: uuid.UUID,
    request: Request,
    rt: Rt,
    user: User,
    payload: Annotated[GenerateRequest | None, Body()] = None,
    wait: Annotated[float | None, Query(ge=0, le=120)] = None,
    idempotency_key: Annotated[str | None, Header()] = None,
) -> Response:
    """The same job as the async form, waiting up to `wait` seconds for it to finish."""
    submitted = await _submit(request, user.id, description_id, payload, idempotency_key)
    if submitted.status_code >= 300:
        return submitted
    task_id = uuid.UUID(_task_id(submitted))
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


def _json(doc: TaskStatus, status: int) -> Response:
    return Response(doc.model_dump_json(), status_code=status, media_type="application/json")


def _task_id(response: Response) -> str:
    return str(json.loads(bytes(response.body))["task_id"])


def _status(rt: Runtime, user_id: uuid.UUID, task_id: uuid.UUID) -> TaskStatus:
    with rt.db.read() as session:
        return service.describe(session, service.get_job(session, user_id, task_id))


@router.get("/task/{task_id}", response_model=TaskStatus)
def task_status(task_id: uuid.UUID, rt: Rt, user: User) -> TaskStatus:
    """The job's state, from the database."""
    return _status(rt, user.id, task_id)


@router.post("/task/{task_id}/cancel", response_model=TaskStatus)
def cancel_task(task_id: uuid.UUID, rt: Rt, user: User) -> TaskStatus:
    """Cancel the job (idempotent); answers with its final state."""
    with rt.db.write() as session:
        job = service.cancel(session, user.id, task_id)
        doc = service.describe(session, job)
    if doc.status == "cancelled":
        rt.dispatcher.revoke(task_id)
    return doc


@router.get("/description/{description_id}", response_model=TaskPage)
def images_for_description(
    description_id: uuid.UUID,
    rt: Rt,
    user: User,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> TaskPage:
    """The description's images and jobs, newest first."""
    with rt.db.read() as session:
        jobs, total = service.list_for_description(session, user.id, description_id, limit, offset)
        return TaskPage(
            items=service.describe_all(session, jobs),
            total=total,
            limit=limit,
            offset=offset,
        )


@router.post("/regenerate/{image_id}", status_code=202, response_model=TaskStatus)
async def regenerate(
    image_id: uuid.UUID,
    request: Request,
    rt: Rt,
    user: User,
    payload: Annotated[RegenerateRequest | None, Body()] = None,
    idempotency_key: Annotated[str | None, Header()] = None,
) -> Response:
    """A new job for the same description (new seed, optional style)."""

    def action(session: Session) -> Created:
        result = service.regenerate(session, user.id, image_id, _options(payload), _defaults(rt))
        return _answer(rt, result, session)

    return await create(request, user.id, idempotency_key, action)


@router.get("/generation/status", response_model=GenerationStatus)
def generation_status(rt: Rt, user: User) -> GenerationStatus:
    """Per provider: breaker state, recent success rate, calls in the last hour; queue depths."""
    with rt.db.read() as session:
        return status.generation_status(
            session, rt.settings.providers, rt.breakers, rt.limiter.rates, rt.redis
        )


@router.get("/{image_id}", response_model=TaskStatus)
def image_metadata(image_id: uuid.UUID, rt: Rt, user: User) -> TaskStatus:
    """The image's metadata (the same document as its task)."""
    return _status(rt, user.id, image_id)


@router.get(
    "/{image_id}/file",
    response_class=Response,
    responses={200: {"content": {"image/webp": {}, "image/png": {}}}, 304: {}},
)
def image_file(
    image_id: uuid.UUID,
    rt: Rt,
    user: User,
    if_none_match: Annotated[str | None, Header()] = None,
) -> Response:
    """The image bytes with their content type and an ETag."""
    with rt.db.read() as session:
        job: ImageJob = service.get_job(session, user.id, image_id)
        image = job.image
    if image is None:
        raise Conflict(f"image {image_id} is {job.status}, not completed", code="image_not_ready")
    etag = f'"{image.sha256}"'
    headers = {"ETag": etag, "Cache-Control": "private, max-age=31536000, immutable"}
    if if_none_match is not None and etag in {t.strip() for t in if_none_match.split(",")}:
        return Response(status_code=304, headers=headers)
    data = rt.storage.read(image.sha256)
    return Response(content=data, media_type=image.mime_type, headers=headers)


@router.delete("/{image_id}", status_code=204)
def delete_image(image_id: uuid.UUID, rt: Rt, user: User) -> Response:
    """Delete the image and its job (cancelling it if still active)."""
    with rt.db.write() as session:
        unused = service.delete(session, user.id, image_id)
    rt.dispatcher.revoke(image_id)
    if unused is not None:
        rt.storage.delete(unused)
    return Response(status_code=204)
