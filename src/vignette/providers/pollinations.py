"""Pollinations image API over httpx; every answer is checked to be the picture we asked for."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import httpx

from vignette.generation.policy import classify_http_status, parse_retry_after
from vignette.providers.base import ErrorCode, ImageRequest, ImageResult, ProviderError
from vignette.providers.validation import MAX_BYTES, validate_image

DEFAULT_BASE_URL = "https://gen.pollinations.ai"
DEFAULT_MODEL = "flux"
# An answer whose sides are off by more than this is not the picture we asked for. Loose
# enough for an upstream that rounds sizes to a multiple of 8 or 16.
SIZE_TOLERANCE = 0.1
_POLICY_WORDS = ("safety", "nsfw", "content policy", "moderation", "inappropriate")


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


def is_placeholder(result: ImageResult, request: ImageRequest) -> bool:
    """Whether a decoded picture is not the size we asked for (Pollinations' stand-in image)."""
    for got, wanted in ((result.width, request.width), (result.height, request.height)):
        if abs(got - wanted) > max(16, wanted * SIZE_TOLERANCE):
            return True
    return False


class PollinationsProvider:
    """Pollinations' GET /image/{prompt} API."""

    name = "pollinations"

    def __init__(
        self,
        api_key: str = "",
        base_url: str = DEFAULT_BASE_URL,
        model: str = DEFAULT_MODEL,
        timeout: float = 120.0,
    ) -> None:
        self.model = model
        self._key = api_key
        self._base_url = base_url.rstrip("/")
        self._timeout = timeout
        self._client = httpx.Client(follow_redirects=False)

    def close(self) -> None:
        """Release pooled connections."""
        self._client.close()

    def generate(self, request: ImageRequest) -> ImageResult:
        """One GET; the validated picture or a ProviderError."""
        url = f"{self._base_url}/image/{quote(request.prompt, safe='')}"
        params = {
            "width": request.width,
            "height": request.height,
            "seed": request.seed,  # always sent, so the stored seed reproduces the picture
            "model": self.model,
            "nologo": "true",
            "private": "true",
            "safe": "true",
        }
        # The key goes in a header: URLs end up in access logs and error messages.
        headers = {"Authorization": f"Bearer {self._key}"} if self._key else {}
        reply = fetch(
            self._client, "GET", url, timeout=self._timeout, secret=self._key,
            params=params, headers=headers,
        )  # fmt: skip
        if reply.status >= 300:
            raise self._error(reply)
        if not reply.body:
            raise ProviderError(ErrorCode.EMPTY_RESULT, "HTTP 200 with an empty body")
        if not reply.content_type.startswith("image/"):
            message = f"HTTP 200 with {reply.content_type or 'no content type'}, not an image"
            raise ProviderError(ErrorCode.INVALID_IMAGE, message)
        result = validate_image(ImageResult(reply.body, reply.content_type, 0, 0, self.model))
        if is_placeholder(result, request):
            # Pollinations answers some throttled calls with HTTP 200 and a stock picture.
            message = (
                f"placeholder picture {result.width}x{result.height} instead of "
                f"{request.width}x{request.height}: treated as rate limited"
            )
            retry_after = parse_retry_after(reply.headers.get("retry-after"))
            raise ProviderError(ErrorCode.RATE_LIMITED, message, retry_after)
        return result

    def _error(self, reply: Reply) -> ProviderError:
        error = status_error(reply, self._key)
        text = reply.snippet(self._key).lower()
        if reply.status in (400, 403) and any(word in text for word in _POLICY_WORDS):
            return ProviderError(ErrorCode.CONTENT_POLICY, f"prompt refused: {error.message}")
        return error
