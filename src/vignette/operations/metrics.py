"""What `/metrics` reads when scraped, beside the processes' counters (`vignette.metrics`):
jobs and books by state from the database, queue depths and breaker states from Redis. They are
the deployment's, so every API process answers the same. A part that does not answer is left
out and reported as `vignette_dependency_up 0`: a scrape never fails because of it."""

from __future__ import annotations

from collections.abc import Iterator

import redis
from prometheus_client.metrics_core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector
from sqlalchemy.exc import SQLAlchemyError

from vignette.db.models import BookStatus, JobStatus
from vignette.metrics import exposition
from vignette.operations import repository
from vignette.queue.depths import queue_depths
from vignette.runtime import Runtime

BREAKER_STATES = ("closed", "open", "half_open")


class DeploymentGauges(Collector):
    """The gauges read at scrape time."""

    def __init__(self, rt: Runtime) -> None:
        self.rt = rt

    def collect(self) -> Iterator[Metric]:
        up = GaugeMetricFamily(
            "vignette_dependency_up", "Whether a part answered this scrape.", labels=["part"]
        )
        try:
            with self.rt.db.read() as session:
                jobs = repository.jobs_by_status(session)
                books = repository.books_by_status(session)
        except SQLAlchemyError:
            up.add_metric(["database"], 0)
        else:
            up.add_metric(["database"], 1)
            yield _by_state("vignette_jobs", "Image jobs by state.", jobs, list(JobStatus))
            yield _by_state("vignette_books", "Books by state.", books, list(BookStatus))
        try:
            depths = queue_depths(self.rt.redis)
            chain = self.rt.settings.providers
            breakers = {name: self.rt.breakers.state(name).state for name in chain}
        except redis.RedisError:
            up.add_metric(["redis"], 0)
        else:
            up.add_metric(["redis"], 1)
            depth = GaugeMetricFamily(
                "vignette_queue_depth", "Messages waiting in each queue.", labels=["queue"]
            )
            for queue, count in depths.items():
                depth.add_metric([queue], count)
            yield depth
            breaker = GaugeMetricFamily(
                "vignette_breaker_state",
                "1 for the state each provider's breaker is in (closed, open, half_open).",
                labels=["provider", "state"],
            )
            for name, current in breakers.items():
                for state in BREAKER_STATES:
                    breaker.add_metric([name, state], 1 if state == current else 0)
            yield breaker
        yield up


def _by_state(name: str, doc: str, counts: dict[str, int], states: list[str]) -> Metric:
    gauge = GaugeMetricFamily(name, doc, labels=["state"])
    for state in states:  # every state, zeros included: a missing series is not a zero
        gauge.add_metric([state], counts.get(state, 0))
    return gauge


def scrape(rt: Runtime) -> bytes:
    """The whole exposition: the host's counters, then the deployment's gauges."""
    return exposition([DeploymentGauges(rt)])
