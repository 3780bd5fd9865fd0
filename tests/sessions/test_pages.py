"""The web reader's files, served by the API itself with Python alone."""

from __future__ import annotations

import httpx

from tests.support.inprocess import InProcessApp
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
