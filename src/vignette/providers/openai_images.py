"""OpenAI Images API (and compatible self-hosted servers) over httpx, base64 output."""

from __future__ import annotations

import base64
import binascii
import json
import math
from typing import Any

import httpx

from vignette.providers.base import ErrorCode, ImageRequest, ImageResult, ProviderError
from vignette.providers.http import Reply, fetch, status_error
from vignette.providers.validation import validate_image

DEFAULT_BASE_URL = "https://api.openai.com"
DEFAULT_MODEL = "gpt-image-1"
# The sizes each model family accepts; unknown models (compatible servers) get gpt-image's.
SIZES: dict[str, tuple[str, ...]] = {
    "gpt-image": ("1024x1024", "1536x1024", "1024x1536"),
    "dall-e-3": ("1024x1024", "1792x1024", "1024x1792"),
    "dall-e-2": ("256x256", "512x512", "1024x1024"),
}
_POLICY_CODES = frozenset({"moderation_blocked", "content_policy_violation"})
_QUOTA_CODES = frozenset({"insufficient_quota", "billing_hard_limit_reached"})
_MAGIC = ((b"\x89PNG", "image/png"), (b"\xff\xd8\xff", "image/jpeg"), (b"RIFF", "image/webp"))


def _family(model: str) -> str:
    return next((family for family in SIZES if model.startswith(family)), "gpt-image")


def nearest_size(width: int, height: int, model: str) -> str:
    """The accepted size closest in shape, then in area, to width x height."""
    shape, area = math.log(width / height), math.log(width * height)

    def distance(size: str) -> tuple[float, float]:
        w, h = (int(side) for side in size.split("x"))
        return round(abs(math.log(w / h) - shape), 6), abs(math.log(w * h) - area)

    return min(SIZES[_family(model)], key=distance)


def sniff_mime(data: bytes) -> str:
    """The image type named by the first bytes (PNG when unknown; validation decides)."""
    return next((mime for magic, mime in _MAGIC if data.startswith(magic)), "image/png")


class OpenAIImagesProvider:
    """POST /v1/images/generations with one base64 image per call."""

    name = "openai"

    def __init__(
        self,
        api_key: str,
        base_url: str = DEFAULT_BASE_URL,
        model: str = DEFAULT_MODEL,
        timeout: float = 180.0,
    ) -> None:
        self.model = model
        self._key = api_key
        self._url = f"{base_url.rstrip('/')}/v1/images/generations"
        self._timeout = timeout
        self._client = httpx.Client(follow_redirects=False)

    def close(self) -> None:
        """Release pooled connections."""
        self._client.close()

    def generate(self, request: ImageRequest) -> ImageResult:
        """One generation call; the validated picture or a ProviderError."""
        body: dict[str, Any] = {
            "model": self.model,
            "prompt": request.prompt,
            "n": 1,
            "size": nearest_size(request.width, request.height, self.model),
        }
        if _family(self.model) != "gpt-image":
            # gpt-image models always answer base64 and reject the parameter; DALL-E and
            # most compatible servers answer a URL unless asked.
            body["response_format"] = "b64_json"
        headers = {"Authorization": f"Bearer {self._key}"}
        reply = fetch(
            self._client, "POST", self._url, timeout=self._timeout, secret=self._key,
            json=body, headers=headers,
        )  # fmt: skip
        if reply.status >= 300:
            raise self._error(reply)
        data = _decode_image(reply)
        return validate_image(ImageResult(data, sniff_mime(data), 0, 0, self.model))

    def _error(self, reply: Reply) -> ProviderError:
        error = status_error(reply, self._key)
        code = _error_code(reply)
        if code in _POLICY_CODES:
            return ProviderError(ErrorCode.CONTENT_POLICY, f"refused ({code}): {error.message}")
        if code in _QUOTA_CODES:
            # OpenAI reports an exhausted balance as 429; waiting will not help.
            return ProviderError(ErrorCode.QUOTA_EXHAUSTED, f"{code}: {error.message}")
        return error


def _json_body(reply: Reply) -> Any:
    try:
        return json.loads(reply.body)
    except ValueError:
        return None


def _error_code(reply: Reply) -> str:
    body = _json_body(reply)
    error = body.get("error") if isinstance(body, dict) else None
    code = error.get("code") if isinstance(error, dict) else None
    return str(code) if code else ""


def _decode_image(reply: Reply) -> bytes:
    body = _json_body(reply)
    items = body.get("data") if isinstance(body, dict) else None
    if not isinstance(items, list):
        raise ProviderError(ErrorCode.UPSTREAM_UNAVAILABLE, "HTTP 200 without a data list")
    if not items or not isinstance(items[0], dict):
        raise ProviderError(ErrorCode.EMPTY_RESULT, "answer has no image")
    encoded = items[0].get("b64_json")
    if not encoded:
        what = "a URL instead of base64" if items[0].get("url") else "no image data"
        raise ProviderError(ErrorCode.INVALID_IMAGE, f"answer carried {what}")
    try:
        return base64.b64decode(str(encoded), validate=True)
    except (binascii.Error, ValueError) as exc:
        raise ProviderError(ErrorCode.INVALID_IMAGE, f"bad base64: {exc}") from None
