"""Celery tasks for books: the task boundary, where import transactions commit."""

from __future__ import annotations

import io
import logging
import uuid
from datetime import timedelta

from celery.exceptions import SoftTimeLimitExceeded
from PIL import Image

from vignette.books import importing, service
from vignette.books.dispatch import book_markers, send_process_book
from vignette.books.parsing import BookRejected, ParsedBook, parse_book
from vignette.db.base import utcnow
from vignette.descriptions import Found, extract_descriptions
from vignette.descriptions.llm import ExtractionError
from vignette.leases import LeaseKeeper
from vignette.runtime import Runtime, get_runtime
from vignette.worker import app

log = logging.getLogger(__name__)
# After this many chapters in a row fail on the LLM, the rest of the book uses the rules: an
# endpoint that times out must not spend the book's time limit one chapter at a time.
LLM_FAILURES_PER_BOOK = 2


def _cover(rt: Runtime, parsed: ParsedBook) -> importing.Cover | None:
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
    return importing.Cover(sha, mime, width, height, len(parsed.cover))


def _process(rt: Runtime, job: importing.Claimed) -> None:
    if job.source_sha256 is None:
        raise BookRejected("empty", "The book has no uploaded file.")
    try:
        data = service.upload_storage(rt.settings).read(job.source_sha256)
    except FileNotFoundError:
        raise BookRejected("empty", "The uploaded file is gone; upload it again.") from None
    parsed = parse_book(job.filename, data, service.limits(rt.settings))
    cover = _cover(rt, parsed)
    with rt.db.write() as s:
        chapters = importing.store_chapters(s, job, parsed, cover)
    if chapters is None:
        return  # another delivery took the book over
    llm_failures = 0
    for chapter_id, text in chapters:
        use_llm = llm_failures < LLM_FAILURES_PER_BOOK
        found, failed = _extract(rt, text, parsed.language, use_llm)
        if use_llm:
            llm_failures = llm_failures + 1 if failed else 0
        with rt.db.write() as s:
            if not importing.add_descriptions(s, job, chapter_id, found):
                return
    with rt.db.write() as s:
        importing.finish(s, job)


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


def run_import(rt: Runtime, book_id: uuid.UUID) -> None:
    """One delivery of an import: claim the book, parse, store, extract; end ready or failed."""
    token = uuid.uuid4().hex
    lease = rt.settings.lease_seconds
    with rt.db.write() as s:
        job = importing.claim(s, book_id, token, lease)
    if job is None:
        return  # already ready or failed, or deleted
    limit = rt.settings.book_time_limit_seconds
    try:
        if job.deliveries > rt.settings.max_deliveries:
            raise BookRejected("malformed", "Processing this file stopped the worker repeatedly.")
        with LeaseKeeper(lambda: _renew(rt, job, lease), lease / 3, f"book {book_id}"):
            _process(rt, job)
    except BookRejected as exc:
        _fail(rt, job, exc.code, exc.message)
    except SoftTimeLimitExceeded:
        _fail(rt, job, "time_limit", f"Processing the book took longer than {limit} s.")
    except Exception as exc:
        if _caused_by_time_limit(exc):
            # The limit fired inside a database call, which re-raised it as its own error.
            _fail(rt, job, "time_limit", f"Processing the book took longer than {limit} s.")
        else:
            # A bug must end the import with a reason, never crash or loop the worker.
            log.exception("import of book %s failed inside Vignette", book_id)
            name = type(exc).__name__
            _fail(rt, job, "internal_error", f"The book could not be processed ({name}).")
    _drop_upload(rt, job)


def _renew(rt: Runtime, job: importing.Claimed, lease: float) -> None:
    with rt.db.write() as s:
        importing.renew_lease(s, job, lease)


def _caused_by_time_limit(exc: BaseException) -> bool:
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        if isinstance(current, SoftTimeLimitExceeded):
            return True
        seen.add(id(current))
        current = current.__cause__ or current.__context__
    return False


def _fail(rt: Runtime, job: importing.Claimed, code: str, message: str) -> None:
    with rt.db.write() as s:
        importing.fail(s, job.book_id, job.token, code, message)


def _drop_upload(rt: Runtime, job: importing.Claimed) -> None:
    if job.source_sha256 is None:
        return
    with rt.db.read() as s:
        needed = importing.source_still_needed(s, job.source_sha256)
    if not needed:
        service.upload_storage(rt.settings).delete(job.source_sha256)


@app.task(name="vignette.books.process_book")
def process_book(book_id: str) -> None:
    """Import an uploaded book; a bad message or file never crashes the worker."""
    try:
        parsed = uuid.UUID(book_id)
    except (ValueError, TypeError):
        log.error("dropping message with a malformed book id %r", book_id)
        return
    run_import(get_runtime(), parsed)


@app.task(name="vignette.maintenance.reconcile_books")
def reconcile_books() -> int:
    """Send again the imports whose worker stopped renewing its lease (killed, machine gone)
    and those whose message is gone (broker flushed, crash between commit and send)."""
    rt = get_runtime()
    with rt.db.write() as s:
        expired = importing.reclaim_expired(s, utcnow())
    for book_id in expired:
        send_process_book(
            rt.dispatcher.celery, rt.redis, book_id, rt.settings.book_time_limit_seconds
        )
    with rt.db.read() as s:
        # A little grace: a book committed a moment ago may not be sent yet.
        candidates = importing.processing_before(s, utcnow() - timedelta(seconds=2))
    lost = book_markers(rt.redis).missing(candidates)
    for book_id in lost:
        send_process_book(
            rt.dispatcher.celery, rt.redis, book_id, rt.settings.book_time_limit_seconds
        )
    if expired or lost:
        log.info("reconciler: %d book imports lost their worker, %d their message; sent again",
                 len(expired), len(lost))  # fmt: skip
    return len(expired) + len(lost)
