"""HTTP routes for books and chapters."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Header, Query, Request, Response
from sqlalchemy.orm import Session

from vignette.api.auth import Rt, User
from vignette.api.creating import Created, create
from vignette.books import service
from vignette.books.schemas import BookCreated, BookIn, BookOut, BookPage, ChapterOut

router = APIRouter(tags=["books"])


@router.post("/books", status_code=201, response_model=BookCreated)
async def create_book(
    payload: BookIn,
    request: Request,
    user: User,
    idempotency_key: Annotated[str | None, Header()] = None,
) -> Response:
    """Create a book from JSON; descriptions get ids and offsets into their chapter."""

    def action(session: Session) -> Created:
        book = service.create_book(session, user.id, payload)
        created = BookCreated(
            **service.book_out(book).model_dump(exclude={"chapters"}),
            chapters=[service.chapter_out(c) for c in book.chapters],
        )
        return Created(201, created, headers={"Location": f"/api/v1/books/{book.id}"})

    return await create(request, user.id, idempotency_key, action)


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
        return service.book_out(service.get_book(session, user.id, book_id))


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
