"""Prometheus metrics: what the processes count, and how the counts of several processes add up.

Every process counts in its own memory, unless `enable_multiprocess` was called at its start
(the `vignette` commands do): then each process writes its counts to files in one directory
per host and `exposition` adds up the files of every process, living or dead, so a counter
survives a worker child's restart. The metrics are created on first use, after that choice.
Gauges of the whole deployment (jobs by state, queue depths, breakers) are not counted here:
they are read from the database and Redis when scraped (`operations/metrics.py`).
"""

from __future__ import annotations

import os
import socket
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    start_http_server,
    values,
)
from prometheus_client.metrics_core import Metric
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import Collector

MULTIPROCESS_ENV = "PROMETHEUS_MULTIPROC_DIR"
CONTENT_TYPE = CONTENT_TYPE_LATEST

# Request and queue times: milliseconds matter at the low end, minutes at the top.
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900)
GENERATION_BUCKETS = (0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 20, 30, 60, 120, 300)


@dataclass(frozen=True)
class Metrics:
    """The counters and histograms; label values are names, codes and outcomes, never ids."""

    registry: CollectorRegistry
    jobs_submitted: Counter
    jobs_finished: Counter  # provider ("none" when no call delivered or failed it), outcome
    provider_calls: Counter  # provider, outcome ("success" or the error code)
    rate_limited: Counter  # kind ("provider"), name
    book_imports: Counter  # outcome ("ready" or the rejection code)
    submit_seconds: Histogram
    queue_wait_seconds: Histogram
    generation_seconds: Histogram  # provider


@cache
def metrics() -> Metrics:
    """The process's metrics, created on first use."""
    if multiprocess():
        # Files named by host and pid: the processes of two hosts never share one. Set here,
        # by every process (uvicorn's spawned API processes too), whatever was imported first.
        values.ValueClass = values.MultiProcessValue(_process_id)  # type: ignore[no-untyped-call]
    registry = CollectorRegistry(auto_describe=True)
    return Metrics(
        registry=registry,
        jobs_submitted=Counter(
            "vignette_jobs_submitted", "Image jobs accepted by the API.", registry=registry
        ),
        jobs_finished=Counter(
            "vignette_jobs_finished",
            "Image jobs that reached completed or failed, by the provider of their last call.",
            ["provider", "outcome"],
            registry=registry,
        ),
        provider_calls=Counter(
            "vignette_provider_calls",
            "Calls to image providers, by outcome: success or the error code.",
            ["provider", "outcome"],
            registry=registry,
        ),
        rate_limited=Counter(
            "vignette_rate_limit_rejections",
            "Calls or requests refused by a rate limit.",
            ["kind", "name"],
            registry=registry,
        ),
        book_imports=Counter(
            "vignette_book_imports",
            "Book imports that ended: ready, or the code they failed with.",
            ["outcome"],
            registry=registry,
        ),
        submit_seconds=Histogram(
            "vignette_submit_seconds",
            "Time the API takes to accept an image job (request in to answer out).",
            buckets=LATENCY_BUCKETS,
            registry=registry,
        ),
        queue_wait_seconds=Histogram(
            "vignette_queue_wait_seconds",
            "Time from a job's submit to the start of its first run on a worker.",
            buckets=LATENCY_BUCKETS,
            registry=registry,
        ),
        generation_seconds=Histogram(
            "vignette_generation_seconds",
            "Time of one provider call, delivered or not.",
            ["provider"],
            buckets=GENERATION_BUCKETS,
            registry=registry,
        ),
    )


def _process_id() -> str:
    return f"{socket.gethostname()}-{os.getpid()}"


def enable_multiprocess(directory: Path) -> None:
    """Count in files under `directory` (one per process), so one scrape sees every process
    of the host that writes there. Call at a process's start, before anything counts; its
    children inherit the choice."""
    directory.mkdir(parents=True, exist_ok=True)
    os.environ[MULTIPROCESS_ENV] = str(directory)
    metrics.cache_clear()


def clear_directory(directory: Path) -> None:
    """Remove the counts of an earlier run (a supervisor does this before starting children)."""
    if directory.is_dir():
        for path in directory.glob("*.db"):
            path.unlink(missing_ok=True)


def multiprocess() -> bool:
    return MULTIPROCESS_ENV in os.environ


class _Own(Collector):
    """This process's own registry, as one collector of a scrape."""

    def collect(self) -> Iterator[Metric]:
        yield from metrics().registry.collect()


def counted_registry(extra: Iterable[Collector] = ()) -> CollectorRegistry:
    """A registry for one scrape: every process's counts (or this process's), then `extra`."""
    registry = CollectorRegistry(auto_describe=False)
    if multiprocess():
        MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
    else:
        registry.register(_Own())
    for collector in extra:
        registry.register(collector)
    return registry


def serve_http(port: int, host: str) -> None:
    """Serve the counts on their own port from a background thread (a worker host)."""
    start_http_server(port, addr=host, registry=counted_registry())


def exposition(extra: Iterable[Collector] = ()) -> bytes:
    """The text a Prometheus server scrapes."""
    return generate_latest(counted_registry(extra))
