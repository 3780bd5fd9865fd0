"""Sending task messages and their markers: one at a time, or a group together.

Alone, every send is its own round trip to Redis, and kombu builds a new Redis client for
each one. Inside `together()`, a thread's sends are buffered in one kombu publish batch and
its markers in one Redis pipeline; both go out when the block ends, one round trip each for
the whole group. The API's group commit (`vignette.api.committer`) sends that way.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import redis
from redis.client import Pipeline

if TYPE_CHECKING:
    from celery import Celery
    from kombu import Producer


@dataclass(frozen=True)
class _Batch:
    producer: Producer
    pipeline: Pipeline


_local = threading.local()


def _current() -> _Batch | None:
    batch: _Batch | None = getattr(_local, "batch", None)
    return batch


@contextmanager
def together(celery: Celery, client: redis.Redis) -> Iterator[None]:
    """Send this thread's messages, then their markers, when the block ends.

    If the block raises, nothing it sent goes out: its rows stay queued without a marker,
    and the reconciler sends them. A nested block joins the outer one.
    """
    if _current() is not None:
        yield
        return
    with celery.producer_or_acquire() as producer:
        pipeline = client.pipeline(transaction=False)
        with producer.batch():  # kombu >= 5.7: one Redis pipeline for the batch
            _local.batch = _Batch(producer, pipeline)
            try:
                yield
            finally:
                _local.batch = None
    # Markers after their messages: a marker must never stand for a message not sent.
    pipeline.execute()


def send_task(celery: Celery, name: str, args: list[str], **options: Any) -> None:
    """Send one task message, into the current batch if there is one."""
    batch = _current()
    celery.send_task(name, args=args, producer=batch.producer if batch else None, **options)


def marker_writer(client: redis.Redis) -> redis.Redis | Pipeline:
    """Where a marker is written: the current batch's pipeline, else the client itself."""
    batch = _current()
    return batch.pipeline if batch is not None else client
