"""Content-addressed local storage."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from vignette.storage.local import LocalStorage


def test_storage_is_content_addressed_and_idempotent(tmp_path: Path) -> None:
    storage = LocalStorage(tmp_path)
    data = b"\x89PNG\r\n\x1a\n not really a picture: storage keeps any bytes"
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
