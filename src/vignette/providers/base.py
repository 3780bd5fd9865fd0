"""The provider interface: a prompt in, image bytes out, or a typed error."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Protocol


class ErrorCode(StrEnum):
    """One error taxonomy for every provider."""

    CONTENT_POLICY = "content_policy"
    INVALID_INPUT = "invalid_input"
    AUTH = "auth"
    QUOTA_EXHAUSTED = "quota_exhausted"
    RATE_LIMITED = "rate_limited"
    UPSTREAM_UNAVAILABLE = "upstream_unavailable"
    TIMEOUT = "timeout"
    EMPTY_RESULT = "empty_result"
    INVALID_IMAGE = "invalid_image"
    CANCELLED = "cancelled"


RETRYABLE_CODES = frozenset(
    {
        ErrorCode.RATE_LIMITED,
        ErrorCode.UPSTREAM_UNAVAILABLE,
        ErrorCode.TIMEOUT,
        ErrorCode.EMPTY_RESULT,
        ErrorCode.INVALID_IMAGE,
    }
)


class ProviderError(Exception):
    """A failed provider call, classified so the job policy can decide what to do."""

    def __init__(self, code: ErrorCode, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.retry_after = retry_after

    @property
    def retryable(self) -> bool:
        """Whether another call (to this or another provider) may succeed."""
        return self.code in RETRYABLE_CODES


@dataclass(frozen=True)
class ImageRequest:
    """What to draw and how big; providers read only this."""

    prompt: str
    width: int = 1024
    height: int = 768
    seed: int = 0
    image_format: str = "webp"  # "webp" or "png"
    negative_prompt: str = ""
    hints: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class ImageResult:
    """Encoded image bytes and what the provider says about them."""

    data: bytes
    mime_type: str
    width: int
    height: int
    model: str
    validated: bool = False  # set by validate_image: the bytes decode, the size is their own


class ImageProvider(Protocol):
    """A source of images. Providers never retry and know nothing of jobs."""

    name: str
    model: str

    def generate(self, request: ImageRequest) -> ImageResult:
        """Render one image or raise ProviderError."""
        ...
