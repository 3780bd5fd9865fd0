"""One error base class for everything the API reports; the app maps it to problem details."""

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
    """No valid API key."""

    status = 401
    code = "unauthorized"
    title = "Unauthorized"


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
