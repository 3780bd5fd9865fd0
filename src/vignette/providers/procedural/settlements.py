"""Built-up compositions: city skyline, castle on a hill, village of cottages."""

from __future__ import annotations

import numpy as np
from PIL import ImageDraw

from vignette.providers.procedural.canvas import (
    Array,
    Color,
    glow,
    mix,
    paint_band,
    rgb,
    scale,
    stripe_image,
)
from vignette.providers.procedural.layers import Ctx, backdrop, ground, lone_trees, road, treeline
from vignette.providers.procedural.props import smoke
from vignette.providers.procedural.structures import castle as draw_castle
from vignette.providers.procedural.structures import house, skyline, windows
from vignette.providers.procedural.terrain import ground_fill, hills
from vignette.providers.procedural.water import paint_water


def city(ctx: Ctx) -> None:
    """Two rows of buildings, lit windows after dark, a street with lamps."""
    h, w, rng, pal = ctx.h, ctx.w, ctx.rng, ctx.pal
    city_wall = mix(pal.stone, (92, 96, 118), 0.55)
    for depth, lift, tall, unit in ((0.68, 0.0, 0.3, 0.025), (0.3, 0.08, 0.42, 0.05)):
        base = ctx.horizon + lift * h
        ridge, rects = skyline(rng, w, base, tall * h, unit * w)
        colors = np.empty((w, 3), dtype=np.float32)
        colors[:] = pal.far(city_wall, depth)
        for x0, _, x1, _ in rects:
            tone = mix(city_wall, pal.wall, float(rng.uniform(0, 0.6)))
            colors[max(0, int(x0)) : max(0, int(x1))] = pal.far(
                scale(tone, float(rng.uniform(0.8, 1.1))), depth
            )
        fill = stripe_image(colors, (w, h - int(ridge.min())), vertical=False)
        paint_band(ctx.img, ridge, fill)
        if depth < 0.5 or pal.dark:
            windows(ctx.img, rng, pal, rects, max(1.5, unit * w * 0.12), pal.far(city_wall, depth))
    street_top = int(ctx.horizon + 0.08 * h)
    near = scale(pal.lit(pal.road), 0.55)
    far = pal.far(pal.road, 0.4)
    ctx.img.paste(ground_fill(w, h, float(street_top), near, far), (0, street_top))
    if pal.window_prob > 0 or ctx.has("fire"):
        _street_lamps(ctx, street_top)


def _street_lamps(ctx: Ctx, street_top: int) -> None:
    h, w, rng, pal = ctx.h, ctx.w, ctx.rng, ctx.pal
    draw = ImageDraw.Draw(ctx.img)
    post = rgb(scale(pal.lit((40, 40, 45)), 1.0))
    glows = []
    for i in range(int(rng.integers(3, 6))):
        x = w * (i + float(rng.uniform(0.2, 0.8))) / 5
        top = street_top - 0.16 * h
        draw.line((x, street_top + 0.02 * h, x, top), fill=post, width=max(1, w // 400))
        r = max(2.0, 0.008 * h)
        draw.ellipse(
            (x - r, top - r, x + r, top + r), fill=rgb(mix(pal.window, (255, 255, 255), 0.4))
        )
        glows.append((x, top, 0.07 * h, 0.8))
    glow(ctx.img, glows, pal.window)


def castle(ctx: Ctx) -> None:
    """A castle on a hill above the land or water, with mountains or hills behind."""
    h, w, rng, pal = ctx.h, ctx.w, ctx.rng, ctx.pal
    backdrop(ctx, 0.85)
    cx = w * float(rng.uniform(0.35, 0.65))
    x = np.arange(w, dtype=np.float32)
    bump = np.exp(-(((x - cx) / (0.28 * w)) ** 2)) * 0.14 * h
    hill = (ctx.horizon + 0.16 * h - bump + 0.02 * h * np.sin(x / w * 7.0)).astype(np.float32)
    s = 0.26 * h
    roof: Color = pal.accent if pal.accent is not None else (70, 80, 110)
    stone = pal.far(scale(pal.stone, 0.8 if pal.dark else 1.0), 0.3)
    draw_castle(
        ctx.img, rng, pal, cx, float(hill[int(cx)]) + 0.02 * h, s, stone, pal.far(roof, 0.3)
    )
    if ctx.has("sea", "river"):
        paint_band(ctx.img, hill, pal.far(pal.rock, 0.4))
        water_top = int(ctx.horizon + 0.2 * h)
        paint_water(
            ctx.img, rng, pal, water_top, ctx.body, mirror=True, calm=ctx.scene.weather == "clear"
        )
        return
    treeline(
        ctx,
        hill + 0.01 * h,
        0.05 * h,
        0.45,
        ctx.winter or rng.uniform() < 0.5,
        keep=(cx - 0.3 * w, cx + 0.3 * w),
    )
    paint_band(ctx.img, hill, pal.far(ctx.ground_color(), 0.4))
    near = ground(ctx, ctx.horizon + 0.3 * h, 0.05 * h, 0.15)
    if ctx.has("road"):
        road(ctx, float(hill[int(cx)]) + 0.05 * h, cx)
    lone_trees(ctx, near, int(rng.integers(0, 3)), 0.3 * h, 0.05)


def village(ctx: Ctx) -> None:
    """Cottages on rolling ground among trees, the far row small, the near row larger."""
    h, w, rng, pal = ctx.h, ctx.w, ctx.rng, ctx.pal
    backdrop(ctx, 0.85)
    far_ground = hills(rng, w, ctx.horizon + 0.05 * h, 0.04 * h, 2.0)
    if ctx.has("forest", "trees") or rng.uniform() < 0.6:
        treeline(ctx, far_ground + 0.01 * h, 0.08 * h, 0.6, ctx.winter or rng.uniform() < 0.4)
    paint_band(ctx.img, far_ground, pal.far(ctx.ground_color(), 0.55))
    _house_row(ctx, far_ground, 0.055 * h, 0.5, int(rng.integers(3, 7)))
    near = ground(ctx, ctx.horizon + 0.16 * h, 0.04 * h, 0.3)
    if ctx.has("road"):
        road(ctx, float(near.max()) + 2, w * float(rng.uniform(0.3, 0.7)))
    lone_trees(ctx, near, int(rng.integers(1, 3)), 0.2 * h, 0.25)
    _house_row(ctx, near, 0.13 * h, 0.22, int(rng.integers(2, 4)))
    lone_trees(ctx, np.full(w, float(h), dtype=np.float32), int(rng.integers(0, 2)), 0.45 * h, 0.05)


def _house_row(ctx: Ctx, outline: Array, s: float, depth: float, count: int) -> None:
    w, rng, pal = ctx.w, ctx.rng, ctx.pal
    slots = np.sort(rng.choice(max(count, int(w / (s * 2.2))), size=count, replace=False))
    for slot in slots:
        x = float(slot) * s * 2.2 + float(rng.uniform(0, s * 0.4))
        if x > w - s:
            continue
        base = float(outline[min(w - 1, int(x + s * 0.6))]) + s * 0.15
        wall = mix(pal.wall, (120, 80, 50), float(rng.uniform(0, 0.7)))
        roof = pal.roof if ctx.winter else mix(pal.roof, (90, 70, 60), float(rng.uniform(0, 0.6)))
        chimney = house(ctx.img, rng, pal, x, base, s, pal.far(wall, depth), pal.far(roof, depth))
        if ctx.has("smoke") or (ctx.winter and rng.uniform() < 0.5):
            smoke(ctx.img, rng, pal, chimney[0], chimney[1], s)
