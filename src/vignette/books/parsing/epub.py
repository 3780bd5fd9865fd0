"""EPUB 2 and 3: container → package document → metadata, cover and chapters."""

from __future__ import annotations

import posixpath
import re
import zipfile
from dataclasses import dataclass, field
from xml.etree.ElementTree import Element

from vignette.books.parsing import chapters as cut
from vignette.books.parsing.model import BookRejected, Limits, ParsedBook, ParsedChapter
from vignette.books.parsing.safety import parse_xml, read_member
from vignette.books.parsing.textutil import inline, resolve_language
from vignette.books.parsing.toc import TocNode, read_landmarks, read_nav, read_ncx, resolve
from vignette.books.parsing.xhtml import Document, local, read_document

OPF_NS = "{http://www.idpf.org/2007/opf}"
_CONTENT_TYPES = {"application/xhtml+xml", "text/html", "application/x-dtbook+xml"}
_RASTER = {"image/jpeg", "image/png", "image/gif", "image/webp"}
# Roles from the guide, landmarks and epub:type that mark pages nobody wants illustrated.
SERVICE_TYPES = {
    "cover", "title-page", "titlepage", "halftitlepage", "copyright-page", "copyright", "toc",
    "colophon", "imprint", "loi", "lot", "errata", "seriespage", "landmarks",
}  # fmt: skip
_SERVICE_NAMES = {
    "cover", "titlepage", "title", "copyright", "toc", "contents", "colophon", "imprint",
    "uncopyright", "halftitle", "frontcover", "backcover", "nav",
}  # fmt: skip
_LEGALESE = re.compile(r"©|copyright|all rights reserved|isbn|все права защищены", re.IGNORECASE)


@dataclass
class _Item:
    path: str
    media_type: str
    properties: set[str] = field(default_factory=set)


@dataclass
class _Package:
    path: str
    metadata: Element
    items: dict[str, _Item]
    spine: list[tuple[str, bool]]
    toc_id: str | None
    guide: list[tuple[str, str, str | None]]


def _find(el: Element, name: str) -> list[Element]:
    return [c for c in el.iter() if local(c.tag) == name]


def _package(archive: zipfile.ZipFile, limits: Limits) -> _Package:
    container = parse_xml(read_member(archive, "META-INF/container.xml", limits), "container.xml")
    rootfile = next((r.get("full-path") for r in _find(container, "rootfile")), None)
    if not rootfile or rootfile not in archive.namelist():
        raise BookRejected("malformed", "The EPUB's container.xml names no package document.")
    opf = parse_xml(read_member(archive, rootfile, limits), "The EPUB package document")
    base = posixpath.dirname(rootfile)
    metadata = next(iter(_find(opf, "metadata")), Element("metadata"))
    items: dict[str, _Item] = {}
    for item in _find(opf, "item"):
        href, ident = item.get("href"), item.get("id")
        if href and ident:
            path, _ = resolve(base, href)
            props = set((item.get("properties") or "").split())
            items[ident] = _Item(path, (item.get("media-type") or "").lower(), props)
    spine_el = next(iter(_find(opf, "spine")), Element("spine"))
    spine = [
        (ref.get("idref") or "", ref.get("linear", "yes") != "no")
        for ref in spine_el
        if local(ref.tag) == "itemref"
    ]
    guide = [
        ((ref.get("type") or "").lower(), *resolve(base, ref.get("href") or ""))
        for ref in _find(opf, "reference")
    ]
    return _Package(rootfile, metadata, items, spine, spine_el.get("toc"), guide)


def _meta(pkg: _Package, name: str) -> list[Element]:
    return [el for el in pkg.metadata if local(el.tag) == name]


def _title(pkg: _Package) -> str:
    titles = _meta(pkg, "title")
    refined = {m.get("refines", "").lstrip("#"): inline(m.text or "") for m in _meta(pkg, "meta")
               if m.get("property") == "title-type"}  # fmt: skip
    main = [t for t in titles if refined.get(t.get("id") or "") == "main"] or titles
    return inline("".join(main[0].itertext())).strip() if main else ""


def _authors(pkg: _Package) -> str:
    roles = {m.get("refines", "").lstrip("#"): (m.text or "").strip() for m in _meta(pkg, "meta")
             if m.get("property") == "role"}  # fmt: skip
    names: list[str] = []
    for creator in _meta(pkg, "creator"):
        role = creator.get(OPF_NS + "role") or roles.get(creator.get("id") or "") or "aut"
        name = inline("".join(creator.itertext())).strip()
        if role == "aut" and name and name not in names:
            names.append(name)
    return ", ".join(names)


def subjects(pkg: _Package) -> list[str]:
    """Subject strings usable for guessing a genre."""
    found = [inline(s.text or "") for s in _meta(pkg, "subject")]
    found += [inline(m.text or "") for m in _meta(pkg, "meta") if m.get("property") == "se:subject"]
    return [s for s in found if s]


def _cover(archive: zipfile.ZipFile, pkg: _Package, limits: Limits) -> tuple[bytes | None, str]:
    named = next((m.get("content") for m in _meta(pkg, "meta") if m.get("name") == "cover"), None)
    candidates = [i for i in pkg.items.values() if "cover-image" in i.properties]
    if named and named in pkg.items:
        candidates.append(pkg.items[named])
    candidates += [i for k, i in pkg.items.items() if "cover" in (k + i.path).lower()]
    for item in candidates:
        # SVG can carry scripts and would be served from our origin: only raster covers are kept.
        if item.media_type not in _RASTER or item.path not in archive.namelist():
            continue
        if archive.getinfo(item.path).file_size > limits.max_cover_bytes:
            continue
        return read_member(archive, item.path, limits), item.media_type
    return None, ""


def _is_service(path: str, doc: Document, roles: set[str]) -> bool:
    if roles & SERVICE_TYPES or doc.types & SERVICE_TYPES:
        return True
    short = doc.text_chars() < 3000
    stem = posixpath.splitext(posixpath.basename(path))[0].lower()
    if short and set(re.split(r"[^a-z]+", stem)) & _SERVICE_NAMES:
        return True
    return short and bool(_LEGALESE.search(" ".join(b.text for b in doc.blocks)))


Landmark = tuple[str, str, str | None]


def _toc(
    archive: zipfile.ZipFile, pkg: _Package, limits: Limits
) -> tuple[list[TocNode], list[Landmark]]:
    nav = next((i for i in pkg.items.values() if "nav" in i.properties), None)
    if nav is not None and nav.path in archive.namelist():
        root = parse_xml(read_member(archive, nav.path, limits), nav.path, html_entities=True)
        entries = read_nav(root, nav.path)
        if entries:
            return entries, read_landmarks(root, nav.path)
    ncx = pkg.items.get(pkg.toc_id or "") or next(
        (i for i in pkg.items.values() if i.media_type == "application/x-dtbncx+xml"), None
    )
    if ncx is not None and ncx.path in archive.namelist():
        return read_ncx(parse_xml(read_member(archive, ncx.path, limits), ncx.path), ncx.path), []
    return [], []


def parse_epub(archive: zipfile.ZipFile, limits: Limits) -> tuple[ParsedBook, list[str]]:
    """Parse an opened, already inspected EPUB; also returns its subjects for genre guessing."""
    pkg = _package(archive, limits)
    toc, landmarks = _toc(archive, pkg, limits)
    marks = pkg.guide + [(kind, path, frag) for kind, path, frag in landmarks]
    roles: dict[str, set[str]] = {}
    for kind, path, _ in marks:
        roles.setdefault(path, set()).add(kind)
    names = set(archive.namelist())
    paths: list[str] = []
    docs: dict[str, Document] = {}
    for idref, linear in pkg.spine:
        item = pkg.items.get(idref)
        if not linear or item is None or item.media_type not in _CONTENT_TYPES:
            continue
        if item.path in names and item.path not in docs and "nav" not in item.properties:
            raw = read_member(archive, item.path, limits)
            docs[item.path] = read_document(parse_xml(raw, item.path, html_entities=True))
            paths.append(item.path)
    service = {p for p in paths if _is_service(p, docs[p], roles.get(p, set()))}
    spine = cut.Spine(paths, docs, service)
    start = next((m for m in marks if m[0] in ("bodymatter", "text", "start")), None)
    body_start = spine.position(start[1], start[2]) if start else None
    chapters = cut.from_toc(toc, spine, body_start) if toc else []
    content_docs = [p for p in paths if p not in service and docs[p].text_chars()]
    if (len(chapters) <= 1 and len(content_docs) >= 3) or not chapters:
        # A missing or token TOC: the spine's own division is the better guess.
        chapters = cut.from_spine(spine)
    sample = " ".join(c.text[:2000] for c in chapters[:5])
    language = next((inline(el.text or "") for el in _meta(pkg, "language")), "")
    cover, mime = _cover(archive, pkg, limits)
    book = ParsedBook(
        title=_title(pkg),
        author=_authors(pkg),
        language=resolve_language(language, sample),
        genre=None,
        chapters=[ParsedChapter(c.title, c.text) for c in chapters],
        cover=cover,
        cover_mime=mime or None,
    )
    return book, subjects(pkg)
