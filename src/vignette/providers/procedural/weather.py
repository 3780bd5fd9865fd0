"""Overlays drawn on top of the finished landscape: rain, snow, fog, lightning, leaves."""

from __future__ import annotations

import math
from functools import lru_cache

import numpy as np
from PIL import Image, ImageDraw, ImageFilter

from vignette.providers.procedural.canvas import (
    glow,
    mix,
    noise2d,
    paste_color,
    rgb,
    scale,
    to_image,
)
from vignette.providers.procedural.palette import Palette
from vignette.providers.procedural.scene import Scene


def apply_weather(
    img: Image.Image, rng: np.random.Generator, pal: Palette, scene: Scene, horizon: float
) -> None:
    """Draw the scene's weather and seasonal particles over the image."""
    outdoors = scene.setting != "interior"
    if scene.weather == "fog" and outdoors:
        fog(img, rng, pal, horizon)
    if scene.weather == "storm" and outdoors:
        lightning(img, rng, horizon)
    if scene.weather in ("rain", "storm") and outdoors:
        rain(img, rng, pal, slant=0.35 if scene.weather == "storm" else 0.12)
    if scene.weather == "snow" and outdoors:
        snow(img, rng, pal)
    if scene.season == "autumn" and outdoors and scene.weather in ("wind", "clear", "cloudy"):
        leaves(img, rng, pal, many=scene.weather == "wind")


def rain(img: Image.Image, rng: np.random.Generator, pal: Palette, slant: float) -> None:
    """Slanted translucent streaks."""
    width, height = img.size
    mask = Image.new("L", img.size, 0)
    draw = ImageDraw.Draw(mask)
    count = int(width * height / 1100)
    xs = rng.uniform(-0.2 * width, width, count)
    ys = rng.uniform(-0.1 * height, height, count)
    lengths = height * rng.uniform(0.025, 0.07, count)
    levels = rng.integers(50, 130, count)
    thick = max(1, width // 900)
    for x, y, length, level in zip(xs, ys, lengths, levels, strict=True):
        draw.line((x, y, x + length * slant, y + length), fill=int(level), width=thick)
    color = mix(pal.sky_horizon, (220, 228, 240), 0.5)
    paste_color(img, color, (0, 0), mask)


def snow(img: Image.Image, rng: np.random.Generator, pal: Palette) -> None:
    """Falling flakes: many small far ones, a few large near ones."""
    width, height = img.size
    mask = Image.new("L", img.size, 0)
    draw = ImageDraw.Draw(mask)
    count = int(width * height / 1300)
    unit = max(1.0, width / 700)
    xs, ys = rng.uniform(0, width, count), rng.uniform(0, height, count)
    radii = unit * (0.6 + 2.6 * rng.uniform(0, 1, count) ** 3)
    levels = (140 + 115 * rng.uniform(0.3, 1.0, count)).astype(int)
    for x, y, r, level in zip(xs, ys, radii, levels, strict=True):
        draw.ellipse((x - r, y - r, x + r, y + r), fill=int(level))
    paste_color(img, mix(pal.snow, pal.sky_horizon, 0.15), (0, 0), mask)


def fog(img: Image.Image, rng: np.random.Generator, pal: Palette, horizon: float) -> None:
    """Drifting mist, densest just below the horizon and thinning upwards."""
    width, height = img.size
    lw, lh = max(8, width // 8), max(8, height // 8)
    ys = (np.arange(lh, dtype=np.float32)[:, None] + 0.5) * (height / lh)
    spread = 0.35 * height
    profile = np.exp(-(((ys - horizon - 0.08 * height) / spread) ** 2)) * 0.75 + 0.1
    wisps = noise2d(rng, (lw, lh), (2.0, 5.0), octaves=3)
    alpha = np.clip(profile * (0.8 + 0.6 * wisps), 0.0, 0.9)
    mask = to_image(alpha * 255.0).resize(img.size, Image.Resampling.BICUBIC)
    paste_color(img, mix(pal.sky_horizon, (235, 236, 238), 0.2), (0, 0), mask)


def lightning(img: Image.Image, rng: np.random.Generator, horizon: float) -> None:
    """A forked bolt from the clouds towards the horizon, with a soft glow."""
    width, height = img.size
    points = [(float(rng.uniform(0.15, 0.85)) * width, 0.0)]
    end = horizon * float(rng.uniform(0.75, 1.0))
    step = height / 18
    while points[-1][1] < end:
        x, y = points[-1]
        points.append(
            (x + float(rng.normal(0, step * 0.6)), y + step * float(rng.uniform(0.5, 1.1)))
        )
    branch_at = int(rng.integers(2, max(3, len(points) - 1)))
    branch = [points[branch_at]]
    for _ in range(4):
        x, y = branch[-1]
        branch.append((x + float(rng.normal(step * 0.5, step * 0.4)), y + step * 0.7))
    work = 4
    halo = Image.new("L", (max(1, width // work), max(1, height // work)), 0)
    gdraw = ImageDraw.Draw(halo)
    small = [(x / work, y / work) for x, y in points]
    gdraw.line(small, fill=255, width=max(2, width // 200))
    halo = halo.filter(ImageFilter.GaussianBlur(max(2.0, width / 250)))
    halo = halo.point(lambda v: min(255, v * 2)).resize(img.size, Image.Resampling.BICUBIC)
    paste_color(img, (205, 215, 255), (0, 0), halo)
    glow(img, [(points[0][0], horizon * 0.4, 0.6 * height, 0.35)], (150, 160, 200))
    draw = ImageDraw.Draw(img)
    core = max(1, width // 450)
    draw.line(points, fill=(245, 245, 255), width=core, joint="curve")
    draw.line(branch, fill=(225, 230, 255), width=max(1, core - 1), joint="curve")


def leaves(img: Image.Image, rng: np.random.Generator, pal: Palette, many: bool) -> None:
    """Falling autumn leaves."""
    width, height = img.size
    draw = ImageDraw.Draw(img)
    count = int(width * height / (9000 if many else 40000))
    unit = max(1.5, width / 300)
    xs, ys = rng.uniform(0, width, count), rng.uniform(0, height, count)
    radii = unit * rng.uniform(0.6, 1.6, count)
    angles = rng.uniform(0, math.pi, count)
    kinds = rng.integers(0, len(pal.foliage), count)
    colors = [rgb(pal.lit(scale(c, 1.05))) for c in pal.foliage]
    for x, y, r, a, k in zip(xs, ys, radii, angles, kinds, strict=True):
        dx, dy = math.cos(a) * r, math.sin(a) * r * 0.5
        outline = [
            (x - dx, y - dy),
            (x + dy, y - dx * 0.5),
            (x + dx, y + dy),
            (x - dy, y + dx * 0.5),
        ]
        draw.polygon(outline, fill=colors[int(k)])


@lru_cache(maxsize=4)
def _vignette_layers(size: tuple[int, int], strength: float) -> tuple[Image.Image, Image.Image]:
    """A black image and the mask that darkens its corners, cached per image size."""
    lw, lh = 32, 24
    ys = np.linspace(-1.0, 1.0, lh, dtype=np.float32)[:, None]
    xs = np.linspace(-1.0, 1.0, lw, dtype=np.float32)[None, :]
    alpha = np.clip((xs**2 + ys**2 - 0.45) / 1.6, 0.0, 1.0) ** 1.5 * strength
    mask = to_image(alpha * 255.0).resize(size, Image.Resampling.BILINEAR)
    return Image.new("RGB", size), mask


def vignette(img: Image.Image, strength: float) -> None:
    """Darken the corners slightly, like a printed illustration."""
    black, mask = _vignette_layers(img.size, strength)
    img.paste(black, (0, 0), mask)
