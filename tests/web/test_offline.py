"""The reader's offline copies in a real browser: a picture reopened (even after a reload) is
shown without a request for its bytes, object URLs are revoked when pictures leave the page,
regenerate and delete drop what they replace, the budget evicts the least recently used and
the TTL expires; a chapter opened once reads with the network off, and with the server
stopped a reload still opens it (the service worker keeps the page)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Browser, expect

from tests.support.api import wait_for
from tests.support.service import Service
from tests.web.books import chapter_doc, fresh_book, open_chapter
from tests.web.conftest import VIEWPORTS, WebPage, serving

pytestmark = pytest.mark.integration

HELD = "import('/static/pictures.js').then(m => m.heldCount())"
SAVED = "url => import('/static/cache.js').then(c => c.getBlob(url)).then(b => b ? b.size : 0)"
SAVED_DOC = "key => import('/static/cache.js').then(c => c.getJSON(key)).then(d => d !== undefined)"
# What a page that lost its server or network logs while it retries.
OFFLINE_ERRORS = [r"ERR_INTERNET_DISCONNECTED", r"ERR_CONNECTION_REFUSED", r"Failed to load"]


def _painted(service: Service, book: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """The book's first chapter and its first description's completed task document."""
    chapter = chapter_doc(service, book["chapters"][0]["id"])
    with service.client() as client:
        r = client.post(f"/images/generate/async/{chapter['descriptions'][0]['id']}")
        assert r.status_code == 202, r.text
        doc = wait_for(client, r.json()["task_id"], {"completed"}, timeout=90)
    assert doc["status"] == "completed", doc
    return chapter, doc


def _open_picture(web: WebPage, description_id: str) -> None:
    web.page.click(
        f'.hl[data-description="{description_id}"][role=button]', position={"x": 4, "y": 4}
    )
    web.page.wait_for_selector("#modal .picture.shown", timeout=30_000)
    assert web.page.evaluate("document.querySelector('#modal .picture').naturalWidth") > 0
    src = web.page.get_attribute("#modal .picture", "src", timeout=1000) or ""
    assert src.startswith("blob:"), src


def _close(web: WebPage) -> None:
    web.page.keyboard.press("Escape")
    web.page.wait_for_selector("#modal:not([open])", state="attached")


def _file_requests(web: WebPage, image_url: str) -> int:
    return sum(1 for u in web.urls if u.endswith(image_url))


def test_a_reopened_picture_makes_no_request_for_its_bytes(web: WebPage, service: Service) -> None:
    book = fresh_book(service, chapters=2)
    chapter, doc = _painted(service, book)
    first = chapter["descriptions"][0]["id"]
    web.sign_in()
    open_chapter(web, service, book)
    _open_picture(web, first)
    assert _file_requests(web, doc["image_url"]) == 1
    assert web.page.evaluate(HELD) == 1
    _close(web)
    # The modal's picture left the page: its object URL was revoked.
    web.page.wait_for_function(f"{HELD}.then(n => n === 0)")

    _open_picture(web, first)
    _close(web)
    web.page.reload()
    web.page.wait_for_selector(".chapter-text .hl[role=button]")
    _open_picture(web, first)
    assert _file_requests(web, doc["image_url"]) == 1, "the saved copy was not used"
    assert web.page.evaluate(SAVED, doc["image_url"]) > 0

    # Regenerated: once the new picture is done, the old one's saved bytes are dropped.
    web.page.click("#modal-regenerate")
    web.page.wait_for_function(
        "old => { const d = document.getElementById('modal');"
        " return d.dataset.status === 'completed' && d.dataset.task !== old; }",
        arg=doc["task_id"],
        timeout=60_000,
    )
    web.page.wait_for_selector("#modal .picture.shown", timeout=30_000)
    new_task = web.page.get_attribute("#modal", "data-task")
    assert new_task
    assert new_task != doc["task_id"]
    with service.client() as client:
        new_url = client.get(f"/images/task/{new_task}").json()["image_url"]
    assert web.page.evaluate(SAVED, new_url) > 0
    web.page.wait_for_function(f"url => ({SAVED})(url).then(n => n === 0)", arg=doc["image_url"])

    # Deleted in the gallery: its saved bytes go with it.
    _close(web)
    web.page.goto(f"{web.base_url}/#/book/{book['id']}/gallery")
    web.page.select_option("#filter-status", "completed")
    card = web.page.locator(f'#gallery-grid .thumb[data-task="{new_task}"]')
    card.locator("button", has_text="Delete").click()
    web.page.click("#confirm .button.danger")
    expect(card).to_have_count(0)
    assert web.page.evaluate(SAVED, new_url) == 0


def test_the_budget_evicts_the_least_recently_used_and_old_copies_expire(
    web: WebPage,
) -> None:
    web.sign_in()
    result = web.page.evaluate("""async () => {
      const c = await import('/static/cache.js');
      const pause = () => new Promise(r => setTimeout(r, 20));
      const mb = n => new Blob([new Uint8Array(n * 1024 * 1024)]);
      await c.removeAll();
      await c.setLimitMb(25);
      await c.putBlob('a', mb(10)); await pause();
      await c.putBlob('b', mb(10)); await pause();
      await c.getBlob('a'); await pause();       // a is now used more recently than b
      await c.putBlob('c', mb(10)); await pause(); // 30 MB > 25 MB: b goes
      const has = async key => !!await c.getBlob(key);
      const kept = {a: await has('a'), b: await has('b'), c: await has('c')};
      const usage = await c.usage();
      await c.putBlob('huge', mb(26));           // larger than the whole budget: not kept
      const huge = !!await c.getBlob('huge');
      await c.setLimitMb(100);
      return {kept, usage, huge};
    }""")
    assert result["kept"] == {"a": True, "b": False, "c": True}
    # a and c, and perhaps the library's own small listing saved meanwhile: within the budget.
    assert 20 * 1024 * 1024 <= result["usage"]["bytes"] <= 25 * 1024 * 1024
    assert result["huge"] is False

    # Thirty-one days later the copies are past their TTL (30 days).
    web.page.clock.install()
    assert web.page.evaluate("import('/static/cache.js').then(c => c.getBlob('a')).then(b => !!b)")
    web.page.clock.set_system_time(web.page.evaluate("Date.now()") + 31 * 24 * 3600 * 1000)
    assert not web.page.evaluate(
        "import('/static/cache.js').then(c => c.getBlob('a')).then(b => !!b)"
    )

    # The budget is the reader's choice, shown in the library.
    web.page.evaluate("import('/static/cache.js').then(c => c.removeAll())")
    web.page.reload()
    web.page.wait_for_selector("#book-grid")
    expect(web.page.locator("#offline-usage")).to_contain_text("of 100 MB")
    web.page.select_option("#offline-limit", "250")
    expect(web.page.locator("#offline-usage")).to_contain_text("of 250 MB")
    web.shot("library-offline-panel")


def test_a_chapter_opened_once_reads_with_the_network_off(web: WebPage, service: Service) -> None:
    web.allowed_errors.extend(OFFLINE_ERRORS)
    book = fresh_book(service, chapters=3)
    chapter, doc = _painted(service, book)
    web.sign_in()
    open_chapter(web, service, book)
    _open_picture(web, chapter["descriptions"][0]["id"])
    _close(web)
    requested = len(web.urls)

    web.page.context.set_offline(True)
    web.page.goto(f"{web.base_url}/#/")
    expect(web.page.locator("#offline-banner")).to_be_visible()
    web.page.wait_for_selector(f'.book-card[data-book-id="{book["id"]}"] .book-link')
    web.shot("library-offline")
    web.page.click(f'.book-card[data-book-id="{book["id"]}"] .book-link')
    web.page.wait_for_selector(".chapter-text .hl[role=button]")
    expect(web.page.locator("#offline-banner")).to_be_visible()
    text = web.page.inner_text(".chapter-text")
    assert chapter["text"].split("\n")[0].strip()[:40] in text
    _open_picture(web, chapter["descriptions"][0]["id"])
    web.shot("modal-offline")
    web.audit("image modal, offline")
    _close(web)

    # A chapter never opened says so in words.
    web.page.goto(f"{web.base_url}/#/book/{book['id']}/chapter/{book['chapters'][2]['id']}")
    expect(web.page.locator(".notice.error")).to_contain_text("not saved for reading offline")
    web.shot("reader-offline-unsaved")
    assert not any(u.endswith(doc["image_url"]) for u in web.urls[requested:])

    # Back online, the same address shows the chapter.
    web.page.context.set_offline(False)
    web.page.reload()
    web.page.wait_for_selector(".chapter-text .hl[role=button]")
    expect(web.page.locator("#offline-banner")).to_be_hidden()


@pytest.fixture(params=sorted(VIEWPORTS))
def stoppable(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[str, Service]]:
    """A service of the test's own, which the test stops."""
    for svc in serving(tmp_path_factory, "stoppable"):
        yield request.param, svc


def test_a_reload_with_the_server_stopped_opens_saved_chapters(
    browser: Browser, stoppable: tuple[str, Service]
) -> None:
    viewport, svc = stoppable
    book = fresh_book(svc, chapters=2)
    chapter, _ = _painted(svc, book)
    context = browser.new_context(viewport=VIEWPORTS[viewport], locale="en-US")
    context.set_default_timeout(20_000)
    try:
        web = WebPage(context.new_page(), viewport, svc.base_url, svc.api_key)
        web.page.on("request", lambda r: web.urls.append(r.url))
        web.sign_in()
        expect(web.page.locator("#offline-explain")).to_contain_text("even after a reload")
        web.page.wait_for_function("navigator.serviceWorker.controller !== null")
        open_chapter(web, svc, book)
        _open_picture(web, chapter["descriptions"][0]["id"])
        _close(web)

        assert svc.stop() == 0
        web.page.reload()
        web.page.wait_for_selector(".chapter-text .hl[role=button]")
        expect(web.page.locator("#offline-banner")).to_be_visible()
        assert web.page.inner_text("#chapter-title")
        _open_picture(web, chapter["descriptions"][0]["id"])
        web.shot("reader-server-stopped")
        web.assert_key_never_exposed()
    finally:
        context.close()
