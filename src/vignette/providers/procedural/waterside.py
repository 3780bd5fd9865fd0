"""Compositions around open water: the sea with its shore, a river or lake."""

from __future__ import annotations

import numpy as np
from PIL import ImageDraw

from vignette.providers.procedural.canvas import Array, Color, mix, noise1d, paint_band, rgb, scale
from vignette.providers.procedural.layers import (
    Ctx,
    backdrop,
    ground,
    lone_trees,
    meadow_details,
    treeline,
)
from vignette.providers.procedural.props import lighthouse, ship
from vignette.providers.procedural.structures import castle as draw_castle
from vignette.providers.procedural.terrain import ground_fill, hills, paint_mountains
from vignette.providers.procedural.water import paint_water


def sea(ctx: Ctx) -> None:
    """The open sea to the horizon, a headland, a ship or lighthouse, a beach in front."""
    h, w, rng, pal = ctx.h, ctx.w, ctx.rng, ctx.pal
    side = 1.0 if rng.uniform() < 0.5 else -1.0  # which side the headland stands on
    if ctx.has("mountains"):
        far = pal.far(pal.rock, 0.8)
        paint_mountains(ctx.img, rng, ctx.horizon + 1, 0.18 * h, far, None, 1.0, pal.sky_horizon)
    calm = ctx.scene.weather in ("clear", "fog")
    paint_water(ctx.img, rng, pal, int(ctx.horizon), ctx.body, mirror=False, calm=calm)
    if ctx.has("tower", "castle", "mountains") or rng.uniform() < 0.6:
        _headland(ctx, side)
    if ctx.has("ship"):
        sx = w * float(rng.uniform(0.2, 0.45) if side > 0 else rng.uniform(0.55, 0.8))
        white: Color = (240, 235, 220)
        sail = mix(white, pal.accent, 0.8) if pal.accent is not None else white
        hull = pal.far((60, 40, 30), 0.3)
        ship(ctx.img, sx, ctx.horizon + 0.08 * h, 0.09 * h, hull, pal.far(sail, 0.25))
    if rng.uniform() < 0.55:
        _beach(ctx, -side)


def _headland(ctx: Ctx, side: float) -> None:
    """A cape running from the horizon down to one lower corner, with a surf line."""
    h, w, rng, pal = ctx.h, ctx.w, ctx.rng, ctx.pal
    x = np.arange(w, dtype=np.float32)
    edge = x / w if side > 0 else 1.0 - x / w  # 0 on the open-sea side
    start = float(rng.uniform(0.55, 0.75))
    t = np.clip((edge - start) / (1.0 - start), 0.0, 1.0)
    rise = 1.0 - (1.0 - t) ** 2.5
    height = 0.1 * h * rise * (1 + 0.2 * noise1d(rng, w, 6.0))
    land = np.where(t > 0, ctx.horizon + 1 - height, float(h) * 2).astype(np.float32)
    # The shore below the horizon comes towards the viewer, so the cape widens downwards.
    shore = np.where(t > 0, ctx.horizon + 1 + (h - ctx.horizon) * 1.6 * t**1.4, 2.0 * h)
    shore = shore.astype(np.float32)
    rock = pal.snow if ctx.winter else mix(pal.rock, pal.grass, 0.35)
    near = pal.far(scale(rock, 0.7), 0.2)
    fill = ground_fill(w, h, float(land.min()), near, pal.far(rock, 0.6))
    foam = pal.far(mix(pal.sky_horizon, (250, 250, 250), 0.6), 0.3)
    paint_band(ctx.img, shore, foam, shore + max(1.0, 0.006 * h))
    paint_band(ctx.img, land, fill, np.maximum(shore, land))
    high = np.flatnonzero(rise > 0.7)
    if high.size == 0:
        return
    tip = float(high[0] if side > 0 else high[-1])
    top = float(land[int(tip)])
    if ctx.has("castle"):
        stone, roof = pal.far(pal.stone, 0.5), pal.far((70, 80, 110), 0.5)
        draw_castle(ctx.img, rng, pal, tip + side * 0.1 * w, top + 0.03 * h, 0.12 * h, stone, roof)
    elif ctx.has("tower"):
        body = pal.far((235, 230, 225), 0.4)
        lighthouse(ctx.img, pal, tip + side * 0.05 * w, top + 0.02 * h, 0.13 * h, body)


def _beach(ctx: Ctx, side: float) -> None:
    """A sandy shore rising towards one lower corner, edged with surf."""
    h, w, rng, pal = ctx.h, ctx.w, ctx.rng, ctx.pal
    x = np.arange(w, dtype=np.float32)
    t = 1.0 - x / w if side > 0 else x / w
    shore = (h * (1.02 - 0.22 * t**1.3) + 0.01 * h * noise1d(rng, w, 5.0)).astype(np.float32)
    foam = pal.far(mix(pal.sky_horizon, (250, 250, 250), 0.6), 0.2)
    paint_band(ctx.img, shore - 0.012 * h, foam, shore)
    sand = pal.snow if ctx.winter else pal.sand
    paint_band(ctx.img, shore, pal.far(scale(sand, 0.92), 0.1))


def river(ctx: Ctx) -> None:
    """Still water mirroring the far bank, with reeds and trees on the near bank."""
    h, w, rng, pal = ctx.h, ctx.w, ctx.rng, ctx.pal
    backdrop(ctx, 0.85)
    bank = hills(rng, w, ctx.horizon + 0.02 * h, 0.025 * h, 2.0)
    conifer = ctx.winter or rng.uniform() < 0.5
    clearing = None
    if rng.uniform() < 0.4:  # sometimes an open stretch of bank, so the water reads as wide
        clearing = (w * float(rng.uniform(0.1, 0.6)), w * 0.7)
    treeline(ctx, bank, 0.1 * h, 0.55, conifer, keep=clearing)
    paint_band(ctx.img, bank, pal.far(ctx.ground_color(), 0.5))
    water_top = int(float(bank.max()) + 1)
    ice = ctx.winter and ctx.scene.weather != "rain"
    paint_water(ctx.img, rng, pal, water_top, ctx.body, mirror=True, calm=True)
    if ice:
        # Frozen: snow lies on the ice except for a glassy strip by the far bank.
        ice_top = (water_top + 0.06 * h + 0.02 * h * noise1d(rng, w, 3.0)).astype(np.float32)
        paint_band(ctx.img, ice_top, pal.far(mix(pal.snow, pal.sky_mid, 0.2), 0.3))
    if ctx.has("ship"):
        ship(
            ctx.img,
            w * float(rng.uniform(0.25, 0.75)),
            water_top + 0.12 * h,
            0.05 * h,
            pal.far((70, 50, 35), 0.3),
            pal.far((235, 230, 215), 0.3),
        )
    near = ground(ctx, h * 0.86, 0.05 * h, 0.12, cells=2.0)
    meadow_details(ctx, float(near.min()), ctx.has("flowers"))
    if not ctx.winter:
        _reeds(ctx, near)
    lone_trees(ctx, near, int(rng.integers(0, 2)), 0.4 * h, 0.05)


def _reeds(ctx: Ctx, outline: Array) -> None:
    """Reeds along the near bank, some with seed heads."""
    h, w, rng, pal = ctx.h, ctx.w, ctx.rng, ctx.pal
    draw = ImageDraw.Draw(ctx.img)
    count = w // 6
    xs = rng.uniform(0, w, count)
    ys = outline[np.minimum(w - 1, xs.astype(int))] + 0.02 * h
    tall = 0.12 * h * rng.uniform(0.4, 1.0, count)
    lean = tall * rng.uniform(-0.15, 0.15, count)
    tones = rng.uniform(0.5, 0.9, count)
    heads = rng.uniform(0, 1, count) < 0.25
    stem = pal.lit(mix(pal.grass, (120, 110, 60), 0.5))
    head = rgb(pal.lit((90, 60, 40)))
    r, thick = max(1.0, w / 600), max(1, w // 500)
    for x, y, t, dx, tone, seed in zip(xs, ys, tall, lean, tones, heads, strict=True):
        draw.line((x, y, x + dx, y - t), fill=rgb(scale(stem, float(tone))), width=thick)
        if seed:
            draw.ellipse((x + dx - r, y - t - 4 * r, x + dx + r, y - t), fill=head)
