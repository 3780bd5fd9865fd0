"""Open-country compositions: field, forest, mountains, desert, garden, road."""

from __future__ import annotations

import numpy as np

from vignette.providers.procedural.canvas import mix, paint_band, scale
from vignette.providers.procedural.layers import (
    Ctx,
    backdrop,
    ground,
    lone_trees,
    meadow_details,
    road,
    treeline,
)
from vignette.providers.procedural.props import lollipop_tree
from vignette.providers.procedural.terrain import (
    dunes,
    faded_fill,
    hills,
    paint_faded,
    paint_mountains,
)


def field(ctx: Ctx, force_road: bool = False) -> None:
    """Rolling meadow or steppe under a wide sky, with trees, flowers and a road if mentioned."""
    h, w = ctx.h, ctx.w
    backdrop(ctx)
    mid = hills(ctx.rng, w, ctx.horizon + 0.05 * h, 0.06 * h, 2.0)
    if ctx.has("forest", "trees") or ctx.rng.uniform() < 0.35:
        conifer = ctx.winter or ctx.rng.uniform() < 0.4
        keep = (0.0, w * float(ctx.rng.uniform(0.2, 0.6))) if not ctx.has("forest") else None
        treeline(ctx, mid + 0.01 * h, 0.07 * h, 0.6, conifer, keep=keep)
    paint_band(ctx.img, mid, ctx.pal.far(ctx.ground_color(), 0.5))
    near = ground(ctx, ctx.horizon + 0.17 * h, 0.07 * h, 0.3)
    if force_road or ctx.has("road"):
        road(ctx, float(mid[int(w * 0.5)]) + 2, w * float(ctx.rng.uniform(0.35, 0.65)))
    if ctx.has("trees"):
        # A tree the passage mentions should be a subject, not a speck on the horizon.
        lone_trees(ctx, mid, int(ctx.rng.integers(0, 3)), 0.09 * h, 0.45)
        lone_trees(ctx, near, int(ctx.rng.integers(1, 3)), 0.45 * h, 0.05)
    elif ctx.rng.uniform() < 0.5:
        lone_trees(ctx, mid, int(ctx.rng.integers(1, 4)), 0.09 * h, 0.45)
        lone_trees(ctx, near, int(ctx.rng.integers(0, 3)), 0.3 * h, 0.05)
    flowers = ctx.has("flowers") or ctx.scene.season == "spring"
    meadow_details(ctx, float(near.min()), flowers)


def forest(ctx: Ctx) -> None:
    """Layers of tree lines fading into the haze, framed by big trees in front."""
    h, w, rng = ctx.h, ctx.w, ctx.rng
    backdrop(ctx, 0.9)
    conifer_p = {"winter": 1.0, "autumn": 0.3}.get(ctx.scene.season, 0.5)
    if ctx.scene.time == "night":
        conifer_p = max(conifer_p, 0.7)
    for i, (lift, height, depth) in enumerate(
        ((0.01, 0.07, 0.78), (0.07, 0.12, 0.55), (0.15, 0.18, 0.32))
    ):
        base = hills(rng, w, ctx.horizon + lift * h, 0.03 * h, 2.0)
        conifer = rng.uniform() < conifer_p
        groups = 1 if conifer or i == 0 else 2
        treeline(ctx, base, height * h, depth, conifer, groups=groups)
        paint_band(ctx.img, base + 0.02 * h, ctx.pal.far(ctx.ground_color(), depth))
    near = ground(ctx, ctx.horizon + 0.27 * h, 0.05 * h, 0.15)
    if ctx.has("road"):
        road(ctx, float(near.min()) + 2, w * float(rng.uniform(0.4, 0.6)))
    meadow_details(ctx, float(near.min()), ctx.has("flowers"))
    if rng.uniform() < conifer_p:
        gap = (w * float(rng.uniform(0.2, 0.35)), w * float(rng.uniform(0.65, 0.8)))
        frame = np.full(w, float(h) + 0.02 * h, dtype=np.float32)
        treeline(ctx, frame, 0.95 * h, 0.04, True, density=0.3, keep=gap)
    else:
        _framing_trees(ctx)


def _framing_trees(ctx: Ctx) -> None:
    """Big broadleaf trees at the picture edges, crowns partly cut off by the frame."""
    h, w, rng = ctx.h, ctx.w, ctx.rng
    for x in (w * float(rng.uniform(0.0, 0.12)), w * float(rng.uniform(0.88, 1.0))):
        crown = ctx.pal.far(ctx.foliage(), 0.05)
        trunk = ctx.pal.far((62, 45, 32), 0.05)
        lollipop_tree(ctx.img, x, h * 1.02, h * float(rng.uniform(0.95, 1.15)), crown, trunk)


def mountains(ctx: Ctx) -> None:
    """Two ranges with snowy peaks, forested foothills and a meadow in front."""
    h, w, rng = ctx.h, ctx.w, ctx.rng
    pal = ctx.pal
    paint_mountains(
        ctx.img,
        rng,
        ctx.horizon,
        0.42 * h,
        pal.far(pal.rock, 0.7),
        pal.far(pal.snow, 0.45),
        0.45,
        pal.sky_horizon,
    )
    snow_near = pal.far(pal.snow, 0.3) if ctx.winter or rng.uniform() < 0.4 else None
    paint_mountains(
        ctx.img,
        rng,
        ctx.horizon + 0.06 * h,
        0.25 * h,
        pal.far(mix(pal.rock, (90, 80, 70), 0.4), 0.42),
        snow_near,
        0.35,
        pal.sky_horizon,
    )
    base = hills(rng, w, ctx.horizon + 0.14 * h, 0.05 * h, 2.5)
    treeline(ctx, base, 0.07 * h, 0.3, True)
    paint_band(ctx.img, base + 0.015 * h, pal.far(ctx.ground_color(), 0.3))
    near = ground(ctx, ctx.horizon + 0.26 * h, 0.06 * h, 0.15)
    if ctx.has("road"):
        road(ctx, float(base.max()) + 2, w * float(rng.uniform(0.3, 0.7)))
    meadow_details(ctx, float(near.min()), ctx.has("flowers") or ctx.scene.season == "spring")


def desert(ctx: Ctx) -> None:
    """Sand dunes with lit and shadowed faces, sharper and larger towards the viewer."""
    h, w, rng = ctx.h, ctx.w, ctx.rng
    pal = ctx.pal
    if ctx.has("mountains"):
        backdrop(ctx, 0.85)
    for lift, amp, cells, depth in (
        (0.0, 0.05, 3.0, 0.7),
        (0.08, 0.1, 2.0, 0.42),
        (0.25, 0.16, 1.3, 0.12),
    ):
        ridge, lit = dunes(rng, w, ctx.horizon + lift * h, amp * h, cells)
        light = pal.far(scale(pal.sand, 1.05), depth)
        shadow = pal.far(mix(scale(pal.sand, 0.68), (150, 90, 80), 0.2), depth)
        body = mix(light, shadow, 0.35)
        fill = faded_fill(h, ridge, lit, light, shadow, body, amp * h * 1.2, shear=0.9)
        paint_faded(ctx.img, ridge, fill, body)


def garden(ctx: Ctx) -> None:
    """Trees behind a clipped hedge, a lawn with flower beds and a path."""
    h, w, rng = ctx.h, ctx.w, ctx.rng
    backdrop(ctx, 0.9)
    base = hills(rng, w, ctx.horizon + 0.05 * h, 0.02 * h, 2.0)
    treeline(ctx, base, 0.2 * h, 0.55, False, density=0.35, groups=2)
    hedge_top = hills(rng, w, ctx.horizon + 0.06 * h, 0.01 * h, 6.0)
    paint_band(ctx.img, hedge_top, ctx.pal.far(mix(ctx.pal.conifer, ctx.pal.grass, 0.4), 0.35))
    lawn = ground(ctx, ctx.horizon + 0.13 * h, 0.015 * h, 0.25, cells=1.0)
    road(ctx, float(lawn.max()) + 1, w * float(rng.uniform(0.35, 0.65)))
    lone_trees(ctx, lawn, int(rng.integers(1, 3)), 0.35 * h, 0.05)
    meadow_details(ctx, float(lawn.min()), True)


def road_scene(ctx: Ctx) -> None:
    """A road across open country towards the horizon."""
    field(ctx, force_road=True)
