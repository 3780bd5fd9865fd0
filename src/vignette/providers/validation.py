"""Check provider output is a real image before a job may complete."""

from __future__ import annotations

import io

from PIL import Image, UnidentifiedImageError

from vignette.providers.base import ErrorCode, ImageResult, ProviderError

MAGIC = {
    "image/png": (b"\x89PNG\r\n\x1a\n",),
    "image/jpeg": (b"\xff\xd8\xff",),
    "image/webp": (b"RIFF",),
}
MIN_BYTES = 64
MAX_BYTES = 40 * 1024 * 1024
MIN_SIDE = 16


def validate_image(result: ImageResult) -> ImageResult:
    """Return the result with its true size, or raise ProviderError(invalid_image).

    A result already validated (providers validate their own answers) is returned as it is:
    decoding a 1024x768 PNG costs ~20 ms of CPU, and once is enough.
    """
    if result.validated:
        return result
    data = result.data
    if not data:
        raise ProviderError(ErrorCode.EMPTY_RESULT, "provider returned no image data")
    if not MIN_BYTES <= len(data) <= MAX_BYTES:
        raise ProviderError(ErrorCode.INVALID_IMAGE, f"image size {len(data)} bytes out of bounds")
    magics = MAGIC.get(result.mime_type)
    if magics is None:
        raise ProviderError(ErrorCode.INVALID_IMAGE, f"unsupported type {result.mime_type!r}")
    if not data.startswith(magics) or (result.mime_type == "image/webp" and data[8:12] != b"WEBP"):
        raise ProviderError(ErrorCode.INVALID_IMAGE, f"bytes are not {result.mime_type}")
    try:
        with Image.open(io.BytesIO(data)) as img:
            img.load()
            width, height = img.size
    except (UnidentifiedImageError, OSError, ValueError) as exc:
        raise ProviderError(ErrorCode.INVALID_IMAGE, f"image does not decode: {exc}") from exc
    if width < MIN_SIDE or height < MIN_SIDE:
        raise ProviderError(ErrorCode.INVALID_IMAGE, f"image too small: {width}x{height}")
    return ImageResult(data, result.mime_type, width, height, result.model, validated=True)
