"""Guess the app's genre key from FB2 genre codes, EPUB subjects or, failing those, the text."""

from __future__ import annotations

import re

# FB2 codes, most specific first: the first prefix that matches a code decides.
_FB2_PREFIXES: list[tuple[str, str]] = [
    ("child_verse", "children"), ("child", "children"), ("sf_horror", "horror"),
    ("sf_fantasy", "fantasy"), ("fantasy", "fantasy"), ("sf_history", "science_fiction"),
    ("sf", "science_fiction"), ("love_detective", "romance"), ("det_history", "mystery"),
    ("det", "mystery"), ("detective", "mystery"), ("thriller", "mystery"), ("love", "romance"),
    ("adv_history", "adventure"),
    ("adv", "adventure"), ("adventure", "adventure"), ("prose_history", "historical"),
    ("sci_history", "historical"), ("poetry", "poetry"), ("humor_verse", "poetry"),
    ("dramaturgy", "drama"), ("drama", "drama"), ("horror", "horror"), ("prose_classic", "classic"),
    ("prose_rus_classic", "classic"), ("prose_su_classics", "classic"), ("antique", "classic"),
    ("folklore", "children"), ("epic", "poetry"),
]  # fmt: skip
# Free-text subjects (EPUB dc:subject, BISAC-like labels), English and Russian stems.
_SUBJECT_WORDS: list[tuple[str, str]] = [
    (r"science fiction|sci-fi|scifi|\bsf\b|научн\w* фантаст|фантастик", "science_fiction"),
    (r"fantasy|фэнтези|фентези", "fantasy"),
    (r"detective|mystery|mysteries|crime|детектив|криминал", "mystery"),
    (r"horror|gothic|ghost stor|ужас|мистик", "horror"),
    (r"romance|love stor|любовн", "romance"),
    (r"adventure|приключ", "adventure"),
    (r"historical|history|историч", "historical"),
    (r"juvenile|children|fairy tale|детск|сказк", "children"),
    (r"poetry|poems|verse|поэзи|стих", "poetry"),
    (r"drama|plays?\b|tragedy|comedy|драм|пьес|трагеди|комеди", "drama"),
    (r"classic|классик", "classic"),
]
_TEXT_WORDS: dict[str, str] = {
    "fantasy": r"wizard|dragon|sorcer|enchant|\belves\b|\belf\b|волшебн|дракон|колдун|чароде|эльф",
    "science_fiction": r"spaceship|starship|planet|robot|galax|laser|звездол|планет|робот|галакти",
    "mystery": r"detective|murder|inspector|\bclue|suspect|сыщик|следовател|убийств|улик",
    "horror": r"ghost|vampire|corpse|\bdread|haunt|призрак|вампир|мертвец|покойник",
    "romance": r"\bkiss|beloved|darling|поцелу|возлюблен",
    "adventure": r"pirate|treasure|voyage|\bisland|пират|сокровищ|остров",
}
_DRAMA_MARKS = re.compile(r"^(?:enter|exit|exeunt|re-enter)\b|^[A-Z][A-Z ]{2,}$", re.MULTILINE)


def from_codes(codes: list[str]) -> str | None:
    """Map FB2 genre codes (sf_fantasy, det_classic, prose_classic…) to a genre key."""
    for code in (c.strip().lower() for c in codes):
        for prefix, genre in _FB2_PREFIXES:
            if code == prefix or code.startswith(prefix + "_"):
                return genre
    return None


def from_subjects(subjects: list[str]) -> str | None:
    """Map free-text subjects to a genre key; the first subject that names one wins."""
    for subject in (s.lower() for s in subjects):
        for pattern, genre in _SUBJECT_WORDS:
            if re.search(pattern, subject):
                return genre
    return None


def from_text(text: str) -> str | None:
    """A genre from telling words in the text, or None when nothing stands out."""
    sample = text[:300_000]
    lines = max(1, sample.count("\n\n") + 1)
    if len(_DRAMA_MARKS.findall(sample)) > lines * 0.15:
        return "drama"
    words = max(1, len(sample.split()))
    lowered = sample.lower()
    scores = {g: len(re.findall(p, lowered)) * 10_000 / words for g, p in _TEXT_WORDS.items()}
    best = max(scores, key=lambda g: scores[g])
    ranked = sorted(scores.values(), reverse=True)
    # Needs a few mentions per ten thousand words and a clear lead over the runner-up.
    if ranked[0] >= 4.0 and ranked[0] >= 1.5 * ranked[1]:
        return best
    return None


def guess_genre(codes: list[str], subjects: list[str], text: str) -> str | None:
    """The genre key from whatever evidence the book offers, strongest first."""
    return from_codes(codes) or from_subjects(subjects) or from_text(text)
