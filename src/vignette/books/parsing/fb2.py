"""FictionBook 2: title-info metadata, nested sections as chapters, the cover from <binary>."""

from __future__ import annotations

import base64
import binascii
import re
from xml.etree.ElementTree import Element

from vignette.books.parsing.model import Limits, ParsedBook, ParsedChapter
from vignette.books.parsing.safety import parse_xml
from vignette.books.parsing.textutil import (
    clean_paragraph,
    inline,
    is_heading,
    join_paragraphs,
    resolve_language,
    split_by_headings,
)
from vignette.books.parsing.xhtml import local

_NUMERAL = re.compile(r"^(?:[IVXLCDM]+|\d{1,3})\.?$", re.IGNORECASE)
_NOTE_BODIES = {"notes", "footnotes", "comments"}
_RASTER = {"image/jpeg", "image/png", "image/gif", "image/webp"}
# An untitled section shorter than this is a caption or an epigraph: it opens the next chapter.
MIN_UNTITLED_CHAPTER = 2000
MAX_DEPTH = 64


def _child(el: Element, name: str) -> Element | None:
    return next((c for c in el if local(c.tag) == name), None)


def _children(el: Element, name: str) -> list[Element]:
    return [c for c in el if local(c.tag) == name]


def _inline(el: Element) -> str:
    """Text of an inline run, without footnote reference numbers."""
    parts = [el.text or ""]
    for child in el:
        if not (local(child.tag) == "a" and child.get("type") == "note"):
            parts.append(_inline(child))
        parts.append(child.tail or "")
    return "".join(parts)


def _paragraphs(el: Element, depth: int = 0) -> list[str]:
    """A section's own paragraphs: everything but its title and its nested sections."""
    out: list[str] = []
    if depth > MAX_DEPTH:
        return out
    for child in el:
        name = local(child.tag)
        if name in ("title", "section", "image", "empty-line", "binary"):
            continue
        if name in ("p", "subtitle", "text-author", "v"):
            out.append(inline(_inline(child)))
        elif name == "stanza":
            lines = [inline(_inline(v)).strip() for v in child if local(v.tag) in ("v", "title")]
            out.append("\n".join(line for line in lines if line))
        elif name == "tr":
            out.append(" ".join(inline(_inline(cell)) for cell in child))
        else:  # epigraph, cite, poem, annotation, table: containers of paragraphs
            out.extend(_paragraphs(child, depth + 1))
    return [p for p in (clean_paragraph(x) for x in out) if p]


def _title(section: Element) -> str:
    title = _child(section, "title")
    if title is None:
        return ""
    lines = [inline(_inline(p)).strip() for p in title if local(p.tag) == "p"]
    return ". ".join(line.rstrip(".") if n < len(lines) - 1 else line
                     for n, line in enumerate(lines) if line)  # fmt: skip


def _all_paragraphs(section: Element, depth: int = 0) -> list[str]:
    out = _paragraphs(section)
    for sub in _children(section, "section"):
        if depth < MAX_DEPTH:
            heading = _title(sub)
            out.extend(([heading] if heading else []) + _all_paragraphs(sub, depth + 1))
    return out


def _minor(sections: list[Element]) -> bool:
    """Sub-sections titled only by a number ("I", "II.") are parts of one chapter."""
    return all(
        not _children(s, "section") and (not _title(s) or _NUMERAL.match(_title(s)))
        for s in sections
    )


def _chapter_title(own: str, parent: str) -> str:
    if parent and (is_heading(own) or own.lower() in ("prologue", "epilogue", "пролог", "эпилог")):
        return f"{parent.rstrip('.')}. {own}"
    return own


class _Builder:
    def __init__(self) -> None:
        self.chapters: list[tuple[str, list[str]]] = []
        self.pending: list[str] = []

    def add(self, title: str, paragraphs: list[str]) -> None:
        if not title and sum(len(p) for p in paragraphs) < MIN_UNTITLED_CHAPTER:
            self.pending.extend(paragraphs)
            return
        self.chapters.append((title, self.pending + paragraphs))
        self.pending = []

    def walk(self, sections: list[Element], parent: str, depth: int) -> None:
        for section in sections:
            title = _title(section)
            subs = _children(section, "section")
            if subs and not _minor(subs) and depth < MAX_DEPTH:
                own = _paragraphs(section)
                if own:
                    self.add(title, own)
                self.walk(subs, title or parent, depth + 1)
            else:
                self.add(_chapter_title(title, parent) if title else "", _all_paragraphs(section))

    def finish(self, book_title: str) -> list[ParsedChapter]:
        if self.pending:
            if self.chapters:
                title, paragraphs = self.chapters[-1]
                self.chapters[-1] = (title, paragraphs + self.pending)
            else:
                self.chapters.append(("", self.pending))
        chapters = self.chapters
        if not any(title for title, _ in chapters):
            # No titled sections at all: the headings, if any, are ordinary paragraphs.
            everything = [p for _, paragraphs in chapters for p in paragraphs]
            chapters = split_by_headings(everything) or [(book_title, everything)]
        out = [ParsedChapter(t, join_paragraphs(p)) for t, p in chapters]
        return [c for c in out if c.text]


def _author(info: Element) -> str:
    names: list[str] = []
    for author in _children(info, "author"):
        parts = (_child(author, k) for k in ("first-name", "middle-name", "last-name"))
        name = inline(" ".join(p.text or "" for p in parts if p is not None)).strip()
        nickname = _child(author, "nickname")
        if not name and nickname is not None:
            name = inline(nickname.text or "").strip()
        if name and name not in names:
            names.append(name)
    return ", ".join(names)


def _href(el: Element) -> str:
    return next((v for k, v in el.attrib.items() if local(k) == "href"), "")


def _cover(root: Element, info: Element, limits: Limits) -> tuple[bytes | None, str | None]:
    page = _child(info, "coverpage")
    image = next((el for el in page.iter() if local(el.tag) == "image"), None) if page else None
    ref = _href(image).lstrip("#") if image is not None else ""
    for binary in _children(root, "binary"):
        mime = (binary.get("content-type") or "").lower()
        if binary.get("id") != ref or mime not in _RASTER:
            continue
        encoded = re.sub(rb"\s+", b"", (binary.text or "").encode("ascii", "ignore"))
        if len(encoded) * 3 // 4 > limits.max_cover_bytes:
            return None, None
        try:
            return base64.b64decode(encoded, validate=True), mime
        except (binascii.Error, ValueError):
            return None, None
    return None, None


def parse_fb2(data: bytes, limits: Limits) -> tuple[ParsedBook, list[str]]:
    """Parse FB2 bytes; also returns the declared genre codes for genre guessing."""
    data = data.lstrip(b" \t\r\n") if not data.startswith(b"\xef\xbb\xbf") else data
    root = parse_xml(data, "The FB2 file")
    description = _child(root, "description")
    info = _child(description, "title-info") if description is not None else None
    info = info if info is not None else Element("title-info")
    book_title = inline(getattr(_child(info, "book-title"), "text", "") or "").strip()
    builder = _Builder()
    for body in _children(root, "body"):
        if (body.get("name") or "").lower() in _NOTE_BODIES:
            continue
        epigraphs = [p for e in _children(body, "epigraph") for p in _paragraphs(e)]
        builder.pending.extend(epigraphs)
        builder.walk(_children(body, "section"), "", 0)
    chapters = builder.finish(book_title)
    genres = [inline(g.text or "").strip() for g in _children(info, "genre") if g.text]
    lang = _child(info, "lang")
    sample = " ".join(c.text[:2000] for c in chapters[:5])
    cover, mime = _cover(root, info, limits)
    book = ParsedBook(
        title=book_title,
        author=_author(info),
        language=resolve_language(lang.text if lang is not None else None, sample),
        genre=None,
        chapters=chapters,
        cover=cover,
        cover_mime=mime,
    )
    return book, genres
