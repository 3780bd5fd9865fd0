"""Fixtures for the web reader's browser tests: a real `vignette serve`, Debian's Chromium
driven by Playwright, a page per viewport that records every URL it requests."""

from __future__ import annotations

import importlib.util
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import (
    Browser,
    ConsoleMessage,
    Page,
    Playwright,
    ViewportSize,
    sync_playwright,
)

from tests.support.backends import new_backend
from tests.support.service import Service

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"

VIEWPORTS: dict[str, ViewportSize] = {
    "desktop": {"width": 1280, "height": 800},
    "phone": {"width": 375, "height": 812},
}


def _axe_script() -> str:
    spec = importlib.util.find_spec("axe_playwright_python")
    if spec is None or spec.origin is None:
        pytest.skip("accessibility audits need axe-playwright-python (the test extras)")
    return (Path(spec.origin).parent / "axe.min.js").read_text()


@dataclass
class WebPage:
    """A page at one viewport, with every URL it requested and every console error."""

    page: Page
    viewport: str
    base_url: str
    api_key: str
    urls: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    allowed_errors: list[str] = field(default_factory=list)  # regexes a test expects

    def open(self, path: str = "/") -> None:
        self.page.goto(self.base_url + path)

    def shot(self, name: str) -> Path:
        """Save a screenshot of the current screen under artifacts/screenshots/."""
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{name}-{self.viewport}.png"
        self.page.screenshot(path=str(path), full_page=False)
        return path

    def audit(self, what: str) -> None:
        """axe-core on the current screen: no serious or critical violation."""
        self.page.evaluate(_axe_script())
        result: dict[str, Any] = self.page.evaluate(
            "axe.run(document, {resultTypes: ['violations']})"
        )
        bad = [v for v in result["violations"] if v.get("impact") in ("serious", "critical")]
        report = [
            f"{v['id']} ({v['impact']}): {v['help']} at "
            + ", ".join(json.dumps(n["target"]) for n in v["nodes"][:5])
            for v in bad
        ]
        assert not bad, f"axe on {what} ({self.viewport}):\n" + "\n".join(report)

    def sign_in(self) -> None:
        self.open("/")
        self.page.fill("#api-key", self.api_key)
        self.page.click("form.signin-form button[type=submit]")
        self.page.wait_for_selector("#book-grid")

    def assert_key_never_exposed(self) -> None:
        """The API key is in no URL the page asked for, not in its storage or its source."""
        assert self.urls, "no requests were recorded"
        leaked = [u for u in self.urls if self.api_key in u]
        assert not leaked, f"API key in requested URLs: {leaked}"
        storage = self.page.evaluate(
            "JSON.stringify({l: {...localStorage}, s: {...sessionStorage}})"
        )
        assert self.api_key not in storage
        assert self.api_key not in self.page.content()
        assert self.api_key not in self.page.evaluate("document.cookie")


def serving(
    tmp_path_factory: pytest.TempPathFactory, name: str, **settings: Any
) -> Iterator[Service]:
    """A real `vignette serve` on an embedded backend with these settings, for a module."""
    backend = new_backend("embedded")
    svc = Service(tmp_path_factory.mktemp(name), backend, **settings)
    svc.start()
    yield svc
    svc.stop()
    backend.drop()


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Service]:
    """A real `vignette serve` whose provider takes 1.5 s per picture, one at a time."""
    yield from serving(tmp_path_factory, "web", procedural_delay_ms=1500, worker_concurrency=1)


# Module scope: sync Playwright keeps an event loop running in this thread, which must not
# outlive the browser tests (other tests call asyncio.run).
@pytest.fixture(scope="module")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as pw:
        yield pw


@pytest.fixture(scope="module")
def browser(playwright: Playwright) -> Iterator[Browser]:
    """Debian's Chromium (never a downloaded browser); the tests skip where it is missing."""
    if not CHROMIUM.exists():
        pytest.skip(
            f"browser tests need Debian's Chromium at {CHROMIUM} (apt-get install chromium)"
        )
    browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
    yield browser
    browser.close()


@pytest.fixture(params=sorted(VIEWPORTS))
def web(request: pytest.FixtureRequest, browser: Browser, service: Service) -> Iterator[WebPage]:
    """A fresh browser context (no cookies, no storage) at the desktop or the phone viewport."""
    viewport: str = request.param
    context = browser.new_context(
        viewport=VIEWPORTS[viewport],
        locale="en-US",
        is_mobile=viewport == "phone",
        has_touch=viewport == "phone",
    )
    context.set_default_timeout(20_000)
    page = context.new_page()
    wp = WebPage(page, viewport, service.base_url, service.api_key)
    page.on("request", lambda r: wp.urls.append(r.url))

    def on_console(msg: ConsoleMessage) -> None:
        # A 401 at start-up (not signed in yet) and wrong-key answers are expected.
        if msg.type == "error" and not re.search(r"status of 401", msg.text):
            wp.errors.append(msg.text)

    page.on("console", on_console)
    page.on("pageerror", lambda e: wp.errors.append(str(e)))
    yield wp
    context.close()
    unexpected = [e for e in wp.errors if not any(re.search(a, e) for a in wp.allowed_errors)]
    assert not unexpected, f"errors in the page: {unexpected}"
