"""Reusable landscape layers built from the terrain primitives, and the drawing context."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageDraw

from vignette.providers.procedural.canvas import (
    Array,
    Color,
    mix,
    paint_band,
    rgb,
    scale,
    stripe_image,
    to_image,
)
from vignette.providers.procedural.palette import Palette
from vignette.providers.procedural.props import bare_tree, lollipop_tree
from vignette.providers.procedural.scene import Scene
from vignette.providers.procedural.terrain import ground_fill, hills, paint_mountains, trees


@dataclass
class Ctx:
    """Everything a composer needs: the canvas, randomness, colours and the parsed scene."""

    img: Image.Image
    rng: np.random.Generator
    pal: Palette
    scene: Scene
    horizon: float
    body: tuple[float, float]

    @property
    def w(self) -> int:
        """Canvas width."""
        return self.img.width

    @property
    def h(self) -> int:
        """Canvas height."""
        return self.img.height

    @property
    def winter(self) -> bool:
        """Whether the ground is under snow."""
        return self.scene.season == "winter"

    def has(self, *names: str) -> bool:
        """Whether the passage mentions any of these settings or objects."""
        mentioned = (*self.scene.features, *self.scene.objects)
        return any(name in mentioned for name in names)

    def ground_color(self) -> Color:
        """Bare ground for the season: grass, or snow in winter."""
        return self.pal.snow if self.winter else self.pal.grass

    def foliage(self) -> Color:
        """One foliage colour of the season, chosen at random."""
        return self.pal.foliage[int(self.rng.integers(0, len(self.pal.foliage)))]


def backdrop(ctx: Ctx, depth: float = 0.85) -> None:
    """Far hills or, when mentioned, a far mountain range along the horizon."""
    if ctx.has("mountains") or ctx.scene.setting == "mountains":
        color = ctx.pal.far(ctx.pal.rock, depth)
        snow = ctx.pal.far(ctx.pal.snow, depth * 0.8)
        paint_mountains(
            ctx.img, ctx.rng, ctx.horizon, 0.3 * ctx.h, color, snow, 0.5, ctx.pal.sky_horizon
        )
    else:
        ridge = hills(ctx.rng, ctx.w, ctx.horizon + 0.01 * ctx.h, 0.08 * ctx.h, 2.5)
        paint_band(ctx.img, ridge, ctx.pal.far(ctx.ground_color(), depth))


def treeline(
    ctx: Ctx,
    base: Array,
    height: float,
    depth: float,
    conifer: bool,
    *,
    density: float = 0.45,
    keep: tuple[float, float] | None = None,
    groups: int = 1,
) -> Array:
    """A painted line of trees standing on `base`; returns its top outline."""
    top = base.copy()
    for _ in range(groups):
        ridge = trees(ctx.rng, base, height, height * density * groups, conifer, keep)
        color = ctx.pal.conifer if conifer else ctx.foliage()
        paint_band(ctx.img, ridge, ctx.pal.far(color, depth))
        if ctx.winter and depth < 0.9:
            # Snow lies on the upper edges of the branches.
            lower = ridge + max(1.0, 0.02 * height)
            paint_band(ctx.img, ridge, ctx.pal.far(ctx.pal.snow, depth), lower)
        top = np.minimum(top, ridge)
    return top


def ground(ctx: Ctx, base: float, amp: float, depth: float, cells: float = 1.5) -> Array:
    """Near rolling ground with a gradient fill; returns its outline."""
    ridge = hills(ctx.rng, ctx.w, base, amp, cells)
    far = ctx.pal.far(ctx.ground_color(), depth)
    near = scale(ctx.pal.lit(ctx.ground_color()), 0.72)
    paint_band(ctx.img, ridge, ground_fill(ctx.w, ctx.h, float(ridge.min()), near, far))
    return ridge


def road(ctx: Ctx, top: float, vanish_x: float) -> None:
    """A road winding from the bottom of the picture to a vanishing point."""
    width, height = ctx.img.size
    y0 = int(top)
    if y0 >= height - 2:
        return
    rows = np.arange(y0, height, dtype=np.float32)[:, None]
    t = (rows - y0) / (height - y0)
    bend = float(ctx.rng.uniform(-0.35, 0.35)) * width
    center = vanish_x + bend * (1 - t) * t * 2 + (width / 2 - vanish_x) * t**1.5
    half = 1.0 + t * width * 0.28
    x = np.arange(width, dtype=np.float32)[None, :]
    cov = np.clip(x - (center - half) + 0.5, 0, 1) * np.clip(center + half - x + 0.5, 0, 1)
    road_col = ctx.pal.lit(ctx.pal.road)
    far_col = ctx.pal.far(ctx.pal.road, 0.5)
    near_col = np.asarray(scale(road_col, 0.85), dtype=np.float32)
    shade = np.asarray(far_col, dtype=np.float32) + (near_col - np.asarray(far_col)) * t
    band = stripe_image(shade, (width, height - y0), vertical=True)
    ctx.img.paste(band, (0, y0), to_image(cov * 255.0))


def meadow_details(ctx: Ctx, top: float, flowers: bool) -> None:
    """Grass tufts and (optionally) flowers scattered over the foreground."""
    width, height = ctx.img.size
    draw = ImageDraw.Draw(ctx.img)
    rng = ctx.rng
    grass = ctx.pal.lit((150, 130, 90) if ctx.winter else ctx.pal.grass)
    count = int(width * (height - top) / (2500 if ctx.winter else 900))
    near = rng.uniform(0, 1, count) ** 0.7  # more, and larger, towards the viewer
    xs, ys = rng.uniform(0, width, count), top + near * (height - top)
    blades = height * 0.03 * (0.3 + near) * rng.uniform(0.5, 1.2, count)
    tones = rng.uniform(0.55, 1.1, count)
    leans = rng.uniform(-0.4, 0.4, count)
    for x, y, n, blade, tone, lean in zip(xs, ys, near, blades, tones, leans, strict=True):
        color = rgb(scale(grass, float(tone)))
        draw.line(
            (x, y, x + lean * blade, y - blade), fill=color, width=max(1, int(n * width / 600))
        )
    if not flowers or ctx.winter:
        return
    choices: list[Color] = [
        (230, 60, 60),
        (250, 220, 70),
        (245, 245, 245),
        (170, 110, 220),
        (250, 150, 190),
    ]
    if ctx.pal.accent is not None:
        choices = [ctx.pal.accent, ctx.pal.accent, *choices]
    palette = [rgb(ctx.pal.lit(c)) for c in choices]
    count = int(count * 0.7)
    near = rng.uniform(0, 1, count) ** 0.8
    xs, ys = rng.uniform(0, width, count), top + near * (height - top)
    radii = np.maximum(1.0, width / 400 * (0.4 + 1.6 * near))
    kinds = rng.integers(0, len(palette), count)
    for x, y, r, k in zip(xs, ys, radii, kinds, strict=True):
        draw.ellipse((x - r, y - r * 0.8, x + r, y + r * 0.8), fill=palette[int(k)])


def lone_trees(ctx: Ctx, outline: Array, count: int, height: float, depth: float) -> None:
    """A few free-standing trees planted on an outline (bare ones in winter)."""
    for _ in range(count):
        x = float(ctx.rng.uniform(0.03, 0.97)) * ctx.w
        base = float(outline[min(ctx.w - 1, int(x))]) + height * 0.03
        h = height * float(ctx.rng.uniform(0.7, 1.2))
        trunk = ctx.pal.far(mix((70, 50, 35), ctx.pal.foliage[0], 0.2), depth)
        if ctx.winter:
            bare_tree(ctx.img, ctx.rng, x, base, h, ctx.pal.far((60, 50, 45), depth))
        else:
            lollipop_tree(ctx.img, x, base, h, ctx.pal.far(ctx.foliage(), depth), trunk)
