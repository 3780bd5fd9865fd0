"""Turn a passage into a picture: parse it, pick a composition, paint it layer by layer."""

from __future__ import annotations

import hashlib
from collections.abc import Callable

import numpy as np
from PIL import Image

from vignette.providers.procedural.interior import interior
from vignette.providers.procedural.landscapes import (
    desert,
    field,
    forest,
    garden,
    mountains,
    road_scene,
)
from vignette.providers.procedural.layers import Ctx
from vignette.providers.procedural.palette import make_palette
from vignette.providers.procedural.scene import Scene, parse_scene
from vignette.providers.procedural.settlements import castle, city, village
from vignette.providers.procedural.sky import paint_sky
from vignette.providers.procedural.waterside import river, sea
from vignette.providers.procedural.weather import apply_weather, vignette

# Where the horizon sits (fraction of the height) and who paints below it, per setting.
_COMPOSERS: dict[str, tuple[float, Callable[[Ctx], None]]] = {
    "field": (0.6, field),
    "forest": (0.6, forest),
    "mountains": (0.62, mountains),
    "desert": (0.6, desert),
    "garden": (0.6, garden),
    "road": (0.56, road_scene),
    "sea": (0.56, sea),
    "river": (0.55, river),
    "city": (0.68, city),
    "castle": (0.62, castle),
    "village": (0.6, village),
    "interior": (0.5, interior),
}


def make_rng(prompt: str, seed: int) -> np.random.Generator:
    """A generator seeded from sha256 of (seed, prompt): same input, same picture."""
    digest = hashlib.sha256(f"{seed}\x00{prompt}".encode()).digest()
    return np.random.default_rng(int.from_bytes(digest[:16], "big"))


def _body_position(
    time: str, width: int, height: int, horizon: float, rng: np.random.Generator
) -> tuple[float, float]:
    """Where the sun or moon hangs: low near the horizon at dawn and dusk, high otherwise."""
    x = width * float(rng.uniform(0.2, 0.8))
    if time in ("dawn", "dusk"):
        return x, horizon - height * float(rng.uniform(0.03, 0.1))
    return x, min(horizon * 0.6, height * float(rng.uniform(0.1, 0.24)))


def render_scene(scene: Scene, width: int, height: int, rng: np.random.Generator) -> Image.Image:
    """Paint a scene into a new RGB image of the given size."""
    pal = make_palette(scene)
    share, compose = _COMPOSERS.get(scene.setting, _COMPOSERS["field"])
    horizon = height * (share + float(rng.uniform(-0.03, 0.03)))
    body = _body_position(scene.time, width, height, horizon, rng)
    img = Image.new("RGB", (width, height))
    if scene.setting != "interior":
        paint_sky(img, pal, rng, horizon, body, scene.time == "night")
    compose(Ctx(img, rng, pal, scene, horizon, body))
    apply_weather(img, rng, pal, scene, horizon)
    vignette(img, 0.5)
    return img


def render(prompt: str, seed: int, width: int, height: int) -> Image.Image:
    """The picture for a prompt: deterministic in (prompt, seed, width, height)."""
    return render_scene(parse_scene(prompt), width, height, make_rng(prompt, seed))
