"""HTTP routes for books and chapters."""

from __future__ import annotations

import uuid
from functools import partial
from typing import Annotated, Any

from fastapi import APIRouter, Header, Query, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.exceptions import RequestValidationError
from pydantic import ValidationError
from sqlalchemy.orm import Session

from vignette import idempotency
from vignette.api.auth import Rt, User
from vignette.api.creating import Created, Creation, commit, create
from vignette.api.multipart import Upload, read_file
from vignette.books import service
from vignette.books.dispatch import send_process_book
from vignette.books.schemas import BookCreated, BookIn, BookOut, BookPage, ChapterOut
from vignette.runtime import Runtime

router = APIRouter(tags=["books"])


def _inline(schema: Any, defs: dict[str, Any]) -> Any:
    """The schema with its local $refs replaced by their definitions (no recursion in BookIn)."""
    if isinstance(schema, dict):
        ref = schema.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/$defs/"):
            return _inline(defs[ref.rsplit("/", 1)[-1]], defs)
        return {k: _inline(v, defs) for k, v in schema.items() if k != "$defs"}
    if isinstance(schema, list):
        return [_inline(v, defs) for v in schema]
    return schema


_BOOK_IN = BookIn.model_json_schema()
_BODY_DOC: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {"schema": _inline(_BOOK_IN, _BOOK_IN.get("$defs", {}))},
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "properties": {"file": {"type": "string", "format": "binary"}},
                    "required": ["file"],
                }
            },
        },
    }
}


@router.post(
    "/books",
    status_code=201,
    response_model=BookCreated,
    responses={202: {"model": BookOut, "description": "an uploaded file, now processing"}},
    openapi_extra=_BODY_DOC,
)
async def create_book(
    request: Request,
    user: User,
    idempotency_key: Annotated[str | None, Header()] = None,
) -> Response:
    """Create a book from JSON (201), or upload an EPUB, FB2 or text file to import (202)."""
    content_type = request.headers.get("content-type", "")
    if content_type.startswith("multipart/form-data"):
        return await _upload(request, user.id, idempotency_key)
    try:
        payload = BookIn.model_validate_json(await request.body())
    except ValidationError as exc:
        raise RequestValidationError(
            [{**e, "loc": ("body", *e["loc"])} for e in exc.errors(include_url=False)]
        ) from None

    def action(session: Session) -> Created:
        book = service.create_book(session, user.id, payload)
        created = BookCreated(
            **service.book_out(book).model_dump(exclude={"chapters"}),
            chapters=[service.chapter_out(c) for c in book.chapters],
        )
        return Created(201, created, headers={"Location": f"/api/v1/books/{book.id}"})

    return await create(request, user.id, idempotency_key, action)


def _store_upload(rt: Runtime, upload: Upload) -> tuple[str, str]:
    service.check_upload(upload.data, service.limits(rt.settings))
    return upload.filename, service.upload_storage(rt.settings).put(upload.data)


async def _upload(request: Request, user_id: uuid.UUID, key: str | None) -> Response:
    rt: Runtime = request.app.state.runtime
    filename, sha = await run_in_threadpool(_store_upload, rt, await read_file(request))

    def action(session: Session) -> Created:
        book = service.create_upload(session, user_id, filename, sha)
        book_id = book.id
        send = partial(
            send_process_book,
            rt.dispatcher.celery,
            rt.redis,
            book_id,
            rt.settings.book_time_limit_seconds,
        )
        body = service.book_out(book)
        return Created(202, body, after_commit=[send], headers={"Location": _url(book_id)})

    # The multipart boundary differs per request: fingerprint the file, not the raw body.
    fingerprint = idempotency.request_hash(
        "POST", request.scope["path"], f"{filename}:{sha}".encode()
    )
    return await commit(request, Creation(user_id, key, fingerprint if key else "", action))


def _url(book_id: uuid.UUID) -> str:
    return f"/api/v1/books/{book_id}"


@router.get("/books", response_model=BookPage)
def list_books(
    rt: Rt,
    user: User,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> BookPage:
    """The user's books, newest first."""
    with rt.db.read() as session:
        books, total = service.list_books(session, user.id, limit, offset)
        return BookPage(
            items=[service.book_out(b) for b in books], total=total, limit=limit, offset=offset
        )


@router.get("/books/{book_id}", response_model=BookOut)
def get_book(book_id: uuid.UUID, rt: Rt, user: User) -> BookOut:
    """A book with its status and chapter list."""
    with rt.db.read() as session:
        doc = service.book_out(service.get_book(session, user.id, book_id))
        doc.descriptions_found = service.count_descriptions(session, book_id)
        return doc


@router.get(
    "/books/{book_id}/cover",
    response_class=Response,
    responses={200: {"content": {"image/jpeg": {}, "image/png": {}}}, 304: {}},
)
def book_cover(
    book_id: uuid.UUID,
    rt: Rt,
    user: User,
    if_none_match: Annotated[str | None, Header()] = None,
) -> Response:
    """The book's cover image with an ETag (404 when it has none)."""
    with rt.db.read() as session:
        cover = service.get_cover(session, user.id, book_id)
    etag = f'"{cover.sha256}"'
    headers = {"ETag": etag, "Cache-Control": "private, max-age=31536000, immutable"}
    if if_none_match is not None and etag in {t.strip() for t in if_none_match.split(",")}:
        return Response(status_code=304, headers=headers)
    return Response(rt.storage.read(cover.sha256), media_type=cover.mime_type, headers=headers)


@router.delete("/books/{book_id}", status_code=204)
def delete_book(book_id: uuid.UUID, rt: Rt, user: User) -> Response:
    """Delete a book, its chapters, descriptions, jobs and unused image files."""
    with rt.db.write() as session:
        unused = service.delete_book(session, user.id, book_id)
    for sha in unused:
        rt.storage.delete(sha)
    return Response(status_code=204)


@router.get("/chapters/{chapter_id}", response_model=ChapterOut)
def get_chapter(chapter_id: uuid.UUID, rt: Rt, user: User) -> ChapterOut:
    """A chapter's text and descriptions (each text equals text[start:end])."""
    with rt.db.read() as session:
        return service.chapter_out(service.get_chapter(session, user.id, chapter_id))
