"""The claim / lease / reclaim protocol, written once for both background jobs.

A worker claims a row with a conditional update that stores a random token and a lease; every
later write of that run is conditional on the token (`owned`), so a run that lost its claim
(cancelled, reclaimed, taken over) can no longer change the row. The worker renews the lease
while it works; the reconciler reclaims rows whose lease expired (their worker died).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import ColumnElement, CursorResult, Update, or_, select, update
from sqlalchemy.orm import InstrumentedAttribute, Session

from vignette.db.base import Base, utcnow


def changed_rows(session: Session, statement: Update) -> int:
    """Run an UPDATE and return how many rows it changed."""
    result = cast(CursorResult[Any], session.execute(statement))
    return result.rowcount


@dataclass(frozen=True)
class Claim:
    """A row this run owns: its id and the token its writes are conditional on."""

    id: uuid.UUID
    token: str


@dataclass(frozen=True)
class LeasedTable:
    """The columns of a claimable table and the status its rows have while a run owns them."""

    model: type[Base]
    id: InstrumentedAttribute[uuid.UUID]
    status: InstrumentedAttribute[str]
    token: InstrumentedAttribute[str | None]
    lease_expires_at: InstrumentedAttribute[datetime | None]
    deliveries: InstrumentedAttribute[int]
    running: str

    def free(self, now: datetime) -> ColumnElement[bool]:
        """No live run holds the row: never claimed, reclaimed, or its lease ran out."""
        return or_(self.token.is_(None), self.lease_expires_at < now)

    def owned(self, claim: Claim) -> list[ColumnElement[bool]]:
        """The conditions under which a write still belongs to this run."""
        return [self.id == claim.id, self.status == self.running, self.token == claim.token]

    def _update(self, *where: ColumnElement[bool], values: dict[Any, Any]) -> Update:
        return (
            update(self.model)
            .where(*where)
            .values(values)
            .execution_options(synchronize_session=False)
        )

    def claim(
        self,
        session: Session,
        claim: Claim,
        *,
        lease_seconds: float,
        where: Sequence[ColumnElement[bool]],
        values: dict[Any, Any] | None = None,
    ) -> bool:
        """Take the row if it meets `where`: token, lease, one more delivery, `values`."""
        now = utcnow()
        claimed = {
            self.status: self.running,
            self.token: claim.token,
            self.lease_expires_at: now + timedelta(seconds=lease_seconds),
            self.deliveries: self.deliveries + 1,
            **(values or {}),
        }
        return changed_rows(session, self._update(self.id == claim.id, *where, values=claimed)) > 0

    def renew(self, session: Session, claim: Claim, *, lease_seconds: float) -> bool:
        """Extend the lease; False if the row is no longer this run's."""
        until = utcnow() + timedelta(seconds=lease_seconds)
        statement = self._update(*self.owned(claim), values={self.lease_expires_at: until})
        return changed_rows(session, statement) > 0

    def settle(self, session: Session, claim: Claim, values: dict[Any, Any]) -> bool:
        """Write the run's outcome (and drop its lease); False if the row is no longer its own."""
        ended = {self.token: None, self.lease_expires_at: None, **values}
        return changed_rows(session, self._update(*self.owned(claim), values=ended)) > 0

    def update_owned(self, session: Session, claim: Claim, values: dict[Any, Any]) -> bool:
        """Change the row while keeping the claim; False if it is no longer this run's."""
        return changed_rows(session, self._update(*self.owned(claim), values=values)) > 0

    def expired(self, session: Session, now: datetime) -> list[tuple[uuid.UUID, int]]:
        """(id, deliveries) of the running rows whose lease ran out before `now`."""
        rows = session.execute(
            select(self.id, self.deliveries).where(
                self.status == self.running, self.lease_expires_at < now
            )
        ).all()
        return [(row[0], row[1]) for row in rows]

    def reclaim(
        self, session: Session, object_id: uuid.UUID, *, now: datetime, values: dict[Any, Any]
    ) -> bool:
        """Take the row away from its dead run (if its lease is still expired) with `values`."""
        statement = self._update(
            self.id == object_id,
            self.status == self.running,
            self.lease_expires_at < now,
            values={self.token: None, self.lease_expires_at: None, **values},
        )
        return changed_rows(session, statement) > 0
