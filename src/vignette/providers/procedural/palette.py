"""Colours of a scene: sky and light by time and weather, materials by season, graded by
the colour words of the passage."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from vignette.providers.procedural.canvas import Color, luminance, mix, modulate, scale
from vignette.providers.procedural.scene import Scene

COLOUR_WORDS: dict[str, Color] = {
    "red": (205, 35, 35),
    "golden": (245, 180, 55),
    "yellow": (240, 215, 60),
    "orange": (240, 125, 35),
    "blue": (45, 90, 215),
    "turquoise": (50, 185, 180),
    "green": (50, 160, 60),
    "grey": (128, 128, 128),
    "black": (20, 20, 24),
    "white": (245, 245, 248),
    "purple": (130, 60, 175),
    "pink": (240, 135, 180),
    "silver": (205, 212, 225),
    "brown": (125, 80, 45),
}

# Clear-sky looks per time of day: top, middle, horizon, glow, sun/moon disk, light.
_SKIES: dict[str, tuple[Color, Color, Color, Color, Color, Color]] = {
    "day": (
        (52, 105, 200),
        (105, 155, 225),
        (200, 222, 240),
        (255, 250, 230),
        (255, 252, 238),
        (1.0, 0.98, 0.93),
    ),
    "dawn": (
        (55, 75, 150),
        (205, 140, 160),
        (255, 195, 140),
        (255, 205, 135),
        (255, 235, 180),
        (0.95, 0.8, 0.72),
    ),
    "dusk": (
        (30, 35, 95),
        (175, 80, 100),
        (255, 145, 60),
        (255, 150, 60),
        (255, 205, 120),
        (0.85, 0.6, 0.48),
    ),
    "night": (
        (4, 7, 24),
        (14, 24, 60),
        (38, 54, 96),
        (200, 212, 245),
        (240, 238, 220),
        (0.22, 0.28, 0.45),
    ),
}
_GLOW = {"day": (0.35, 0.22), "dawn": (0.75, 0.4), "dusk": (0.85, 0.45), "night": (0.3, 0.1)}
_OVERCAST = {"day": (150, 156, 166), "dawn": (160, 138, 140), "dusk": (120, 95, 100)}
_OVERCAST_NIGHT: Color = (26, 29, 40)
# weather: (sky->overcast mix, cloud cover, light factor, light desaturation, glow factor)
_WEATHER: dict[str, tuple[float, float, float, float, float]] = {
    "clear": (0.0, 0.1, 1.0, 0.0, 1.0),
    "wind": (0.1, 0.35, 1.0, 0.0, 1.0),
    "cloudy": (0.45, 0.6, 0.85, 0.3, 0.5),
    "fog": (0.65, 0.15, 0.9, 0.4, 0.5),
    "snow": (0.75, 0.75, 0.92, 0.4, 0.25),
    "rain": (0.75, 0.85, 0.72, 0.5, 0.15),
    "storm": (0.85, 0.92, 0.55, 0.5, 0.1),
}
_GRASS = {
    "summer": (85, 140, 55),
    "spring": (125, 178, 72),
    "autumn": (165, 138, 72),
    "winter": (232, 238, 246),
}
_FOLIAGE: dict[str, tuple[Color, ...]] = {
    "summer": ((45, 105, 45), (62, 122, 50), (36, 90, 42)),
    "spring": ((100, 168, 72), (132, 186, 92), (238, 188, 208)),
    "autumn": ((208, 112, 35), (224, 168, 45), (172, 62, 30), (150, 118, 40)),
    "winter": ((88, 78, 72), (98, 90, 84)),
}


@dataclass
class Palette:
    """Every colour the renderer needs, already graded for the scene."""

    sky_top: Color
    sky_mid: Color
    sky_horizon: Color
    glow: Color
    glow_strength: float
    glow_radius: float  # fraction of image height
    disk: Color
    celestial: str  # "sun", "moon" or "none"
    cloud_light: Color
    cloud_dark: Color
    cloud_cover: float
    cloud_stretch: float
    light: Color
    haze_strength: float
    grass: Color
    foliage: tuple[Color, ...]
    conifer: Color
    rock: Color
    snow: Color
    sand: Color
    stone: Color
    wall: Color
    roof: Color
    road: Color
    water: Color
    window: Color
    window_prob: float
    dark: bool
    accent: Color | None
    grade: Callable[[Color], Color] = field(repr=False)

    def far(self, c: Color, depth: float) -> Color:
        """A lit surface colour faded into the horizon haze; depth 0 is near, 1 is far."""
        return mix(modulate(c, self.light), self.sky_horizon, self.haze_strength * depth**1.1)

    def lit(self, c: Color) -> Color:
        """A surface colour under the scene light."""
        return modulate(c, self.light)


def _grade_one(c: Color, name: str, strength: float) -> Color:
    lum = luminance(c)
    if name == "grey":
        target: Color = (lum, lum, lum)
    elif name == "black":
        target = scale(mix(c, (lum, lum, lum), 0.5), 0.4)
    elif name == "white":
        target = mix(c, (246, 246, 250), 0.6)
    elif name == "silver":
        target = mix((lum, lum, lum), (212, 220, 235), 0.5)
    else:
        tint = COLOUR_WORDS[name]
        target = scale(tint, max(lum, 40.0) / luminance(tint))
    return mix(c, target, strength)


def make_grader(colours: tuple[str, ...], mood: str) -> Callable[[Color], Color]:
    """A function that pulls colours towards the passage's colour words and mood."""
    steps = [(name, s) for name, s in zip(colours, (0.38, 0.22, 0.12), strict=False)]

    def grade(c: Color) -> Color:
        for name, strength in steps:
            c = _grade_one(c, name, strength)
        if mood == "gloomy":
            lum = luminance(c)
            c = scale(mix(c, (lum, lum, lum), 0.25), 0.8)
        elif mood == "bright":
            lum = luminance(c)
            c = scale(mix((lum, lum, lum), c, 1.15), 1.08)
        return c

    return grade


def make_palette(scene: Scene) -> Palette:
    """The palette for a scene."""
    g = make_grader(scene.colours, scene.mood)
    top, mid, horizon, glow, disk, light = _SKIES[scene.time]
    glow_strength, glow_radius = _GLOW[scene.time]
    sky_mix, cover, light_k, desat, glow_k = _WEATHER[scene.weather]
    overcast = _OVERCAST_NIGHT if scene.time == "night" else _OVERCAST[scene.time]
    if scene.weather == "storm":
        overcast = scale(overcast, 0.55) if scene.time != "night" else (40, 44, 60)
    elif scene.weather in ("snow", "fog") and scene.time != "night":
        overcast = mix(overcast, (225, 228, 234), 0.6)
    top, mid, horizon = (mix(c, overcast, sky_mix) for c in (top, mid, horizon))
    light_lum = (light[0] + light[1] + light[2]) / 3
    light = scale(mix(light, (light_lum,) * 3, desat), light_k)
    dark = scene.time == "night" or (scene.weather == "storm" and scene.time != "day")
    celestial = _celestial(scene)
    is_night = scene.time == "night"
    fair = scene.weather in ("clear", "wind")
    cloud_light: Color = mix(overcast, (255, 255, 255), 0.55 if not is_night else 0.15)
    cloud_dark = scale(overcast, 0.7)
    if fair:
        # Fair-weather clouds are bright with a soft grey underside, never a dark mass.
        cloud_light = mix(cloud_light, (255, 255, 255), 0.6 if not is_night else 0.1)
        cloud_dark = mix(cloud_light, mid, 0.45)
    if scene.time in ("dawn", "dusk") and scene.weather in ("clear", "wind", "cloudy"):
        cloud_light = mix(cloud_light, glow, 0.45)
        cloud_dark = mix(cloud_dark, mid, 0.3)
    winter = scene.season == "winter"
    return Palette(
        sky_top=g(top),
        sky_mid=g(mid),
        sky_horizon=g(horizon),
        glow=g(glow),
        glow_strength=glow_strength * glow_k,
        glow_radius=glow_radius,
        disk=g(disk),
        celestial=celestial,
        cloud_light=g(cloud_light),
        cloud_dark=g(cloud_dark),
        cloud_cover=cover,
        cloud_stretch=3.0 if scene.weather == "wind" else 1.6,
        light=light,
        haze_strength=0.95 if scene.weather == "fog" else 0.78,
        grass=g(_GRASS[scene.season]),
        foliage=tuple(g(c) for c in _FOLIAGE[scene.season]),
        conifer=g((42, 72, 62) if winter else (30, 78, 52)),
        rock=g((125, 118, 122)),
        snow=g((236, 241, 250)),
        sand=g((226, 186, 126)),
        stone=g((150, 144, 138)),
        wall=g((214, 194, 160)),
        roof=g((226, 232, 242) if winter else (150, 68, 44)),
        road=g((205, 208, 216) if winter else (160, 136, 102)),
        water=g((38, 88, 128)),
        window=g((255, 208, 120)),
        window_prob={"night": 0.45, "dusk": 0.3, "dawn": 0.15}.get(scene.time, 0.0),
        dark=dark,
        accent=COLOUR_WORDS[scene.colours[0]] if scene.colours else None,
        grade=g,
    )


def _celestial(scene: Scene) -> str:
    visible = scene.weather in ("clear", "wind", "cloudy", "fog")
    if scene.time == "night":
        return "moon" if visible or "moon" in scene.objects else "none"
    return "sun" if visible else "none"
