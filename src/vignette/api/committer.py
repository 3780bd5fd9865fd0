"""Group commit for creating POSTs.

Requests that arrive while a transaction is being committed wait for it to end, then share
the next one: one BEGIN and COMMIT, one thread hop and one round trip to the queue for the
whole group, instead of one each. Alone, a request is committed as before, so a single
client waits no longer. Each request of a group runs in its own savepoint: one that fails
with a client error (4xx) leaves no writes and does not disturb the others. Any other error
rolls the group back, and its requests are committed again one by one.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass

from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response
from sqlalchemy.orm import Session

from vignette.api.creations import (
    Answer,
    Creation,
    Outcome,
    apply,
    messages_of,
    replaying_a_won_key,
    respond,
)
from vignette.errors import VignetteError
from vignette.metrics import metrics
from vignette.queue.messages import GenerateImage, Message
from vignette.runtime import Runtime

log = logging.getLogger(__name__)

MAX_GROUP = 64


@dataclass(frozen=True)
class _Waiting:
    creation: Creation
    answer: asyncio.Future[Response]


class Committer:
    """One per API process: commits creations in groups, one group at a time."""

    def __init__(self, rt: Runtime, max_group: int = MAX_GROUP) -> None:
        self.rt = rt
        self.max_group = max_group
        self._busy = False
        self._waiting: list[_Waiting] = []
        self._drain: asyncio.Task[None] | None = None

    async def run(self, creation: Creation) -> Response:
        """Commit the creation (with any others waiting) and answer it."""
        if self._busy:
            answer: asyncio.Future[Response] = asyncio.get_running_loop().create_future()
            self._waiting.append(_Waiting(creation, answer))
            return await answer
        # Nothing is being committed: go at once, alone, without waiting for a drain task.
        self._busy = True
        try:
            return await run_in_threadpool(commit_alone, self.rt, creation)
        finally:
            self._hand_over()

    def _hand_over(self) -> None:
        """Whoever finishes a commit starts the next group, if anyone waits."""
        if self._waiting:
            self._drain = asyncio.get_running_loop().create_task(self._commit_waiting())
        else:
            self._busy = False

    async def _commit_waiting(self) -> None:
        group = self._waiting[: self.max_group]
        del self._waiting[: self.max_group]
        try:
            answers = await run_in_threadpool(commit_group, self.rt, [w.creation for w in group])
        except BaseException as exc:  # cancelled at shutdown: nobody is left waiting
            for w in group:
                if w.answer.done():
                    continue
                if isinstance(exc, asyncio.CancelledError):
                    w.answer.cancel()
                else:
                    w.answer.set_exception(exc)
            raise
        finally:
            self._hand_over()
        for w, a in zip(group, answers, strict=True):
            if w.answer.done():  # the client went away; its creation still stands
                continue
            if isinstance(a, Response):
                w.answer.set_result(a)
            else:
                w.answer.set_exception(a)


def commit_alone(rt: Runtime, creation: Creation) -> Response:
    """Run one creation in its own transaction (or replay its stored answer), then send."""

    def in_transaction() -> Outcome:
        with rt.db.write() as session:
            return apply(session, creation)

    outcome = replaying_a_won_key(creation, in_transaction)
    rt.dispatcher.send_all(_committed([outcome]))
    return respond(outcome)


def commit_group(rt: Runtime, group: list[Creation]) -> list[Response | Exception]:
    """Commit the group in one transaction, send its messages together, answer each."""
    if len(group) == 1:
        return [_alone(rt, group[0])]
    try:
        with rt.db.write() as session:
            outcomes = [_in_savepoint(session, creation) for creation in group]
    except Exception:
        log.warning("a group of %d creations failed; committing them one by one", len(group),
                    exc_info=True)  # fmt: skip
        return [_alone(rt, creation) for creation in group]
    sent: Exception | None = None
    try:
        rt.dispatcher.send_all(_committed(outcomes))
    except Exception as exc:  # committed, not sent: the reconciler sends them later
        sent = exc
    answers: list[Response | Exception] = []
    for outcome in outcomes:
        if isinstance(outcome, Exception):
            answers.append(outcome)
        elif sent is not None and isinstance(outcome, Answer) and outcome.messages:
            answers.append(sent)
        else:
            answers.append(respond(outcome))
    return answers


def _committed(outcomes: list[Outcome | VignetteError]) -> list[Message]:
    """The messages of committed outcomes, each new image job counted as submitted."""
    messages = messages_of(outcomes)
    metrics().jobs_submitted.inc(sum(isinstance(m, GenerateImage) for m in messages))
    return messages


def _alone(rt: Runtime, creation: Creation) -> Response | Exception:
    try:
        return commit_alone(rt, creation)
    except Exception as exc:
        return exc


def _in_savepoint(session: Session, creation: Creation) -> Outcome | VignetteError:
    """The creation's writes in a savepoint; a client error rolls back only them."""

    def once() -> Outcome | VignetteError:
        try:
            with session.begin_nested():
                return apply(session, creation)
        except VignetteError as exc:
            return exc

    return replaying_a_won_key(creation, once)
