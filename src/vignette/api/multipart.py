"""Read one uploaded file from a multipart/form-data request (parsed by python-multipart)."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import Request
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException

from vignette.errors import InvalidInput

MAX_FILES = 2  # one book, and room to tell a client that sent two which one counts
MAX_FIELDS = 10


@dataclass(frozen=True)
class Upload:
    """An uploaded file: the name the client gave it and its bytes."""

    filename: str
    data: bytes


async def read_file(request: Request, field: str = "file") -> Upload:
    """The part named `field` (or the only file part) of a multipart body, or 422."""
    try:
        form = await request.form(max_files=MAX_FILES, max_fields=MAX_FIELDS)
    except HTTPException as exc:  # Starlette's answer to a malformed body
        raise InvalidInput(
            f"the multipart body could not be read: {exc.detail}", code="invalid_multipart"
        ) from None
    try:
        files = [
            (name, value) for name, value in form.multi_items() if isinstance(value, UploadFile)
        ]
        named = [value for name, value in files if name == field]
        chosen = named or ([files[0][1]] if len(files) == 1 else [])
        if not chosen:
            raise InvalidInput(
                f"send the book as a multipart file field named {field!r}", code="no_file"
            )
        data = await chosen[0].read()
        filename = chosen[0].filename or ""
    finally:
        await form.close()
    return Upload(filename=safe_filename(filename), data=data)


def safe_filename(name: str) -> str:
    """The file's own name: no directories, no control characters (a NUL would reach the book's
    title, and PostgreSQL refuses NUL in text), at most 300 characters."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    return "".join(ch for ch in base if ch.isprintable())[:300]
