"""Which provider of the configured chain takes the next call."""

from __future__ import annotations

from dataclasses import dataclass

from vignette.metrics import metrics
from vignette.queue.breaker import Breakers
from vignette.queue.ratelimit import RateLimiter

# While every provider is open, a job that gets no early-probe slot looks again after at most
# this long (a probe may have closed a breaker meanwhile), not after a whole cooldown.
MAX_OPEN_WAIT_SECONDS = 2.0


@dataclass(frozen=True)
class Pick:
    """A provider to call now, or how long to wait before trying the chain again."""

    name: str | None
    wait: float = 0.0
    probe: bool = False  # an early probe of an open provider (every provider was open)


def start_index(chain: list[str], last_provider: str | None) -> int:
    """A job starts at the head of the chain and, after a failed call, moves to the next link."""
    if last_provider is None or last_provider not in chain:
        return 0
    return (chain.index(last_provider) + 1) % len(chain)


def switches_provider(chain: list[str], failed: str) -> bool:
    """Whether the call after a failure at `failed` goes to another provider (no wrap-around)."""
    return failed in chain and chain.index(failed) + 1 < len(chain)


def pick_provider(
    chain: list[str], last_provider: str | None, breakers: Breakers, limiter: RateLimiter
) -> Pick:
    """The first link from the job's position that has a token and a closed (or probing)
    breaker; when every breaker is open, an early probe of the least-bad one, one per interval
    for the whole chain; else how long to wait."""
    first = start_index(chain, last_provider)
    waits: list[float] = []
    opened: list[str] = []
    for offset in range(len(chain)):
        name = chain[(first + offset) % len(chain)]
        # Tokens before the breaker: a token wasted on an open breaker costs nothing, but a
        # half-open probe slot taken and not used would hold the provider closed for a cooldown.
        wait = limiter.acquire(name)
        if wait > 0:
            metrics().rate_limited.labels("provider", name).inc()
            waits.append(wait)
            continue
        permit = breakers.permit(name)
        if permit.allowed:
            return Pick(name)
        opened.append(name)
        waits.append(min(permit.reopens_in or MAX_OPEN_WAIT_SECONDS, MAX_OPEN_WAIT_SECONDS))
    if len(opened) == len(chain) and breakers.early_probe():
        return Pick(breakers.least_bad(opened), probe=True)
    return Pick(None, min(waits) if waits else MAX_OPEN_WAIT_SECONDS)
