"""Read one file from a multipart/form-data body with the standard library's MIME parser."""

from __future__ import annotations

from dataclasses import dataclass
from email.message import Message
from email.parser import BytesParser
from email.policy import HTTP

from vignette.errors import InvalidInput


@dataclass(frozen=True)
class Upload:
    """An uploaded file: the name the client gave it and its bytes."""

    filename: str
    data: bytes


def read_file(content_type: str, body: bytes, field: str = "file") -> Upload:
    """The part named `field` (or the only file part) of a multipart body, or 422."""
    if "boundary=" not in content_type:
        raise InvalidInput("multipart body without a boundary", code="invalid_multipart")
    # The MIME parser needs the Content-Type as a header of the message it parses.
    head = f"Content-Type: {content_type}\r\nMIME-Version: 1.0\r\n\r\n".encode("latin-1", "replace")
    message = BytesParser(policy=HTTP).parsebytes(head + body)
    if not message.is_multipart():
        raise InvalidInput("the multipart body could not be read", code="invalid_multipart")
    files: list[Message] = [
        part
        for part in message.iter_parts()
        if part.get_param("filename", header="content-disposition") is not None
    ]
    named = [p for p in files if p.get_param("name", header="content-disposition") == field]
    chosen = named or (files if len(files) == 1 else [])
    if not chosen:
        raise InvalidInput(
            f"send the book as a multipart file field named {field!r}", code="no_file"
        )
    part = chosen[0]
    payload = part.get_payload(decode=True)
    data = payload if isinstance(payload, bytes) else b""
    filename = str(part.get_filename() or "")
    return Upload(filename=filename.replace("\\", "/").rsplit("/", 1)[-1][:300], data=data)
