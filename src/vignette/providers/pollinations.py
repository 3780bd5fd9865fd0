"""Pollinations image API over httpx; every answer is checked to be a real picture, not the
stand-in it sends when throttled."""

from __future__ import annotations

import hashlib
from urllib.parse import quote

import httpx

from vignette.providers.base import ErrorCode, ImageRequest, ImageResult, ProviderError
from vignette.providers.http import Reply, fetch, parse_retry_after, status_error
from vignette.providers.validation import validate_image

DEFAULT_BASE_URL = "https://gen.pollinations.ai"
DEFAULT_MODEL = "flux"
# What identifies Pollinations' throttled stand-in picture (sent with HTTP 200): its content.
# The MD5 of the one reported in pollinations/pollinations#7207; VIGNETTE_POLLINATIONS_
# PLACEHOLDER_HASHES replaces the list (MD5 or SHA-256 hex digests).
KNOWN_PLACEHOLDERS = frozenset({"2090a5dc21c32952cbf8496339752bd1"})
_POLICY_WORDS = ("safety", "nsfw", "content policy", "moderation", "inappropriate")


def is_placeholder(data: bytes, known: frozenset[str]) -> bool:
    """Whether the bytes are one of the known stand-in pictures (by MD5 or SHA-256)."""
    digests = {
        hashlib.md5(data, usedforsecurity=False).hexdigest(),
        hashlib.sha256(data).hexdigest(),
    }
    return not digests.isdisjoint(known)


class PollinationsProvider:
    """Pollinations' GET /image/{prompt} API."""

    name = "pollinations"

    def __init__(
        self,
        api_key: str = "",
        base_url: str = DEFAULT_BASE_URL,
        model: str = DEFAULT_MODEL,
        timeout: float = 120.0,
        placeholders: frozenset[str] = KNOWN_PLACEHOLDERS,
    ) -> None:
        self.model = model
        self._placeholders = frozenset(h.strip().lower() for h in placeholders if h.strip())
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
        if is_placeholder(reply.body, self._placeholders):
            # Pollinations answers some throttled calls with HTTP 200 and a stock picture.
            message = "the known placeholder picture instead of an image: treated as rate limited"
            retry_after = parse_retry_after(reply.headers.get("retry-after"))
            raise ProviderError(ErrorCode.RATE_LIMITED, message, retry_after)
        # Some models answer in their own fixed size (square, 3:2): a real picture of another
        # size is accepted, and the job records the size it has.
        return validate_image(ImageResult(reply.body, reply.content_type, 0, 0, self.model))

    def _error(self, reply: Reply) -> ProviderError:
        error = status_error(reply, self._key)
        text = reply.snippet(self._key).lower()
        if reply.status in (400, 403) and any(word in text for word in _POLICY_WORDS):
            return ProviderError(ErrorCode.CONTENT_POLICY, f"prompt refused: {error.message}")
        return error
