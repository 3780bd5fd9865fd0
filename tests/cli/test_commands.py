"""The `vignette` command line, run as a real process."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from PIL import Image


def _vignette(*args: str, data_dir: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("VIGNETTE_")}
    env["VIGNETTE_DATA_DIR"] = str(data_dir)
    return subprocess.run(
        [sys.executable, "-m", "vignette", *args],
        env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip


def test_users_create_prints_only_the_key(tmp_path: Path) -> None:
    out = _vignette("users", "create", "reader@example.org", data_dir=tmp_path)
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("vg_")
    assert len(lines[0]) > 40
    again = _vignette("users", "create", "Reader@example.org", data_dir=tmp_path)
    assert again.returncode == 1
    assert again.stdout == ""
    assert "already exists" in again.stderr


def test_migrate_is_idempotent(tmp_path: Path) -> None:
    for _ in range(2):
        out = _vignette("migrate", data_dir=tmp_path)
        assert out.returncode == 0, out.stderr
    assert (tmp_path / "vignette.db").exists()


def test_generate_renders_one_image_without_the_service(tmp_path: Path) -> None:
    target = tmp_path / "night.png"
    out = _vignette(
        "generate", "Ночью в зимнем лесу падал снег", "--type", "atmosphere",
        "--aspect-ratio", "16:9", "--seed", "5", "-o", str(target), data_dir=tmp_path,
    )  # fmt: skip
    assert out.returncode == 0, out.stderr
    with Image.open(target) as img:
        assert img.format == "PNG"
        assert img.size == (1280, 720)
    assert "procedural" in out.stdout


def test_generate_rejects_bad_options(tmp_path: Path) -> None:
    bad_type = _vignette("generate", "x", "--type", "smell", "-o", str(tmp_path / "a.webp"),
                         data_dir=tmp_path)  # fmt: skip
    assert bad_type.returncode == 2
    assert "--type" in bad_type.stderr
    bad_ext = _vignette("generate", "x", "-o", str(tmp_path / "a.gif"), data_dir=tmp_path)
    assert bad_ext.returncode == 2
    bad_provider = _vignette("generate", "x", "--provider", "nope", "-o",
                             str(tmp_path / "a.webp"), data_dir=tmp_path)  # fmt: skip
    assert bad_provider.returncode == 2
    assert "unknown provider" in bad_provider.stderr
