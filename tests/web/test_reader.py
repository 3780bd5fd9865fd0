"""The web reader in a real browser against a real `vignette serve`, at a desktop and a phone
viewport: sign-in, upload and import progress, the reader's highlights, the image modal's live
progress, cancel, the language switch, keyboard use, no key in any URL, and axe audits."""

from __future__ import annotations

import re
import uuid
from typing import Any

import httpx
import pytest
from playwright.sync_api import FilePayload, expect

from tests.support.api import wait_for
from tests.support.books import one_chapter_book, scenes_text
from tests.support.service import Service
from tests.web.books import chapter_doc, fresh_book, open_chapter
from tests.web.conftest import WebPage

pytestmark = pytest.mark.integration

FINAL = {"completed", "failed", "cancelled"}


def _queued_in_modal(web: WebPage, service: Service, book: dict[str, Any]) -> str:
    """Sign in, open the first chapter, keep the worker busy, open the first passage's modal
    and wait until its job is queued; its task id."""
    web.sign_in()
    chapter = open_chapter(web, service, book)
    _occupy_worker(service, book, 2)
    target = chapter["descriptions"][0]
    web.page.click(
        f'.hl[data-description="{target["id"]}"][role=button]', position={"x": 4, "y": 4}
    )
    web.page.wait_for_selector("#modal[data-status=queued]")
    task_id = web.page.get_attribute("#modal", "data-task")
    assert task_id
    return task_id


def _occupy_worker(service: Service, book: dict[str, Any], jobs: int) -> list[str]:
    """Submit jobs for the book's later chapters so the next job waits queued behind them;
    returns their ids once the first is being generated."""
    ids: list[str] = []
    with service.client() as client:
        for chapter in book["chapters"][1:]:
            for d in chapter_doc(service, chapter["id"])["descriptions"]:
                if len(ids) == jobs:
                    break
                r = client.post(f"/images/generate/async/{d['id']}")
                assert r.status_code == 202, r.text
                ids.append(r.json()["task_id"])
        assert len(ids) == jobs, "the fixture book has too few descriptions"
        wait_for(client, ids[0], {"generating"}, timeout=90)
    return ids


# The visible text of highlight parts (without the screen-reader-only labels).
VISIBLE_TEXT = """els => els.map(e => {
  const copy = e.cloneNode(true);
  copy.querySelectorAll('.sr-only').forEach(s => s.remove());
  return copy.textContent;
})"""

# The picture's fade-in has finished.
FADED_IN = "() => getComputedStyle(document.querySelector('#modal .picture')).opacity === '1'"

RECORD_STATUSES = """() => {
  const dialog = document.getElementById('modal');
  window.__statuses = [];
  const note = () => {
    const s = dialog.dataset.status;
    if (s && window.__statuses[window.__statuses.length - 1] !== s) window.__statuses.push(s);
  };
  new MutationObserver(note).observe(dialog, {attributes: true, attributeFilter: ['data-status']});
}"""


def test_sign_in_rejects_a_wrong_key_then_signs_in_and_out(web: WebPage) -> None:
    page = web.page
    web.open("/")
    page.wait_for_selector("#api-key")
    assert page.evaluate("document.activeElement.id") == "api-key"
    web.shot("signin")
    web.audit("sign-in")

    page.fill("#api-key", "not-a-key-" + uuid.uuid4().hex)
    page.click("form.signin-form button[type=submit]")
    error = page.locator("#signin-error")
    error.wait_for(state="visible")
    expect(error).to_contain_text("not known")
    assert "not known" in error.inner_text()
    assert page.get_attribute("#api-key", "aria-invalid") == "true"
    assert page.locator("#book-grid").count() == 0
    web.shot("signin-error")
    web.audit("sign-in with an error")

    page.fill("#api-key", web.api_key)
    page.click("form.signin-form button[type=submit]")
    page.wait_for_selector("#book-grid")
    assert page.locator("#sign-out").is_visible()
    cookies = page.context.cookies()
    session = [c for c in cookies if c["name"] == "vignette_session"]
    assert len(session) == 1
    assert session[0]["httpOnly"]
    assert session[0]["sameSite"] == "Strict"

    # A reload stays signed in (the cookie), and the key is nowhere the page can see.
    page.reload()
    page.wait_for_selector("#book-grid")
    web.assert_key_never_exposed()

    page.click("#sign-out")
    page.wait_for_selector("#api-key")
    page.reload()
    page.wait_for_selector("#api-key")
    with httpx.Client(base_url=web.base_url) as plain:
        assert plain.get("/api/v1/session").status_code == 401


def test_upload_shows_progress_then_reads_and_paints_a_passage(
    web: WebPage, service: Service
) -> None:
    page = web.page
    web.sign_in()
    web.shot("library")
    web.audit("library")

    # Record every state the new book's card goes through.
    page.evaluate("""() => {
      window.__bookStates = [];
      const grid = document.getElementById('book-grid');
      const note = () => {
        for (const card of grid.querySelectorAll('.book-card')) {
          const s = card.dataset.bookId + ':' + card.dataset.status;
          if (!window.__bookStates.includes(s)) window.__bookStates.push(s);
        }
      };
      new MutationObserver(note).observe(grid, {childList: true, subtree: true, attributes: true});
    }""")
    name = f"upload-{uuid.uuid4().hex[:6]}.txt"
    payload: FilePayload = {
        "name": name,
        "mimeType": "text/plain",
        "buffer": scenes_text(6).encode(),
    }
    page.set_input_files("#book-file", files=[payload])
    expect(page.locator("#upload-status")).to_contain_text("uploaded")
    card = page.locator(".book-card", has_text=name.removesuffix(".txt"))
    card.wait_for()
    book_id = card.get_attribute("data-book-id")
    assert book_id
    page.wait_for_selector(
        f'.book-card[data-book-id="{book_id}"][data-status="ready"]', timeout=60_000
    )
    states = [
        s.split(":")[1] for s in page.evaluate("window.__bookStates") if s.startswith(book_id)
    ]
    assert states[0] == "processing", states
    assert states[-1] == "ready", states
    with service.client() as client:
        book = client.get(f"/books/{book_id}").json()
    assert book["status"] == "ready"
    meta = page.locator(f'.book-card[data-book-id="{book_id}"] .book-meta')
    meta.wait_for()
    expect(meta).to_contain_text("passage")
    assert f"{len(book['chapters'])} chapters" in meta.inner_text()
    web.shot("library-books")
    web.audit("library with books")

    page.click(f'.book-card[data-book-id="{book_id}"] .book-link')
    page.wait_for_selector(".chapter-text .hl[role=button]")
    chapter = chapter_doc(service, book["chapters"][0]["id"])
    # Every description is highlighted with exactly its text, coloured by its type.
    for d in chapter["descriptions"]:
        parts = page.locator(f'.chapter-text [data-description="{d["id"]}"]')
        text = "".join(parts.evaluate_all(VISIBLE_TEXT))
        assert text == d["text"]
        assert f"hl-{d['type']}" in (parts.first.get_attribute("class") or "")
    web.shot("reader")
    web.audit("reader")

    # Keep the worker busy so this passage's job is seen queued first.
    _occupy_worker(service, book, 1)
    first = chapter["descriptions"][0]
    page.evaluate(RECORD_STATUSES)
    page.click(f'.hl[data-description="{first["id"]}"][role=button]', position={"x": 4, "y": 4})
    page.wait_for_selector("#modal[open]")
    page.wait_for_selector("#modal[data-status=queued]")
    web.shot("modal-queued")
    web.audit("image modal, queued")
    page.wait_for_selector("#modal .picture.shown", timeout=30_000)
    assert page.evaluate("window.__statuses") == ["queued", "generating", "completed"]
    page.wait_for_function(FADED_IN)
    width = page.evaluate("document.querySelector('#modal .picture').naturalWidth")
    assert width > 0
    download = page.locator("#modal-download")
    assert download.get_attribute("download", timeout=1000) or ""
    assert (download.get_attribute("download") or "").endswith(".webp")
    web.shot("modal-completed")
    web.audit("image modal, completed")
    page.keyboard.press("Escape")
    page.wait_for_selector("#modal:not([open])", state="attached")
    # The passage now carries the "has a picture" marker.
    page.wait_for_selector(f'.hl[data-description="{first["id"]}"][data-image="image"]')
    web.assert_key_never_exposed()


def test_cancel_while_queued_reaches_the_server(web: WebPage, service: Service) -> None:
    page = web.page
    book = fresh_book(service)
    task_id = _queued_in_modal(web, service, book)
    assert task_id
    page.click("#modal-cancel")
    page.wait_for_selector("#modal[data-status=cancelled]")
    assert page.locator("#modal-retry").is_visible()
    web.shot("modal-cancelled")
    web.audit("image modal, cancelled")
    with service.client() as client:
        doc = client.get(f"/images/task/{task_id}").json()
    assert doc["status"] == "cancelled"
    assert doc["attempts"] == []  # the provider was never called
    assert doc["attempt_count"] == 0

    # Retry makes a new job for the same passage, which completes.
    page.click("#modal-retry")
    page.wait_for_selector("#modal .picture.shown", timeout=30_000)
    assert page.get_attribute("#modal", "data-task") != task_id


def test_language_switch_translates_the_screens(web: WebPage, service: Service) -> None:
    page = web.page
    book = fresh_book(service, chapters=2)
    web.sign_in()
    assert page.inner_text("#library-title") == "Library"
    page.select_option("#pref-lang", "ru")
    expect(page.locator("html")).to_have_attribute("lang", "ru")
    assert page.inner_text("#library-title") == "Библиотека"
    assert page.inner_text("#sign-out") == "Выйти"
    assert page.inner_text("#upload-button") == "Выбрать книгу…"
    web.shot("library-ru")
    web.audit("library in Russian")
    open_chapter(web, service, book)
    assert "Глава 1 из 2" in page.inner_text(".chapter-meta")
    web.shot("reader-ru")
    # Remembered across a reload (a setting, not the key).
    page.reload()
    page.wait_for_selector(".chapter-text")
    assert page.inner_text(".chapter-meta").startswith("Глава")
    page.select_option("#pref-lang", "en")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    assert page.inner_text(".chapter-meta").startswith("Chapter 1 of 2")


def test_modal_by_keyboard_alone(web: WebPage, service: Service) -> None:
    page = web.page
    book = fresh_book(service, chapters=2)
    web.sign_in()
    open_chapter(web, service, book)
    # Tab from the top of the page to the first highlight.
    page.evaluate("document.getElementById('main').focus()")
    for _ in range(60):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.classList.contains('hl')"):
            break
    else:
        raise AssertionError("Tab never reached a highlight")
    highlight = page.evaluate("document.activeElement.dataset.description")
    page.keyboard.press("Enter")
    page.wait_for_selector("#modal[open]")
    page.wait_for_selector("#modal .picture.shown", timeout=30_000)
    page.wait_for_function(FADED_IN)
    assert page.evaluate("document.getElementById('modal').contains(document.activeElement)")
    seen = set()
    for key in ["Tab"] * 14 + ["Shift+Tab"] * 14:
        page.keyboard.press(key)
        inside = page.evaluate("document.getElementById('modal').contains(document.activeElement)")
        assert inside, f"focus left the dialog after {key}"
        seen.add(page.evaluate("document.activeElement.id || document.activeElement.textContent"))
    assert len(seen) >= 4  # close, zoom, download, style, regenerate, next...
    web.shot("modal-keyboard")
    page.keyboard.press("Escape")
    page.wait_for_selector("#modal:not([open])", state="attached")
    assert page.evaluate("document.activeElement.dataset.description") == highlight

    # ← / → move between chapters.
    page.keyboard.press("ArrowRight")
    expect(page).to_have_url(re.compile(re.escape(book["chapters"][1]["id"]) + "$"))
    expect(page.locator(".chapter-meta")).to_contain_text("Chapter 2 of 2")
    page.keyboard.press("ArrowLeft")
    expect(page).to_have_url(re.compile(re.escape(book["chapters"][0]["id"]) + "$"))
    expect(page.locator(".chapter-meta")).to_contain_text("Chapter 1 of 2")


WIDTH = "--reader-width"
BACKGROUND = "getComputedStyle(document.documentElement).getPropertyValue('--bg').trim()"


@pytest.mark.parametrize("theme", ["sepia", "dark"])
def test_themes_keep_highlights_readable(web: WebPage, service: Service, theme: str) -> None:
    page = web.page
    book = fresh_book(service, chapters=2)
    web.sign_in()
    open_chapter(web, service, book)
    light_background = page.evaluate(BACKGROUND)
    page.select_option("#pref-theme", theme)
    expect(page.locator("html")).to_have_attribute("data-theme", theme)
    background = page.evaluate(BACKGROUND)
    assert background != light_background
    page.click("button[aria-label='Larger text']")
    size = page.evaluate("getComputedStyle(document.querySelector('.chapter')).fontSize")
    assert size == "20px"
    width = f"getComputedStyle(document.documentElement).getPropertyValue('{WIDTH}')"
    before = int(page.evaluate(width).removesuffix("ch"))
    page.click("button[aria-label='Wider lines']")
    assert page.evaluate(width) == f"{before + 5}ch"
    web.shot(f"reader-{theme}")
    web.audit(f"reader, {theme} theme")  # colour contrast of text and highlights included
    # Theme, text size and line width are remembered across a reload.
    page.reload()
    page.wait_for_selector(".chapter-text .hl")
    assert page.get_attribute("html", "data-theme") == theme
    assert page.evaluate(BACKGROUND) == background
    assert page.evaluate("getComputedStyle(document.querySelector('.chapter')).fontSize") == size
    assert page.evaluate(width) == f"{before + 5}ch"  # and the line width


def test_chapter_batch_arrives_in_place(web: WebPage, service: Service) -> None:
    page = web.page
    book = fresh_book(service, chapters=2)
    web.sign_in()
    chapter = open_chapter(web, service, book)
    ids = [d["id"] for d in chapter["descriptions"]]
    page.click("#illustrate")
    status = page.locator("#batch-status")
    expect(status).to_contain_text(f"of {len(ids)} pictures ready")
    expect(status).to_contain_text(f"{len(ids)} of {len(ids)} pictures ready", timeout=60_000)
    for d in ids:
        page.wait_for_selector(f'.hl[data-description="{d}"][data-image="image"]')
    web.shot("reader-batch")
    with service.client() as client:
        for d in ids:
            items = client.get(f"/images/description/{d}").json()["items"]
            assert [i["status"] for i in items] == ["completed"]


def test_polling_fallback_when_the_stream_is_refused(web: WebPage, service: Service) -> None:
    page = web.page
    book = fresh_book(service, chapters=2)
    # Both streams refused: the task's own and the user's (which also carries task changes).
    web.allowed_errors.append("status of 503")
    page.route("**/api/v1/images/task/*/events", lambda route: route.fulfill(status=503))
    page.route("**/api/v1/events", lambda route: route.fulfill(status=503))
    web.sign_in()
    chapter = open_chapter(web, service, book)
    polls: list[str] = []
    page.on(
        "request",
        lambda r: polls.append(r.url) if re.search(r"/images/task/[0-9a-f-]+$", r.url) else None,
    )
    target = chapter["descriptions"][0]
    page.click(f'.hl[data-description="{target["id"]}"][role=button]', position={"x": 4, "y": 4})
    expect(page.locator("#modal .live-mode")).to_have_text("Checking every 3 seconds")
    page.wait_for_selector("#modal .picture.shown", timeout=30_000)
    assert polls, "the page never polled the task"
    # It stops on the final state: no poll within the next interval and a half.
    done = len(polls)
    page.wait_for_timeout(4500)
    assert len(polls) == done


def test_gallery_paginates_filters_and_deletes(web: WebPage, service: Service) -> None:
    page = web.page
    book = fresh_book(service, chapters=14)
    with service.client() as client:
        descriptions = [
            d["id"] for chapter in book["chapters"]
            for d in chapter_doc(service, chapter["id"])["descriptions"]
        ]  # fmt: skip
        ids: list[str] = []
        for n, description_id in enumerate(descriptions):
            task_id = client.post(f"/images/generate/async/{description_id}").json()["task_id"]
            ids.append(task_id)
            if n:  # one picture is made; the others are cancelled at once (1.5 s per picture)
                cancelled = client.post(f"/images/task/{task_id}/cancel").json()
                assert cancelled["status"] == "cancelled"
        wait_for(client, ids[0], {"completed"}, timeout=120)
        total = client.get(f"/images/book/{book['id']}").json()["total"]
    assert total == len(ids) > 12
    web.sign_in()
    page.goto(f"{web.base_url}/#/book/{book['id']}/gallery")
    summary = page.locator("#gallery-summary")
    expect(summary).to_have_text(f"1–12 of {total}")
    assert page.locator("#gallery-grid > li").count() == 12
    web.shot("gallery")
    web.audit("gallery")
    page.click("#gallery-next")
    expect(summary).to_have_text(f"13–{total} of {total}")
    assert page.locator("#gallery-grid > li").count() == total - 12

    page.select_option("#filter-status", "completed")
    expect(summary).to_have_text("1–1 of 1")
    img = page.locator("#gallery-grid img")
    expect(img).to_have_count(1)
    img.scroll_into_view_if_needed()
    page.wait_for_function("() => document.querySelector('#gallery-grid img').naturalWidth > 0")
    page.click("#gallery-grid .thumb-delete")
    page.click("#confirm .button.danger")
    expect(summary).to_contain_text("No pictures match")
    expect(page.locator("#gallery-grid > li")).to_have_count(0)
    with service.client() as client:
        assert client.get(f"/images/{ids[0]}").status_code == 404


def test_gallery_across_books_sorts_and_opens_a_picture_in_the_modal(
    web: WebPage, service: Service
) -> None:
    page = web.page
    first, second = fresh_book(service, chapters=2), fresh_book(service, chapters=2)
    made: list[dict[str, Any]] = []
    with service.client() as client:
        for book in (first, second):  # one picture for each book, the second book's last
            chapter = chapter_doc(service, book["chapters"][1]["id"])
            r = client.post(f"/images/generate/async/{chapter['descriptions'][0]['id']}")
            made.append(wait_for(client, r.json()["task_id"], {"completed"}, timeout=120))
    web.sign_in()
    page.click("#all-pictures")
    page.wait_for_selector("#filter-book")
    page.select_option("#filter-status", "completed")
    grid = page.locator("#gallery-grid > li")
    # Newest first across books: the second book's picture leads; each names its book.
    expect(grid.first).to_have_attribute("data-task", made[1]["task_id"])
    expect(grid.first.locator(".thumb-where")).to_contain_text(second["title"])
    assert page.locator(f'#gallery-grid [data-task="{made[0]["task_id"]}"]').count() == 1
    page.wait_for_function(
        "() => [...document.querySelectorAll('#gallery-grid img')].slice(0, 2)"
        ".every(i => i.complete && i.naturalWidth > 0)"
    )
    web.shot("gallery-all")
    web.audit("gallery across books")
    page.select_option("#filter-order", "oldest")
    with service.client() as client:
        total = client.get("/images?status=completed").json()["total"]
    expect(page.locator("#gallery-summary")).to_contain_text(f"of {total}")
    if total <= 12:  # the whole list on one page: the newest is last
        expect(grid.last).to_have_attribute("data-task", made[1]["task_id"])
    expect(grid.first).not_to_have_attribute("data-task", made[1]["task_id"])

    # A picture opens in the modal (its own job, its passage), and Esc returns focus to it.
    page.select_option("#filter-order", "newest")
    expect(grid.first).to_have_attribute("data-task", made[1]["task_id"])  # redrawn
    target = page.locator(f'#gallery-grid [data-task="{made[0]["task_id"]}"] .thumb-open')
    target.focus()
    page.keyboard.press("Enter")
    page.wait_for_selector("#modal[open] .picture.shown", timeout=30_000)
    assert page.get_attribute("#modal", "data-task") == made[0]["task_id"]
    passage = chapter_doc(service, first["chapters"][1]["id"])["descriptions"][0]["text"]
    assert page.inner_text("#modal-passage") == passage
    web.audit("image modal from the gallery")
    page.keyboard.press("Escape")
    page.wait_for_selector("#modal:not([open])", state="attached")
    focused = page.evaluate("document.activeElement.closest('[data-task]').dataset.task")
    assert focused == made[0]["task_id"]

    # The book filter narrows to one book's gallery.
    page.select_option("#filter-book", first["id"])
    page.wait_for_selector("#filter-chapter")
    assert page.url.endswith(f"#/book/{first['id']}/gallery")
    page.select_option("#filter-status", "completed")
    expect(page.locator("#gallery-summary")).to_have_text("1–1 of 1")


def test_reading_position_is_remembered_per_book(web: WebPage, service: Service) -> None:
    page = web.page
    book = fresh_book(service, chapters=3)
    web.sign_in()
    open_chapter(web, service, book, index=2)
    page.click("#nav-library" if web.viewport == "desktop" else "#brand")
    page.wait_for_selector(f'.book-card[data-book-id="{book["id"]}"] .book-link')
    page.click(f'.book-card[data-book-id="{book["id"]}"] .book-link')
    expect(page).to_have_url(re.compile(re.escape(book["chapters"][2]["id"]) + "$"))
    expect(page.locator(".chapter-meta")).to_contain_text("Chapter 3 of 3")
    # The chapter list marks where the reader is; on a phone it is a drawer.
    if web.viewport == "phone":
        assert not page.locator("#contents").is_visible()
        page.click(".contents-toggle")
        expect(page.locator("#contents")).to_be_visible()
        web.shot("reader-drawer")
        web.audit("reader with the chapter drawer open")
    current = page.locator('#contents a[aria-current="page"]')
    expect(current).to_have_text("Chapter 3")
    if web.viewport == "phone":
        page.click(".drawer-close")
        expect(page.locator("#contents")).to_be_hidden()
        assert page.evaluate("document.activeElement.classList.contains('contents-toggle')")


# Count the page's EventSources and which are open; let the test hide and show the page.
TRACK_STREAMS = """(() => {
  const Real = window.EventSource;
  window.__streams = [];
  window.EventSource = class extends Real {
    constructor(url, init) { super(url, init); window.__streams.push(this); }
  };
  let hidden = false;
  Object.defineProperty(document, 'hidden', {get: () => hidden});
  Object.defineProperty(document, 'visibilityState', {get: () => hidden ? 'hidden' : 'visible'});
  window.__setHidden = (h) => {
    hidden = h;
    document.dispatchEvent(new Event('visibilitychange'));
  };
})()"""
OPEN_STREAMS = (
    "() => window.__streams.filter(s => s.readyState !== EventSource.CLOSED).map(s => s.url)"
)


def test_streams_close_while_hidden_and_reopen(web: WebPage, service: Service) -> None:
    page = web.page
    page.add_init_script(TRACK_STREAMS)
    book = fresh_book(service, chapters=3)
    task_id = _queued_in_modal(web, service, book)
    page.wait_for_function(f"() => ({OPEN_STREAMS})().length === 2")
    urls = page.evaluate(OPEN_STREAMS)
    assert sorted(u.split("/api/v1")[1] for u in urls) == sorted(
        ["/events", f"/images/task/{task_id}/events"]
    )
    page.evaluate("window.__setHidden(true)")
    assert page.evaluate(OPEN_STREAMS) == []
    expect(page.locator("#modal .live-mode")).to_have_text("Paused while the page is hidden")
    page.evaluate("window.__setHidden(false)")
    page.wait_for_function(f"() => ({OPEN_STREAMS})().length >= 1")
    # Back and live: the job is followed to the end.
    page.wait_for_selector("#modal .picture.shown", timeout=30_000)


def test_library_explains_a_refused_file_and_deletes_with_confirmation(
    web: WebPage, service: Service
) -> None:
    page = web.page
    book = fresh_book(service, chapters=1)
    web.allowed_errors.append(r"status of 4\d\d")  # the refused upload's answer
    web.sign_in()
    payload: FilePayload = {"name": "notes.txt", "mimeType": "text/plain", "buffer": b""}
    page.set_input_files("#book-file", files=[payload])
    status = page.locator("#upload-status")
    expect(status).to_contain_text("The book could not be added:")
    with service.client() as client:
        r = client.post("/books", files={"file": ("notes.txt", b"", "text/plain")})
    assert r.status_code in (413, 422)
    assert r.json()["detail"] in status.inner_text()

    card = page.locator(f'.book-card[data-book-id="{book["id"]}"]')
    card.locator("button").click()
    dialog = page.locator("#confirm")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text(book["title"])
    web.shot("library-confirm")
    web.audit("library, delete confirmation")
    page.keyboard.press("Escape")  # no: nothing is deleted
    expect(dialog).to_be_hidden()
    expect(card).to_be_visible()
    card.locator("button").click()
    dialog.locator(".button.danger").click()
    expect(card).to_have_count(0)
    with service.client() as client:
        assert client.get(f"/books/{book['id']}").status_code == 404


def test_a_book_dropped_on_the_library_is_uploaded(web: WebPage, service: Service) -> None:
    page = web.page
    web.sign_in()
    name = f"dropped-{uuid.uuid4().hex[:6]}.txt"
    # What a file dragged from the desktop carries: a DataTransfer holding the File.
    files = page.evaluate_handle(
        """([name, text]) => {
          const dt = new DataTransfer();
          dt.items.add(new File([text], name, {type: 'text/plain'}));
          return dt;
        }""",
        [name, scenes_text(2)],
    )
    drop = page.locator("#dropzone")
    drop.dispatch_event("dragenter", {"dataTransfer": files})
    expect(drop).to_have_class(re.compile(r"\bdragging\b"))  # the zone shows it will take it
    web.shot("library-dragging")
    drop.dispatch_event("drop", {"dataTransfer": files})
    expect(drop).not_to_have_class(re.compile(r"\bdragging\b"))
    expect(page.locator("#upload-status")).to_contain_text("uploaded")
    card = page.locator(".book-card", has_text=name.removesuffix(".txt"))
    card.wait_for()
    book_id = card.get_attribute("data-book-id")
    page.wait_for_selector(
        f'.book-card[data-book-id="{book_id}"][data-status="ready"]', timeout=60_000
    )
    with service.client() as client:
        book = client.get(f"/books/{book_id}").json()
    assert book["status"] == "ready"
    assert len(book["chapters"]) == 2  # the dropped file's own text, imported


def test_modal_zooms_and_steps_between_passages(web: WebPage, service: Service) -> None:
    page = web.page
    sentences = [
        "A lighthouse stood white on the grey cliff above the sea.",
        "The harbour below was full of red fishing boats at dawn.",
        "An old stone bridge crossed the river under the willows.",
    ]
    with service.client() as client:
        r = client.post("/books", json=one_chapter_book(f"Coast {uuid.uuid4().hex[:6]}", sentences))
        assert r.status_code == 201, r.text
        book = r.json()
    web.sign_in()
    chapter = open_chapter(web, service, book)
    first, second = chapter["descriptions"][:2]
    page.click(f'.hl[data-description="{first["id"]}"][role=button]', position={"x": 4, "y": 4})
    page.wait_for_selector("#modal .picture.shown", timeout=30_000)
    page.wait_for_function(FADED_IN)
    picture = "document.querySelector('#modal .picture')"
    natural = page.evaluate(f"{picture}.naturalWidth")
    fitted = page.evaluate(f"{picture}.getBoundingClientRect().width")
    assert fitted < natural  # shown fitted to the dialog

    zoom = page.locator("#modal-zoom")
    zoom.click()
    expect(zoom).to_have_attribute("aria-pressed", "true")
    expect(zoom).to_have_text("Zoom out")
    page.wait_for_function(f"{picture}.getBoundingClientRect().width === {picture}.naturalWidth")
    stage = "document.querySelector('#modal .stage')"
    assert page.evaluate(f"{stage}.scrollWidth > {stage}.clientWidth")  # scrolls to see it all
    web.shot("modal-zoomed")
    zoom.click()
    expect(zoom).to_have_attribute("aria-pressed", "false")
    page.wait_for_function(f"{picture}.getBoundingClientRect().width < {natural}")

    # Next: the following passage of the chapter, its own job; previous: back to the first.
    total = len(chapter["descriptions"])
    page.click("#modal .modal-nav button:last-child")
    expect(page.locator("#modal-passage")).to_have_text(second["text"])
    expect(page.locator("#modal .modal-count")).to_have_text(f"2 of {total}")
    page.wait_for_selector("#modal .picture.shown", timeout=30_000)
    second_task = page.get_attribute("#modal", "data-task")
    page.click("#modal .modal-nav button:first-child")
    expect(page.locator("#modal-passage")).to_have_text(first["text"])
    expect(page.locator("#modal .modal-count")).to_have_text(f"1 of {total}")
    page.wait_for_selector("#modal .picture.shown")
    assert page.get_attribute("#modal", "data-task") != second_task
    with service.client() as client:
        jobs = client.get(f"/images/description/{second['id']}").json()["items"]
    assert [j["task_id"] for j in jobs] == [second_task]
