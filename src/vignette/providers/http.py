"""HTTP plumbing the providers share: bounded reads, the status table, Retry-After."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

import httpx

from vignette.providers.base import ErrorCode, ProviderError
from vignette.providers.validation import MAX_BYTES


@dataclass(frozen=True)
class Reply:
    """A fully read HTTP answer."""

    status: int
    headers: httpx.Headers
    body: bytes

    @property
    def content_type(self) -> str:
        """The media type without parameters, lower case."""
        return str(self.headers.get("content-type", "")).split(";")[0].strip().lower()

    def snippet(self, secret: str) -> str:
        """The start of the body as text, safe to put in an error message."""
        text = self.body[:300].decode("utf-8", errors="replace")
        return " ".join(text.replace(secret, "***").split()) if secret else " ".join(text.split())


def fetch(
    client: httpx.Client, method: str, url: str, *, timeout: float, secret: str, **kwargs: Any
) -> Reply:
    """Send one request and read the whole body within about `timeout` seconds in total."""
    # httpx's timeouts apply to each read, so a body trickling in forever would never time
    # out; this deadline bounds the whole call. Transport errors are reported without the key.
    deadline = time.monotonic() + timeout
    try:
        with client.stream(method, url, timeout=timeout, **kwargs) as response:
            chunks: list[bytes] = []
            size = 0
            for chunk in response.iter_bytes():
                size += len(chunk)
                if size > MAX_BYTES:
                    raise ProviderError(ErrorCode.INVALID_IMAGE, "answer larger than allowed")
                if time.monotonic() > deadline:
                    raise ProviderError(ErrorCode.TIMEOUT, f"answer not complete in {timeout}s")
                chunks.append(chunk)
            return Reply(response.status_code, response.headers, b"".join(chunks))
    except httpx.TimeoutException as exc:
        raise ProviderError(
            ErrorCode.TIMEOUT, f"no answer in time ({type(exc).__name__})"
        ) from None
    except httpx.TransportError as exc:
        detail = str(exc).replace(secret, "***") if secret else str(exc)
        message = f"transport error ({type(exc).__name__}): {detail[:200]}"
        raise ProviderError(ErrorCode.UPSTREAM_UNAVAILABLE, message) from None


def status_error(reply: Reply, secret: str) -> ProviderError:
    """Map a non-2xx answer through the shared HTTP status table."""
    retry_after = parse_retry_after(reply.headers.get("retry-after"))
    error = classify_http_status(reply.status, retry_after)
    if error is None:
        error = ProviderError(ErrorCode.UPSTREAM_UNAVAILABLE, f"unexpected HTTP {reply.status}")
    detail = reply.snippet(secret)
    message = f"{error.message}: {detail}" if detail else error.message
    return ProviderError(error.code, message, error.retry_after)


def classify_http_status(status: int, retry_after: float | None = None) -> ProviderError | None:
    """Map an upstream HTTP status to the taxonomy; None for success."""
    if status < 400:
        return None
    codes: dict[int, ErrorCode] = {
        400: ErrorCode.INVALID_INPUT,
        401: ErrorCode.AUTH,
        402: ErrorCode.QUOTA_EXHAUSTED,
        403: ErrorCode.AUTH,
        408: ErrorCode.TIMEOUT,
        413: ErrorCode.INVALID_INPUT,
        422: ErrorCode.INVALID_INPUT,
        429: ErrorCode.RATE_LIMITED,
        504: ErrorCode.TIMEOUT,
    }
    if status in codes:
        code = codes[status]
    elif status >= 500:
        code = ErrorCode.UPSTREAM_UNAVAILABLE
    else:
        code = ErrorCode.INVALID_INPUT
    return ProviderError(code, f"upstream answered HTTP {status}", retry_after=retry_after)


def parse_retry_after(value: str | None) -> float | None:
    """Seconds from a Retry-After header given in seconds; None when absent or unparsable."""
    if value is None:
        return None
    try:
        seconds = float(value.strip())
    except ValueError:
        return None
    return seconds if seconds >= 0 else None
