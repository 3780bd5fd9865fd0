"""The web reader's files, served by the API itself with Python alone."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import httpx

from tests.support.inprocess import InProcessApp
from vignette.web import pages
from vignette.web.pages import STATIC


def test_the_shell_and_its_modules_are_served_with_a_strict_policy(api: InProcessApp) -> None:
    with httpx.Client(base_url=api.base_url) as browser:
        page = browser.get("/")
        assert page.status_code == 200
        assert page.headers["content-type"].startswith("text/html")
        policy = page.headers["content-security-policy"]
        assert "script-src 'self'" in policy
        assert "frame-ancestors 'none'" in policy
        assert page.text == (STATIC / "index.html").read_text()
        modules = sorted(p.relative_to(STATIC).as_posix() for p in STATIC.rglob("*.js"))
        assert modules, "the web reader has JavaScript modules"
        for module in modules:
            r = browser.get(f"/static/{module}")
            assert r.status_code == 200, module
            assert "javascript" in r.headers["content-type"], module
        assert browser.get("/static/no-such-file.js").status_code == 404
        assert browser.get("/static/../pages.py").status_code == 404  # nothing outside static/


def test_the_service_worker_lists_every_file_of_the_page_and_changes_with_them(
    api: InProcessApp, tmp_path: Path
) -> None:
    with httpx.Client(base_url=api.base_url) as browser:
        r = browser.get("/sw.js")
        assert r.status_code == 200
        assert r.headers["content-type"].startswith("text/javascript")
        assert r.headers["cache-control"] == "no-cache"  # a new version is seen at once
        shell = json.loads(re.search(r"const SHELL = (\[.*?\]);", r.text).group(1))  # type: ignore[union-attr]
        files = sorted(
            "/static/" + p.relative_to(STATIC).as_posix()
            for p in STATIC.rglob("*")
            if p.is_file() and p.name not in ("sw.js", "index.html")
        )
        assert shell == ["/", *files]
        for path in shell:  # every file it keeps is served
            assert browser.get(path).status_code == 200, path
        version = re.search(r'const VERSION = "([0-9a-f]{16})";', r.text)
        assert version is not None
    # The version is a digest of the files: another content, another version.
    copy = tmp_path / "static"
    shutil.copytree(STATIC, copy)
    (copy / "app.js").write_bytes((copy / "app.js").read_bytes() + b"\n")
    changed = re.search(r'const VERSION = "([0-9a-f]{16})";', pages.service_worker_source(copy))
    assert changed is not None
    assert changed.group(1) != version.group(1)
