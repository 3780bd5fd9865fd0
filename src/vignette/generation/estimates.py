"""How long a queued job will wait: its place in the queue, the worker slots, and how long
recent jobs took from claim to finish (pure; the durations come from the repository)."""

from __future__ import annotations

import math
import statistics

# Recent completed jobs whose durations make the estimate; fewer than MIN_SAMPLES: no estimate.
RECENT_JOBS = 50
MIN_SAMPLES = 3


def typical_duration(durations: list[float]) -> float | None:
    """The median run of recent jobs, in seconds (robust to one slow outlier)."""
    if len(durations) < MIN_SAMPLES:
        return None
    return statistics.median(durations)


def estimated_wait(position: int, slots: int, typical: float | None) -> float | None:
    """Seconds until a job at `position` (1 = next) starts: the rounds of `slots` jobs ahead
    of it, each a typical run long (the current round is half done on average)."""
    if typical is None or position < 1:
        return None
    rounds = math.ceil(position / max(1, slots))
    return round((rounds - 0.5) * typical, 1)
