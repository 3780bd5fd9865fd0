"""The one retry layer: decide after each failed provider call what the job does next."""

from __future__ import annotations

import random
from dataclasses import dataclass

from vignette.providers.base import ErrorCode, ProviderError


@dataclass(frozen=True)
class RetryPolicy:
    """Budget and backoff for one job."""

    max_calls: int = 4
    base_seconds: float = 1.0
    max_seconds: float = 60.0
    deadline_seconds: float = 900.0


@dataclass(frozen=True)
class Decision:
    """Retry after `delay` seconds, or stop with the error."""

    retry: bool
    delay: float = 0.0
    reason: str = ""


def backoff_delay(
    rounds: int, policy: RetryPolicy, retry_after: float | None, rng: random.Random
) -> float:
    """Exponential backoff with full jitter after `rounds` failed passes over the chain,
    never shorter than the upstream's Retry-After."""
    ceiling = min(policy.max_seconds, policy.base_seconds * 2 ** max(rounds - 1, 0))
    delay = rng.uniform(0.0, ceiling)
    if retry_after is not None:
        delay = max(delay, retry_after)
    return delay


def decide(
    error: ProviderError,
    calls_made: int,
    elapsed_seconds: float,
    policy: RetryPolicy,
    rng: random.Random | None = None,
    switching: bool = False,
    cascade_content_policy: bool = False,
    chain_length: int = 1,
) -> Decision:
    """Permanent errors stop at once; transient ones retry within budget and deadline.

    `switching`: the next call goes to the next provider of the chain, which owes nothing to
    this one's backoff or Retry-After, so it goes at once. Only a call after the whole chain
    failed waits, growing with the passes over the chain (`chain_length` providers each), not
    with every call. A content-policy refusal moves down the chain only when
    `cascade_content_policy` is set.
    """
    cascades = switching and cascade_content_policy and error.code == ErrorCode.CONTENT_POLICY
    if not error.retryable and not cascades:
        return Decision(retry=False, reason=f"permanent error: {error.code}")
    if calls_made >= policy.max_calls:
        return Decision(retry=False, reason=f"call budget of {policy.max_calls} used up")
    if switching:
        return Decision(retry=True, delay=0.0)
    rounds = -(-calls_made // max(chain_length, 1))
    delay = backoff_delay(rounds, policy, error.retry_after, rng or random.Random())
    if elapsed_seconds + delay > policy.deadline_seconds:
        return Decision(retry=False, reason="deadline would pass before the next call")
    return Decision(retry=True, delay=delay)
