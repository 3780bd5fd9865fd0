"""Gemini image models through the official google-genai SDK, with SDK retries off."""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from typing import Any

import httpx
import httpx2
from google import genai
from google.genai import errors, types

from vignette.providers.base import ErrorCode, ImageRequest, ImageResult, ProviderError
from vignette.providers.http import classify_http_status, parse_retry_after
from vignette.providers.validation import validate_image

DEFAULT_MODEL = "gemini-2.5-flash-image"
# The aspect ratios gemini-2.5-flash-image accepts in image_config.
GEMINI_RATIOS = ("1:1", "2:3", "3:2", "3:4", "4:3", "4:5", "5:4", "9:16", "16:9", "21:9")
# Finish reasons that mean "refused for policy": the same prompt will be refused again.
POLICY_FINISH_REASONS = frozenset(
    {
        "SAFETY",
        "PROHIBITED_CONTENT",
        "BLOCKLIST",
        "SPII",
        "IMAGE_SAFETY",
        "IMAGE_PROHIBITED_CONTENT",
    }
)
_TIMEOUTS = (httpx.TimeoutException, httpx2.TimeoutException)
_TRANSPORT = (httpx.TransportError, httpx2.TransportError)
_DELAY = re.compile(r"^\s*(\d+(?:\.\d+)?)s\s*$")


def nearest_aspect_ratio(width: int, height: int, choices: Iterable[str]) -> str:
    """The supported "W:H" ratio closest to width/height (compared on a log scale)."""
    wanted = math.log(max(width, 1) / max(height, 1))

    def distance(ratio: str) -> float:
        w, h = (int(part) for part in ratio.split(":"))
        return abs(math.log(w / h) - wanted)

    return min(choices, key=distance)


def google_client(
    api_key: str, base_url: str | None, timeout: float, *, vertexai: bool
) -> genai.Client:
    """An SDK client that never retries on its own: the job policy is the only retry layer."""
    if not api_key:
        raise ValueError("an API key is required")
    options = types.HttpOptions(
        base_url=base_url or None,
        # HttpOptions.timeout is in milliseconds.
        timeout=max(1, int(timeout * 1000)),
        # attempts=1: the original request only. Any retry options with attempts unset mean
        # 5 attempts on 408/429/5xx and connection errors, each a paid call; pinning it keeps
        # a future SDK default from adding a hidden retry layer.
        retry_options=types.HttpRetryOptions(attempts=1),
        # The Gemini API documents image output on v1beta; pin it rather than track the
        # SDK's default. Vertex (Imagen) keeps the SDK's own version.
        api_version=None if vertexai else "v1beta",
    )
    return genai.Client(vertexai=vertexai, api_key=api_key, http_options=options)


def redact(text: str, secret: str) -> str:
    """The text with the secret blanked out."""
    return text.replace(secret, "***") if secret else text


def sdk_error(exc: Exception, secret: str) -> ProviderError:
    """Map an exception raised inside the SDK call to the provider taxonomy."""
    if isinstance(exc, errors.APIError):
        return _api_error(exc, secret)
    if isinstance(exc, _TIMEOUTS):
        return ProviderError(ErrorCode.TIMEOUT, f"no answer in time ({type(exc).__name__})")
    if isinstance(exc, _TRANSPORT):
        detail = redact(str(exc), secret)[:200]
        return ProviderError(ErrorCode.UPSTREAM_UNAVAILABLE, f"transport error: {detail}")
    detail = redact(str(exc), secret)[:200]
    return ProviderError(ErrorCode.UPSTREAM_UNAVAILABLE, f"unreadable answer: {detail}")


def _api_error(exc: errors.APIError, secret: str) -> ProviderError:
    details = _error_details(exc.details)
    message = redact(str(exc.message or exc.status or ""), secret)[:300]
    if any(d.get("reason") == "API_KEY_INVALID" for d in details):
        # Google answers a bad key with 400 INVALID_ARGUMENT; it is an auth problem.
        return ProviderError(ErrorCode.AUTH, f"API key rejected: {message}")
    quota_ids = [str(v.get("quotaId", "")) for d in details for v in d.get("violations", [])]
    if exc.code == 429 and any("PerDay" in q for q in quota_ids):
        return ProviderError(ErrorCode.QUOTA_EXHAUSTED, f"daily quota used up: {message}")
    error = classify_http_status(exc.code, _retry_after(exc, details))
    if error is None:  # a 2xx/3xx the SDK still raised on: the answer was not usable
        return ProviderError(ErrorCode.UPSTREAM_UNAVAILABLE, f"HTTP {exc.code}: {message}")
    return ProviderError(error.code, f"{error.message}: {message}", error.retry_after)


def _error_details(body: Any) -> list[dict[str, Any]]:
    error = body.get("error", body) if isinstance(body, dict) else {}
    details = error.get("details") if isinstance(error, dict) else None
    return [d for d in details if isinstance(d, dict)] if isinstance(details, list) else []


def _retry_after(exc: errors.APIError, details: list[dict[str, Any]]) -> float | None:
    """Retry-After header if any, else google.rpc.RetryInfo's retryDelay ("37s")."""
    headers = getattr(exc.response, "headers", None)
    header = headers.get("retry-after") if headers is not None else None
    seconds = parse_retry_after(header)
    if seconds is not None:
        return seconds
    for detail in details:
        match = _DELAY.match(str(detail.get("retryDelay", "")))
        if match:
            return float(match.group(1))
    return None


def _enum_name(value: object) -> str:
    return str(getattr(value, "value", value) or "")


def image_from_response(response: types.GenerateContentResponse) -> tuple[bytes, str]:
    """The first inline image of a response; a refusal or an image-less answer is an error."""
    feedback = response.prompt_feedback
    if feedback is not None and feedback.block_reason is not None:
        reason = _enum_name(feedback.block_reason)
        raise ProviderError(ErrorCode.CONTENT_POLICY, f"prompt blocked: {reason}")
    candidates = response.candidates or []
    texts: list[str] = []
    for candidate in candidates:
        parts = candidate.content.parts if candidate.content is not None else None
        for part in parts or []:
            blob = part.inline_data
            if part.thought:
                continue  # thinking models may show draft images before the final one
            if blob is not None and blob.data:
                return blob.data, blob.mime_type or "image/png"
            if part.text:
                texts.append(part.text)
    reasons = sorted({_enum_name(c.finish_reason) for c in candidates if c.finish_reason})
    said = f"; model said: {' '.join(texts)[:200]}" if texts else ""
    if POLICY_FINISH_REASONS.intersection(reasons):
        raise ProviderError(ErrorCode.CONTENT_POLICY, f"image refused: {', '.join(reasons)}")
    what = f"finish reason {', '.join(reasons)}" if reasons else "no candidates"
    raise ProviderError(ErrorCode.EMPTY_RESULT, f"answer has no image ({what}){said}")


class GoogleProvider:
    """What Google's providers share: the SDK client, its key (to scrub from errors), close."""

    vertexai = False
    default_model = DEFAULT_MODEL

    def __init__(
        self,
        api_key: str,
        base_url: str | None = None,
        model: str | None = None,
        timeout: float = 120.0,
    ) -> None:
        self.model = model or self.default_model
        self._key = api_key
        self._client = google_client(api_key, base_url, timeout, vertexai=self.vertexai)

    def close(self) -> None:
        """Release the SDK's HTTP connections."""
        self._client.close()


class GeminiProvider(GoogleProvider):
    """Google's Gemini image models via generateContent."""

    name = "gemini"

    def generate(self, request: ImageRequest) -> ImageResult:
        """One generateContent call; an image or a ProviderError."""
        ratio = nearest_aspect_ratio(request.width, request.height, GEMINI_RATIOS)
        config = types.GenerateContentConfig(
            response_modalities=["IMAGE"],
            image_config=types.ImageConfig(aspect_ratio=ratio),
        )
        try:
            response = self._client.models.generate_content(
                model=self.model, contents=request.prompt, config=config
            )
        except Exception as exc:  # the SDK raises many kinds; every one is classified
            raise sdk_error(exc, self._key) from None
        data, mime = image_from_response(response)
        return validate_image(ImageResult(data, mime, 0, 0, self.model))
