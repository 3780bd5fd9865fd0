"""Worker-side steps of a book import: claim, parse, store, extract, end ready or failed.

Each step is one short transaction (the task boundary commits here); the import holds a lease
it renews while it works, so the reconciler can tell a dead worker from a slow book.
"""

from __future__ import annotations

import io
import logging
import uuid
from datetime import timedelta

from celery.exceptions import SoftTimeLimitExceeded
from PIL import Image

from vignette.books import repository as repo
from vignette.books.parsing import BookRejected, ParsedBook, parse_book
from vignette.books.service import limits
from vignette.db.base import utcnow
from vignette.db.claims import Claim
from vignette.descriptions.extraction import Found, extract_descriptions
from vignette.descriptions.llm import ExtractionError
from vignette.metrics import metrics
from vignette.queue.leases import LeaseKeeper
from vignette.queue.messages import ProcessBook
from vignette.runtime import Runtime

log = logging.getLogger(__name__)
# After this many chapters in a row fail on the LLM, the rest of the book uses the rules: an
# endpoint that times out must not spend the book's time limit one chapter at a time.
LLM_FAILURES_PER_BOOK = 2


def run_import(rt: Runtime, book_id: uuid.UUID) -> None:
    """One delivery of an import: claim the book, parse, store, extract; end ready or failed."""
    lease = rt.settings.lease_seconds
    with rt.db.write() as s:
        run = repo.claim_import(s, Claim(book_id, uuid.uuid4().hex), lease_seconds=lease)
    if run is None:
        return  # already ready or failed, or deleted
    rt.changes.book(book_id)
    limit = rt.settings.book_time_limit_seconds
    try:
        if run.deliveries > rt.settings.max_deliveries:
            raise BookRejected("malformed", "Processing this file stopped the worker repeatedly.")
        with LeaseKeeper(lambda: _renew(rt, run.claim), lease / 3, f"book {book_id}"):
            _process(rt, run)
    except BookRejected as exc:
        _fail(rt, run, exc.code, exc.message)
    except SoftTimeLimitExceeded:
        _fail(rt, run, "time_limit", f"Processing the book took longer than {limit} s.")
    except Exception as exc:
        if _caused_by_time_limit(exc):
            # The limit fired inside a database call, which re-raised it as its own error.
            _fail(rt, run, "time_limit", f"Processing the book took longer than {limit} s.")
        else:
            # A bug must end the import with a reason, never crash or loop the worker.
            log.exception("import of book %s failed inside Vignette", book_id)
            name = type(exc).__name__
            _fail(rt, run, "internal_error", f"The book could not be processed ({name}).")
    rt.changes.book(book_id)  # ready or failed
    _drop_upload(rt, run)


def _process(rt: Runtime, run: repo.ImportRun) -> None:
    if run.source_sha256 is None:
        raise BookRejected("empty", "The book has no uploaded file.")
    try:
        data = rt.uploads.read(run.source_sha256)
    except FileNotFoundError:
        raise BookRejected("empty", "The uploaded file is gone; upload it again.") from None
    parsed = parse_book(run.filename, data, limits(rt.settings))
    cover = _cover(rt, parsed)
    with rt.db.write() as s:
        chapters = repo.store_chapters(s, run, parsed=parsed, cover=cover)
    if chapters is None:
        return  # another delivery took the book over
    rt.changes.book(run.claim.id)  # its chapters, none processed yet
    llm_failures = 0
    descriptions = 0
    for chapter_id, text in chapters:
        use_llm = llm_failures < LLM_FAILURES_PER_BOOK
        found, failed = _extract(rt, text, parsed.language, use_llm)
        if use_llm:
            llm_failures = llm_failures + 1 if failed else 0
        with rt.db.write() as s:
            if not repo.add_descriptions(s, run.claim, chapter_id=chapter_id, found=found):
                return
        descriptions += len(found)
        rt.changes.book(run.claim.id)  # one more chapter done
    with rt.db.write() as s:
        ready = repo.finish_import(s, run.claim)
    if ready:
        metrics().book_imports.labels("ready").inc()
        log.info("book %s ready: %r, %d chapters, %d passages found",
                 run.claim.id, parsed.title, len(chapters), descriptions,
                 extra={"book_id": str(run.claim.id), "user_id": str(run.user_id)})  # fmt: skip


def _cover(rt: Runtime, parsed: ParsedBook) -> repo.Cover | None:
    """Store the cover if it is an image Pillow can read; a bad cover never fails a book."""
    if not parsed.cover:
        return None
    try:
        with Image.open(io.BytesIO(parsed.cover)) as img:
            width, height = img.size
            mime = Image.MIME.get(img.format or "", "")
            img.verify()
    except Exception:
        log.info("ignoring an unreadable cover", exc_info=True)
        return None
    if not mime.startswith("image/"):
        return None
    sha = rt.storage.put(parsed.cover)
    return repo.Cover(sha, mime, width, height, len(parsed.cover))


def _extract(rt: Runtime, text: str, language: str, use_llm: bool) -> tuple[list[Found], bool]:
    """A chapter's descriptions, and whether the LLM extractor failed on it."""
    if rt.extractor is None or not use_llm:
        return extract_descriptions(text, language), False
    try:
        return rt.extractor.extract(text, language), False
    except ExtractionError as exc:
        # An import never fails because the LLM is down: this chapter gets the rules instead.
        log.warning("LLM extraction failed for a chapter, using the rules instead: %s", exc)
        return extract_descriptions(text, language), True


def _renew(rt: Runtime, claim: Claim) -> None:
    with rt.db.write() as s:
        repo.IMPORTS.renew(s, claim, lease_seconds=rt.settings.lease_seconds)


def _caused_by_time_limit(exc: BaseException) -> bool:
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        if isinstance(current, SoftTimeLimitExceeded):
            return True
        seen.add(id(current))
        current = current.__cause__ or current.__context__
    return False


def _fail(rt: Runtime, run: repo.ImportRun, code: str, message: str) -> None:
    with rt.db.write() as s:
        ours = repo.fail_import(s, run.claim, code=code, message=message)
    if not ours:
        return
    metrics().book_imports.labels(code).inc()
    log.info("book %s failed: %s (%s)", run.claim.id, code, message,
             extra={"book_id": str(run.claim.id), "user_id": str(run.user_id)})  # fmt: skip


def _drop_upload(rt: Runtime, run: repo.ImportRun) -> None:
    if run.source_sha256 is None:
        return
    with rt.db.read() as s:
        needed = repo.source_still_needed(s, run.source_sha256)
    if not needed:
        rt.uploads.delete(run.source_sha256)


def reconcile_imports(rt: Runtime) -> int:
    """Send again the imports whose worker stopped renewing its lease (killed, machine gone)
    and those whose message is gone (broker flushed, crash between commit and send)."""
    with rt.db.write() as s:
        expired = repo.reclaim_expired(s, utcnow())
    rt.dispatcher.send_all([ProcessBook(book_id) for book_id in expired])
    with rt.db.read() as s:
        # A little grace: a book committed a moment ago may not be sent yet.
        candidates = repo.processing_before(s, utcnow() - timedelta(seconds=2))
    lost = rt.dispatcher.unmarked_books(candidates)
    rt.dispatcher.send_all([ProcessBook(book_id) for book_id in lost])
    if expired or lost:
        log.info("reconciler: %d book imports lost their worker, %d their message; sent again",
                 len(expired), len(lost))  # fmt: skip
    return len(expired) + len(lost)
