"""Description extraction speed on the fixture books: characters per second, per book and overall.

Run: .venv/bin/python bench/extraction.py [BOOK ...]  (defaults to ../shared/fixtures/books/*)
The first book also pays for loading the Russian dictionaries; that cost is printed separately.
"""

from __future__ import annotations

import sys
import time
from collections import Counter
from pathlib import Path

from vignette.books.parsing import Limits, parse_book
from vignette.descriptions.extraction import extract_descriptions
from vignette.descriptions.nlp import ru_lemma

FIXTURES = Path(__file__).resolve().parents[2] / "shared" / "fixtures" / "books"


def main(paths: list[Path]) -> None:
    """Parse each book, extract descriptions from every chapter, print rates."""
    started = time.perf_counter()
    ru_lemma("загрузка")
    print(f"dictionary load: {time.perf_counter() - started:.2f} s")
    total_chars = 0
    total_seconds = 0.0
    for path in paths:
        book = parse_book(path.name, path.read_bytes(), Limits())
        chars = sum(len(c.text) for c in book.chapters)
        started = time.perf_counter()
        kinds: Counter[str] = Counter()
        for chapter in book.chapters:
            kinds.update(f.type for f in extract_descriptions(chapter.text, book.language))
        seconds = time.perf_counter() - started
        total_chars += chars
        total_seconds += seconds
        found = sum(kinds.values())
        print(
            f"{path.name:48} {chars:>9,} chars {seconds:6.2f} s {chars / seconds:>10,.0f} chars/s"
            f"  {found:5} found ({found * 10_000 / max(chars, 1):.1f} per 10k chars)"
            f"  {dict(kinds.most_common())}"
        )
    print(f"{'total':48} {total_chars:>9,} chars {total_seconds:6.2f} s "
          f"{total_chars / total_seconds:>10,.0f} chars/s")  # fmt: skip


if __name__ == "__main__":
    args = [Path(a) for a in sys.argv[1:]]
    main(args or sorted(p for p in FIXTURES.iterdir() if p.suffix in (".epub", ".fb2")))
