"""How many messages wait in each queue (the operator's view)."""

from __future__ import annotations

import redis

from vignette.queue.names import PRIORITY_STEPS, QUEUES


def queue_depths(client: redis.Redis) -> dict[str, int]:
    """Messages waiting in each queue, all priority levels together."""
    pipe = client.pipeline(transaction=False)
    for queue in QUEUES:
        for step in PRIORITY_STEPS:
            # kombu names the list of a priority step "<queue>:<step>" (step 0: the queue).
            pipe.llen(queue if step == 0 else f"{queue}:{step}")
    counts = pipe.execute()
    n = len(PRIORITY_STEPS)
    return {q: sum(counts[i * n : (i + 1) * n]) for i, q in enumerate(QUEUES)}
