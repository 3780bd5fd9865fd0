"""Helpers for uploading books and building hostile files in tests."""

from __future__ import annotations

import io
import os
import time
import zipfile
from pathlib import Path
from typing import Any

import httpx
import pytest

FIXTURES = Path(
    os.environ.get(
        "VIGNETTE_FIXTURE_BOOKS", Path(__file__).resolve().parents[3] / "shared/fixtures/books"
    )
)
# The fixture books are the team's shared sample files, kept beside the repository (../shared,
# as on CI), not in it; a clone without them runs everything else.
needs_fixtures = pytest.mark.skipif(
    not FIXTURES.is_dir(),
    reason=f"fixture books not found at {FIXTURES} (put ../shared beside the clone "
    "or set VIGNETTE_FIXTURE_BOOKS)",
)


# Two passages a reader would illustrate, and one that describes nothing to see.
CASTLE = (
    "The old castle stood on a dark hill above the frozen lake, its grey towers white with "
    "frost and the narrow windows dark."
)
GARDEN = (
    "Behind the house a narrow garden ran down to the river between rows of apple trees, and "
    "the wet grass shone in the low red light of evening."
)
PLAIN = (
    "Nobody in the family had ever liked the long journey north, and nobody said so aloud. "
    "They talked instead about the price of bread and the new doctor."
)


def scenes_text(chapters: int) -> str:
    """A plain-text book: each chapter has CASTLE and GARDEN, then PLAIN twice."""
    return "".join(
        f"Chapter {n}\n\n{CASTLE} {GARDEN}\n\n{PLAIN}\n\n{PLAIN}\n\n"
        for n in range(1, chapters + 1)
    )


def one_chapter_book(title: str, sentences: list[str]) -> dict[str, Any]:
    """A book (POST /books body) of one chapter; each sentence is a location description."""
    return {
        "title": title,
        "chapters": [
            {
                "text": " ".join(sentences),
                "descriptions": [{"type": "location", "text": t} for t in sentences],
            }
        ],
    }


def upload(client: httpx.Client, name: str, data: bytes) -> httpx.Response:
    """POST a file to /books as multipart."""
    return client.post("/books", files={"file": (name, data, "application/octet-stream")})


def wait_for_book(client: httpx.Client, book_id: str, timeout: float = 120.0) -> dict[str, Any]:
    """Poll the book until it is ready or failed."""
    deadline = time.monotonic() + timeout
    doc: dict[str, Any] = {}
    while time.monotonic() < deadline:
        r = client.get(f"/books/{book_id}")
        assert r.status_code == 200, r.text
        doc = r.json()
        if doc["status"] != "processing":
            return doc
        time.sleep(0.1)
    raise AssertionError(f"book {book_id} still processing; last: {doc}")


def import_book(client: httpx.Client, name: str, data: bytes) -> dict[str, Any]:
    """Upload and wait; the final book document."""
    r = upload(client, name, data)
    assert r.status_code == 202, r.text
    return wait_for_book(client, r.json()["id"])


def epub_with(entries: dict[str, bytes], *, names: list[str] | None = None) -> bytes:
    """A zip starting like an EPUB, with the given entries."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("mimetype", b"application/epub+zip", compress_type=zipfile.ZIP_STORED)
        for name, data in entries.items():
            z.writestr(name, data)
        for name in names or []:
            z.writestr(zipfile.ZipInfo(name), b"x")
    return buf.getvalue()


XXE = b"""<?xml version="1.0"?>
<!DOCTYPE FictionBook [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<FictionBook><body><section><p>&xxe;</p></section></body></FictionBook>"""

LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
<!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">]>
<FictionBook><body><section><p>&lol4;</p></section></body></FictionBook>"""


def hostile_files() -> dict[str, tuple[str, bytes]]:
    """Case name → (file name, bytes) for every kind of hostile upload."""
    whole = epub_with({"META-INF/container.xml": b"<container/>", "a.xhtml": os.urandom(5000)})
    return {
        "zip bomb": ("bomb.epub", epub_with({"META-INF/container.xml": b"\0" * (60 << 20)})),
        "xxe": ("xxe.fb2", XXE),
        "billion laughs": ("lol.fb2", LAUGHS),
        "path traversal": ("evil.epub", epub_with({}, names=["../../evil.xhtml"])),
        "truncated zip": ("cut.epub", whole[: len(whole) // 2]),
        "wrong extension": ("picture.epub", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64),
        "empty": ("empty.epub", b""),
        "xxe in epub": (
            "xxe.epub",
            epub_with({"META-INF/container.xml": XXE.replace(b"FictionBook", b"container")}),
        ),
    }
