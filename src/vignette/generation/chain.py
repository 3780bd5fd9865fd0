"""Which provider of the configured chain takes the next call."""

from __future__ import annotations

from dataclasses import dataclass

from vignette.queue.breaker import Breakers
from vignette.queue.ratelimit import RateLimiter


@dataclass(frozen=True)
class Pick:
    """A provider to call now, or how long to wait before trying the chain again."""

    name: str | None
    wait: float = 0.0


def start_index(chain: list[str], last_provider: str | None) -> int:
    """A job starts at the head of the chain and, after a failed call, moves to the next link."""
    if last_provider is None or last_provider not in chain:
        return 0
    return (chain.index(last_provider) + 1) % len(chain)


def switches_provider(chain: list[str], failed: str) -> bool:
    """Whether the call after a failure at `failed` goes to another provider (no wrap-around)."""
    return failed in chain and chain.index(failed) + 1 < len(chain)


def pick_provider(
    chain: list[str],
    last_provider: str | None,
    breakers: Breakers,
    limiter: RateLimiter,
    cooldown: float,
) -> Pick:
    """The first link from the job's position that has a token and a closed (or probing) breaker."""
    first = start_index(chain, last_provider)
    waits: list[float] = []
    for offset in range(len(chain)):
        name = chain[(first + offset) % len(chain)]
        # Tokens before the breaker: a token wasted on an open breaker costs nothing, but a
        # half-open probe slot taken and not used would hold the provider closed for a cooldown.
        wait = limiter.acquire(name)
        if wait > 0:
            waits.append(wait)
            continue
        if breakers.allow(name):
            return Pick(name)
        waits.append(cooldown)
    return Pick(None, min(waits) if waits else cooldown)
