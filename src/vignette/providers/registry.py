"""Build providers by name from settings."""

from __future__ import annotations

from vignette.providers.base import ImageProvider
from vignette.settings import Settings

KNOWN_PROVIDERS = ("procedural", "gemini", "imagen", "pollinations", "openai")
# The remote ones, each with its own VIGNETTE_RATE_LIMIT_<NAME> (procedural is local).
PROVIDERS_WITH_RATE_LIMITS = KNOWN_PROVIDERS[1:]


def create_provider(name: str, settings: Settings | None = None) -> ImageProvider:
    """The provider called `name`, configured from settings; ValueError for an unknown name."""
    s = settings or Settings()
    timeout = s.provider_timeout_seconds
    if name == "procedural":
        from vignette.providers.procedural import ProceduralProvider

        return ProceduralProvider(delay_ms=s.procedural_delay_ms)
    if name == "gemini":
        from vignette.providers.gemini import GeminiProvider

        key = _key(name, s.gemini_api_key.get_secret_value())
        return GeminiProvider(key, s.gemini_base_url or None, s.gemini_model, timeout)
    if name == "imagen":
        from vignette.providers.imagen import ImagenProvider

        key = _key(name, s.imagen_api_key.get_secret_value())
        return ImagenProvider(key, s.imagen_base_url or None, s.imagen_model, timeout)
    if name == "pollinations":
        from vignette.providers.pollinations import PollinationsProvider

        key = s.pollinations_api_key.get_secret_value()
        placeholders = frozenset(s.pollinations_placeholder_hashes.split(","))
        return PollinationsProvider(
            key, s.pollinations_base_url, s.pollinations_model, timeout, placeholders
        )
    if name == "openai":
        from vignette.providers.openai_images import OpenAIImagesProvider

        key = _key(name, s.openai_api_key.get_secret_value())
        return OpenAIImagesProvider(key, s.openai_base_url, s.openai_model, timeout)
    raise ValueError(f"unknown provider {name!r}; known: {', '.join(KNOWN_PROVIDERS)}")


def _key(name: str, value: str) -> str:
    if not value:
        raise ValueError(f"provider {name!r} needs VIGNETTE_{name.upper()}_API_KEY")
    return value
