"""Plain text books: detect the encoding, find paragraphs, split at chapter headings."""

from __future__ import annotations

import posixpath
import re

from vignette.books.parsing.model import BookRejected, ParsedBook, ParsedChapter
from vignette.books.parsing.textutil import (
    is_heading,
    join_paragraphs,
    resolve_language,
    split_by_headings,
)

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")


def _single_byte(data: bytes) -> str:
    """Windows-1251, KOI8-R or Windows-1252, judged by where the high bytes fall."""
    ascii_letters = sum(1 for b in data if 65 <= b <= 90 or 97 <= b <= 122)
    upper_half = sum(1 for b in data if b >= 0xC0)
    if upper_half > 0.3 * (ascii_letters + upper_half):
        # Russian prose is mostly lower case: 0xE0–0xFF in Windows-1251, 0xC0–0xDF in KOI8-R.
        high = sum(1 for b in data if b >= 0xE0)
        encoding = "cp1251" if high * 2 >= upper_half else "koi8_r"
    else:
        encoding = "cp1252"
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        message = "The file is not text in a known encoding."
        raise BookRejected("unsupported_format", message) from exc


def decode(data: bytes) -> str:
    """Decode text bytes: BOMs first, then strict UTF-8, then a single-byte guess."""
    if data.startswith(b"\xef\xbb\xbf"):
        text = data[3:].decode("utf-8", errors="replace")
    elif data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        text = data.decode("utf-16", errors="replace")
    else:
        if b"\x00" in data[:65536]:
            raise BookRejected("unsupported_format", "The file is binary, not a book format.")
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            text = _single_byte(data)
    sample = text[:65536]
    if len(_CONTROL.findall(sample)) > max(8, len(sample) // 200):
        raise BookRejected("unsupported_format", "The file is binary, not a book format.")
    return text


def paragraphs_of(text: str) -> list[str]:
    """Paragraphs: blank-line separated blocks when the file has them, else one per line."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    lines = text.split("\n")
    blank = sum(1 for line in lines if not line.strip())
    if blank * 20 < len(lines):
        return [line.strip() for line in lines if line.strip()]
    paragraphs: list[str] = []
    for block in re.split(r"\n\s*\n", text):
        rows = [row.strip() for row in block.split("\n") if row.strip()]
        if rows and len(rows) > 1 and is_heading(rows[0]):
            # "CHAPTER I" directly above the first line of text is still a heading.
            paragraphs.append(rows.pop(0))
        if rows:
            paragraphs.append(" ".join(rows))
    return paragraphs


def parse_text(filename: str, data: bytes) -> ParsedBook:
    """Parse a plain-text book; the title comes from the file name."""
    text = decode(data)
    paragraphs = paragraphs_of(text)
    if not paragraphs:
        raise BookRejected("empty", "The file has no text.")
    stem = posixpath.splitext(posixpath.basename(filename.replace("\\", "/")))[0]
    title = re.sub(r"[_\s]+", " ", stem).strip() or "Untitled"
    parts = split_by_headings(paragraphs) or [(title, paragraphs)]
    chapters = [ParsedChapter(t, join_paragraphs(p)) for t, p in parts]
    return ParsedBook(
        title=title,
        author="",
        language=resolve_language(None, text[:20000]),
        genre=None,
        chapters=[c for c in chapters if c.text],
    )
