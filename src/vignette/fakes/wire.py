"""Fault choice, pictures and the vendors' answers (status, body, headers) for the fake server."""

from __future__ import annotations

import base64
import io
import json
import random
import re
import time
from collections.abc import Callable
from typing import Any

from PIL import Image, ImageDraw

from vignette.providers.procedural.render import render

Answer = tuple[int, str, bytes, dict[str, str]]
Picture = Callable[[], bytes]  # renders lazily: most faults need no picture
JSON = "application/json"
GARBAGE = b"<html><body>upstream hiccup: this is not an image</body></html>" * 4
PLACEHOLDER_SIZE = (400, 300)
PROVIDERS = ("gemini", "imagen", "pollinations", "openai", "chat")  # chat: the LLM translator
# Transient faults only: the failure rate models a flaky upstream that a retry can get past.
RANDOM_FAULTS: dict[str, tuple[str, ...]] = {
    "gemini": ("429", "500", "503", "empty"),
    "imagen": ("429", "500", "503", "empty"),
    "pollinations": ("429", "500", "503", "530", "placeholder"),
    "openai": ("429", "500", "503", "empty"),
    "chat": ("429", "500", "503", "empty"),
}
FAULT_MARKER = re.compile(
    r"\[fault:(?:(gemini|imagen|pollinations|openai|chat):)?([a-z0-9_]+)\]", re.I
)

# Output sizes the vendors document per aspect ratio.
GEMINI_SIZES = {
    "1:1": (1024, 1024), "2:3": (832, 1248), "3:2": (1248, 832), "3:4": (864, 1184),
    "4:3": (1184, 864), "4:5": (896, 1152), "5:4": (1152, 896), "9:16": (768, 1344),
    "16:9": (1344, 768), "21:9": (1536, 672),
}  # fmt: skip
IMAGEN_SIZES = {
    "1:1": (1024, 1024), "3:4": (896, 1280), "4:3": (1280, 896), "9:16": (768, 1408),
    "16:9": (1408, 768),
}  # fmt: skip
OPENAI_SIZES = {
    "gpt-image": ("1024x1024", "1536x1024", "1024x1536"),
    "dall-e-3": ("1024x1024", "1792x1024", "1024x1792"),
    "dall-e-2": ("256x256", "512x512", "1024x1024"),
}
_GOOGLE_STATUS = {
    400: "INVALID_ARGUMENT", 401: "UNAUTHENTICATED", 403: "PERMISSION_DENIED", 404: "NOT_FOUND",
    429: "RESOURCE_EXHAUSTED", 500: "INTERNAL", 503: "UNAVAILABLE", 504: "DEADLINE_EXCEEDED",
}  # fmt: skip
_CONTENT_FAULTS = ("blocked", "image_safety")
_EMPTY_FAULTS = ("empty", "no_image")


def http_status(fault: str | None) -> int | None:
    """The status a numeric fault name asks for."""
    if fault is not None and fault.isdigit() and 100 <= int(fault) <= 599:
        return int(fault)
    return None


def choose_fault(
    provider: str,
    prompt: str,
    header: str | None,
    forced: dict[str, str],
    rng: random.Random,
    failure_rate: float,
) -> str | None:
    """The fault for one call (header, then prompt marker, then forced, then chance) or None."""
    if header:
        return header.strip().lower()
    for match in FAULT_MARKER.finditer(prompt):
        target, name = match.group(1), match.group(2).lower()
        if target is None or target.lower() == provider:
            return name
    if provider in forced:
        return forced[provider]
    # One draw per call even at rate 0 keeps a seeded sequence independent of the rate.
    if rng.random() < failure_rate:
        return rng.choice(RANDOM_FAULTS[provider])
    return None


def strip_markers(prompt: str) -> str:
    """The prompt without fault markers."""
    return FAULT_MARKER.sub("", prompt).strip() or "a quiet landscape"


def render_image(prompt: str, seed: int, width: int, height: int, fmt: str) -> bytes:
    """A real procedural picture of the prompt, encoded as PNG or JPEG."""
    img = render(strip_markers(prompt), seed, width, height)
    out = io.BytesIO()
    if fmt == "JPEG":
        img.convert("RGB").save(out, format="JPEG", quality=85)
    else:
        img.save(out, format="PNG", compress_level=1)
    return out.getvalue()


def placeholder_png() -> bytes:
    """A fixed, recognisable stand-in picture like the one Pollinations sends when throttled."""
    img = Image.new("RGB", PLACEHOLDER_SIZE, (128, 128, 128))
    ImageDraw.Draw(img).text((110, 140), "RATE LIMITED - PLEASE WAIT", fill=(255, 255, 255))
    out = io.BytesIO()
    img.save(out, format="PNG")
    return out.getvalue()


def _picture(fault: str | None, image: Picture) -> bytes:
    if fault == "garbage":
        return GARBAGE
    if fault == "placeholder":
        return placeholder_png()
    return image()


def _json(status: int, body: Any, headers: dict[str, str] | None = None) -> Answer:
    return status, JSON, json.dumps(body).encode(), headers or {}


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def _google_error(fault: str, retry_after: int) -> Answer | None:
    """Google's error envelope for status, quota and key faults."""
    details: list[dict[str, Any]] = []
    if fault == "quota":
        status, message = 429, "Quota exceeded for requests per day."
        violation = {"quotaId": "GenerateRequestsPerDayPerProjectPerModel-FreeTier"}
        details.append(
            {"@type": "type.googleapis.com/google.rpc.QuotaFailure", "violations": [violation]}
        )
    elif fault == "badkey":
        status, message = 400, "API key not valid. Please pass a valid API key."
        info = {"@type": "type.googleapis.com/google.rpc.ErrorInfo", "reason": "API_KEY_INVALID"}
        details.append(info)
    elif (code := http_status(fault)) is not None:
        status, message = code, f"fake upstream answered {code}"
    else:
        return None
    if status == 429 and fault != "quota":
        # Google sends its delay in RetryInfo, not in a Retry-After header.
        info = {"@type": "type.googleapis.com/google.rpc.RetryInfo"}
        details.append({**info, "retryDelay": f"{retry_after}s"})
    error = {"code": status, "message": message, "status": _GOOGLE_STATUS.get(status, "UNKNOWN")}
    if details:
        error["details"] = details
    return _json(status, {"error": error})


def _unknown(fault: str) -> Answer:
    return _json(418, {"error": {"message": f"fake server: unknown fault {fault!r}"}})


def gemini_answer(fault: str | None, model: str, image: Picture, retry: int) -> Answer:
    """generateContent: inline image parts, or the ways Gemini says no."""
    if fault is not None and (error := _google_error(fault, retry)) is not None:
        return error
    usage = {"promptTokenCount": 12, "candidatesTokenCount": 1290}
    meta: dict[str, Any] = {"modelVersion": model, "usageMetadata": usage}
    if fault == "blocked":
        return _json(200, {"promptFeedback": {"blockReason": "PROHIBITED_CONTENT"}, **meta})
    if fault == "image_safety":
        return _json(200, {"candidates": [{"finishReason": "IMAGE_SAFETY", "index": 0}], **meta})
    if fault == "empty":
        return _json(200, meta)
    if fault == "no_image":
        text = {"role": "model", "parts": [{"text": "I can only describe this scene."}]}
        return _json(200, {"candidates": [{"content": text, "finishReason": "NO_IMAGE"}], **meta})
    if fault not in (None, "slow", "garbage", "placeholder"):
        return _unknown(fault)
    part = {"inlineData": {"mimeType": "image/png", "data": _b64(_picture(fault, image))}}
    content = {"role": "model", "parts": [part]}
    return _json(200, {"candidates": [{"content": content, "finishReason": "STOP"}], **meta})


def imagen_answer(fault: str | None, image: Picture, rai: bool, retry: int) -> Answer:
    """Vertex predict: predictions with base64 bytes or a raiFilteredReason."""
    if fault is not None and (error := _google_error(fault, retry)) is not None:
        return error
    if fault in _CONTENT_FAULTS:
        # Without includeRaiReason the filtered image is simply missing from the list.
        reason = "Your current safety filter threshold filtered out the generated image."
        return _json(200, {"predictions": [{"raiFilteredReason": reason}]} if rai else {})
    if fault in _EMPTY_FAULTS:
        return _json(200, {})
    if fault not in (None, "slow", "garbage", "placeholder"):
        return _unknown(fault)
    prediction = {"bytesBase64Encoded": _b64(_picture(fault, image)), "mimeType": "image/png"}
    return _json(200, {"predictions": [prediction]})


def pollinations_answer(fault: str | None, image: Picture, retry: int) -> Answer:
    """GET /image: the JPEG itself, or Pollinations' errors and throttled stand-in picture."""
    if fault is None or fault == "slow":
        return 200, "image/jpeg", image(), {}
    if fault == "placeholder":
        return 200, "image/png", placeholder_png(), {}
    if fault in _EMPTY_FAULTS:
        return 200, "image/jpeg", b"", {}
    if fault == "garbage":
        return 200, "text/html", GARBAGE, {}
    if fault in _CONTENT_FAULTS:
        body = {"error": "Bad Request", "message": "Prompt blocked by the safety filter"}
        return _json(400, body)
    if fault == "quota":
        return _json(402, {"error": "Payment Required", "message": "Insufficient pollen balance"})
    if fault == "badkey":
        return _json(401, {"error": "Unauthorized", "message": "Invalid API key"})
    status = http_status(fault)
    if status is None:
        return _unknown(fault)
    if status == 530:  # Cloudflare's page when the origin is unreachable
        return status, "text/html", b"<html><title>Origin unreachable</title></html>", {}
    headers = {"Retry-After": str(retry)} if status == 429 else {}
    return _json(status, {"error": f"fake upstream answered {status}"}, headers)


def _openai_error(
    status: int, code: str, message: str, headers: dict[str, str] | None = None
) -> Answer:
    error = {"message": message, "type": "invalid_request_error", "param": None, "code": code}
    return _json(status, {"error": error}, headers)


def _openai_request_error(payload: dict[str, Any]) -> Answer | None:
    """Reject what the real API rejects: bad sizes, n != 1, response_format on gpt-image."""
    model = str(payload.get("model", "gpt-image-1"))
    family = next((f for f in OPENAI_SIZES if model.startswith(f)), "gpt-image")
    if payload.get("size") not in OPENAI_SIZES[family]:
        return _openai_error(400, "invalid_size", f"size {payload.get('size')!r} not supported")
    if payload.get("n", 1) != 1:
        return _openai_error(400, "invalid_value", "n must be 1")
    fmt = payload.get("response_format")
    if family == "gpt-image" and fmt is not None:
        return _openai_error(400, "unknown_parameter", "Unknown parameter: 'response_format'.")
    if family != "gpt-image" and fmt != "b64_json":
        return _openai_error(400, "invalid_value", "the fake server only answers b64_json")
    return None


def openai_answer(
    fault: str | None,
    payload: dict[str, Any],
    render: Callable[[int, int], bytes],
    retry: int,
) -> Answer:
    """POST /v1/images/generations: base64 images, or OpenAI's error envelope."""
    if (invalid := _openai_request_error(payload)) is not None:
        return invalid
    model = str(payload.get("model", "gpt-image-1"))
    if fault in _CONTENT_FAULTS:
        code = "content_policy_violation" if model.startswith("dall-e") else "moderation_blocked"
        return _openai_error(400, code, "Your request was rejected by the safety system.")
    if fault == "quota":
        return _openai_error(429, "insufficient_quota", "You exceeded your current quota.")
    if fault == "badkey":
        return _openai_error(401, "invalid_api_key", "Incorrect API key provided.")
    if (status := http_status(fault)) is not None:
        headers = {"Retry-After": str(retry)} if status == 429 else {}
        code = "rate_limit_exceeded" if status == 429 else "server_error"
        return _openai_error(status, code, f"fake upstream answered {status}", headers)
    if fault in _EMPTY_FAULTS:
        return _json(200, {"created": int(time.time()), "data": []})
    if fault not in (None, "slow", "garbage", "placeholder"):
        return _unknown(fault)
    width, height = (int(v) for v in str(payload["size"]).split("x"))
    data = _picture(fault, lambda: render(width, height))
    return _json(200, {"created": int(time.time()), "data": [{"b64_json": _b64(data)}]})
