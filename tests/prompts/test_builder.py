"""The prompt builder."""

from __future__ import annotations

import pytest

from vignette.prompts.builder import (
    DEFAULT_STYLE,
    GENRE_STYLES,
    PROVIDER_MAX_CHARS,
    TYPE_FRAMES,
    build_prompt,
    fit_prompt,
    normalise_genre,
    style_for_genre,
)

TEXT = "The old castle stood on a dark hill above the frozen lake."


def test_prompt_contains_text_type_frame_and_genre_style() -> None:
    prompt = build_prompt(TEXT, "location", "fantasy")
    assert TEXT.removesuffix(".") in prompt
    assert ".." not in prompt
    assert prompt.count(". Style: ") == 1
    assert TYPE_FRAMES["location"] in prompt
    assert GENRE_STYLES["fantasy"] in prompt


def test_each_type_frames_the_prompt_differently() -> None:
    prompts = {build_prompt(TEXT, t, "fantasy") for t in TYPE_FRAMES}
    assert len(prompts) == len(TYPE_FRAMES)


@pytest.mark.parametrize("genre", sorted(GENRE_STYLES))
def test_every_stored_genre_has_its_own_style(genre: str) -> None:
    assert style_for_genre(genre) == GENRE_STYLES[genre]
    assert GENRE_STYLES[genre] in build_prompt(TEXT, "object", genre)


def test_genre_spellings_are_normalised() -> None:
    assert normalise_genre("Science Fiction") == "science_fiction"
    assert normalise_genre("sci-fi") == "science_fiction"
    assert style_for_genre("Science-Fiction") == GENRE_STYLES["science_fiction"]


def test_unknown_or_empty_genre_uses_default_style() -> None:
    assert DEFAULT_STYLE in build_prompt(TEXT, "location", "")
    assert DEFAULT_STYLE in build_prompt(TEXT, "location", "cookbook")


def test_user_style_comes_first() -> None:
    prompt = build_prompt(TEXT, "location", "horror", "pencil sketch")
    assert "pencil sketch; " + GENRE_STYLES["horror"] in prompt


def test_long_text_is_cut_at_a_word_to_fit() -> None:
    text = " ".join(["meadow"] * 1000)
    prompt = build_prompt(text, "location", "fantasy", max_chars=400)
    assert len(prompt) <= 400
    assert "…" in prompt
    assert "meadow…" in prompt
    assert GENRE_STYLES["fantasy"] in prompt


def test_whitespace_is_collapsed() -> None:
    assert "dark\n\n hill" not in build_prompt("dark\n\n hill", "location")
    assert "dark hill" in build_prompt("dark\n\n hill", "location")


@pytest.mark.parametrize("provider", sorted(PROVIDER_MAX_CHARS))
def test_prompt_is_fitted_to_each_providers_limit_keeping_frame_and_style(provider: str) -> None:
    prompt = build_prompt(" ".join(["stormy"] * 1200), "atmosphere", "horror", "ink")
    fitted = fit_prompt(prompt, provider)
    assert len(fitted) <= PROVIDER_MAX_CHARS[provider]
    assert fitted.startswith("Book illustration. " + TYPE_FRAMES["atmosphere"])
    assert fitted.endswith(GENRE_STYLES["horror"] + ". No text, no captions.")
    assert "ink; " in fitted
    assert "stormy…" in fitted


def test_short_prompts_and_unlimited_providers_are_untouched() -> None:
    prompt = build_prompt(TEXT, "location", "fantasy")
    assert fit_prompt(prompt, "pollinations") == prompt
    long_prompt = build_prompt(" ".join(["sea"] * 1000), "location", "fantasy", max_chars=3000)
    assert fit_prompt(long_prompt, "gemini") == long_prompt
