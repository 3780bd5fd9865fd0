"""The one Celery app: queues, routing and reliability settings in one place."""

from __future__ import annotations

from celery import Celery
from kombu import Exchange, Queue

from vignette.settings import Settings, get_settings

QUEUES = ("heavy", "normal", "light")
VISIBILITY_TIMEOUT = 3600  # longer than any job: hard time limit plus the longest backoff


def broker_url(redis_url: str) -> str:
    """Kombu spells a Redis unix socket differently from redis-py."""
    if redis_url.startswith("unix://"):
        return "redis+socket://" + redis_url[len("unix://") :]
    return redis_url


def create_celery(settings: Settings) -> Celery:
    """Configure the app; nothing connects until a message is sent or a worker starts."""
    app = Celery("vignette", set_as_current=True)
    app.conf.update(
        broker_url=broker_url(settings.redis_url or "redis://127.0.0.1:6379/0"),
        broker_connection_retry_on_startup=True,
        task_queues=[Queue(name, Exchange(name), routing_key=name) for name in QUEUES],
        task_default_queue="normal",
        task_routes={
            "vignette.books.*": {"queue": "heavy"},
            "vignette.generation.generate_image": {"queue": "normal"},
            "vignette.maintenance.*": {"queue": "light"},
        },
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,
        task_time_limit=settings.task_time_limit_seconds,
        task_soft_time_limit=max(settings.task_time_limit_seconds - 15, 1),
        task_ignore_result=True,
        task_store_errors_even_if_ignored=False,
        task_serializer="json",
        accept_content=["json"],
        # Lower number runs first; interactive jobs use 0, bulk jobs a higher step.
        task_default_priority=3,
        broker_transport_options={
            "visibility_timeout": VISIBILITY_TIMEOUT,
            "priority_steps": [0, 3, 6, 9],
            "sep": ":",
        },
        worker_hijack_root_logger=False,
        worker_send_task_events=False,
        beat_schedule={
            name: {
                "task": f"vignette.maintenance.{name}",
                "schedule": settings.reconcile_interval_seconds,
                "options": {"queue": "light", "expires": settings.reconcile_interval_seconds},
            }
            for name in ("reconcile", "reconcile_books")
        },
        include=["vignette.generation.tasks", "vignette.books.tasks"],
    )
    return app


app = create_celery(get_settings())
