"""The ledger: one row per provider call, written before the call, closed after it.

Paid calls per delivered image, a job's attempts and a provider's recent success rate are
all queries over these rows.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import ColumnElement, Select, bindparam, case, func, select, update
from sqlalchemy.orm import Session

from vignette.db.base import utcnow
from vignette.db.claims import Claim, changed_rows
from vignette.db.models import ImageJob, ProviderCall
from vignette.providers.base import ProviderError


def begin_call(
    session: Session,
    claim: Claim,
    *,
    owned: list[ColumnElement[bool]],
    provider: str,
    model: str,
    max_calls: int,
) -> ProviderCall | None:
    """Record a provider call before making it, in the same statement that counts it against
    the job (`owned`: the job is still this run's); None if cancelled, lost, or over budget."""
    attempt = session.scalar(
        update(ImageJob)
        .where(*owned, ImageJob.attempts < max_calls)
        .values(attempts=ImageJob.attempts + 1, provider=provider, model=model)
        .returning(ImageJob.attempts)
        .execution_options(synchronize_session=False)
    )
    if attempt is None:
        return None
    call = ProviderCall(
        job_id=claim.id, attempt=attempt, provider=provider, model=model, started_at=utcnow()
    )
    session.add(call)
    session.flush()
    return call


def close_call(
    session: Session,
    call_id: uuid.UUID,
    *,
    outcome: str,
    duration_ms: int,
    error: ProviderError | None,
) -> None:
    """Record how a call ended: its outcome, duration and error."""
    changed_rows(
        session,
        update(ProviderCall)
        .where(ProviderCall.id == call_id)
        .values(
            outcome=outcome,
            duration_ms=duration_ms,
            error_code=error.code.value if error else None,
            error_message=error.message[:2000] if error else None,
        )
        .execution_options(synchronize_session=False),
    )


def mark_lost(session: Session, job_id: uuid.UUID) -> None:
    """Close the job's call that was in flight when its worker died."""
    _mark_lost(session, ProviderCall.job_id == job_id)


def mark_lost_among(session: Session, jobs: Select[uuid.UUID]) -> int:
    """Close the calls in flight of the jobs `jobs` selects (their worker died); how many."""
    return _mark_lost(session, ProviderCall.job_id.in_(jobs))


def _mark_lost(session: Session, which: ColumnElement[bool]) -> int:
    return changed_rows(
        session,
        update(ProviderCall)
        .where(which, ProviderCall.outcome == "pending")
        .values(outcome="lost", error_message="worker lost during the call")
        .execution_options(synchronize_session=False),
    )


_CALLS = (
    select(ProviderCall)
    .where(ProviderCall.job_id.in_(bindparam("ids", expanding=True)))
    .order_by(ProviderCall.job_id, ProviderCall.attempt)
)


def calls_for_jobs(
    session: Session, job_ids: list[uuid.UUID]
) -> dict[uuid.UUID, list[ProviderCall]]:
    """The ledger rows of several jobs, each job's in order."""
    calls: dict[uuid.UUID, list[ProviderCall]] = {job_id: [] for job_id in job_ids}
    if job_ids:
        for call in session.scalars(_CALLS, {"ids": job_ids}):
            calls[call.job_id].append(call)
    return calls


def recent_calls(session: Session, since: datetime) -> dict[str, tuple[int, int]]:
    """Per provider: (calls, successful calls) started since `since` (all users)."""
    rows = session.execute(
        select(
            ProviderCall.provider,
            func.count(),
            func.sum(case((ProviderCall.outcome == "success", 1), else_=0)),
        )
        .where(ProviderCall.started_at >= since)
        .group_by(ProviderCall.provider)
    ).all()
    return {name: (int(total), int(ok or 0)) for name, total, ok in rows}
