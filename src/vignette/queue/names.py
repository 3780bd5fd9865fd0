"""The queue vocabulary, defined once: queue names, task names, routes and priorities."""

from __future__ import annotations

from enum import StrEnum


class QueueName(StrEnum):
    """Every worker names the queues it consumes."""

    HEAVY = "heavy"  # book imports
    NORMAL = "normal"  # image generation
    LIGHT = "light"  # maintenance: the reconcilers


class TaskName(StrEnum):
    """Celery task names; the messages carry only an id."""

    GENERATE_IMAGE = "vignette.generation.generate_image"
    PROCESS_BOOK = "vignette.books.process_book"
    RECONCILE_JOBS = "vignette.maintenance.reconcile"
    RECONCILE_BOOKS = "vignette.maintenance.reconcile_books"


QUEUES: tuple[str, ...] = tuple(QueueName)
# Which queue each task goes to (the worker's task_routes and every send use this).
ROUTES: dict[str, QueueName] = {
    TaskName.GENERATE_IMAGE: QueueName.NORMAL,
    TaskName.PROCESS_BOOK: QueueName.HEAVY,
    TaskName.RECONCILE_JOBS: QueueName.LIGHT,
    TaskName.RECONCILE_BOOKS: QueueName.LIGHT,
}
# The reconcilers beat runs every VIGNETTE_RECONCILE_INTERVAL_SECONDS.
SCHEDULED: tuple[TaskName, ...] = (TaskName.RECONCILE_JOBS, TaskName.RECONCILE_BOOKS)

# kombu's Redis transport keeps one list per step; a lower number runs first.
PRIORITY_STEPS: tuple[int, ...] = (0, 3, 6, 9)
INTERACTIVE_PRIORITY = 0  # a reader waiting for one picture
DEFAULT_PRIORITY = 3
BULK_PRIORITY = 6  # a chapter batch in the background
