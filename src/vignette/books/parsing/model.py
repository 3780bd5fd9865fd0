"""What a parser produces, the limits it works within, and how it refuses a file."""

from __future__ import annotations

from dataclasses import dataclass, field

MiB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    """Bounds on untrusted input; every one is checked before the work it guards."""

    max_file_bytes: int = 50 * MiB
    max_entries: int = 2000
    max_entry_bytes: int = 64 * MiB
    max_total_bytes: int = 256 * MiB
    # Prose deflates about 3:1 and even repetitive markup rarely passes 30:1; bombs run at 1000:1.
    max_ratio: float = 100.0
    # Tiny entries can show a high ratio without costing anything, so they are not judged by it.
    ratio_min_bytes: int = 256 * 1024
    max_cover_bytes: int = 10 * MiB
    max_chapters: int = 5000


@dataclass(frozen=True)
class ParsedChapter:
    """One chapter: its title (may be empty) and clean text, paragraphs split by blank lines."""

    title: str
    text: str


@dataclass(frozen=True)
class ParsedBook:
    """A parsed book; `language` is a primary subtag such as "en" or "ru"."""

    title: str
    author: str
    language: str
    genre: str | None
    chapters: list[ParsedChapter] = field(default_factory=list)
    cover: bytes | None = None
    cover_mime: str | None = None


# Codes a caller can rely on; the message says what was wrong in words a user understands.
REJECTION_CODES = frozenset(
    {
        "too_large",
        "zip_bomb",
        "unsafe_archive",
        "unsafe_xml",
        "malformed",
        "unsupported_format",
        "empty",
    }
)


class BookRejected(Exception):
    """The file cannot be imported; `code` names the reason, `message` explains it.

    Not an HTTP error: parsing knows nothing of the API. `status` is what the upload route
    answers when it refuses a file this way (413 for a file too large, else 422).
    """

    def __init__(self, code: str, message: str) -> None:
        if code not in REJECTION_CODES:
            raise ValueError(f"unknown rejection code {code!r}")
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = 413 if code == "too_large" else 422

    def __reduce__(self) -> tuple[type[BookRejected], tuple[str, str]]:
        # Celery pickles exceptions across processes; keep the two-argument constructor working.
        return (BookRejected, (self.code, self.message))
