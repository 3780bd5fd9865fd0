"""Global per-provider rate limits: a token bucket in Redis, shared by all workers."""

from __future__ import annotations

import re
from dataclasses import dataclass

import redis

PREFIX = "vignette:rate:"
PERIODS = {"second": 1.0, "minute": 60.0, "hour": 3600.0, "day": 86400.0}

# KEYS: bucket. ARGV: rate per second, capacity. Returns {granted, seconds to wait}.
# Redis's clock, not the workers': machines may disagree about the time.
_TAKE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local rate = tonumber(ARGV[1])
local cap = tonumber(ARGV[2])
local b = redis.call('HMGET', KEYS[1], 'tokens', 'ts')
local tokens = tonumber(b[1]) or cap
local ts = tonumber(b[2]) or now
tokens = math.min(cap, tokens + math.max(0, now - ts) * rate)
local granted = 0
if tokens >= 1 then
  tokens = tokens - 1
  granted = 1
end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'ts', tostring(now))
redis.call('EXPIRE', KEYS[1], math.ceil(cap / rate) + 60)
if granted == 1 then return {1, '0'} end
return {0, tostring((1 - tokens) / rate)}
"""


@dataclass(frozen=True)
class Rate:
    """`count` calls per `period` seconds."""

    count: int
    period: float

    @property
    def per_second(self) -> float:
        """Tokens added per second."""
        return self.count / self.period


def parse_rate(text: str) -> Rate | None:
    """'30/minute' → Rate(30, 60); empty → None (unlimited); ValueError when malformed."""
    text = text.strip().lower()
    if not text:
        return None
    match = re.fullmatch(r"(\d+)\s*/\s*(second|minute|hour|day|s|m|h|d)", text)
    if not match:
        raise ValueError(f"rate limit {text!r} is not like '30/minute'")
    unit = {"s": "second", "m": "minute", "h": "hour", "d": "day"}.get(match[2], match[2])
    count = int(match[1])
    if count < 1:
        raise ValueError("a rate limit needs at least one call per period")
    return Rate(count, PERIODS[unit])


class RateLimiter:
    """Calls are spaced evenly (bucket of one token), so no window ever exceeds the rate."""

    def __init__(self, client: redis.Redis, rates: dict[str, Rate]) -> None:
        self.rates = rates
        self._take = client.register_script(_TAKE)

    def acquire(self, name: str) -> float:
        """0 when a call may start now, else the seconds to wait for the next token."""
        rate = self.rates.get(name)
        if rate is None:
            return 0.0
        granted, wait = self._take(keys=[PREFIX + name], args=[rate.per_second, 1])
        return 0.0 if int(granted) else float(wait)
