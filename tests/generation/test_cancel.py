"""Cancel reaches the job: no provider call after it is recorded, no result committed after it."""

from __future__ import annotations

import time

from tests.support.api import create_book, description_ids, wait_for, wait_for_call_in_flight
from tests.support.inprocess import InProcessApp


def test_cancel_while_queued_makes_no_provider_call(slow_app: InProcessApp) -> None:
    with slow_app.client() as c:
        ids = description_ids(create_book(c))
        busy = c.post(f"/images/generate/async/{ids[0]}").json()
        wait_for(c, busy["task_id"], {"generating"})
        queued = c.post(f"/images/generate/async/{ids[1]}").json()
        assert queued["status"] == "queued"
        # The 202 answer leaves the position to the status URL (the submit path stays flat).
        assert queued["queue_position"] is None
        assert c.get(queued["status_url"].removeprefix("/api/v1")).json()["queue_position"] == 1

        waited = c.post(f"/images/generate/description/{ids[1]}", params={"wait": 0})
        assert waited.status_code == 202
        assert waited.json()["task_id"] == queued["task_id"]

        r = c.post(f"/images/task/{queued['task_id']}/cancel")
        assert r.status_code == 200
        assert r.json()["status"] == "cancelled"
        assert c.post(f"/images/task/{queued['task_id']}/cancel").json()["status"] == "cancelled"

        wait_for(c, busy["task_id"], {"completed"})
        time.sleep(2.5)  # long enough for the worker to have run the cancelled job, had it
        final = c.get(f"/images/task/{queued['task_id']}").json()
        assert final["status"] == "cancelled"
        assert final["attempts"] == []
        assert final["image"] is None
        # A cancelled description can be requested again: a new job.
        again = c.post(f"/images/generate/async/{ids[1]}")
        assert again.status_code == 202
        assert again.json()["task_id"] != queued["task_id"]


def test_cancel_while_generating_discards_the_result(slow_app: InProcessApp) -> None:
    with slow_app.client() as c:
        desc_id = description_ids(create_book(c))[0]
        task = c.post(f"/images/generate/async/{desc_id}").json()
        wait_for_call_in_flight(c, task["task_id"])
        assert c.post(f"/images/task/{task['task_id']}/cancel").json()["status"] == "cancelled"
        deadline = time.monotonic() + 10
        doc = task
        while time.monotonic() < deadline:
            doc = c.get(f"/images/task/{task['task_id']}").json()
            if doc["attempts"] and doc["attempts"][-1]["outcome"] != "pending":
                break
            time.sleep(0.1)
        assert doc["status"] == "cancelled"
        assert [a["outcome"] for a in doc["attempts"]] == ["discarded"]
        assert c.get(f"/images/{task['task_id']}/file").status_code == 409
