"""Book parsing on the real fixture books and on hostile files built here."""

from __future__ import annotations

import io
import os
import pickle
import random
import re
import stat
import struct
import tracemalloc
import zipfile

import pytest

from tests.support.books import FIXTURES, needs_fixtures
from vignette.books.parsing import BookRejected, Limits, ParsedBook, parse_book, sniff

LIMITS = Limits()
_TAG = re.compile(r"<[A-Za-z/!?][^>]{0,40}>")


def load(name: str, as_name: str | None = None) -> ParsedBook:
    return parse_book(as_name or name, (FIXTURES / name).read_bytes(), LIMITS)


def titles(book: ParsedBook) -> list[str]:
    return [c.title for c in book.chapters]


def assert_clean(book: ParsedBook) -> None:
    for chapter in book.chapters:
        assert chapter.text == chapter.text.strip()
        assert not _TAG.search(chapter.text), chapter.title
        assert "\n\n\n" not in chapter.text
        assert "  " not in chapter.text
        assert "\n\n" in chapter.text or len(chapter.text) < 2000  # paragraphs are kept


# --- real books --------------------------------------------------------------------------


@needs_fixtures
def test_epub3_alice_chapters_from_nav_without_title_page() -> None:
    book = load("en-carroll-alice.epub")
    assert (book.title, book.author, book.language) == (
        "Alice's Adventures in Wonderland", "Lewis Carroll", "en",
    )  # fmt: skip
    assert len(book.chapters) == 10
    assert titles(book)[:2] == ["Down The Rabbit-Hole", "The Pool Of Tears"]
    assert titles(book)[-1] == "Alice's Evidence"
    assert book.chapters[0].text.startswith("Alice was beginning to get very tired")
    assert book.genre == "fantasy"
    assert book.cover is not None
    assert book.cover.startswith(b"\xff\xd8\xff")
    assert book.cover_mime == "image/jpeg"
    assert_clean(book)


@needs_fixtures
def test_epub3_sherlock_merges_numbered_parts_and_skips_front_and_back_matter() -> None:
    book = load("en-doyle-sherlock-holmes.epub")
    assert book.author == "Arthur Conan Doyle"
    assert len(book.chapters) == 12
    assert titles(book)[0] == "A Scandal in Bohemia"
    assert titles(book)[8] == "The Adventure of the Engineer’s Thumb"
    assert titles(book)[-1] == "The Adventure of the Copper Beeches"
    scandal = book.chapters[0].text
    assert scandal.startswith("To Sherlock Holmes she is always the woman.")
    assert "\n\nIII\n\n" in scandal  # parts I–III are sections of one story
    assert not {"Titlepage", "Imprint", "Colophon", "Uncopyright"} & set(titles(book))
    assert book.cover is None  # the only cover is SVG, which is never kept
    assert book.genre == "mystery"
    assert_clean(book)


@needs_fixtures
def test_epub2_romeo_and_juliet_scenes_from_ncx() -> None:
    book = load("en-shakespeare-romeo-juliet.epub")
    assert (book.title, book.author) == ("Romeo and Juliet", "William Shakespeare")
    assert len(book.chapters) == 26  # 2 prologues and 24 scenes; Title and About are skipped
    assert titles(book)[:2] == ["Act I. Prologue", "Act I. SCENE I. Verona. A public place."]
    assert titles(book)[7] == "Act II. SCENE I. A lane by the wall of Capulet's orchard."
    assert titles(book)[-1] == (
        "Act V. SCENE III. A churchyard; in it a tomb belonging to the Capulets."
    )
    assert book.chapters[0].text.startswith("Two households, both alike in dignity,\nIn fair")
    assert "feedbooks" not in book.chapters[-1].text.lower()
    assert book.genre == "drama"
    assert book.cover is not None
    assert book.cover.startswith(b"\x89PNG")
    assert_clean(book)


@needs_fixtures
def test_single_spine_epub_is_split_at_toc_anchors() -> None:
    book = load("odd-en-childrens-literature-single-spine.epub")
    assert book.author == "Charles Madison Curry, Erle Elsworth Clippinger"
    assert len(book.chapters) == 16  # the bibliography sits before the declared body matter
    assert titles(book)[:2] == ["INTRODUCTORY", "190 A FOUR-LEAVED CLOVER"]
    assert "200 THE HAPPY PRINCE" in titles(book)
    assert titles(book)[-1] == "204 THE KING OF THE GOLDEN RIVER OR THE BLACK BROTHERS"
    clover = book.chapters[1].text
    assert "True Charity" in clover  # hidden sub-entries stay inside their story
    assert book.genre == "children"
    assert_clean(book)


@needs_fixtures
def test_epub_without_any_toc_falls_back_to_the_spine() -> None:
    book = load("odd-en-lorem-no-toc.epub")
    assert titles(book) == ["Chapter Start"]
    assert book.author == ""
    assert book.chapters[0].text.startswith("Paragraph 1. Lorem ipsum")
    assert_clean(book)


@needs_fixtures
def test_fb2_besy_nested_sections_become_chapters() -> None:
    book = load("ru-dostoevsky-besy.fb2")
    assert (book.title, book.author, book.language) == (
        "Бесы", "Федор Михайлович Достоевский", "ru",
    )  # fmt: skip
    assert len(book.chapters) == 23
    assert titles(book)[0] == "Часть первая. Глава первая"
    assert titles(book)[5] == "Часть вторая. Глава первая"
    assert titles(book)[-1] == "Часть третья. Глава восьмая"
    assert "Приступая к описанию недавних и столь странных событий" in book.chapters[0].text
    assert not any("Перевод иноязычных выражений" in c.text for c in book.chapters)
    assert book.genre == "classic"
    assert book.cover is not None
    assert book.cover.startswith(b"\xff\xd8\xff")
    assert_clean(book)


@needs_fixtures
def test_fb2_without_titles_is_split_at_heading_paragraphs_and_language_is_corrected() -> None:
    book = load("ru-tolstoy-otrochestvo.fb2")
    assert book.language == "ru"  # the file says <lang>en</lang>
    assert book.author == "Л.Н Толстой"
    assert len(book.chapters) == 27
    assert titles(book)[:2] == ["Глава I. ПОЕЗДКА НА ДОЛГИХ", "Глава II. ГРОЗА"]
    assert titles(book)[-1] == "Глава XXVII. НАЧАЛО ДРУЖБЫ"
    assert book.chapters[1].text.startswith("Солнце склонялось к западу")
    assert_clean(book)


@needs_fixtures
def test_fb2_single_untitled_section_with_a_numbered_poem_is_one_chapter() -> None:
    book = load("en-poe-house-of-usher.fb2")
    assert book.author == "Edgar Allan Poe"
    assert titles(book) == ["The Fall of the House of Usher"]
    assert book.chapters[0].text.startswith("Son coeur est un luth suspendu;")
    assert book.genre == "classic"


@needs_fixtures
def test_fb2_latin1_with_mixed_sections_and_footnotes() -> None:
    book = load("odd-en-doyle-study-in-scarlet-latin1.fb2")
    assert (book.title, book.author, book.language) == (
        "A Study in Scarlet", "Arthur Conan Doyle", "en",
    )  # fmt: skip
    assert titles(book) == ["PART I. CHAPTER I. MR. SHERLOCK HOLMES."]
    text = book.chapters[0].text
    assert "proceeded to Netley" in text
    assert "(Page 23.)" in text
    assert "WATSON, M.D., late" in text  # the footnote marker "2" is dropped
    assert book.genre == "mystery"


@needs_fixtures
def test_the_extension_does_not_matter() -> None:
    assert len(load("en-carroll-alice.epub", "alice.txt").chapters) == 10
    assert len(load("ru-tolstoy-otrochestvo.fb2", "book.epub").chapters) == 27


@needs_fixtures
def test_fb2_inside_zip() -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("usher.fb2", (FIXTURES / "en-poe-house-of-usher.fb2").read_bytes())
    book = parse_book("usher.zip", buf.getvalue(), LIMITS)
    assert book.title == "The Fall of the House of Usher"


# --- plain text --------------------------------------------------------------------------

_RU_TEXT = (
    "Повесть\n\nГЛАВА ПЕРВАЯ\n\n" + "Утро было ясное и тихое. " * 40
    + "\n\nГлава 2\n\n" + "Вечером пошел дождь. " * 40
)  # fmt: skip


def test_text_in_windows_1251_is_detected_and_split_at_headings() -> None:
    book = parse_book("povest.txt", _RU_TEXT.encode("cp1251"), LIMITS)
    assert book.language == "ru"
    assert titles(book) == ["ГЛАВА ПЕРВАЯ", "Глава 2"]
    assert book.chapters[1].text.startswith("Вечером пошел дождь.")


def test_text_in_utf8_with_english_headings_and_hard_wrapped_lines() -> None:
    body = "It was a dark and stormy night;\nthe rain fell in torrents.\n\n" * 20
    data = f"CHAPTER I\n{body}\nChapter 2: The Road\n\n{body}".encode()
    book = parse_book("novel.txt", data, LIMITS)
    assert book.language == "en"
    assert book.title == "novel"
    assert titles(book) == ["CHAPTER I", "Chapter 2: The Road"]
    assert book.chapters[0].text.startswith("It was a dark and stormy night; the rain fell")


def test_text_without_headings_is_one_chapter() -> None:
    book = parse_book("notes.md", ("Just a short story about a cat. " * 30).encode(), LIMITS)
    assert titles(book) == ["notes"]
    assert sniff(b"Just text") == "text"


# --- hostile files -----------------------------------------------------------------------


def rejected(data: bytes, code: str, name: str = "book.epub", limits: Limits = LIMITS) -> str:
    with pytest.raises(BookRejected) as info:
        parse_book(name, data, limits)
    assert info.value.code == code, info.value.message
    assert info.value.message
    return info.value.message


def epub_with(entries: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("mimetype", b"application/epub+zip", compress_type=zipfile.ZIP_STORED)
        for name, data in entries.items():
            z.writestr(name, data)
    return buf.getvalue()


def test_empty_and_blank_files() -> None:
    rejected(b"", "empty")
    rejected(b"  \n\t\n", "empty", "book.txt")


def test_random_bytes_and_other_formats() -> None:
    rejected(random.Random(7).randbytes(8192), "unsupported_format", "book.fb2")
    assert "PDF" in rejected(b"%PDF-1.7\n" + b"x" * 100, "unsupported_format")
    rejected(b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "unsupported_format", "book.txt")
    rejected(b"<!DOCTYPE html><html><body><p>Hi</p></body></html>", "unsupported_format")
    rejected(b'<?xml version="1.0"?><rss/>', "unsupported_format", "book.fb2")


def test_truncated_zip() -> None:
    whole = epub_with({"META-INF/container.xml": b"<container/>", "a.xhtml": b"x" * 5000})
    rejected(whole[: len(whole) // 2], "malformed")


def test_too_large_upload() -> None:
    rejected(b"x" * 2048, "too_large", "book.txt", Limits(max_file_bytes=1024))


def test_zip_bomb_is_refused_from_the_directory_without_inflating() -> None:
    bomb = epub_with({"META-INF/container.xml": b"\0" * (50 * 1024 * 1024)})
    tracemalloc.start()
    try:
        assert "compressed" in rejected(bomb, "zip_bomb")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 5 * 1024 * 1024  # the 50 MB entry was never inflated


def test_entry_declared_larger_than_the_limit() -> None:
    data = epub_with({"META-INF/container.xml": b"<container/>", "big.bin": os.urandom(4096)})
    rejected(data, "zip_bomb", limits=Limits(max_entry_bytes=1024))
    rejected(data, "zip_bomb", limits=Limits(max_total_bytes=2048))


def test_header_that_lies_about_the_size_is_read_only_up_to_the_declared_size() -> None:
    data = bytearray(epub_with({"META-INF/container.xml": b"\0" * (20 * 1024 * 1024)}))
    # Rewrite the uncompressed size in the local header and the central directory to 100 bytes.
    for signature, offset in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        pos = data.find(signature, data.find(b"META-INF/container.xml") - 60)
        if signature == b"PK\x01\x02":
            pos = data.find(signature)
            while data[pos + 46 : pos + 46 + 22] != b"META-INF/container.xml":
                pos = data.find(signature, pos + 4)
        struct.pack_into("<L", data, pos + offset, 100)
    tracemalloc.start()
    try:
        rejected(bytes(data), "malformed")  # the truncated read fails its CRC check
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 5 * 1024 * 1024


def test_huge_entry_count() -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as z:
        for n in range(LIMITS.max_entries + 1):
            z.writestr(f"f{n}.txt", b"")
    assert "entries" in rejected(buf.getvalue(), "zip_bomb")


@pytest.mark.parametrize("name", ["../evil.xhtml", "/etc/passwd", "a/../../b", "C:\\evil.txt"])
def test_path_traversal_names(name: str) -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("mimetype", b"application/epub+zip")
        z.writestr(zipfile.ZipInfo(name), b"x")
    rejected(buf.getvalue(), "unsafe_archive")


def test_symlink_entry() -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        link = zipfile.ZipInfo("OPS/link.xhtml")
        link.external_attr = (stat.S_IFLNK | 0o777) << 16
        z.writestr(link, b"/etc/passwd")
    rejected(buf.getvalue(), "unsafe_archive")


_XXE = b"""<?xml version="1.0"?>
<!DOCTYPE FictionBook [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<FictionBook><body><section><p>&xxe;</p></section></body></FictionBook>"""
_LAUGHS = (
    b'<?xml version="1.0"?>\n<!DOCTYPE lolz [\n<!ENTITY lol "lol">\n'
    + b"".join(
        b'<!ENTITY lol%d "%s">\n' % (n, (b"&lol%d;" % (n - 1) if n > 1 else b"&lol;") * 10)
        for n in range(1, 10)
    )
    + b"]>\n<FictionBook><body><section><p>&lol9;</p></section></body></FictionBook>"
)


def test_xxe_in_fb2() -> None:
    rejected(_XXE, "unsafe_xml", "book.fb2")


def test_billion_laughs_in_fb2() -> None:
    rejected(_LAUGHS, "unsafe_xml", "book.fb2")


def test_xxe_in_epub_container() -> None:
    container = (
        b'<?xml version="1.0"?><!DOCTYPE c [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        b"<container><rootfiles><rootfile full-path='&x;'/></rootfiles></container>"
    )
    rejected(epub_with({"META-INF/container.xml": container}), "unsafe_xml")


def test_malformed_xml_and_missing_package() -> None:
    rejected(b"<FictionBook><body><p>unclosed", "malformed", "book.fb2")
    rejected(epub_with({"META-INF/container.xml": b"<container/>"}), "malformed")


def test_zip_that_is_no_book() -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("photo.jpg", b"\xff\xd8\xff" + b"\0" * 100)
    rejected(buf.getvalue(), "unsupported_format")


def test_book_rejected_survives_pickling_for_celery() -> None:
    error = pickle.loads(pickle.dumps(BookRejected("zip_bomb", "too dense")))
    assert (error.code, error.message, error.status) == ("zip_bomb", "too dense", 422)
    assert BookRejected("too_large", "big").status == 413
