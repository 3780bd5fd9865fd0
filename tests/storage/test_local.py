"""Content-addressed local storage."""

from __future__ import annotations

import hashlib
import os
import time
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


def test_putting_stored_bytes_again_makes_the_file_new_and_listing_skips_strangers(
    tmp_path: Path,
) -> None:
    storage = LocalStorage(tmp_path)
    sha = storage.put(b"the same picture twice")
    os.utime(storage.path(sha), (1_000_000, 1_000_000))
    assert storage.modified(sha) == 1_000_000
    assert not storage.delete_if_older(sha, 1_000_000)  # not older than that
    storage.put(b"the same picture twice")
    assert (storage.modified(sha) or 0) > 1_000_000  # housekeeping leaves it to its writer
    (storage.path(sha).parent / "notes.txt").write_text("not a digest")
    (tmp_path / "loose").write_text("not in a fan-out folder")
    assert [f.sha256 for f in storage.files()] == [sha]
    assert storage.delete_if_older(sha, time.time() + 60)
    assert storage.modified(sha) is None
