"""Per-process resources (database, storage, Redis, queue, providers), built at start-up."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

import redis

from vignette.db.session import Database
from vignette.descriptions.llm import LLMExtractor, create_extractor
from vignette.generation.breaker import Breakers
from vignette.generation.dispatch import Dispatcher
from vignette.generation.ratelimit import Rate, RateLimiter, parse_rate
from vignette.prompts.translation import Translator, create_translator
from vignette.providers.base import ImageProvider
from vignette.providers.registry import create_provider
from vignette.settings import Settings, get_settings
from vignette.storage.local import LocalStorage


@dataclass
class Runtime:
    """What a process needs to serve requests or run tasks."""

    settings: Settings
    db: Database
    storage: LocalStorage
    redis: redis.Redis
    dispatcher: Dispatcher
    breakers: Breakers
    limiter: RateLimiter
    translator: Translator
    extractor: LLMExtractor | None  # None: the rule-based extractor
    _providers: dict[str, ImageProvider] = field(default_factory=dict)

    def provider(self, name: str) -> ImageProvider:
        """The provider called `name`, created once per process."""
        if name not in self._providers:
            self._providers[name] = create_provider(name, self.settings)
        return self._providers[name]

    def close(self) -> None:
        """Release connections."""
        self.db.dispose()
        self.redis.close()


def build_runtime(settings: Settings) -> Runtime:
    """Create the engine, clients and storage for this process."""
    from vignette.worker import app as celery_app

    if not settings.redis_url:
        raise RuntimeError("VIGNETTE_REDIS_URL is not set (vignette serve sets it for you)")
    client = redis.Redis.from_url(settings.redis_url)
    settings.images_dir.mkdir(parents=True, exist_ok=True)
    return Runtime(
        settings=settings,
        db=Database(settings.resolved_database_url),
        storage=LocalStorage(settings.images_dir),
        redis=client,
        dispatcher=Dispatcher(celery_app, client, settings.requeue_after_seconds),
        breakers=Breakers(client, settings.breaker_failures, settings.breaker_cooldown_seconds),
        limiter=RateLimiter(client, rate_limits(settings)),
        translator=create_translator(settings),
        extractor=create_extractor(settings),
    )


def rate_limits(settings: Settings) -> dict[str, Rate]:
    """The configured per-provider rate limits (VIGNETTE_RATE_LIMIT_<PROVIDER>)."""
    rates: dict[str, Rate] = {}
    for name in ("gemini", "imagen", "pollinations", "openai"):
        rate = parse_rate(getattr(settings, f"rate_limit_{name}"))
        if rate is not None:
            rates[name] = rate
    return rates


_lock = threading.Lock()
_runtime: Runtime | None = None


def get_runtime() -> Runtime:
    """The process's runtime for Celery tasks, built on first use."""
    global _runtime
    with _lock:
        if _runtime is None:
            _runtime = build_runtime(get_settings())
        return _runtime
