"""Circuit breakers, rate limits and provider choice against a real Redis server."""

from __future__ import annotations

import time
from datetime import UTC, datetime

import pytest
import redis

from vignette.generation.chain import pick_provider, start_index, switches_provider
from vignette.providers.base import ErrorCode, ProviderError
from vignette.queue.breaker import BreakerPolicy, Breakers, seconds_until_utc_midnight
from vignette.queue.ratelimit import Rate, RateLimiter, parse_rate

DOWN = ProviderError(ErrorCode.UPSTREAM_UNAVAILABLE, "503")


def test_breaker_opens_after_threshold_and_one_probe_closes_it(client: redis.Redis) -> None:
    breakers = Breakers(client, BreakerPolicy(consecutive=3, cooldown=1))
    assert breakers.allow("gemini")
    assert not breakers.failure("gemini", DOWN)
    assert not breakers.failure("gemini", DOWN)
    assert breakers.failure("gemini", DOWN)  # the third opens it
    assert breakers.state("gemini").state == "open"
    assert not breakers.allow("gemini")
    time.sleep(1.1)
    assert breakers.state("gemini").state == "half_open"
    assert breakers.allow("gemini")  # one probe
    assert not breakers.allow("gemini")  # and only one
    breakers.success("gemini")
    assert breakers.state("gemini").state == "closed"
    assert breakers.allow("gemini")


def test_failed_probe_reopens_at_once(client: redis.Redis) -> None:
    breakers = Breakers(client, BreakerPolicy(consecutive=5, cooldown=1))
    for _ in range(5):
        breakers.failure("pollinations", DOWN)
    time.sleep(1.1)
    assert breakers.allow("pollinations")
    assert breakers.failure("pollinations", DOWN)  # one failure of the probe is enough
    assert not breakers.allow("pollinations")


def test_refusals_do_not_count_and_success_resets(client: redis.Redis) -> None:
    breakers = Breakers(client, BreakerPolicy(consecutive=2, cooldown=30))
    refused = ProviderError(ErrorCode.CONTENT_POLICY, "no")
    for _ in range(5):
        assert not breakers.failure("openai", refused)
    breakers.failure("openai", DOWN)
    breakers.success("openai")
    assert not breakers.failure("openai", DOWN)  # the count started again
    assert breakers.state("openai").state == "closed"


def test_exhausted_quota_opens_until_the_reset(client: redis.Redis) -> None:
    breakers = Breakers(client, BreakerPolicy(consecutive=100, cooldown=1))
    assert breakers.failure("gemini", ProviderError(ErrorCode.QUOTA_EXHAUSTED, "daily"))
    state = breakers.state("gemini")
    assert state.state == "open"
    assert state.open_until is not None
    assert state.open_until - time.time() > min(3600.0, seconds_until_utc_midnight()) - 5
    with_hint = ProviderError(ErrorCode.QUOTA_EXHAUSTED, "monthly", retry_after=120)
    breakers.failure("imagen", with_hint)
    until = breakers.state("imagen").open_until
    assert until is not None
    assert 110 < until - time.time() < 130


def test_a_provider_failing_every_other_call_is_never_opened(client: redis.Redis) -> None:
    breakers = Breakers(client, BreakerPolicy())  # the defaults
    for n in range(200):
        if n % 2:
            breakers.success("gemini")
        else:
            assert not breakers.failure("gemini", DOWN)
    state = breakers.state("gemini")
    assert state.state == "closed"
    assert (state.recent_calls, state.recent_failures) == (20, 10)


def test_a_provider_down_from_the_start_opens_at_the_minimum_of_calls(client: redis.Redis) -> None:
    breakers = Breakers(client, BreakerPolicy(min_calls=5, failure_rate=0.9, consecutive=10))
    opened = [breakers.failure("pollinations", DOWN) for _ in range(5)]
    assert opened == [False, False, False, False, True]
    assert not breakers.allow("pollinations")


def test_a_healthy_provider_that_goes_down_opens_on_failures_in_a_row(
    client: redis.Redis,
) -> None:
    breakers = Breakers(client, BreakerPolicy(consecutive=10))
    for _ in range(20):
        breakers.success("openai")
    opened = [breakers.failure("openai", DOWN) for _ in range(10)]
    assert opened == [False] * 9 + [True]  # the window still holds successes: the row decides


def test_a_successful_probe_closes_with_a_clean_history(client: redis.Redis) -> None:
    breakers = Breakers(client, BreakerPolicy(min_calls=2, cooldown=1))
    breakers.failure("imagen", DOWN)
    assert breakers.failure("imagen", DOWN)
    time.sleep(1.1)
    assert breakers.allow("imagen")
    breakers.success("imagen")
    state = breakers.state("imagen")
    assert state.state == "closed"
    assert state.recent_calls == 0
    assert not breakers.failure("imagen", DOWN)  # one failure after recovery opens nothing


def test_early_probes_are_one_per_interval(client: redis.Redis) -> None:
    breakers = Breakers(client, BreakerPolicy(probe_interval=0.5))
    assert breakers.early_probe()
    assert not breakers.early_probe()
    time.sleep(0.6)
    assert breakers.early_probe()


def test_when_every_provider_is_open_the_least_bad_one_is_probed(client: redis.Redis) -> None:
    breakers = Breakers(client, BreakerPolicy(min_calls=4, failure_rate=0.7, cooldown=30))
    limiter = RateLimiter(client, {})
    chain = ["gemini", "pollinations"]
    for name, outcomes in (("gemini", "xxxx"), ("pollinations", "x.xxx")):
        for outcome in outcomes:
            if outcome == "x":
                breakers.failure(name, DOWN)
            else:
                breakers.success(name)
    assert breakers.state("gemini").state == breakers.state("pollinations").state == "open"
    probe = pick_provider(chain, None, breakers, limiter)
    assert (probe.name, probe.probe) == ("pollinations", True)  # 1 of 5 went through
    after = pick_provider(chain, None, breakers, limiter)
    assert after.name is None
    assert 0 < after.wait <= 2.0  # looks again soon, not after the 30 s cooldown


def test_seconds_until_utc_midnight() -> None:
    assert seconds_until_utc_midnight(datetime(2026, 1, 1, 23, 0, tzinfo=UTC)) == 3600
    assert seconds_until_utc_midnight(datetime(2026, 1, 1, 0, 0, tzinfo=UTC)) == 86400


def test_rate_limiter_spaces_calls(client: redis.Redis) -> None:
    limiter = RateLimiter(client, {"pollinations": Rate(2, 1.0)})  # 2 a second
    assert limiter.acquire("pollinations") == 0
    wait = limiter.acquire("pollinations")
    assert 0.3 < wait <= 0.5
    time.sleep(wait + 0.02)
    assert limiter.acquire("pollinations") == 0
    assert limiter.acquire("gemini") == 0  # no limit configured


@pytest.mark.parametrize(
    ("text", "rate"),
    [("30/minute", Rate(30, 60)), ("5 / s", Rate(5, 1)), ("1000/day", Rate(1000, 86400))],
)
def test_parse_rate(text: str, rate: Rate) -> None:
    assert parse_rate(text) == rate


@pytest.mark.parametrize("text", ["30", "x/minute", "0/minute", "30/fortnight"])
def test_parse_rate_rejects_nonsense(text: str) -> None:
    with pytest.raises(ValueError, match=r"rate limit|at least one"):
        parse_rate(text)


def test_chain_position_and_switching() -> None:
    chain = ["gemini", "pollinations", "procedural"]
    assert start_index(chain, None) == 0
    assert start_index(chain, "gemini") == 1
    assert start_index(chain, "procedural") == 0  # wraps around
    assert switches_provider(chain, "gemini")
    assert not switches_provider(chain, "procedural")


def test_pick_skips_open_breakers_and_waits_when_none_is_free(client: redis.Redis) -> None:
    breakers = Breakers(client, BreakerPolicy(consecutive=1, cooldown=5))
    limiter = RateLimiter(client, {"pollinations": Rate(1, 10.0)})
    chain = ["gemini", "pollinations"]
    breakers.failure("gemini", DOWN)
    assert pick_provider(chain, None, breakers, limiter).name == "pollinations"
    later = pick_provider(chain, None, breakers, limiter)  # pollinations' token is spent
    assert later.name is None
    assert 0 < later.wait <= 5
