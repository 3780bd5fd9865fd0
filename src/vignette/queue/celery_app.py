"""How the one Celery app is configured: queues, routes, priorities, reliability settings."""

from __future__ import annotations

from celery import Celery
from kombu import Exchange, Queue

from vignette.queue.names import (
    DEFAULT_PRIORITY,
    MAINTENANCE_PRIORITY,
    PRIORITY_STEPS,
    QUEUES,
    ROUTES,
    SCHEDULED,
    TaskName,
)
from vignette.settings import Settings

VISIBILITY_TIMEOUT = 3600  # longer than any job: hard time limit plus the longest backoff


def broker_url(redis_url: str) -> str:
    """Kombu spells a Redis unix socket differently from redis-py."""
    if redis_url.startswith("unix://"):
        return "redis+socket://" + redis_url[len("unix://") :]
    return redis_url


def create_celery(settings: Settings, *, set_as_current: bool = False) -> Celery:
    """A configured app; nothing connects until a message is sent or a worker starts."""
    app = Celery("vignette", set_as_current=set_as_current)
    intervals = {name: float(getattr(settings, knob)) for name, knob in SCHEDULED.items()}
    app.conf.update(
        broker_url=broker_url(settings.redis_url or "redis://127.0.0.1:6379/0"),
        broker_connection_retry_on_startup=True,
        task_queues=[Queue(name, Exchange(name), routing_key=name) for name in QUEUES],
        task_default_queue=str(ROUTES[TaskName.GENERATE_IMAGE]),
        task_routes={name: {"queue": str(queue)} for name, queue in ROUTES.items()},
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,
        task_time_limit=settings.task_time_limit_seconds,
        task_soft_time_limit=max(settings.task_time_limit_seconds - 15, 1),
        task_ignore_result=True,
        task_store_errors_even_if_ignored=False,
        task_serializer="json",
        accept_content=["json"],
        task_default_priority=DEFAULT_PRIORITY,
        broker_transport_options={
            "visibility_timeout": VISIBILITY_TIMEOUT,
            "priority_steps": list(PRIORITY_STEPS),
            "sep": ":",
        },
        worker_hijack_root_logger=False,
        worker_send_task_events=False,
        beat_schedule={
            str(name): {
                "task": str(name),
                "schedule": every,
                "options": {
                    "queue": str(ROUTES[name]),
                    "expires": every,
                    "priority": MAINTENANCE_PRIORITY,
                },
            }
            for name, every in intervals.items()
        },
    )
    return app
