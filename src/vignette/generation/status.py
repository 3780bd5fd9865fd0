"""The operator's view of generation: breakers, recent success, calls, queue depths."""

from __future__ import annotations

from datetime import timedelta

import redis
from sqlalchemy.orm import Session

from vignette.db.base import utcnow
from vignette.generation import ledger
from vignette.generation.schemas import GenerationStatus, ProviderStatus
from vignette.queue.breaker import Breakers
from vignette.queue.depths import queue_depths
from vignette.queue.ratelimit import Rate


def generation_status(
    session: Session,
    *,
    chain: list[str],
    breakers: Breakers,
    rates: dict[str, Rate],
    client: redis.Redis,
) -> GenerationStatus:
    """Build the status document."""
    recent = ledger.recent_calls(session, utcnow() - timedelta(hours=1))
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
                recent_calls=state.recent_calls,
                recent_failures=state.recent_failures,
                calls_last_hour=total,
                success_rate_last_hour=round(ok / total, 3) if total else None,
                rate_limit=f"{rate.count}/{int(rate.period)}s" if rate else None,
            )
        )
    return GenerationStatus(chain=chain, providers=providers, queues=queue_depths(client))
