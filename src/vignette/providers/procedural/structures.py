"""Man-made silhouettes: city skylines, castles, houses."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from PIL import Image, ImageDraw

from vignette.providers.procedural.canvas import (
    Array,
    Color,
    draw_shape,
    mix,
    paint_band,
    rgb,
    scale,
)
from vignette.providers.procedural.palette import Palette

Rect = tuple[float, float, float, float]
Point = tuple[float, float]


def windows(
    img: Image.Image,
    rng: np.random.Generator,
    pal: Palette,
    rects: list[Rect],
    size: float,
    wall: Color,
    lit_boost: float = 0.0,
) -> None:
    """Grids of windows in building fronts; some are lit when it is dark."""
    draw = ImageDraw.Draw(img)
    unlit = rgb(mix(wall, pal.sky_top, 0.35) if not pal.dark else scale(wall, 0.7))
    warm = [rgb(mix(pal.window, (255, 240, 200), k / 8)) for k in range(5)]
    prob = min(1.0, pal.window_prob + lit_boost) if pal.window_prob > 0 else 0.0
    step_x, step_y = size * 2.2, size * 2.6
    for x0, top, x1, bottom in rects:
        cols = int((x1 - x0 - size) // step_x)
        rows = int((bottom - top - size * 1.5) // step_y)
        if cols < 1 or rows < 1:
            continue
        margin = (x1 - x0 - (cols - 1) * step_x - size) / 2
        lit = rng.uniform(0, 1, (rows, cols)) < prob
        tone = rng.integers(0, len(warm), (rows, cols))
        for r in range(rows):
            wy = top + size * 1.2 + r * step_y
            for c in range(cols):
                wx = x0 + margin + c * step_x
                color = warm[tone[r, c]] if lit[r, c] else unlit
                draw.rectangle((wx, wy, wx + size - 1, wy + size * 1.4 - 1), fill=color)


def skyline(
    rng: np.random.Generator, width: int, base: float, tall: float, unit: float
) -> tuple[Array, list[Rect]]:
    """City blocks and spires standing on `base`: (ridge, building rectangles)."""
    ridge = np.full(width, base, dtype=np.float32)
    rects: list[Rect] = []
    x = -float(rng.uniform(0, unit * 2))
    while x < width:
        w = unit * float(rng.uniform(1.2, 3.2))
        h = tall * float(rng.uniform(0.35, 1.0)) * (1.35 if rng.uniform() < 0.1 else 1.0)
        lo, hi = max(0, int(x)), min(width, int(x + w))
        top = base - h
        if hi > lo:
            ridge[lo:hi] = np.minimum(ridge[lo:hi], top)
            rects.append((x, top, x + w, base))
            roof = rng.uniform()
            cx, span = x + w / 2, np.arange(lo, hi, dtype=np.float32)
            if roof < 0.15:  # a spire
                spire = top - w * 1.2 * (1 - np.abs(span - cx) / (w * 0.25))
                ridge[lo:hi] = np.minimum(
                    ridge[lo:hi], np.where(np.abs(span - cx) < w * 0.25, spire, top)
                )
            elif roof < 0.25:  # a dome
                dome = np.sqrt(np.clip(1 - ((span - cx) / (w * 0.4)) ** 2, 0, 1)) * w * 0.4
                ridge[lo:hi] = np.minimum(ridge[lo:hi], top - dome)
        x += w + (unit * float(rng.uniform(0.1, 0.6)) if rng.uniform() < 0.3 else 0.0)
    return ridge, rects


def castle(
    img: Image.Image,
    rng: np.random.Generator,
    pal: Palette,
    cx: float,
    base: float,
    s: float,
    stone: Color,
    roof: Color,
) -> None:
    """A castle: crenellated curtain wall, towers with conical roofs, lit windows at night."""
    width = img.width
    x = np.arange(width, dtype=np.float32)
    far = float(width + 10) * 4
    stone_ridge = np.full(width, far, dtype=np.float32)
    roof_top = np.full(width, far, dtype=np.float32)
    roof_base = np.full(width, far, dtype=np.float32)
    merlon = max(2.0, s * 0.035)
    half = s * float(rng.uniform(0.9, 1.3))
    wall_top = base - s * 0.32
    crenel = ((x // merlon) % 2 == 0) * merlon
    in_wall = np.abs(x - cx) < half
    stone_ridge = np.where(in_wall, wall_top - crenel, stone_ridge)
    towers = [cx - half, cx + half, cx + float(rng.uniform(-0.3, 0.3)) * half]
    towers += [cx + float(rng.uniform(-0.8, 0.8)) * half for _ in range(int(rng.integers(0, 2)))]
    rects: list[Rect] = []
    for i, tx in enumerate(towers):
        keep = i == 2
        tw = s * (0.2 if keep else float(rng.uniform(0.11, 0.15)))
        top = base - s * (float(rng.uniform(0.95, 1.15)) if keep else float(rng.uniform(0.55, 0.8)))
        inside = np.abs(x - tx) < tw / 2
        stone_ridge = np.where(inside, np.minimum(stone_ridge, top), stone_ridge)
        rects.append((tx - tw / 2 + tw * 0.2, top, tx + tw / 2 - tw * 0.2, base - s * 0.35))
        if rng.uniform() < 0.7 or keep:
            over = tw * 0.62
            cone = top - s * 0.3 * (1 - np.abs(x - tx) / over)
            under = np.abs(x - tx) < over
            roof_top = np.where(under, np.minimum(roof_top, cone), roof_top)
            roof_base = np.where(under, np.minimum(roof_base, np.maximum(cone, top)), roof_base)
        else:
            cren = ((x // merlon) % 2 == 0) * merlon
            stone_ridge = np.where(inside, np.minimum(stone_ridge, top - cren), stone_ridge)
    paint_band(img, stone_ridge.astype(np.float32), stone, np.full(width, base, dtype=np.float32))
    paint_band(img, roof_top.astype(np.float32), roof, roof_base.astype(np.float32))
    windows(img, rng, pal, rects, max(1.5, s * 0.035), stone, lit_boost=0.2)


def house(
    img: Image.Image,
    rng: np.random.Generator,
    pal: Palette,
    x: float,
    base: float,
    s: float,
    wall: Color,
    roof: Color,
) -> Point:
    """A cottage with a pitched roof, a chimney, a door and windows; returns the chimney top."""
    w = s * float(rng.uniform(1.0, 1.5))
    h = s * float(rng.uniform(0.55, 0.75))
    rise = s * float(rng.uniform(0.4, 0.6))
    eave = s * 0.12
    top = base - h
    chimney_x = x + w * float(rng.uniform(0.15, 0.65))

    def shapes(d: ImageDraw.ImageDraw, m: Callable[[float, float], Point]) -> None:
        d.polygon([m(x, base), m(x, top), m(x + w, top), m(x + w, base)], fill=255)

    def roof_shape(d: ImageDraw.ImageDraw, m: Callable[[float, float], Point]) -> None:
        cx0, cy0 = m(chimney_x, top - rise * 0.95)
        cx1, _ = m(chimney_x + s * 0.12, top)
        d.rectangle((cx0, cy0, cx1, m(0, top)[1]), fill=255)
        d.polygon(
            [m(x - eave, top + 1), m(x + w / 2, top - rise), m(x + w + eave, top + 1)], fill=255
        )

    box = (int(x - eave) - 2, int(top - rise) - 2, int(x + w + eave) + 3, int(base) + 2)
    draw_shape(img, box, wall, shapes)
    draw_shape(img, box, roof, roof_shape)
    draw = ImageDraw.Draw(img)
    door_w = s * 0.2
    door_x = x + w * float(rng.uniform(0.15, 0.75))
    draw.rectangle((door_x, base - h * 0.6, door_x + door_w, base), fill=rgb(scale(wall, 0.45)))
    win = max(1.5, s * 0.16)
    wx = door_x + door_w + win * 0.8 if door_x < x + w / 2 else x + w * 0.12
    lit = rng.uniform() < pal.window_prob * 2
    color = pal.window if lit else mix(scale(wall, 0.5), pal.sky_mid, 0.3)
    draw.rectangle((wx, top + h * 0.25, wx + win, top + h * 0.25 + win), fill=rgb(color))
    return (chimney_x + s * 0.06, top - rise * 0.95)
