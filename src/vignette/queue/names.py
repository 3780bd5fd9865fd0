"""The queue vocabulary, defined once: queue names, task names, routes and priorities."""

from __future__ import annotations

from enum import StrEnum


class QueueName(StrEnum):
    """Every worker names the queues it consumes."""

    HEAVY = "heavy"  # book imports
    NORMAL = "normal"  # image generation
    LIGHT = "light"  # maintenance: the reconcilers, housekeeping


class TaskName(StrEnum):
    """Celery task names; the messages carry only an id."""

    GENERATE_IMAGE = "vignette.generation.generate_image"
    PROCESS_BOOK = "vignette.books.process_book"
    RECONCILE_JOBS = "vignette.maintenance.reconcile"
    RECONCILE_BOOKS = "vignette.maintenance.reconcile_books"
    HOUSEKEEPING = "vignette.maintenance.housekeeping"


QUEUES: tuple[str, ...] = tuple(QueueName)
# Which queue each task goes to (the worker's task_routes and every send use this).
ROUTES: dict[str, QueueName] = {
    TaskName.GENERATE_IMAGE: QueueName.NORMAL,
    TaskName.PROCESS_BOOK: QueueName.HEAVY,
    TaskName.RECONCILE_JOBS: QueueName.LIGHT,
    TaskName.RECONCILE_BOOKS: QueueName.LIGHT,
    TaskName.HOUSEKEEPING: QueueName.LIGHT,
}
# What beat runs, each every so many seconds: the setting that says how many.
SCHEDULED: dict[TaskName, str] = {
    TaskName.RECONCILE_JOBS: "reconcile_interval_seconds",
    TaskName.RECONCILE_BOOKS: "reconcile_interval_seconds",
    TaskName.HOUSEKEEPING: "housekeeping_interval_seconds",
}

# kombu's Redis transport keeps one list per step; a lower number runs first.
PRIORITY_STEPS: tuple[int, ...] = (0, 3, 6, 9)
INTERACTIVE_PRIORITY = 0  # a reader waiting for one picture
DEFAULT_PRIORITY = 3
BULK_PRIORITY = 6  # a chapter batch in the background
# Beat's tasks go first: kombu takes every message of a lower step before one of a higher
# step, so at the default step a backlog of interactive jobs would starve the reconcilers
# (their messages expire after one interval) on a worker that serves both queues.
MAINTENANCE_PRIORITY = 0
