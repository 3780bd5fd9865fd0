"""HTTP routes for books and chapters."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Header, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.exceptions import RequestValidationError
from pydantic import ValidationError
from sqlalchemy.orm import Session

from vignette.api.boundary import Answer, create
from vignette.api.deps import CurrentUserDep, Limit, Offset, RuntimeDep
from vignette.api.files import file_response
from vignette.api.multipart import Upload, read_file
from vignette.books import service
from vignette.books.schemas import BookCreated, BookIn, BookOut, BookPage, ChapterOut
from vignette.errors import UnsupportedMediaType
from vignette.paths import book_url
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
    responses={
        202: {"model": BookOut, "description": "an uploaded file, now processing"},
        415: {"description": "neither application/json nor multipart/form-data"},
    },
    openapi_extra=_BODY_DOC,
)
async def create_book(
    request: Request,
    rt: RuntimeDep,
    user: CurrentUserDep,
    idempotency_key: Annotated[str | None, Header()] = None,
) -> Response:
    """Create a book from JSON (201), or upload an EPUB, FB2 or text file to import (202)."""
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type == "multipart/form-data":
        return await _upload(request, rt, user.id, idempotency_key)
    if content_type != "application/json":
        raise UnsupportedMediaType(
            "send the book as application/json, or a file as multipart/form-data"
            f" (got {content_type or 'no Content-Type'})"
        )
    try:
        payload = BookIn.model_validate_json(await request.body())
    except ValidationError as exc:
        raise RequestValidationError(
            [{**e, "loc": ("body", *e["loc"])} for e in exc.errors(include_url=False)]
        ) from None

    def action(session: Session) -> Answer:
        book = service.create_book(session, user.id, payload)
        created = BookCreated(
            **service.new_book_out(book).model_dump(exclude={"chapters"}),
            chapters=[service.chapter_out(c) for c in book.chapters],
        )
        return Answer(201, created, headers={"Location": book_url(book.id)})

    return await create(request, user.id, action, idempotency_key=idempotency_key)


def _store_upload(rt: Runtime, upload: Upload) -> tuple[str, str]:
    service.check_upload(upload.data, service.limits(rt.settings))
    return upload.filename, rt.uploads.put(upload.data)


async def _upload(request: Request, rt: Runtime, user_id: uuid.UUID, key: str | None) -> Response:
    filename, sha = await run_in_threadpool(_store_upload, rt, await read_file(request))

    def action(session: Session) -> Answer:
        result = service.create_upload(session, user_id, filename=filename, source_sha256=sha)
        body = service.new_book_out(result.book)
        headers = {"Location": book_url(result.book.id)}
        return Answer(202, body, messages=result.messages, headers=headers)

    # The multipart boundary differs per request: fingerprint the file, not the raw body.
    return await create(
        request, user_id, action, idempotency_key=key, fingerprint_of=f"{filename}:{sha}".encode()
    )


@router.get("/books", response_model=BookPage)
def list_books(
    rt: RuntimeDep,
    user: CurrentUserDep,
    limit: Limit = 20,
    offset: Offset = 0,
) -> BookPage:
    """The user's books, newest first, each with its counts."""
    with rt.db.read() as session:
        return service.list_books(session, user.id, limit=limit, offset=offset)


@router.get("/books/{book_id}", response_model=BookOut)
def get_book(book_id: uuid.UUID, rt: RuntimeDep, user: CurrentUserDep) -> BookOut:
    """A book with its status, chapter list and counts."""
    with rt.db.read() as session:
        return service.book_document(session, user.id, book_id)


@router.get(
    "/books/{book_id}/cover",
    response_class=Response,
    responses={200: {"content": {"image/jpeg": {}, "image/png": {}}}, 304: {}},
)
def book_cover(
    book_id: uuid.UUID,
    rt: RuntimeDep,
    user: CurrentUserDep,
    if_none_match: Annotated[str | None, Header()] = None,
) -> Response:
    """The book's cover image with an ETag (404 when it has none)."""
    with rt.db.read() as session:
        cover = service.get_cover(session, user.id, book_id)
    return file_response(cover.sha256, cover.mime_type, if_none_match, rt.storage.read)


@router.delete("/books/{book_id}", status_code=204)
def delete_book(book_id: uuid.UUID, rt: RuntimeDep, user: CurrentUserDep) -> Response:
    """Delete a book, its chapters, descriptions, jobs and unused image files."""
    with rt.db.write() as session:
        unused = service.delete_book(session, user.id, book_id)
    for sha in unused:
        rt.storage.delete(sha)
    return Response(status_code=204)


@router.get("/chapters/{chapter_id}", response_model=ChapterOut)
def get_chapter(chapter_id: uuid.UUID, rt: RuntimeDep, user: CurrentUserDep) -> ChapterOut:
    """A chapter's text and descriptions (each text equals text[start:end])."""
    with rt.db.read() as session:
        return service.chapter_out(service.get_chapter(session, user.id, chapter_id))
