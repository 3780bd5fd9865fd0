"""Book import parsing: bytes in, a ParsedBook out, or a BookRejected with a clear reason.

Pure: never imports FastAPI, Celery or the database, so a worker can call it in a sandboxed way.
"""

from __future__ import annotations

import re
import zipfile
import zlib

from vignette.books.parsing.epub import parse_epub
from vignette.books.parsing.fb2 import parse_fb2
from vignette.books.parsing.genre import guess_genre
from vignette.books.parsing.model import BookRejected, Limits, ParsedBook, ParsedChapter
from vignette.books.parsing.safety import check_size, open_zip, read_member
from vignette.books.parsing.text import parse_text

__all__ = ["BookRejected", "Limits", "ParsedBook", "ParsedChapter", "parse_book", "sniff"]

_MAGIC: list[tuple[bytes, str]] = [
    (b"%PDF", "PDF"), (b"\x1f\x8b", "gzip"), (b"Rar!", "RAR"), (b"7z\xbc\xaf\x27\x1c", "7-Zip"),
    (b"\x89PNG", "PNG image"), (b"\xff\xd8\xff", "JPEG image"), (b"GIF8", "GIF image"),
    (b"\xd0\xcf\x11\xe0", "Word/OLE document"), (b"{\\rtf", "RTF"), (b"BZh", "bzip2"),
    (b"\xfd7zXZ", "xz"), (b"MZ", "Windows executable"), (b"\x7fELF", "executable"),
]  # fmt: skip
_UNEXPECTED = (
    zipfile.BadZipFile, zlib.error, EOFError, UnicodeError, RecursionError, ValueError, KeyError,
    IndexError, TypeError, AttributeError,
)  # fmt: skip
_FB2_ROOT = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?FictionBook[\s>]")


def sniff(data: bytes) -> str:
    """The real format from the bytes: "zip", "fb2", "text", or a named unsupported one."""
    if data.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return "zip"
    if data[60:68] == b"BOOKMOBI":
        return "MOBI"
    for magic, name in _MAGIC:
        if data.startswith(magic):
            return name
    head = data[:4096]
    if head[:2] in (b"\xff\xfe", b"\xfe\xff"):
        head = head.decode("utf-16", errors="ignore").encode("utf-8")
    head = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if _FB2_ROOT.search(head):
        return "fb2"
    if head[:14].lower().startswith((b"<!doctype html", b"<html")):
        return "HTML"
    if head.startswith(b"<?xml"):
        return "XML (not FictionBook)"
    return "text"


def _from_zip(data: bytes, limits: Limits) -> tuple[ParsedBook, list[str], list[str]]:
    archive = open_zip(data, limits)
    names = archive.namelist()
    if "mimetype" in names:
        mimetype = read_member(archive, "mimetype", limits)[:64].strip()
        if mimetype == b"application/epub+zip":
            book, subjects = parse_epub(archive, limits)
            return book, [], subjects
    if "META-INF/container.xml" in names:
        book, subjects = parse_epub(archive, limits)
        return book, [], subjects
    fb2 = [n for n in names if n.lower().endswith(".fb2")]
    if len(fb2) == 1:
        book, codes = parse_fb2(read_member(archive, fb2[0], limits), limits)
        return book, codes, []
    if len(fb2) > 1:
        raise BookRejected("unsupported_format", "The zip holds several FB2 books; send one.")
    raise BookRejected("unsupported_format", "The zip holds neither an EPUB nor an FB2 book.")


def _parse(filename: str, data: bytes, limits: Limits) -> ParsedBook:
    kind = sniff(data)
    codes: list[str] = []
    subjects: list[str] = []
    if kind == "zip":
        book, codes, subjects = _from_zip(data, limits)
    elif kind == "fb2":
        book, codes = parse_fb2(data, limits)
    elif kind == "text":
        book = parse_text(filename, data)
    else:
        raise BookRejected(
            "unsupported_format", f"This is a {kind} file; send EPUB, FB2 or plain text."
        )
    chapters = [c for c in book.chapters if c.text.strip()][: limits.max_chapters]
    if not chapters:
        raise BookRejected("empty", "The book has no readable text.")
    sample = "\n\n".join(c.text for c in chapters)[:300_000]
    return ParsedBook(
        title=book.title or _title_from(filename) or (chapters[0].title if chapters else ""),
        author=book.author,
        language=book.language,
        genre=book.genre or guess_genre(codes, subjects, sample),
        chapters=chapters,
        cover=book.cover,
        cover_mime=book.cover_mime,
    )


def _title_from(filename: str) -> str:
    stem = filename.replace("\\", "/").rsplit("/", 1)[-1].rsplit(".", 1)[0]
    return re.sub(r"[_\s]+", " ", stem).strip()


def parse_book(filename: str, data: bytes, limits: Limits) -> ParsedBook:
    """Parse an uploaded book of any supported format; the extension is ignored."""
    check_size(data, limits)
    if not data.strip():
        raise BookRejected("empty", "The file is empty.")
    try:
        return _parse(filename, data, limits)
    except BookRejected:
        raise
    except _UNEXPECTED as exc:
        # Whatever slipped past the specific checks is still a bad file, not a crashed worker.
        message = f"The file could not be read ({type(exc).__name__})."
        raise BookRejected("malformed", message) from exc
