"""Read an EPUB table of contents (EPUB 3 nav or EPUB 2 NCX) into a tree of entries."""

from __future__ import annotations

import posixpath
from dataclasses import dataclass, field
from urllib.parse import unquote
from xml.etree.ElementTree import Element

from vignette.books.parsing.textutil import inline
from vignette.books.parsing.xhtml import EPUB_TYPE, local


@dataclass
class TocNode:
    """One TOC entry: its label, target document and fragment, and its sub-entries."""

    title: str
    path: str | None
    fragment: str | None
    children: list[TocNode] = field(default_factory=list)
    # Sub-entries the book hides from readers (a nav <ol hidden>) are details, not chapters.
    children_hidden: bool = False


def resolve(base_dir: str, href: str) -> tuple[str, str | None]:
    """A zip path and fragment for an href relative to the document in base_dir."""
    target, _, fragment = href.partition("#")
    path = posixpath.normpath(posixpath.join(base_dir, unquote(target))) if target else ""
    return path.lstrip("/"), (unquote(fragment) or None)


def _text(el: Element) -> str:
    return inline("".join(el.itertext())).strip()


def _nav_items(ol: Element, base_dir: str, current: str, depth: int) -> list[TocNode]:
    nodes: list[TocNode] = []
    if depth > 32:
        return nodes
    for li in ol:
        if local(li.tag) != "li":
            continue
        label = next((c for c in li if local(c.tag) in ("a", "span")), None)
        sub = next((c for c in li if local(c.tag) == "ol"), None)
        title = _text(label) if label is not None else ""
        path: str | None = None
        fragment: str | None = None
        href = label.get("href") if label is not None else None
        if href:
            path, fragment = resolve(base_dir, href)
            path = path or current
        node = TocNode(title, path, fragment)
        if sub is not None:
            node.children = _nav_items(sub, base_dir, current, depth + 1)
            node.children_hidden = sub.get("hidden") is not None
        nodes.append(node)
    return nodes


def _find_nav(root: Element, kind: str) -> Element | None:
    for el in root.iter():
        if local(el.tag) == "nav" and kind in (el.get(EPUB_TYPE) or "").split():
            return el
    return None


def read_nav(root: Element, nav_path: str) -> list[TocNode]:
    """Entries of the EPUB 3 navigation document's toc nav."""
    nav = _find_nav(root, "toc")
    if nav is None:
        nav = next((el for el in root.iter() if local(el.tag) == "nav"), None)
    if nav is None:
        return []
    ol = next((el for el in nav.iter() if local(el.tag) == "ol"), None)
    base = posixpath.dirname(nav_path)
    return _nav_items(ol, base, nav_path, 0) if ol is not None else []


def read_landmarks(root: Element, nav_path: str) -> list[tuple[str, str, str | None]]:
    """(epub:type, path, fragment) for each landmark of the navigation document."""
    nav = _find_nav(root, "landmarks")
    if nav is None:
        return []
    out: list[tuple[str, str, str | None]] = []
    for a in nav.iter():
        if local(a.tag) == "a" and a.get("href"):
            path, fragment = resolve(posixpath.dirname(nav_path), a.get("href") or "")
            for kind in (a.get(EPUB_TYPE) or "").split():
                out.append((kind.split(":")[-1], path or nav_path, fragment))
    return out


def _ncx_points(parent: Element, base_dir: str, depth: int) -> list[TocNode]:
    nodes: list[TocNode] = []
    if depth > 32:
        return nodes
    for point in parent:
        if local(point.tag) != "navpoint":
            continue
        label = next((c for c in point.iter() if local(c.tag) == "text"), None)
        content = next((c for c in point if local(c.tag) == "content"), None)
        src = content.get("src") if content is not None else None
        path, fragment = resolve(base_dir, src) if src else (None, None)
        node = TocNode(_text(label) if label is not None else "", path or None, fragment)
        node.children = _ncx_points(point, base_dir, depth + 1)
        nodes.append(node)
    return nodes


def read_ncx(root: Element, ncx_path: str) -> list[TocNode]:
    """Entries of an EPUB 2 NCX navMap."""
    nav_map = next((el for el in root.iter() if local(el.tag) == "navmap"), None)
    if nav_map is None:
        return []
    return _ncx_points(nav_map, posixpath.dirname(ncx_path), 0)
