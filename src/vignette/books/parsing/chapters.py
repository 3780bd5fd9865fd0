"""Cut an EPUB's spine documents into chapters along its table of contents."""

from __future__ import annotations

import re
from dataclasses import dataclass

from vignette.books.parsing.model import ParsedChapter
from vignette.books.parsing.textutil import inline, is_heading, join_paragraphs
from vignette.books.parsing.toc import TocNode
from vignette.books.parsing.xhtml import Document

Position = tuple[int, int]  # (spine index, block index)

SERVICE_TITLES = {
    "cover", "front cover", "back cover", "title", "title page", "titlepage", "half title",
    "contents", "table of contents", "toc", "copyright", "copyright page", "colophon", "imprint",
    "uncopyright", "about", "about this book", "about this ebook", "license", "обложка",
    "содержание", "оглавление", "титул", "титульный лист", "аннотация", "выходные данные",
}  # fmt: skip
_NUMERAL = re.compile(r"^(?:[IVXLCDM]+|\d{1,3})\.?$", re.IGNORECASE)
# A whole spine file that only continues a chapter must carry some text to be worth keeping.
MIN_TRAILING_FILE_CHARS = 300


@dataclass
class Spine:
    """The linear content documents in reading order, with what is known about each."""

    paths: list[str]
    docs: dict[str, Document]
    service: set[str]

    def position(self, path: str | None, fragment: str | None) -> Position | None:
        """Where a TOC target starts, or None when it is not in the spine."""
        if path is None or path not in self.docs or path not in self.paths:
            return None
        block = self.docs[path].anchors.get(fragment, 0) if fragment else 0
        return (self.paths.index(path), block)


@dataclass
class _Unit:
    title: str
    start: Position
    path: str


def _minor(nodes: list[TocNode]) -> bool:
    """Sub-entries named only by a number ("I", "II.") are sections of one chapter."""
    return all(not n.children and (not n.title or _NUMERAL.match(n.title)) for n in nodes)


def _title(own: str, parent: str) -> str:
    generic = is_heading(own) or own.lower() in ("prologue", "epilogue", "пролог", "эпилог")
    if parent and generic:
        return f"{parent.rstrip('.')}. {own}"
    return own


def _plan(nodes: list[TocNode], parent: str, spine: Spine, out: list[_Unit]) -> None:
    for node in nodes:
        pos = spine.position(node.path, node.fragment)
        title = _title(node.title, parent)
        if pos is not None and node.path is not None:
            out.append(_Unit(title, pos, node.path))
        if node.children and not node.children_hidden and not _minor(node.children):
            heading = node.title if pos is not None else parent or node.title
            _plan(node.children, heading, spine, out)


def _paragraphs(spine: Spine, start: Position, end: Position) -> list[str]:
    paragraphs: list[str] = []
    for index in range(start[0], min(end[0], len(spine.paths) - 1) + 1):
        path = spine.paths[index]
        doc = spine.docs[path]
        first = start[1] if index == start[0] else 0
        last = end[1] if index == end[0] else None
        if index != start[0] and (
            path in spine.service or doc.text_chars(first, last) < MIN_TRAILING_FILE_CHARS
        ):
            continue
        blocks = doc.blocks[first:last]
        if not paragraphs:
            # The chapter's own heading(s) open the span; the title already carries them.
            while blocks and blocks[0].heading:
                blocks = blocks[1:]
        paragraphs.extend(b.text for b in blocks)
    return paragraphs


def from_toc(toc: list[TocNode], spine: Spine, body_start: Position | None) -> list[ParsedChapter]:
    """Chapters along the TOC: one per entry with text, numbered sub-entries merged."""
    units: list[_Unit] = []
    _plan(toc, "", spine, units)
    units.sort(key=lambda u: u.start)
    end_of_book = (len(spine.paths), 0)
    chapters: list[ParsedChapter] = []
    for n, unit in enumerate(units):
        end = units[n + 1].start if n + 1 < len(units) else end_of_book
        if unit.path in spine.service or (body_start is not None and unit.start < body_start):
            continue
        text = join_paragraphs(_paragraphs(spine, unit.start, end))
        if not text or _is_service_title(unit.title, text):
            continue
        chapters.append(ParsedChapter(unit.title, text))
    return chapters


def from_spine(spine: Spine) -> list[ParsedChapter]:
    """One chapter per content document, titled by its first heading."""
    chapters: list[ParsedChapter] = []
    for index, path in enumerate(spine.paths):
        doc = spine.docs[path]
        if path in spine.service or not doc.text_chars():
            continue
        text = join_paragraphs(_paragraphs(spine, (index, 0), (index, len(doc.blocks))))
        title = doc.first_heading()
        if text and not _is_service_title(title, text):
            chapters.append(ParsedChapter(title, text))
    return chapters


def _is_service_title(title: str, text: str) -> bool:
    return inline(title).strip(" .:").lower() in SERVICE_TITLES and len(text) < 20_000
