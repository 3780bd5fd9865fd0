"""Content-addressed files over HTTP: an ETag from the sha256, immutable caching, 304s."""

from __future__ import annotations

from collections.abc import Callable

from fastapi.responses import Response


def file_response(
    sha256: str, mime_type: str, if_none_match: str | None, read: Callable[[str], bytes]
) -> Response:
    """The file's bytes, or 304 when the client already holds this version."""
    etag = f'"{sha256}"'
    headers = {"ETag": etag, "Cache-Control": "private, max-age=31536000, immutable"}
    if if_none_match is not None and etag in {t.strip() for t in if_none_match.split(",")}:
        return Response(status_code=304, headers=headers)
    return Response(content=read(sha256), media_type=mime_type, headers=headers)
