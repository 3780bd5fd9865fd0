"""Readiness: the database answers, Redis answers, and every queue has a live worker. Each
check is cheap (one query, one PING, one SCAN of the workers' announcements) and names what
failed, so a load balancer or a person sees which part is missing."""

from __future__ import annotations

from dataclasses import dataclass

import redis
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from vignette.queue.names import QUEUES
from vignette.queue.presence import Presence
from vignette.runtime import Runtime


@dataclass(frozen=True)
class Check:
    """One part of readiness."""

    name: str
    ok: bool
    detail: str


def database(rt: Runtime) -> Check:
    try:
        with rt.db.read() as session:
            session.execute(text("SELECT 1"))
    except SQLAlchemyError as exc:
        return Check("database", False, f"the database does not answer ({type(exc).__name__})")
    return Check("database", True, "answers")


def broker(rt: Runtime) -> Check:
    try:
        rt.redis.ping()
    except redis.RedisError as exc:
        return Check("redis", False, f"Redis does not answer ({type(exc).__name__})")
    return Check("redis", True, "answers")


def workers(rt: Runtime) -> Check:
    try:
        served = Presence(rt.redis).queues_served()
    except redis.RedisError:
        return Check("workers", False, "unknown: Redis does not answer")
    missing = [q for q in QUEUES if q not in served]
    if missing:
        return Check("workers", False, f"no live worker consumes: {', '.join(missing)}")
    return Check("workers", True, f"every queue has a live worker ({', '.join(QUEUES)})")


def readiness(rt: Runtime) -> list[Check]:
    """Every check, in order; ready when all pass."""
    return [database(rt), broker(rt), workers(rt)]
