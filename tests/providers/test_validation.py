"""Provider output is a real image before a job may complete."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from vignette.providers.base import ErrorCode, ImageResult, ProviderError
from vignette.providers.validation import validate_image


def _png(size: tuple[int, int] = (64, 48)) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", size, (200, 30, 40)).save(buf, "PNG")
    return buf.getvalue()


def test_valid_image_passes_with_its_true_size() -> None:
    result = validate_image(ImageResult(_png(), "image/png", 1, 1, "m"))
    assert (result.width, result.height) == (64, 48)


@pytest.mark.parametrize(
    ("data", "mime", "code"),
    [
        (b"", "image/png", ErrorCode.EMPTY_RESULT),
        (b"<html>" + b"x" * 100, "image/png", ErrorCode.INVALID_IMAGE),
        (_png(), "image/webp", ErrorCode.INVALID_IMAGE),
        (_png(), "text/html", ErrorCode.INVALID_IMAGE),
        (_png()[:80], "image/png", ErrorCode.INVALID_IMAGE),
        (_png((8, 8)), "image/png", ErrorCode.INVALID_IMAGE),
    ],
)
def test_bad_output_is_rejected(data: bytes, mime: str, code: ErrorCode) -> None:
    with pytest.raises(ProviderError) as info:
        validate_image(ImageResult(data, mime, 64, 48, "m"))
    assert info.value.code == code
    assert info.value.retryable
