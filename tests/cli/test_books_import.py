"""`vignette books import` against a running service, as a real process."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.support.books import FIXTURES, needs_fixtures
from tests.support.inprocess import InProcessApp


def _import(api: InProcessApp, path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("VIGNETTE_")}
    env["VIGNETTE_DATA_DIR"] = str(api.data_dir)  # the API key is read from here
    return subprocess.run(
        [sys.executable, "-m", "vignette", "books", "import", str(path),
         "--url", api.base_url, "--poll", "0.1", *args],
        env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip


@needs_fixtures
def test_import_shows_progress_until_ready(api: InProcessApp) -> None:
    out = _import(api, FIXTURES / "ru-tolstoy-otrochestvo.fb2")
    assert out.returncode == 0, out.stderr
    assert "Uploaded ru-tolstoy-otrochestvo.fb2" in out.stdout
    assert "Finding descriptions" in out.stdout  # the progress bar's label
    assert "27 chapters" in out.stdout
    assert "ready:" in out.stdout


def test_import_reports_a_rejected_file_and_a_bad_key(api: InProcessApp, tmp_path: Path) -> None:
    empty = tmp_path / "empty.epub"
    empty.write_bytes(b"")
    out = _import(api, empty)
    assert out.returncode == 1
    assert "empty" in out.stderr
    bomb = tmp_path / "broken.epub"
    bomb.write_bytes(b"PK\x03\x04" + b"\x00" * 100)
    out = _import(api, bomb)
    assert out.returncode == 1
    assert "failed: malformed" in out.stderr
    out = _import(api, empty, "--api-key", "vg_nope")
    assert out.returncode == 1
    assert "401" in out.stderr
