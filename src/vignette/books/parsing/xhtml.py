"""Turn an XHTML content document into clean text blocks, remembering where each id sits."""

from __future__ import annotations

from dataclasses import dataclass, field
from xml.etree.ElementTree import Element

from vignette.books.parsing.textutil import clean_paragraph, inline

EPUB_TYPE = "{http://www.idpf.org/2007/ops}type"
_BLOCK = {
    "address", "article", "aside", "blockquote", "body", "caption", "center", "dd", "div", "dl",
    "dt", "figcaption", "figure", "footer", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr",
    "li", "main", "ol", "p", "pre", "section", "table", "td", "th", "tr", "ul",
}  # fmt: skip
_HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
_SKIP = {
    "head", "script", "style", "nav", "svg", "math", "img", "audio", "video", "object",
    "iframe", "template", "noscript", "rt", "rp",
}  # fmt: skip
# Footnote references and the notes themselves are not part of the story's running text.
_SKIP_TYPES = {"noteref", "footnote", "endnote", "rearnote", "pagebreak", "toc", "landmarks"}
MAX_DEPTH = 256


@dataclass
class Block:
    """A paragraph of clean text; headings are marked so a chapter can drop its own title."""

    text: str
    heading: bool = False


@dataclass
class Document:
    """The blocks of one content document, where its ids point, and its declared roles."""

    blocks: list[Block] = field(default_factory=list)
    anchors: dict[str, int] = field(default_factory=dict)
    types: set[str] = field(default_factory=set)
    title: str = ""

    def first_heading(self) -> str:
        """The first heading's text, or the document's <title>."""
        for block in self.blocks:
            if block.heading:
                return inline(block.text).strip()
        return self.title

    def text_chars(self, start: int = 0, end: int | None = None) -> int:
        """How many characters of non-heading text lie in blocks[start:end]."""
        return sum(len(b.text) for b in self.blocks[start:end] if not b.heading)


def local(tag: object) -> str:
    """The tag name without its namespace."""
    return tag.rsplit("}", 1)[-1].lower() if isinstance(tag, str) else ""


class _Collector:
    def __init__(self, doc: Document) -> None:
        self.doc = doc
        self.parts: list[str] = []
        self.heading = False

    def flush(self) -> None:
        text = clean_paragraph("".join(self.parts))
        if text:
            self.doc.blocks.append(Block(text, self.heading))
        self.parts = []
        self.heading = False

    def add(self, text: str | None, pre: bool) -> None:
        if text:
            self.parts.append(text if pre else inline(text))

    def walk(self, el: Element, depth: int, pre: bool) -> None:
        name = local(el.tag)
        types = set((el.get(EPUB_TYPE) or "").split())
        if (
            depth > MAX_DEPTH
            or name in _SKIP
            or types & _SKIP_TYPES
            or el.get("hidden") is not None
        ):
            return
        block = name in _BLOCK
        if block:
            self.flush()
        ident = el.get("id")
        if ident and ident not in self.doc.anchors:
            self.doc.anchors[ident] = len(self.doc.blocks)
        if name in _HEADINGS:
            self.heading = True
        if name == "br":
            self.parts.append("\n")
        pre = pre or name == "pre"
        self.add(el.text, pre)
        for child in el:
            self.walk(child, depth + 1, pre)
            self.add(child.tail, pre)
        if block:
            self.flush()


def read_document(root: Element) -> Document:
    """Collect the text blocks, anchors, epub:type roles and title of a parsed XHTML file."""
    doc = Document()
    head = next((el for el in root if local(el.tag) == "head"), None)
    title = next((el for el in head if local(el.tag) == "title"), None) if head else None
    doc.title = inline("".join(title.itertext())).strip() if title is not None else ""
    body = next((el for el in root if local(el.tag) == "body"), root)
    # A page's role is declared on <body> or on its outermost sections, not deep inside.
    for el in [body, *body, *(grandchild for child in body for grandchild in child)]:
        doc.types.update(t.split(":")[-1] for t in (el.get(EPUB_TYPE) or "").split())
    collector = _Collector(doc)
    collector.walk(body, 0, False)
    collector.flush()
    return doc
