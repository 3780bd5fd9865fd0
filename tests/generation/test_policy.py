"""The retry policy: budget, backoff, deadline, permanent and transient errors."""

from __future__ import annotations

import random

import pytest

from vignette.generation.policy import RetryPolicy, backoff_delay, decide
from vignette.providers.base import ErrorCode, ProviderError

POLICY = RetryPolicy(max_calls=4, base_seconds=1.0, max_seconds=30.0, deadline_seconds=600.0)


@pytest.mark.parametrize(
    "code",
    [ErrorCode.CONTENT_POLICY, ErrorCode.INVALID_INPUT, ErrorCode.AUTH, ErrorCode.QUOTA_EXHAUSTED],
)
def test_permanent_errors_stop_at_once(code: ErrorCode) -> None:
    decision = decide(ProviderError(code, "no"), calls_made=1, elapsed_seconds=0, policy=POLICY)
    assert decision.retry is False
    assert "permanent" in decision.reason


@pytest.mark.parametrize(
    "code",
    [
        ErrorCode.TIMEOUT,
        ErrorCode.UPSTREAM_UNAVAILABLE,
        ErrorCode.RATE_LIMITED,
        ErrorCode.EMPTY_RESULT,
    ],
)
def test_transient_errors_retry_within_budget(code: ErrorCode) -> None:
    error = ProviderError(code, "flaky")
    for calls in (1, 2, 3):
        assert decide(error, calls, 0, POLICY, random.Random(calls)).retry is True
    final = decide(error, 4, 0, POLICY)
    assert final.retry is False
    assert "budget" in final.reason


def test_backoff_is_full_jitter_below_an_exponential_ceiling() -> None:
    rng = random.Random(7)
    for calls in range(1, 8):
        ceiling = min(30.0, 2 ** (calls - 1))
        delays = [backoff_delay(calls, POLICY, None, rng) for _ in range(200)]
        assert all(0 <= d <= ceiling for d in delays)
        # Full jitter spreads over the whole range, not just near the ceiling.
        assert min(delays) < ceiling * 0.2
        assert max(delays) > ceiling * 0.8


def test_retry_after_is_honoured() -> None:
    error = ProviderError(ErrorCode.RATE_LIMITED, "slow down", retry_after=12.0)
    decision = decide(error, 1, 0, POLICY, random.Random(1))
    assert decision.retry is True
    assert decision.delay >= 12.0


def test_deadline_stops_retries() -> None:
    error = ProviderError(ErrorCode.RATE_LIMITED, "slow down", retry_after=100.0)
    decision = decide(error, 1, elapsed_seconds=550, policy=POLICY)
    assert decision.retry is False
    assert "deadline" in decision.reason
