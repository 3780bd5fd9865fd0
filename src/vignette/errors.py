"""The errors a client is shown: one base, mapped to problem details by `api/problems.py`.

    VignetteError            status, code, title -> application/problem+json
    ├── InvalidInput         422  the request is well-formed but its content is not acceptable
    ├── BookRefused          413 or 422 (books/service.py): an upload refused before any work
    ├── NotFound             404  missing, or another user's (never 403)
    ├── Unauthorized         401  no valid API key or browser session
    ├── Forbidden            403  a browser session's unsafe request without its CSRF token
    └── Conflict             409  the object is not in a state that allows this

Three other roots exist on purpose, each in a leaf that must not depend on the HTTP family
and each an *outcome* the worker handles, never an answer sent as it is:

    ProviderError (providers/base.py)  a failed provider call, classified (ErrorCode,
                                       retryable, retry_after) for the one retry layer
    ChatError (chat.py)                a chat completion not obtained
    ├── TranslationError               the passage is used untranslated, recorded in the job
    └── ExtractionError                the chapter is extracted by the rules instead
    BookRejected (books/parsing)       a file that cannot be imported; the book ends failed
                                       with its code, or the upload route raises BookRefused
"""

from __future__ import annotations

from typing import Any


class VignetteError(Exception):
    """An error a client should see, with an HTTP status and a stable code."""

    status: int = 400
    code: str = "bad_request"
    title: str = "Bad request"

    def __init__(self, detail: str, *, code: str | None = None, **extra: Any) -> None:
        super().__init__(detail)
        self.detail = detail
        if code is not None:
            self.code = code
        self.extra = extra


class NotFound(VignetteError):
    """The object does not exist or belongs to someone else."""

    status = 404
    code = "not_found"
    title = "Not found"


class Unauthorized(VignetteError):
    """No valid API key or browser session."""

    status = 401
    code = "unauthorized"
    title = "Unauthorized"


class Forbidden(VignetteError):
    """Refused whoever asks: a cookie-authenticated unsafe request without its CSRF token."""

    status = 403
    code = "forbidden"
    title = "Forbidden"


class InvalidInput(VignetteError):
    """The request is well-formed but its content is not acceptable."""

    status = 422
    code = "invalid_input"
    title = "Invalid input"


class Conflict(VignetteError):
    """The object is not in a state that allows this."""

    status = 409
    code = "conflict"
    title = "Conflict"


class UnsupportedMediaType(VignetteError):
    """The body comes in a content type the route does not take."""

    status = 415
    code = "unsupported_media_type"
    title = "Unsupported media type"
