"""The operator's view of generation: breakers, recent success, calls, queue depths."""

from __future__ import annotations

from datetime import timedelta

import redis
from pydantic import BaseModel
from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from vignette.db.base import utcnow
from vignette.db.models import ProviderCall
from vignette.generation.breaker import Breakers
from vignette.generation.ratelimit import Rate

QUEUES = ("heavy", "normal", "light")
PRIORITY_STEPS = (0, 3, 6, 9)  # as configured in worker.py; kombu keeps one list per step


class ProviderStatus(BaseModel):
    """One provider of the chain."""

    name: str
    breaker: str
    open_until: float | None
    consecutive_failures: int
    calls_last_hour: int
    success_rate_last_hour: float | None
    rate_limit: str | None


class GenerationStatus(BaseModel):
    """Providers in chain order and the depth of each queue."""

    chain: list[str]
    providers: list[ProviderStatus]
    queues: dict[str, int]


def queue_depths(client: redis.Redis) -> dict[str, int]:
    """Messages waiting in each queue, all priority levels together."""
    pipe = client.pipeline(transaction=False)
    for queue in QUEUES:
        for step in PRIORITY_STEPS:
            pipe.llen(queue if step == 0 else f"{queue}:{step}")
    counts = pipe.execute()
    n = len(PRIORITY_STEPS)
    return {q: sum(counts[i * n : (i + 1) * n]) for i, q in enumerate(QUEUES)}


def generation_status(
    session: Session,
    chain: list[str],
    breakers: Breakers,
    rates: dict[str, Rate],
    client: redis.Redis,
) -> GenerationStatus:
    """Build the status document."""
    since = utcnow() - timedelta(hours=1)
    rows = session.execute(
        select(
            ProviderCall.provider,
            func.count(),
            func.sum(case((ProviderCall.outcome == "success", 1), else_=0)),
        )
        .where(ProviderCall.started_at >= since)
        .group_by(ProviderCall.provider)
    ).all()
    recent = {name: (int(total), int(ok or 0)) for name, total, ok in rows}
    providers = []
    for name in chain:
        state = breakers.state(name)
        total, ok = recent.get(name, (0, 0))
        rate = rates.get(name)
        providers.append(
            ProviderStatus(
                name=name,
                breaker=state.state,
                open_until=state.open_until,
                consecutive_failures=state.failures,
                calls_last_hour=total,
                success_rate_last_hour=round(ok / total, 3) if total else None,
                rate_limit=f"{rate.count}/{int(rate.period)}s" if rate else None,
            )
        )
    return GenerationStatus(chain=chain, providers=providers, queues=queue_depths(client))
