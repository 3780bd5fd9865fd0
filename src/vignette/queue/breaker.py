"""Per-provider circuit breakers in Redis, shared by every worker on every machine.

A breaker tells a provider that is down from one that is merely flaky. It opens when, over the
last `window` calls (at least `min_calls` of them), the share of health failures reaches
`failure_rate`, or when `consecutive` calls in a row failed; at 50 % independent failures
neither happens but rarely, so a provider that still delivers half the time keeps serving.
After `cooldown` seconds one call at a time may probe it: a success closes it with a clean
history, a failure opens it again. When every provider of a chain is open, `early_probe`
grants one call per `probe_interval` to the least-bad of them, so a recovery is noticed in
about a second instead of a cooldown.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import redis

from vignette.providers.base import ErrorCode, ProviderError

PREFIX = "vignette:breaker:"
EARLY_PROBE_KEY = PREFIX + "early-probe"
HISTORY_TTL_SECONDS = 600  # a provider's history older than this (with no call) is forgotten
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

# KEYS: state hash, probe key. ARGV: probe ttl.
# Returns {1, 0} closed, {2, 0} probe granted, {0, seconds until it half-opens} refused.
_ALLOW = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local untl = tonumber(redis.call('HGET', KEYS[1], 'open_until') or '0')
if untl == 0 then return {1, '0'} end
if now < untl then return {0, tostring(untl - now)} end
if redis.call('SET', KEYS[2], '1', 'NX', 'EX', ARGV[1]) then return {2, '0'} end
return {0, '0'}
"""

# KEYS: state hash, probe key, history list ('1' success, '0' failure, newest first).
# ARGV: window, min calls, failure rate, consecutive, cooldown, force open (1/0), history ttl.
# Returns 1 when this failure opened the breaker.
_FAIL = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
redis.call('LPUSH', KEYS[3], '0')
redis.call('LTRIM', KEYS[3], 0, tonumber(ARGV[1]) - 1)
redis.call('EXPIRE', KEYS[3], ARGV[7])
local row = redis.call('HINCRBY', KEYS[1], 'failures', 1)
redis.call('EXPIRE', KEYS[1], math.max(tonumber(ARGV[7]), math.ceil(tonumber(ARGV[5])) + 60))
local history = redis.call('LRANGE', KEYS[3], 0, -1)
local failed = 0
for _, outcome in ipairs(history) do
  if outcome == '0' then failed = failed + 1 end
end
local calls = #history
local rate_says = calls >= tonumber(ARGV[2]) and failed / calls >= tonumber(ARGV[3])
local probing = redis.call('EXISTS', KEYS[2]) == 1
local untl = tonumber(redis.call('HGET', KEYS[1], 'open_until') or '0')
local half_open = untl > 0 and now >= untl
if ARGV[6] == '1' or probing or half_open or row >= tonumber(ARGV[4]) or rate_says then
  redis.call('HSET', KEYS[1], 'open_until', now + tonumber(ARGV[5]), 'failures', 0)
  redis.call('DEL', KEYS[2])
  return 1
end
return 0
"""

# KEYS: state hash, probe key, history list. ARGV: window, history ttl.
# A success while open or probing closes the breaker with a clean history.
_SUCCEED = """
if redis.call('HEXISTS', KEYS[1], 'open_until') == 1 or redis.call('EXISTS', KEYS[2]) == 1 then
  redis.call('DEL', KEYS[1], KEYS[2], KEYS[3])
  return 1
end
redis.call('LPUSH', KEYS[3], '1')
redis.call('LTRIM', KEYS[3], 0, tonumber(ARGV[1]) - 1)
redis.call('EXPIRE', KEYS[3], ARGV[2])
redis.call('HSET', KEYS[1], 'failures', 0)
redis.call('EXPIRE', KEYS[1], ARGV[2])
return 0
"""


@dataclass(frozen=True)
class BreakerPolicy:
    """When a breaker opens and how long it stays open (see the module docstring)."""

    window: int = 20
    min_calls: int = 5
    failure_rate: float = 0.9
    consecutive: int = 10
    cooldown: float = 10.0
    probe_interval: float = 1.0


@dataclass(frozen=True)
class BreakerState:
    """What the status endpoint shows for one provider."""

    state: str  # closed, open, half_open
    failures: int  # in a row
    open_until: float | None
    recent_calls: int  # in the window
    recent_failures: int


@dataclass(frozen=True)
class Permit:
    """Whether a call may go to the provider now; if not, when it may be probed."""

    allowed: bool
    reopens_in: float = 0.0


def seconds_until_utc_midnight(now: datetime | None = None) -> float:
    """When per-day quotas reset (most vendors count days in UTC)."""
    now = now or datetime.now(UTC)
    tomorrow = (now + timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
    return (tomorrow - now).total_seconds()


class Breakers:
    """Every provider's breaker, one Lua script per decision, on Redis's clock."""

    def __init__(self, client: redis.Redis, policy: BreakerPolicy) -> None:
        self.redis = client
        self.policy = policy
        self._allow = client.register_script(_ALLOW)
        self._fail = client.register_script(_FAIL)
        self._succeed = client.register_script(_SUCCEED)

    def _keys(self, name: str) -> list[str]:
        return [PREFIX + name, PREFIX + name + ":probe", PREFIX + name + ":history"]

    def permit(self, name: str) -> Permit:
        """Whether a call to the provider may go ahead now (closed, or the one probe)."""
        keys = self._keys(name)[:2]
        granted, wait = self._allow(keys=keys, args=[int(self.policy.cooldown) + 1])
        return Permit(int(granted) > 0, float(wait))

    def allow(self, name: str) -> bool:
        """Whether a call to the provider may go ahead now."""
        return self.permit(name).allowed

    def early_probe(self) -> bool:
        """One call per probe interval, chain-wide, while every provider is open."""
        ms = max(1, int(self.policy.probe_interval * 1000))
        return bool(self.redis.set(EARLY_PROBE_KEY, b"1", nx=True, px=ms))

    def success(self, name: str) -> None:
        """A call succeeded: count it; a success while open or probing closes the breaker."""
        self._succeed(keys=self._keys(name), args=[self.policy.window, HISTORY_TTL_SECONDS])

    def failure(self, name: str, error: ProviderError) -> bool:
        """Count a failed call; returns True if the breaker opened."""
        keys = self._keys(name)
        if error.code not in HEALTH_CODES:
            # Not the provider's fault; a probe that ends this way must not hold the slot.
            self.redis.delete(keys[1])
            return False
        p = self.policy
        cooldown, force = p.cooldown, False
        if error.code == ErrorCode.QUOTA_EXHAUSTED:
            cooldown = error.retry_after or seconds_until_utc_midnight()
            force = True
        args = [p.window, p.min_calls, p.failure_rate, p.consecutive, cooldown, int(force),
                HISTORY_TTL_SECONDS]  # fmt: skip
        return bool(self._fail(keys=keys, args=args))

    def state(self, name: str) -> BreakerState:
        """Closed, open or half-open, with the failures in a row and in the window."""
        key, _, history_key = self._keys(name)
        pipe = self.redis.pipeline(transaction=False)
        pipe.hgetall(key)
        pipe.lrange(history_key, 0, -1)
        pipe.time()
        raw, history, (now_s, now_us) = pipe.execute()
        failures = int(raw.get(b"failures", 0))
        recent = (len(history), sum(1 for outcome in history if outcome == b"0"))
        until = float(raw[b"open_until"]) if b"open_until" in raw else None
        if until is None:
            return BreakerState("closed", failures, None, *recent)
        state = "open" if now_s + now_us / 1e6 < until else "half_open"
        return BreakerState(state, failures, until, *recent)

    def least_bad(self, names: list[str]) -> str:
        """The provider with the best recent success share (the first in the chain on a tie)."""

        def share(name: str) -> float:
            s = self.state(name)
            return 1 - s.recent_failures / s.recent_calls if s.recent_calls else 0.0

        return max(names, key=lambda n: (share(n), -names.index(n)))
