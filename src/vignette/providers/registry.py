"""Build providers by name."""

from __future__ import annotations

from vignette.providers.base import ImageProvider

KNOWN_PROVIDERS = ("procedural",)


def create_provider(name: str, *, procedural_delay_ms: float = 0.0) -> ImageProvider:
    """The provider called `name`; ValueError for an unknown name."""
    if name == "procedural":
        from vignette.providers.procedural import ProceduralProvider

        return ProceduralProvider(delay_ms=procedural_delay_ms)
    raise ValueError(f"unknown provider {name!r}; known: {', '.join(KNOWN_PROVIDERS)}")
