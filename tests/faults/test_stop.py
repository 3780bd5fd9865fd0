"""Stopping `vignette serve` (Ctrl-C, SIGTERM) lets the worker finish the call it is making:
the worker's main process is asked to stop, and it waits for its pool; the pool processes are
not signalled themselves (that killed the job mid-call, to be redone after its lease)."""

from __future__ import annotations

import pytest

from tests.support.api import create_book, description_ids, wait_for, wait_for_call_in_flight
from tests.support.service import Service

pytestmark = pytest.mark.integration


def test_stopping_serve_lets_the_running_job_finish(slow_service: Service) -> None:
    with slow_service.client() as c:
        desc_id = description_ids(create_book(c))[0]
        task = c.post(f"/images/generate/async/{desc_id}").json()
        wait_for_call_in_flight(c, task["task_id"])  # the 1.5 s call has begun
    assert slow_service.stop() == 0
    slow_service.start()
    with slow_service.client() as c:
        doc = wait_for(c, task["task_id"], {"completed", "failed"}, timeout=60)
    # One call, finished before the worker exited: not lost and made again after a restart.
    assert doc["status"] == "completed", doc
    assert [a["outcome"] for a in doc["attempts"]] == ["success"]
