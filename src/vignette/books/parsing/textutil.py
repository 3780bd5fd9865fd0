"""Text helpers shared by the parsers: whitespace, chapter headings, the language of a text."""

from __future__ import annotations

import re

_SPACE = re.compile(r"[ \t\r\f\v\u00a0\u2000-\u200a\u202f\u205f\u3000]+")
_INVISIBLE = re.compile(r"[\u00ad\u200b\u2060\ufeff]")
_ANY_SPACE = re.compile(r"\s+")

_ROMAN = r"[IVXLCDM]{1,8}"
_EN_NUMBERS = (
    "one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|"
    "sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|first|second|third|fourth|"
    "fifth|sixth|seventh|eighth|ninth|tenth|last"
)
_RU_NUMBERS = (
    "перв|втор|трет|четв[её]рт|пят|шест|седьм|восьм|девят|десят|одиннадцат|двенадцат|тринадцат|"
    "четырнадцат|пятнадцат|шестнадцат|семнадцат|восемнадцат|девятнадцат|двадцат|тридцат|"
    "сороков|пятидесят|последн"
)
_RU_TENS = "двадцать|тридцать|сорок|пятьдесят"
_NUMBER = (
    rf"(?:\d{{1,3}}|{_ROMAN}|(?:(?:twenty|thirty|forty|fifty)[- ])?(?:{_EN_NUMBERS})"
    rf"|(?:(?:{_RU_TENS})\s+)?(?:{_RU_NUMBERS})[а-яё]{{0,3}})"
)
# A heading names a structural unit and a number, then optionally a title; or is a bare numeral.
_HEADING = re.compile(
    rf"^(?:(?:chapter|part|book|act|scene|глава|часть|книга|действие|явление)\.?\s+"
    rf"(?:the\s+)?{_NUMBER}\b\.?(?:\s*[-—–.:]\s*\S.*|\s+(?-i:[\"«“A-ZА-ЯЁ]).*)?)$",
    re.IGNORECASE,
)
_BARE_ROMAN = re.compile(rf"^{_ROMAN}\.?$")
MAX_HEADING_CHARS = 120
MIN_CHAPTER_CHARS = 500


def inline(text: str) -> str:
    """Collapse all whitespace in a run of inline text to single spaces."""
    return _ANY_SPACE.sub(" ", _INVISIBLE.sub("", text))


def clean_paragraph(text: str) -> str:
    """Normalise a paragraph: single spaces, explicit line breaks kept, ends trimmed."""
    text = _INVISIBLE.sub("", text)
    lines = (_SPACE.sub(" ", line).strip() for line in text.split("\n"))
    return "\n".join(line for line in lines if line)


def join_paragraphs(paragraphs: list[str]) -> str:
    """Chapter text: non-empty paragraphs separated by one blank line."""
    return "\n\n".join(p for p in (clean_paragraph(p) for p in paragraphs) if p)


def is_heading(line: str) -> bool:
    """Whether a short line looks like "Chapter 1", "ГЛАВА ПЕРВАЯ" or a bare roman numeral."""
    line = line.strip()
    if not line or len(line) > MAX_HEADING_CHARS or "\n" in line:
        return False
    if _BARE_ROMAN.match(line):
        # Bare numerals only count in capitals ("I" as a word is common, but "I." alone is rare).
        return line.rstrip(".").isupper()
    return bool(_HEADING.match(line))


def split_by_headings(paragraphs: list[str]) -> list[tuple[str, list[str]]] | None:
    """Split paragraphs at heading lines; None when fewer than two headings are found."""
    marks = [i for i, p in enumerate(paragraphs) if is_heading(p)]
    if len(marks) < 2:
        return None
    chapters: list[tuple[str, list[str]]] = []
    preamble = paragraphs[: marks[0]]
    if sum(len(p) for p in preamble) >= 1000:
        # A long opening before the first heading is a prologue worth keeping; a short one is the
        # title page of a plain-text file.
        chapters.append(("", preamble))
    pending_title = ""
    for n, start in enumerate(marks):
        end = marks[n + 1] if n + 1 < len(marks) else len(paragraphs)
        title = inline(paragraphs[start]).strip()
        body = [p for p in paragraphs[start + 1 : end] if p.strip()]
        if not body:
            # "Part One" directly followed by "Chapter 1": the part names the chapter.
            pending_title = f"{pending_title}. {title}" if pending_title else title
            continue
        if pending_title:
            title = f"{pending_title.rstrip('.')}. {title}"
            pending_title = ""
        chapters.append((title, body))
    short = sum(1 for _, body in chapters if sum(len(p) for p in body) < MIN_CHAPTER_CHARS)
    if len(chapters) < 2 or short * 4 > len(chapters):
        # Numbered stanzas of a poem or a list are not chapters: real ones carry pages of text.
        return None
    return chapters


_CYRILLIC = re.compile(r"[а-яёА-ЯЁ]")
_LATIN = re.compile(r"[a-zA-Z]")
_CYRILLIC_LANGS = {"ru", "uk", "be", "bg", "sr", "mk", "kk", "ky", "tg", "mn"}


def script_language(sample: str) -> str | None:
    """ "ru" for mostly Cyrillic text, "en" for mostly Latin, None when there are few letters."""
    cyr = len(_CYRILLIC.findall(sample))
    lat = len(_LATIN.findall(sample))
    if cyr + lat < 50:
        return None
    return "ru" if cyr > lat else "en"


def resolve_language(declared: str | None, text_sample: str) -> str:
    """The declared language as a primary subtag, corrected when the script contradicts it."""
    primary = (declared or "").strip().lower().replace("_", "-").split("-")[0]
    seen = script_language(text_sample)
    if not primary:
        return seen or "en"
    if seen == "ru" and primary not in _CYRILLIC_LANGS:
        return "ru"
    if seen == "en" and primary in _CYRILLIC_LANGS:
        return "en"
    return primary
