"""The procedural provider: text analysis, determinism, encoding, and that pictures differ
visibly in the way the passage says they should."""

from __future__ import annotations

import hashlib
import io
import itertools
import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from vignette.providers.base import ErrorCode, ImageRequest, ImageResult, ProviderError
from vignette.providers.procedural import ProceduralProvider
from vignette.providers.procedural.render import make_rng, render, render_scene
from vignette.providers.procedural.scene import Scene, parse_scene
from vignette.providers.validation import validate_image

SRC = Path(__file__).resolve().parents[2] / "src"


def generate(
    prompt: str, seed: int = 0, size: tuple[int, int] = (320, 240), fmt: str = "png"
) -> bytes:
    request = ImageRequest(prompt, size[0], size[1], seed, fmt)
    return ProceduralProvider().generate(request).data


def pixels(prompt: str, seed: int = 0, size: tuple[int, int] = (320, 240)) -> np.ndarray:
    return np.asarray(render(prompt, seed, *size), dtype=np.float64)


def mean_over_seeds(prompt: str, measure: str, seeds: int = 3) -> float:
    values = []
    for seed in range(seeds):
        px = pixels(prompt, seed)
        if measure == "brightness":
            values.append(float(px.mean()))
        elif measure == "whiteness":  # bright and unsaturated: the weakest channel is high
            values.append(float(px.min(axis=2).mean()))
        else:
            values.append(float(px[:, :, "rgb".index(measure)].mean()))
    return sum(values) / len(values)


# --- scene parsing -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Ночью в зимнем лесу падал снег",
            {"time": "night", "season": "winter", "setting": "forest", "weather": "snow"},
        ),
        ("The golden sunset over the calm sea", {"time": "dusk", "setting": "sea"}),
        ("Гроза над старым замком, молнии били в башни", {"weather": "storm", "setting": "castle"}),
        (
            "Осенью в деревне желтели берёзы",
            {"season": "autumn", "setting": "village", "time": "day"},
        ),
        (
            "На рассвете над степью поднимался туман",
            {"time": "dawn", "setting": "field", "weather": "fog"},
        ),
        ("A cosy room lit by a single candle", {"setting": "interior"}),
        ("Snow-capped mountains under a clear sky", {"setting": "mountains", "weather": "clear"}),
        (
            "Rain was falling on the empty streets of the town",
            {"setting": "city", "weather": "rain"},
        ),
        ("Раскалённая пустыня, барханы до горизонта", {"setting": "desert", "season": "summer"}),
        ("Тихая река летним вечером", {"setting": "river", "time": "dusk", "season": "summer"}),
        ("The moon rose over the lake", {"time": "night", "setting": "river"}),
        ("Весной в саду цвели розы", {"setting": "garden", "season": "spring"}),
        ("Book illustration, location: a road through the hills. Style: ink", {"setting": "road"}),
    ],
)
def test_parse_scene_reads_english_and_russian(text: str, expected: dict[str, str]) -> None:
    scene = parse_scene(text)
    assert {key: getattr(scene, key) for key in expected} == expected


def test_parse_scene_colours_and_objects() -> None:
    assert "golden" in parse_scene("The golden sunset over the calm sea").colours
    assert parse_scene("Алые паруса на синем море").colours == ("red", "blue")
    assert parse_scene("Осенью желтели берёзы").colours == ("yellow",)
    assert "ship" in parse_scene("Алые паруса на море").objects
    assert "fire" in parse_scene("В комнате горела свеча").objects
    assert "moon" in parse_scene("Луна светила над полем").objects
    assert set(parse_scene("A tower among the trees and flowers").objects) == {
        "tower",
        "trees",
        "flowers",
    }


@pytest.mark.parametrize(
    ("text", "attribute", "unwanted"),
    [
        ("Лестница вела на второй этаж", "setting", "forest"),  # лес- inside лестница
        ("Она села у окна", "setting", "village"),  # села = sat down, not the village
        ("Он чаще молчал", "setting", "forest"),  # чаще = more often, not чаща
        ("Сера пахла резко", "colours", "grey"),  # сера = sulphur, not серый
        ("The sun rose slowly", "colours", "pink"),  # rose the verb is not a colour
    ],
)
def test_parse_scene_avoids_false_stem_matches(text: str, attribute: str, unwanted: str) -> None:
    value = getattr(parse_scene(text), attribute)
    assert unwanted not in (value if isinstance(value, tuple) else (value,))


def test_parse_scene_defaults_when_nothing_is_recognised() -> None:
    assert parse_scene("He said nothing at all.") == Scene()
    assert Scene() == Scene(setting="field", time="day", season="summer", weather="clear")


# --- provider contract ---------------------------------------------------------------------


@pytest.mark.parametrize(("fmt", "mime"), [("webp", "image/webp"), ("png", "image/png")])
def test_generate_decodes_to_requested_size_and_mode(fmt: str, mime: str) -> None:
    provider = ProceduralProvider()
    result = provider.generate(ImageRequest("A castle above the sea at dusk", 333, 201, 5, fmt))
    assert isinstance(result, ImageResult)
    assert (result.mime_type, result.width, result.height, result.model) == (
        mime,
        333,
        201,
        "procedural-v1",
    )
    with Image.open(io.BytesIO(result.data)) as img:
        assert img.format == fmt.upper()
        assert img.size == (333, 201)
        assert img.mode == "RGB"
    assert validate_image(result).width == 333


def test_provider_identity() -> None:
    provider = ProceduralProvider()
    assert (provider.name, provider.model) == ("procedural", "procedural-v1")


@pytest.mark.parametrize("fmt", ["webp", "png"])
def test_same_input_gives_identical_bytes(fmt: str) -> None:
    prompt = "Ночью в зимнем лесу падал снег"
    assert generate(prompt, 7, fmt=fmt) == generate(prompt, 7, fmt=fmt)


def test_different_seeds_give_different_compositions() -> None:
    prompt = "A quiet village among the hills"
    images = {generate(prompt, seed) for seed in range(4)}
    assert len(images) == 4
    diff = np.abs(pixels(prompt, 0) - pixels(prompt, 1)).mean()
    assert diff > 3.0


def test_output_is_identical_across_processes() -> None:
    """Same bytes whatever the interpreter's string-hash seed (no set-order dependence)."""
    code = (
        "import hashlib;from vignette.providers.base import ImageRequest;"
        "from vignette.providers.procedural import ProceduralProvider as P;"
        "r=P().generate(ImageRequest('Гроза над замком у моря, корабль и башня',200,150,3,'png'));"
        "print(hashlib.sha256(r.data).hexdigest())"
    )
    digests = set()
    for hash_seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": hash_seed, "PYTHONPATH": str(SRC)}
        out = subprocess.run(
            [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
        )
        digests.add(out.stdout.strip())
    local = hashlib.sha256(
        generate("Гроза над замком у моря, корабль и башня", 3, (200, 150))
    ).hexdigest()
    assert digests == {local}


@pytest.mark.parametrize(
    "request_",
    [
        ImageRequest("", 512, 512),
        ImageRequest("   \n", 512, 512),
        ImageRequest("a forest", 63, 512),
        ImageRequest("a forest", 512, 4097),
        ImageRequest("a forest", 0, 0),
        ImageRequest("a forest", 512, 512, image_format="gif"),
    ],
)
def test_invalid_input_is_rejected(request_: ImageRequest) -> None:
    with pytest.raises(ProviderError) as info:
        ProceduralProvider().generate(request_)
    assert info.value.code is ErrorCode.INVALID_INPUT
    assert not info.value.retryable


def test_size_limits_are_inclusive() -> None:
    provider = ProceduralProvider()
    assert provider.generate(ImageRequest("a forest", 64, 64)).width == 64
    assert provider.generate(ImageRequest("a forest", 4096, 64, image_format="png")).width == 4096


def test_delay_is_applied_before_rendering() -> None:
    start = time.perf_counter()
    ProceduralProvider(delay_ms=120).generate(ImageRequest("a meadow", 64, 64))
    assert time.perf_counter() - start >= 0.12


# --- the picture follows the text ----------------------------------------------------------


def test_night_is_much_darker_than_sunny_noon() -> None:
    night = mean_over_seeds("A forest at night", "brightness")
    noon = mean_over_seeds("A forest at sunny noon", "brightness")
    assert night < 0.5 * noon


def test_snowy_winter_field_is_whiter_than_summer_desert() -> None:
    winter = mean_over_seeds("Snow falls on the winter field", "whiteness")
    desert = mean_over_seeds("A summer desert", "whiteness")
    assert winter > desert + 20


def test_colour_words_tint_the_picture() -> None:
    red = mean_over_seeds("A red sky over the field", "r") - mean_over_seeds(
        "A red sky over the field", "b"
    )
    blue = mean_over_seeds("A blue sky over the field", "r") - mean_over_seeds(
        "A blue sky over the field", "b"
    )
    assert red > blue + 40
    assert (
        mean_over_seeds("Красный закат над полем", "r")
        > mean_over_seeds("Синий закат над полем", "r") + 15
    )


def test_different_descriptions_look_different() -> None:
    forest = pixels("Ночью в зимнем лесу падал снег")
    desert = pixels("The desert dunes under the burning noon sun")
    room = pixels("A cosy room lit by a single candle")
    assert np.abs(forest - desert).mean() > 60
    assert np.abs(room - desert).mean() > 40


def test_every_setting_time_and_weather_renders() -> None:
    settings = ["forest", "sea", "mountains", "city", "castle", "village", "field", "desert"]
    settings += ["river", "garden", "interior", "road"]
    combos = itertools.product(
        settings,
        ["dawn", "day", "dusk", "night"],
        ["clear", "rain", "snow", "fog", "storm", "cloudy", "wind"],
    )
    seasons = itertools.cycle(["winter", "spring", "summer", "autumn"])
    sizes = itertools.cycle([(96, 72), (64, 200), (200, 64)])
    for (setting, time_, weather), season, size in zip(combos, seasons, sizes, strict=False):
        features = ("mountains", "road", "sea") if setting in ("castle", "village") else ()
        scene = Scene(
            setting, time_, season, weather, ("red",), ("moon", "ship", "tower", "fire"), features
        )
        img = render_scene(scene, *size, make_rng(setting, 0))
        assert img.size == size
        assert img.mode == "RGB"
