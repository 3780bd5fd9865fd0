"""Provider output validation and content-addressed storage."""

from __future__ import annotations

import hashlib
import io
from pathlib import Path

import pytest
from PIL import Image

from vignette.providers.base import ErrorCode, ImageResult, ProviderError
from vignette.providers.validation import validate_image
from vignette.storage.local import LocalStorage


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


def test_storage_is_content_addressed_and_idempotent(tmp_path: Path) -> None:
    storage = LocalStorage(tmp_path)
    data = _png()
    sha = storage.put(data)
    assert sha == hashlib.sha256(data).hexdigest()
    assert storage.put(data) == sha
    assert storage.read(sha) == data
    assert storage.path(sha).parent.name == sha[:2]
    storage.delete(sha)
    assert not storage.path(sha).exists()


def test_storage_rejects_paths_that_are_not_digests(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="sha256"):
        LocalStorage(tmp_path).path("../../etc/passwd")
