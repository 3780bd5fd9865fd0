"""Per-process resources (database, storage, Redis, queue, providers), built at start-up."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

import kombu.exceptions
import redis
from celery import Celery
from sqlalchemy import exc as sa

from vignette.db.session import Database
from vignette.descriptions.llm import LLMExtractor, create_extractor
from vignette.prompts.translation import Translator, create_translator
from vignette.providers.base import ImageProvider
from vignette.providers.registry import PROVIDERS_WITH_RATE_LIMITS, create_provider
from vignette.queue.breaker import BreakerPolicy, Breakers
from vignette.queue.celery_app import create_celery
from vignette.queue.changes import ChangeFeed
from vignette.queue.dispatch import Dispatcher
from vignette.queue.ratelimit import Rate, RateLimiter, parse_rate
from vignette.settings import Settings
from vignette.storage.local import LocalStorage

# The errors by which Redis (or kombu, sending through it) says it does not answer.
REDIS_OUTAGES: tuple[type[Exception], ...] = (
    redis.ConnectionError,
    redis.TimeoutError,
    kombu.exceptions.OperationalError,
)
# Every error that may say a part does not answer (narrowed by `unreachable`).
OUTAGE_ERRORS: tuple[type[Exception], ...] = (sa.DBAPIError, sa.TimeoutError, *REDIS_OUTAGES)


def unreachable(exc: BaseException) -> Literal["database", "redis"] | None:
    """Which resource stopped answering, if `exc` says one did (not a bug, not bad input):
    a lost or refused database connection (or a SQLite file busy past its timeout), no pooled
    connection free in time, or Redis refusing, timing out or dropping the connection."""
    if isinstance(exc, sa.TimeoutError):
        return "database"
    if isinstance(exc, sa.DBAPIError):
        lost = exc.connection_invalidated
        return (
            "database" if lost or isinstance(exc, sa.OperationalError | sa.InterfaceError) else None
        )
    if isinstance(exc, REDIS_OUTAGES):
        return "redis"
    return None


@dataclass
class Runtime:
    """What a process needs to serve requests or run tasks."""

    settings: Settings
    db: Database
    storage: LocalStorage
    uploads: LocalStorage  # uploaded book files, kept until their import ends
    redis: redis.Redis
    dispatcher: Dispatcher
    breakers: Breakers
    limiter: RateLimiter
    changes: ChangeFeed  # after a commit: which job or book import changed
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


def build_runtime(settings: Settings, celery: Celery | None = None) -> Runtime:
    """Create the engine, clients and storage for this process.

    `celery`: the app to send with (a worker passes its own); by default one configured from
    these settings, so an app built for other settings sends to their Redis.
    """
    if not settings.redis_url:
        raise RuntimeError("VIGNETTE_REDIS_URL is not set (vignette serve sets it for you)")
    client = redis.Redis.from_url(settings.redis_url)
    settings.images_dir.mkdir(parents=True, exist_ok=True)
    dispatcher = Dispatcher(
        celery or create_celery(settings),
        client,
        job_marker_ttl=settings.requeue_after_seconds,
        book_time_limit=settings.book_time_limit_seconds,
    )
    return Runtime(
        settings=settings,
        db=Database(settings.resolved_database_url),
        storage=LocalStorage(settings.images_dir),
        uploads=LocalStorage(settings.uploads_dir),
        redis=client,
        dispatcher=dispatcher,
        breakers=Breakers(client, breaker_policy(settings)),
        limiter=RateLimiter(client, rate_limits(settings)),
        changes=ChangeFeed(client),
        translator=create_translator(settings),
        extractor=create_extractor(settings),
    )


def breaker_policy(settings: Settings) -> BreakerPolicy:
    """When breakers open and for how long, from VIGNETTE_BREAKER_*."""
    return BreakerPolicy(
        window=settings.breaker_window,
        min_calls=settings.breaker_min_calls,
        failure_rate=settings.breaker_failure_rate,
        consecutive=settings.breaker_failures,
        cooldown=settings.breaker_cooldown_seconds,
        probe_interval=settings.breaker_probe_interval_seconds,
    )


def rate_limits(settings: Settings) -> dict[str, Rate]:
    """The configured per-provider rate limits (VIGNETTE_RATE_LIMIT_<PROVIDER>)."""
    rates: dict[str, Rate] = {}
    for name in PROVIDERS_WITH_RATE_LIMITS:
        rate = parse_rate(getattr(settings, f"rate_limit_{name}"))
        if rate is not None:
            rates[name] = rate
    return rates
