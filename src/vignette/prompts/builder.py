"""Build an image prompt from a description, its type, the book's genre and a user style."""

from __future__ import annotations

import re

# What to emphasise for each description type.
TYPE_FRAMES: dict[str, str] = {
    "location": "Wide establishing view of the place",
    "character": "Portrait of the character, showing their appearance",
    "atmosphere": "Moody scene conveying the atmosphere, light and weather",
    "object": "Detailed still-life view of the object",
    "action": "Dynamic scene capturing the moment of action",
}

# Every genre the app stores maps to a visual style; unknown genres get the default.
GENRE_STYLES: dict[str, str] = {
    "fantasy": "epic fantasy art, rich colours, magical light",
    "science_fiction": "science fiction concept art, futuristic, clean lines",
    "mystery": "noir illustration, deep shadows, muted palette",
    "detective": "noir illustration, deep shadows, muted palette",
    "horror": "dark gothic illustration, eerie lighting, desaturated",
    "romance": "soft romantic painting, warm light, gentle colours",
    "adventure": "adventure book illustration, vivid, sweeping vistas",
    "historical": "historical painting, period-accurate details, oil on canvas",
    "classic": "classic book engraving style, fine linework, timeless",
    "children": "children's picture book illustration, friendly, bright colours",
    "poetry": "lyrical watercolour, dreamy, impressionistic",
    "drama": "theatrical painting, dramatic chiaroscuro",
}
DEFAULT_STYLE = "detailed book illustration, painterly, cinematic composition"
DEFAULT_MAX_CHARS = 1500
# Sent to providers that take a negative prompt (Imagen); the others ignore it.
NEGATIVE_PROMPT = "text, letters, captions, watermark, signature, frame, blurry, deformed"
# Longest prompt each provider takes well: Pollinations puts it in the URL path, Imagen counts
# tokens (~480), the others accept far more than a passage needs.
PROVIDER_MAX_CHARS = {"pollinations": 900, "imagen": 1800, "openai": 4000}
_STYLE_MARK = ". Style: "


def normalise_genre(genre: str | None) -> str:
    """Map free-form genre names ("Science Fiction", "sci-fi") to the stored key."""
    key = re.sub(r"[\s\-]+", "_", (genre or "").strip().lower())
    aliases = {"sci_fi": "science_fiction", "scifi": "science_fiction", "sf": "science_fiction"}
    return aliases.get(key, key)


def style_for_genre(genre: str | None) -> str:
    """The visual style for a genre; the default style when the genre is unknown or empty."""
    return GENRE_STYLES.get(normalise_genre(genre), DEFAULT_STYLE)


def build_prompt(
    text: str,
    description_type: str,
    genre: str | None = None,
    user_style: str | None = None,
    max_chars: int = DEFAULT_MAX_CHARS,
) -> str:
    """Compose the prompt; the passage is shortened (at a word) so the whole fits max_chars."""
    frame = TYPE_FRAMES.get(description_type, "Book illustration")
    style = style_for_genre(genre)
    if user_style and user_style.strip():
        style = f"{user_style.strip()}; {style}"
    # The style part starts with its own full stop: "sky.. Style" would read as a typo.
    passage = " ".join(text.split()).removesuffix(".")
    head = f"Book illustration. {frame}: "
    tail = f"{_STYLE_MARK}{style}. No text, no captions."
    room = max_chars - len(head) - len(tail)
    if room < 20:
        raise ValueError("max_chars too small for a prompt")
    if len(passage) > room:
        cut = passage[: room - 1].rsplit(" ", 1)[0] or passage[: room - 1]
        passage = cut + "…"
    return f"{head}{passage}{tail}"


def fit_prompt(prompt: str, provider: str) -> str:
    """Shorten a built prompt's passage (never its frame or style) to the provider's limit."""
    limit = PROVIDER_MAX_CHARS.get(provider)
    if limit is None or len(prompt) <= limit:
        return prompt
    head_end = prompt.find(": ") + 2
    tail_start = prompt.rfind(_STYLE_MARK)
    if head_end < 2 or tail_start < head_end:
        return prompt[:limit]
    head, passage, tail = prompt[:head_end], prompt[head_end:tail_start], prompt[tail_start:]
    room = limit - len(head) - len(tail) - 1
    if room < 20:
        return prompt[:limit]
    cut = passage[:room].rsplit(" ", 1)[0] or passage[:room]
    return f"{head}{cut}…{tail}"
