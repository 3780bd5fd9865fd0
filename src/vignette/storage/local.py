"""Content-addressed image files in a local directory."""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

_HEX = frozenset("0123456789abcdef")
_PARTIAL = ".tmp-"  # a write in progress, or left by a writer that died before its rename


@dataclass(frozen=True)
class StoredFile:
    """A file on storage and when its bytes were last put (seconds since the epoch)."""

    sha256: str
    modified: float


def _is_digest(name: str) -> bool:
    return len(name) == 64 and not set(name) - _HEX


class LocalStorage:
    """Files named by the sha256 of their bytes, fanned out by the first two hex digits."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def path(self, sha256: str) -> Path:
        """Where the file with this digest lives."""
        if not _is_digest(sha256):
            raise ValueError("not a sha256 hex digest")
        return self.root / sha256[:2] / sha256

    def put(self, data: bytes) -> str:
        """Store bytes (atomically, once) and return their sha256."""
        digest = hashlib.sha256(data).hexdigest()
        target = self.path(digest)
        if target.exists():
            # Put again: the file counts as new, so housekeeping leaves it to the writer, who
            # is about to commit a reference to it.
            os.utime(target)
            return digest
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=_PARTIAL)
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        return digest

    def read(self, sha256: str) -> bytes:
        """The stored bytes."""
        return self.path(sha256).read_bytes()

    def delete(self, sha256: str) -> None:
        """Remove the file if present."""
        self.path(sha256).unlink(missing_ok=True)

    def modified(self, sha256: str) -> float | None:
        """When the file's bytes were last put; None when there is no such file."""
        try:
            return self.path(sha256).stat().st_mtime
        except FileNotFoundError:
            return None

    def delete_if_older(self, sha256: str, before: float) -> bool:
        """Remove the file if its bytes were last put before `before`; whether it was."""
        modified = self.modified(sha256)
        if modified is None or modified >= before:
            return False
        self.delete(sha256)
        return True

    def files(self) -> Iterator[StoredFile]:
        """Every stored file, one fan-out directory at a time; names not ours are skipped."""
        for folder in self._folders():
            with os.scandir(folder) as scan:
                entries = [e for e in scan if _is_digest(e.name) and e.is_file()]
            for entry in entries:
                try:
                    yield StoredFile(entry.name, entry.stat().st_mtime)
                except FileNotFoundError:
                    continue  # deleted since the scan

    def delete_partial_writes(self, before: float) -> int:
        """Remove temporary files last written before `before` (their writer died)."""
        removed = 0
        for folder in self._folders():
            for tmp in folder.glob(_PARTIAL + "*"):
                try:
                    if tmp.stat().st_mtime < before:
                        tmp.unlink()
                        removed += 1
                except FileNotFoundError:
                    continue  # renamed or removed by its writer meanwhile
        return removed

    def _folders(self) -> list[Path]:
        if not self.root.is_dir():
            return []
        return sorted(p for p in self.root.iterdir() if len(p.name) == 2 and not set(p.name) - _HEX)
