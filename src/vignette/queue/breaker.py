"""Per-provider circuit breakers in Redis, shared by every worker on every machine."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import redis

from vignette.providers.base import ErrorCode, ProviderError

PREFIX = "vignette:breaker:"
# Failures that say something about the provider's health (a refused prompt does not).
HEALTH_CODES = frozenset(
    {
        ErrorCode.RATE_LIMITED,
        ErrorCode.UPSTREAM_UNAVAILABLE,
        ErrorCode.TIMEOUT,
        ErrorCode.EMPTY_RESULT,
        ErrorCode.INVALID_IMAGE,
        ErrorCode.QUOTA_EXHAUSTED,
        ErrorCode.AUTH,
    }
)

# KEYS: state hash, probe key. ARGV: probe ttl. Returns 1 closed, 2 probe granted, 0 refused.
_ALLOW = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local untl = tonumber(redis.call('HGET', KEYS[1], 'open_until') or '0')
if untl == 0 then return 1 end
if now < untl then return 0 end
if redis.call('SET', KEYS[2], '1', 'NX', 'EX', ARGV[1]) then return 2 end
return 0
"""

# KEYS: state hash, probe key. ARGV: threshold, cooldown seconds, force open (1/0).
# Returns 1 when this failure opened the breaker.
_FAIL = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local failures = redis.call('HINCRBY', KEYS[1], 'failures', 1)
local probing = redis.call('EXISTS', KEYS[2])
if failures >= tonumber(ARGV[1]) or probing == 1 or ARGV[3] == '1' then
  redis.call('HSET', KEYS[1], 'open_until', now + tonumber(ARGV[2]), 'failures', 0)
  redis.call('DEL', KEYS[2])
  return 1
end
return 0
"""


@dataclass(frozen=True)
class BreakerState:
    """What the status endpoint shows for one provider."""

    state: str  # closed, open, half_open
    failures: int
    open_until: float | None


def seconds_until_utc_midnight(now: datetime | None = None) -> float:
    """When per-day quotas reset (most vendors count days in UTC)."""
    now = now or datetime.now(UTC)
    tomorrow = (now + timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
    return (tomorrow - now).total_seconds()


class Breakers:
    """Opens after `threshold` consecutive health failures; one probe at a time when cooled."""

    def __init__(self, client: redis.Redis, threshold: int, cooldown: float) -> None:
        self.redis = client
        self.threshold = threshold
        self.cooldown = cooldown
        self._allow = client.register_script(_ALLOW)
        self._fail = client.register_script(_FAIL)

    def _keys(self, name: str) -> list[str]:
        return [PREFIX + name, PREFIX + name + ":probe"]

    def allow(self, name: str) -> bool:
        """Whether a call to the provider may go ahead now."""
        return int(self._allow(keys=self._keys(name), args=[int(self.cooldown) + 1])) > 0

    def success(self, name: str) -> None:
        """A call succeeded: close the breaker."""
        self.redis.delete(*self._keys(name))

    def failure(self, name: str, error: ProviderError) -> bool:
        """Count a failed call; returns True if the breaker opened."""
        if error.code not in HEALTH_CODES:
            # Not the provider's fault; a probe that ends this way must not hold the slot.
            self.redis.delete(self._keys(name)[1])
            return False
        cooldown, force = self.cooldown, False
        if error.code == ErrorCode.QUOTA_EXHAUSTED:
            cooldown = error.retry_after or seconds_until_utc_midnight()
            force = True
        opened = self._fail(keys=self._keys(name), args=[self.threshold, cooldown, int(force)])
        return bool(opened)

    def state(self, name: str) -> BreakerState:
        """Closed, open or half-open, with the count of recent failures."""
        raw = self.redis.hgetall(PREFIX + name)
        failures = int(raw.get(b"failures", 0))
        until = float(raw[b"open_until"]) if b"open_until" in raw else None
        if until is None:
            return BreakerState("closed", failures, None)
        now_s, now_us = self.redis.time()
        state = "open" if now_s + now_us / 1e6 < until else "half_open"
        return BreakerState(state, failures, until)
