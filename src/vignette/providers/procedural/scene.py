"""Pure text analysis: a book passage (English or Russian) to a small scene description."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from vignette.providers.procedural import lexicon

# Inflections of Russian nouns and adjectives. Stems in the lexicon are chosen so that
# stem + one of these endings is (almost) always a form of the intended word.
_NOUN_ENDINGS = frozenset(
    {"", "а", "я", "о", "е", "у", "ю", "ы", "и", "ь", "ой", "ою", "ей", "ею", "ом", "ем"}
    | {"ам", "ям", "ами", "ями", "ах", "ях", "ов", "ев", "ью"}
)
_ADJ_ENDINGS = frozenset(
    {"ый", "ий", "ой", "ая", "яя", "ое", "ее", "ые", "ие", "ого", "его", "ому", "ему", "ым"}
    | {"им", "ых", "их", "ую", "юю", "ыми", "ими", "ом", "ем", "ей", "ою", "ею", "о"}
)
_ANY_ENDINGS = _NOUN_ENDINGS | _ADJ_ENDINGS
_MAX_ENDING = max(len(e) for e in _ANY_ENDINGS)
_CYRILLIC = re.compile(r"[а-я]")
_WORD = re.compile(r"[a-zа-я]+(?:-[a-zа-я]+)*")

# Evidence that one attribute carries for another (moonlight suggests night, etc.).
_IMPLIED: tuple[tuple[str, str, str, str, float], ...] = (
    ("object", "moon", "time", "night", 0.8),
    ("object", "stars", "time", "night", 0.8),
    ("object", "sun", "time", "day", 0.3),
    ("weather", "clear", "time", "day", 0.2),
    ("object", "ship", "setting", "sea", 0.5),
    ("object", "tower", "setting", "castle", 0.4),
    ("object", "trees", "setting", "forest", 0.4),
    ("object", "flowers", "setting", "garden", 0.3),
    ("weather", "snow", "season", "winter", 0.8),
    ("setting", "desert", "season", "summer", 0.5),
)
# When two weathers score the same, the more dramatic one wins: it usually implies the other.
_WEATHER_PRIORITY = ("storm", "snow", "rain", "fog", "cloudy", "wind", "clear")


@dataclass(frozen=True)
class Scene:
    """What a passage describes, reduced to the few attributes the renderer understands."""

    setting: str = "field"
    time: str = "day"
    season: str = "summer"
    weather: str = "clear"
    colours: tuple[str, ...] = ()
    objects: tuple[str, ...] = ()
    features: tuple[str, ...] = ()  # other settings mentioned, strongest first
    mood: str = "neutral"


Hit = tuple[str, str]  # (group, value), e.g. ("setting", "forest")


class _Index:
    """All lexicon patterns in lookup tables, so a token costs a few dict probes."""

    def __init__(self, groups: dict[str, lexicon.Lexicon]) -> None:
        self.exact: dict[str, set[Hit]] = {}
        self.prefixes: dict[str, set[Hit]] = {}
        self.stems: dict[str, set[Hit]] = {}
        self.adj_stems: dict[str, set[Hit]] = {}
        for group, lex in groups.items():
            for value, patterns in lex.items():
                for pat in patterns.split():
                    self._add(pat, (group, value))
        self.longest_prefix = max((len(p) for p in self.prefixes), default=0)

    def _add(self, pat: str, hit: Hit) -> None:
        if pat.startswith("="):
            self.exact.setdefault(pat[1:], set()).add(hit)
        elif pat.endswith("*"):
            self.prefixes.setdefault(pat[:-1], set()).add(hit)
        elif pat.endswith("#"):
            self.adj_stems.setdefault(pat[:-1], set()).add(hit)
        elif _CYRILLIC.search(pat):
            self.stems.setdefault(pat, set()).add(hit)
        else:
            for form in (pat, pat + "s", pat + "es"):
                self.exact.setdefault(form, set()).add(hit)

    def lookup(self, token: str) -> frozenset[Hit]:
        """Every (group, value) the token is a form of."""
        hits: set[Hit] = set(self.exact.get(token, ()))
        for k in range(1, min(len(token), self.longest_prefix) + 1):
            hits.update(self.prefixes.get(token[:k], ()))
        for cut in range(min(_MAX_ENDING, len(token) - 1) + 1):
            stem, ending = token[: len(token) - cut], token[len(token) - cut :]
            if ending in _ANY_ENDINGS:
                hits.update(self.stems.get(stem, ()))
            if ending in _ADJ_ENDINGS:
                hits.update(self.adj_stems.get(stem, ()))
        return frozenset(hits)


_GROUP_LEXICONS: dict[str, lexicon.Lexicon] = {
    "setting": lexicon.SETTINGS,
    "time": lexicon.TIMES,
    "season": lexicon.SEASONS,
    "weather": lexicon.WEATHERS,
    "colour": lexicon.COLOURS,
    "object": lexicon.OBJECTS,
    "mood": lexicon.MOODS,
}
_INDEX = _Index(_GROUP_LEXICONS)


@lru_cache(maxsize=4096)
def lookup(token: str) -> frozenset[Hit]:
    """Every (group, value) a lower-case token is a form of (cached: words repeat)."""
    return _INDEX.lookup(token)


def tokenize(text: str) -> list[str]:
    """Lower-case words of the text, with ё folded to е.

    A hyphenated compound stays one word when the lexicon knows it ("snow-capped" is
    about mountains, not snowfall); otherwise it is split into its parts.
    """
    tokens: list[str] = []
    for compound in _WORD.findall(text.lower().replace("ё", "е")):
        joined = compound.replace("-", "")
        if "-" in compound and not lookup(joined):
            tokens.extend(part for part in compound.split("-") if part)
        else:
            tokens.append(joined)
    return tokens


class _Tally:
    """Scores and first positions of every attribute value seen in the text."""

    def __init__(self, tokens: Iterable[str]) -> None:
        self.score: dict[str, dict[str, float]] = {group: {} for group in _GROUP_LEXICONS}
        self.first: dict[str, dict[str, int]] = {group: {} for group in _GROUP_LEXICONS}
        for pos, token in enumerate(tokens):
            for group, value in sorted(lookup(token)):  # sorted: set order varies by process
                self.add(group, value, 1.0, pos)
        # What the text names outright, before any implied evidence is added.
        self.explicit = {group: set(scores) for group, scores in self.score.items()}
        for src_group, src_value, dst_group, dst_value, weight in _IMPLIED:
            if src_value in self.score[src_group]:
                self.add(dst_group, dst_value, weight, self.first[src_group][src_value])

    def add(self, group: str, value: str, weight: float, pos: int) -> None:
        """Count one piece of evidence for group=value found at token position pos."""
        scores = self.score[group]
        scores[value] = scores.get(value, 0.0) + weight
        self.first[group].setdefault(value, pos)

    def ranked(self, group: str) -> list[str]:
        """Values of a group, strongest first; ties go to the earlier mention."""
        scores, first = self.score[group], self.first[group]
        return sorted(scores, key=lambda v: (-scores[v], first[v], v))

    def best(self, group: str, default: str) -> str:
        """The strongest value of a group, or the default when the text says nothing."""
        ranked = self.ranked(group)
        return ranked[0] if ranked else default


def parse_scene(text: str) -> Scene:
    """Extract setting, time, season, weather, colours, objects and mood from a passage."""
    tally = _Tally(tokenize(text))
    setting = tally.best("setting", "field")
    weathers = tally.score["weather"]
    weather = "clear"
    if weathers:
        top = max(weathers.values())
        weather = next(w for w in _WEATHER_PRIORITY if weathers.get(w, 0.0) == top)
    object_order = list(lexicon.OBJECTS)
    return Scene(
        setting=setting,
        time=tally.best("time", "day"),
        season=tally.best("season", "summer"),
        weather=weather,
        colours=tuple(tally.ranked("colour")[:3]),
        objects=tuple(sorted(tally.score["object"], key=object_order.index)),
        features=tuple(
            s for s in tally.ranked("setting") if s != setting and s in tally.explicit["setting"]
        ),
        mood=tally.best("mood", "neutral"),
    )
