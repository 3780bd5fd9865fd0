"""An interior: a room with a window onto the outside, shelves, a table and a light source."""

from __future__ import annotations

from collections.abc import Callable

from PIL import Image, ImageDraw

from vignette.providers.procedural.canvas import (
    Color,
    draw_shape,
    glow,
    mix,
    paint_band,
    rgb,
    scale,
)
from vignette.providers.procedural.layers import Ctx
from vignette.providers.procedural.sky import paint_sky
from vignette.providers.procedural.terrain import ground_fill, hills, trees

Point = tuple[float, float]
_AMBIENT = {"day": 1.0, "dawn": 0.7, "dusk": 0.55, "night": 0.25}


def interior(ctx: Ctx) -> None:
    """Back wall, plank floor, window with the outside sky, and warm light at night."""
    h, w, rng, pal = ctx.h, ctx.w, ctx.rng, ctx.pal
    ambient = _AMBIENT[ctx.scene.time] * (0.8 if ctx.scene.weather in ("rain", "storm") else 1.0)
    stone = ctx.has("castle")
    wall: Color = pal.grade((128, 122, 116) if stone else (150, 112, 78))
    floor_y = int(h * float(rng.uniform(0.7, 0.76)))
    wall_light = scale(wall, ambient)
    top = scale(wall_light, 0.75)
    ctx.img.paste(ground_fill(w, floor_y, 0.0, scale(wall_light, 1.05), top))
    _floor(ctx, floor_y, scale(mix(wall, (95, 60, 35), 0.6), ambient))
    win_left = rng.uniform() < 0.5
    wx0 = w * float(rng.uniform(0.08, 0.18) if win_left else rng.uniform(0.52, 0.62))
    box = (int(wx0), int(h * 0.14), int(wx0 + w * 0.3), int(h * 0.56))
    _window(ctx, box)
    if rng.uniform() < 0.7:
        sx = w * 0.62 if win_left else w * 0.06
        _shelves(ctx, (sx, h * 0.12, sx + w * 0.3, floor_y - h * 0.02), ambient)
    if ctx.has("fire") or ctx.scene.time in ("night", "dusk"):
        x, y, reach = _table_with_candle(ctx, w * float(rng.uniform(0.35, 0.65)), floor_y, ambient)
        # Candle light fills a dark room but hardly shows in daylight.
        glow(ctx.img, [(x, y, reach, 0.85 - 0.5 * ambient)], pal.grade((255, 175, 90)))
        _flame(ctx.img, x, y, reach)


def _floor(ctx: Ctx, floor_y: int, color: Color) -> None:
    """Wooden planks receding towards the middle of the back wall."""
    h, w = ctx.h, ctx.w
    ctx.img.paste(ground_fill(w, h - floor_y, 0.0, scale(color, 0.6), color), (0, floor_y))
    draw = ImageDraw.Draw(ctx.img)
    line = rgb(scale(color, 0.7))
    vx = w / 2
    for i in range(-12, 13):
        xb = vx + i * w / 8
        draw.line((vx + (xb - vx) * 0.35, floor_y, xb, h), fill=line, width=max(1, w // 700))
    draw.line((0, floor_y, w, floor_y), fill=rgb(scale(color, 0.5)), width=max(2, h // 150))


def _window(ctx: Ctx, box: tuple[int, int, int, int]) -> None:
    pal, rng = ctx.pal, ctx.rng
    x0, y0, x1, y1 = box
    size = (x1 - x0, y1 - y0)
    view = Image.new("RGB", size)
    horizon = size[1] * 0.78
    body = (size[0] * float(rng.uniform(0.3, 0.7)), size[1] * 0.3)
    paint_sky(view, pal, rng, horizon, body, ctx.scene.time == "night")
    ridge = hills(rng, size[0], horizon, size[1] * 0.1, 2.0)
    if ctx.has("forest", "trees", "garden") or rng.uniform() < 0.5:
        ridge = trees(rng, ridge, size[1] * 0.18, size[1] * 0.08, ctx.winter)
    paint_band(view, ridge, pal.far(pal.conifer if ctx.winter else pal.foliage[0], 0.5))
    ctx.img.paste(view, (x0, y0))
    draw = ImageDraw.Draw(ctx.img)
    frame = rgb(scale(pal.grade((95, 65, 40)), _AMBIENT[ctx.scene.time] * 0.9 + 0.1))
    bar = max(2, (x1 - x0) // 30)
    draw.rectangle((x0, y0, x1, y1), outline=frame, width=bar * 2)
    draw.rectangle(((x0 + x1) // 2 - bar // 2, y0, (x0 + x1) // 2 + bar // 2, y1), fill=frame)
    draw.rectangle((x0, (y0 + y1) // 2 - bar // 2, x1, (y0 + y1) // 2 + bar // 2), fill=frame)
    draw.rectangle((x0 - bar * 2, y1, x1 + bar * 2, y1 + bar * 2), fill=frame)
    curtain = pal.accent if pal.accent is not None else (140, 40, 45)
    cur = scale(pal.grade(curtain), _AMBIENT[ctx.scene.time] * 0.8 + 0.1)
    drop = (y1 - y0) * 1.15

    def curtains(d: ImageDraw.ImageDraw, m: Callable[[float, float], Point]) -> None:
        cw = (x1 - x0) * 0.22
        d.polygon(
            [
                m(x0 - cw * 0.6, y0 - bar * 3),
                m(x0 + cw, y0 - bar * 3),
                m(x0 + cw * 0.2, y0 + drop * 0.55),
                m(x0 + cw * 0.5, y0 + drop),
                m(x0 - cw * 0.6, y0 + drop),
            ],
            fill=255,
        )
        d.polygon(
            [
                m(x1 + cw * 0.6, y0 - bar * 3),
                m(x1 - cw, y0 - bar * 3),
                m(x1 - cw * 0.2, y0 + drop * 0.55),
                m(x1 - cw * 0.5, y0 + drop),
                m(x1 + cw * 0.6, y0 + drop),
            ],
            fill=255,
        )

    pad = int((x1 - x0) * 0.2)
    draw_shape(ctx.img, (x0 - pad, y0 - bar * 4, x1 + pad, int(y0 + drop) + 2), cur, curtains)


def _shelves(ctx: Ctx, box: tuple[float, float, float, float], ambient: float) -> None:
    rng, pal = ctx.rng, ctx.pal
    x0, y0, x1, y1 = box
    draw = ImageDraw.Draw(ctx.img)
    wood = scale(pal.grade((90, 58, 34)), ambient)
    draw.rectangle((x0, y0, x1, y1), fill=rgb(scale(wood, 0.6)))
    shelf_h = (y1 - y0) / 4
    board = max(2, int(shelf_h * 0.08))
    spines: list[Color] = [
        (140, 40, 40),
        (40, 70, 120),
        (50, 100, 60),
        (150, 120, 60),
        (90, 50, 90),
    ]
    for i in range(4):
        sy = y0 + (i + 1) * shelf_h
        x = x0 + board
        while x < x1 - board * 3:
            bw = shelf_h * float(rng.uniform(0.1, 0.2))
            bh = shelf_h * float(rng.uniform(0.6, 0.85))
            if x + bw > x1 - board:
                break
            color = scale(
                pal.grade(spines[int(rng.integers(0, len(spines)))]),
                ambient * float(rng.uniform(0.7, 1.1)),
            )
            draw.rectangle((x, sy - bh, x + bw, sy - board), fill=rgb(color))
            x += bw + 1
        draw.rectangle((x0, sy - board, x1, sy), fill=rgb(wood))
    draw.rectangle((x0, y0, x1, y1), outline=rgb(wood), width=board * 2)


def _table_with_candle(
    ctx: Ctx, x: float, floor_y: int, ambient: float
) -> tuple[float, float, float]:
    """A table with a candle on it; returns the flame position and how far its light reaches."""
    h, w = ctx.h, ctx.w
    draw = ImageDraw.Draw(ctx.img)
    wood = ctx.pal.grade((120, 72, 40))
    top = floor_y - h * 0.1
    half = w * 0.2
    edge = max(2, h // 90)
    # The table top catches the candle light; its apron and legs stay dark.
    draw.rectangle(
        (x - half, top, x + half, top + edge), fill=rgb(scale(wood, 0.5 + 0.5 * ambient))
    )
    draw.rectangle(
        (x - half, top + edge, x + half, top + edge * 4),
        fill=rgb(scale(wood, 0.25 + 0.3 * ambient)),
    )
    leg = max(2, w // 90)
    for lx in (x - half * 0.9, x + half * 0.9 - leg):
        draw.rectangle(
            (lx, top + edge * 4, lx + leg, h * 0.97), fill=rgb(scale(wood, 0.2 + 0.3 * ambient))
        )
    cw, ch = w * 0.008, h * 0.06
    cream = ctx.pal.grade((236, 222, 190))
    draw.ellipse((x - cw * 3, top - edge, x + cw * 3, top + edge), fill=rgb(scale(cream, 0.55)))
    draw.rectangle((x - cw, top - ch, x + cw, top), fill=rgb(scale(cream, 0.4 + 0.5 * ambient)))
    flame_y = top - ch - h * 0.02
    return (x, flame_y, 0.4 * h)


def _flame(img: Image.Image, x: float, y: float, reach: float) -> None:
    """A candle flame: an orange teardrop with a pale core."""
    r = reach * 0.045

    def outer(d: ImageDraw.ImageDraw, m: Callable[[float, float], Point]) -> None:
        d.ellipse((*m(x - r * 0.5, y - r * 1.1), *m(x + r * 0.5, y + r * 0.9)), fill=255)

    def inner(d: ImageDraw.ImageDraw, m: Callable[[float, float], Point]) -> None:
        d.ellipse((*m(x - r * 0.25, y - r * 0.4), *m(x + r * 0.25, y + r * 0.8)), fill=255)

    box = (int(x - r) - 2, int(y - r * 1.5) - 2, int(x + r) + 3, int(y + r) + 3)
    draw_shape(img, box, (255, 170, 60), outer)
    draw_shape(img, box, (255, 245, 200), inner)
