"""The procedural provider: offline, deterministic pictures drawn from the passage text."""

from vignette.providers.procedural.provider import ProceduralProvider

__all__ = ["ProceduralProvider"]
