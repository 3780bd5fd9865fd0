"""`vignette housekeeping`, run as a real process: one pass, the same report line."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from vignette.db.migrate import upgrade
from vignette.storage.local import LocalStorage


def test_housekeeping_runs_once_and_prints_what_it_removed(tmp_path: Path) -> None:
    upgrade(f"sqlite:///{tmp_path / 'vignette.db'}")
    storage = LocalStorage(tmp_path / "images")
    orphan, fresh = storage.put(b"nobody's picture"), storage.put(b"a picture being committed")
    two_hours_ago = time.time() - 7200
    os.utime(storage.path(orphan), (two_hours_ago, two_hours_ago))
    env = {k: v for k, v in os.environ.items() if not k.startswith("VIGNETTE_")}
    out = subprocess.run(
        [sys.executable, "-m", "vignette", "housekeeping"],
        env={**env, "VIGNETTE_DATA_DIR": str(tmp_path)}, capture_output=True, text=True,
        timeout=120,
    )  # fmt: skip
    assert out.returncode == 0, out.stderr
    assert out.stdout.splitlines() == [
        "housekeeping: removed 0 jobs, 0 batches, 0 image files, 1 orphaned files, "
        "0 idempotency keys, 0 sessions, 0 uploads"
    ]
    assert not storage.path(orphan).exists()
    assert storage.path(fresh).exists()
