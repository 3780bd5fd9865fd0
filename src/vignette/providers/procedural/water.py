"""Open water: sea and lakes with sky colour, mirrored shores, ripples and a sun path."""

from __future__ import annotations

import numpy as np
from PIL import Image, ImageDraw

from vignette.providers.procedural.canvas import (
    Array,
    gradient,
    mix,
    rgb,
    scale,
    stripe_image,
)
from vignette.providers.procedural.palette import Palette


def paint_water(
    img: Image.Image,
    rng: np.random.Generator,
    pal: Palette,
    top: int,
    body: tuple[float, float],
    mirror: bool,
    calm: bool,
) -> Array:
    """Fill rows `top`.. with water; returns the water colour of every row (for callers)."""
    width, height = img.size
    if top >= height:
        return np.zeros((0, 3), dtype=np.float32)
    rows = np.arange(top, height, dtype=np.float32)
    horizon_col = mix(pal.sky_horizon, pal.lit(pal.water), 0.25)
    near_col = mix(pal.sky_top, pal.lit(pal.water), 0.55)
    colors = gradient([(float(top), horizon_col), (float(height), scale(near_col, 0.85))], rows)
    band = stripe_image(colors, (width, height - top), vertical=True)
    if mirror and top > 0:
        # Still water mirrors what stands on the far shore, darker and slightly rippled.
        depth = min(top, height - top)
        above = np.asarray(img.crop((0, top - depth, width, top)))[::-1]
        shifts = np.round(np.sin(np.arange(depth) * 0.9) * max(1.0, width / 500)).astype(int)
        rippled = above.copy()
        for shift in sorted(set(shifts.tolist())):  # a few distinct shifts: roll row groups
            rows = shifts == shift
            rippled[rows] = np.roll(above[rows], shift, axis=1)
        reflection = Image.fromarray(rippled, "RGB").point(lambda v: int(v * 0.8))
        near = band.crop((0, 0, width, depth))
        band.paste(Image.blend(near, reflection, 0.5), (0, 0))
    img.paste(band, (0, top))
    _ripples(img, rng, colors, top, calm)
    if pal.celestial != "none" and body[1] < top:
        _glitter(img, rng, pal, colors, top, body[0])
    return colors


def _ripples(
    img: Image.Image, rng: np.random.Generator, colors: Array, top: int, calm: bool
) -> None:
    """Short light and dark strokes, longer and thicker towards the viewer."""
    width, height = img.size
    draw = ImageDraw.Draw(img)
    count = int(width * (height - top) / (900 if calm else 450))
    near = rng.uniform(0, 1, count) ** 1.4  # 0 at the horizon, 1 at the bottom
    ys = top + (height - top) * near
    xs = rng.uniform(0, width, count)
    light = rng.uniform(0, 1, count) < 0.5
    lengths = width * (0.01 + 0.06 * near) * (1.6 if calm else 1.0)
    rows = np.clip((ys - top).astype(int), 0, len(colors) - 1)
    tones = np.where(light[:, None], colors[rows] * 1.12 + 12.0, colors[rows] * 0.86)
    if not calm:
        # Rough water: some crests break into white foam.
        foam = light & (rng.uniform(0, 1, count) < 0.25)
        tones[foam] = tones[foam] + (np.float32(235.0) - tones[foam]) * 0.6
    widths = np.maximum(1, np.round(near * width / 500)).astype(int)
    for x, y, length, tone, w in zip(xs, ys, lengths, tones, widths, strict=True):
        fill = rgb((float(tone[0]), float(tone[1]), float(tone[2])))
        draw.line((x - length / 2, y, x + length / 2, y), fill=fill, width=int(w))


def _glitter(
    img: Image.Image, rng: np.random.Generator, pal: Palette, colors: Array, top: int, cx: float
) -> None:
    """A path of sparkles on the water below the sun or moon, widening towards the viewer."""
    width, height = img.size
    draw = ImageDraw.Draw(img)
    shine = np.asarray(mix(pal.disk, pal.glow, 0.3), dtype=np.float32)
    count = int((height - top) * 1.2)
    near = rng.uniform(0, 1, count) ** 1.3
    ys = top + 1 + near * (height - top - 1)
    spread = width * (0.015 + 0.12 * near)
    xs = cx + rng.normal(0, 1, count) * spread * 0.45
    lengths = width * (0.006 + 0.05 * near) * rng.uniform(0.4, 1.0, count)
    strength = np.exp(-(((xs - cx) / spread) ** 2)) * rng.uniform(0.5, 1.0, count)
    rows = np.clip((ys - top).astype(int), 0, len(colors) - 1)
    tones = colors[rows] + (shine - colors[rows]) * strength[:, None]
    widths = np.maximum(1, np.round(near * width / 450)).astype(int)
    for x, y, length, tone, w in zip(xs, ys, lengths, tones, widths, strict=True):
        fill = rgb((float(tone[0]), float(tone[1]), float(tone[2])))
        draw.line((x - length / 2, y, x + length / 2, y), fill=fill, width=int(w))
