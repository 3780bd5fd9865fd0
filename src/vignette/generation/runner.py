"""Worker-side steps of an image job: claim, translate, calls down the chain, the outcome.

Each step is one short transaction (the task boundary commits here); provider calls run
outside any transaction, under a lease renewed in the background. A failed call whose next
link can go at once is followed in the same delivery; only a pass over the whole chain that
failed, or no provider free to call, sends the job back to the queue with a delay.
"""

from __future__ import annotations

import logging
import os
import time
import uuid
from dataclasses import dataclass, replace
from datetime import timedelta

from celery.exceptions import SoftTimeLimitExceeded
from sqlalchemy.orm import Session

from vignette.db.base import utcnow
from vignette.db.claims import Claim
from vignette.generation import ledger, lost_jobs
from vignette.generation import repository as repo
from vignette.generation.chain import pick_provider, switches_provider
from vignette.generation.policy import RetryPolicy, decide
from vignette.metrics import metrics
from vignette.prompts.builder import NEGATIVE_PROMPT, build_prompt, fit_prompt
from vignette.providers.base import ErrorCode, ImageResult, ProviderError
from vignette.providers.validation import validate_image
from vignette.queue.leases import LeaseKeeper
from vignette.queue.messages import GenerateImage
from vignette.runtime import Runtime, unreachable
from vignette.translations.service import translate_with_cache

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Calling:
    """The next call is recorded in the ledger: make it."""

    provider: str
    call_id: uuid.UUID
    attempt: int


@dataclass(frozen=True)
class Ended:
    """This delivery is over; `later` is the run message to send once its commit is done."""

    later: GenerateImage | None = None


Step = Calling | Ended


def run_job(rt: Runtime, job_id: uuid.UUID) -> None:
    """One delivery of a job: claim it, then calls down the chain until one delivers, the
    whole chain has failed (a delayed message brings the job back), or the job ends."""
    claim = Claim(job_id, uuid.uuid4().hex)
    translating = rt.translator.name != "none"
    with rt.db.write() as s:
        run = repo.claim_job(s, claim, lease_seconds=rt.settings.lease_seconds)
        # Without a translator, the claim and the first call's ledger row share a transaction.
        step = None if run is None or translating else _next_step(rt, s, run)
    if run is None:
        return  # already done, cancelled, not yet due, or running elsewhere
    rt.changes.job(job_id)  # generating (and, without a translator, its first call recorded)
    try:
        if step is None:
            run = _translated(rt, run)
            with rt.db.write() as s:
                step = _next_step(rt, s, run)
            rt.changes.job(job_id)
        with _lease(rt, claim):
            step = _calls(rt, run, step)
    except Exception as exc:
        part = unreachable(exc)
        if part is not None:
            # Not the job's fault: leave it to its lease, after which the reconciler hands it
            # to the next delivery (its interrupted call is in the ledger).
            log.warning("job %s interrupted: the %s does not answer (%s); it runs again "
                        "after its lease", job_id, part, type(exc).__name__)  # fmt: skip
            return
        # A bug must end the job, not loop it; a crash right here is covered by the lease.
        log.exception("job %s failed inside Vignette", job_id)
        with rt.db.write() as s:
            ours = repo.fail_internal(s, claim, message=f"{type(exc).__name__}: {exc}")
        rt.changes.job(job_id)
        if ours:
            _count_finished(None, "failed")
        return
    if isinstance(step, Ended) and step.later is not None:
        rt.dispatcher.send(step.later)


def _next_step(rt: Runtime, s: Session, run: repo.JobRun) -> Step:
    """Choose the provider and record the call (in the caller's transaction), or postpone."""
    pick = pick_provider(rt.settings.providers, run.last_provider, rt.breakers, rt.limiter)
    if pick.name is None:
        return _postpone(rt, s, run, pick.wait)
    provider = rt.provider(pick.name)
    call = ledger.begin_call(
        s,
        run.claim,
        owned=repo.JOBS.owned(run.claim),
        provider=provider.name,
        model=provider.model,
        max_calls=rt.settings.max_provider_calls,
    )
    if call is None:
        return Ended()  # cancelled since the claim
    return Calling(pick.name, call.id, call.attempt)


def _calls(rt: Runtime, run: repo.JobRun, step: Step) -> Step:
    """Make calls until one delivers or the policy says to wait or stop."""
    while isinstance(step, Calling):
        if step.attempt > 1:
            rt.changes.job(run.claim.id)  # the next call, committed: provider and attempt
        else:
            metrics().queue_wait_seconds.observe((utcnow() - run.created_at).total_seconds())
        started = time.monotonic()
        try:
            result = _call_provider(rt, run, step.provider)
        except ProviderError as error:
            _count_call(step.provider, str(error.code), started)
            step, run = _after_failure(rt, run, step, error, _ms_since(started))
            continue
        _count_call(step.provider, "success", started)
        rt.breakers.success(step.provider)
        sha = rt.storage.put(result.data)
        with rt.db.write() as s:
            done = repo.complete(
                s, run.claim, call_id=step.call_id, duration_ms=_ms_since(started),
                result=result, sha256=sha,
            )  # fmt: skip
        rt.changes.job(run.claim.id)
        if done:
            _count_finished(step.provider, "completed")
            waited = (utcnow() - run.created_at).total_seconds()
            log.info("job %s completed: %s, call %d, %.1f s after submit",
                     run.claim.id, step.provider, step.attempt, waited,
                     extra=_fields(run, step.provider))  # fmt: skip
        return Ended()
    return step


def _after_failure(
    rt: Runtime, run: repo.JobRun, step: Calling, error: ProviderError, duration: int
) -> tuple[Step, repo.JobRun]:
    """Record a failed call; go on at once to the next provider, or retry later, or fail."""
    rt.breakers.failure(step.provider, error)
    chain = rt.settings.providers
    decision = decide(
        error,
        step.attempt,
        (utcnow() - run.created_at).total_seconds(),
        _policy(rt),
        switching=switches_provider(chain, step.provider),
        cascade_content_policy=rt.settings.content_policy_fallback,
        chain_length=len(chain),
    )
    run = replace(run, last_provider=step.provider)
    with rt.db.write() as s:
        if decision.retry and decision.delay == 0:
            # The next link owes nothing to this one's failure: call it in this delivery, no
            # broker round trip and no new claim; its ledger row shares this transaction.
            ledger.close_call(s, step.call_id, outcome="error", duration_ms=duration, error=error)
            return _next_step(rt, s, run), run
        delay = decision.delay if decision.retry else None
        ours = repo.record_failure(
            s, run.claim, error=error, call_id=step.call_id, duration_ms=duration,
            retry_delay=delay, reason=decision.reason,
        )  # fmt: skip
    rt.changes.job(run.claim.id)  # queued for a retry, or failed
    if ours and delay is None:
        _count_finished(step.provider, "failed")
    if ours:
        what = f"retry in {delay:.1f} s" if delay is not None else "failed"
        log.info("job %s: %s answered %s after call %d; %s",
                 run.claim.id, step.provider, error.code, step.attempt, what,
                 extra=_fields(run, step.provider))  # fmt: skip
    if ours and delay is not None:
        return Ended(GenerateImage(run.claim.id, run.priority, countdown=delay)), run
    return Ended(), run


def _fields(run: repo.JobRun, provider: str) -> dict[str, str]:
    """What a log line about a job carries as fields (JSON logs): never its prompt or a key."""
    return {"job_id": str(run.claim.id), "user_id": str(run.user_id), "provider": provider}


def _count_call(provider: str, outcome: str, started: float) -> None:
    m = metrics()
    m.provider_calls.labels(provider, outcome).inc()
    m.generation_seconds.labels(provider).observe(time.monotonic() - started)


def _count_finished(provider: str | None, outcome: str) -> None:
    metrics().jobs_finished.labels(provider or "none", outcome).inc()


def _ms_since(started: float) -> int:
    return int((time.monotonic() - started) * 1000)


def _translated(rt: Runtime, run: repo.JobRun) -> repo.JobRun:
    """On a job's first run, rebuild its prompt from the passage translated to English.

    The call happens outside any transaction; a failure keeps the original text and is
    recorded in the job's params, not hidden.
    """
    with rt.db.read() as s:
        source = repo.untranslated_source(s, run.claim.id)
    if source is None:
        return run
    outcome = translate_with_cache(rt.db.read, rt.db.write, rt.translator, source.text, "en")
    prompt = build_prompt(outcome.text, source.type, source.genre, source.style)
    record: dict[str, object] = {
        "translator": rt.translator.name,
        "translated": outcome.translated,
        "cached": outcome.cached,
        "error": outcome.error,
    }
    with rt.db.write() as s:
        repo.set_prompt(s, run.claim, prompt=prompt, translation=record)
    return replace(run, request=replace(run.request, prompt=prompt))


def _call_provider(rt: Runtime, run: repo.JobRun, name: str) -> ImageResult:
    poison = rt.settings.fault_poison_text
    if poison and poison in run.request.prompt:  # fault injection, tests only
        os._exit(70)
    provider = rt.provider(name)
    request = replace(
        run.request,
        prompt=fit_prompt(run.request.prompt, name),
        negative_prompt=NEGATIVE_PROMPT,
    )
    try:
        return validate_image(provider.generate(request))
    except ProviderError:
        raise
    except SoftTimeLimitExceeded as exc:
        raise ProviderError(ErrorCode.TIMEOUT, "the task time limit was reached") from exc


def _lease(rt: Runtime, claim: Claim) -> LeaseKeeper:
    """Renews the job's lease while its provider calls run."""
    seconds = rt.settings.lease_seconds

    def renew() -> None:
        with rt.db.write() as s:
            repo.JOBS.renew(s, claim, lease_seconds=seconds)

    return LeaseKeeper(renew, seconds / 3, f"job {claim.id}")


def _postpone(rt: Runtime, s: Session, run: repo.JobRun, wait: float) -> Ended:
    """No provider can take a call now: requeue without a call, or fail past the deadline."""
    elapsed = (utcnow() - run.created_at).total_seconds()
    if elapsed + wait > rt.settings.job_deadline_seconds:
        error = ProviderError(
            ErrorCode.UPSTREAM_UNAVAILABLE, "no provider could take the job before its deadline"
        )
        if repo.record_failure(s, run.claim, error=error, reason="breakers open or rate limited"):
            _count_finished(None, "failed")
        return Ended()
    if repo.postpone(s, run.claim, delay=wait):
        return Ended(GenerateImage(run.claim.id, run.priority, countdown=wait))
    return Ended()


def _policy(rt: Runtime) -> RetryPolicy:
    settings = rt.settings
    return RetryPolicy(
        max_calls=settings.max_provider_calls,
        base_seconds=settings.retry_base_seconds,
        max_seconds=settings.retry_max_seconds,
        deadline_seconds=settings.job_deadline_seconds,
    )


def reconcile_jobs(rt: Runtime) -> dict[str, int]:
    """Requeue jobs whose worker died and resend jobs whose message was lost."""
    now = utcnow()
    with rt.db.write() as s:
        requeued, failed = lost_jobs.reclaim_expired(
            s, now, max_deliveries=rt.settings.max_deliveries
        )
        # A job cancelled mid-call whose worker then died: nobody else closes that call.
        after = rt.settings.provider_timeout_seconds + rt.settings.lease_seconds
        lost_jobs.close_abandoned_calls(s, now, after=after)
    rt.dispatcher.send_all([GenerateImage(job_id, priority) for job_id, priority in requeued])
    rt.changes.jobs([job_id for job_id, _ in requeued] + list(failed))
    metrics().jobs_finished.labels("none", "failed").inc(len(failed))
    # A little grace so a job committed a moment ago is not resent before its first send.
    with rt.db.read() as s:
        candidates = lost_jobs.due_queued(s, now - timedelta(seconds=2))
    priorities = dict(candidates)
    lost = rt.dispatcher.lost_jobs(priorities)
    # After a lost broker this can be thousands: one pipeline, not a round trip each.
    rt.dispatcher.send_all([GenerateImage(job_id, priorities[job_id]) for job_id in lost])
    if requeued or failed or lost:
        log.info(
            "reconciler: requeued %d, failed %d, resent %d", len(requeued), len(failed), len(lost)
        )
    return {"requeued": len(requeued), "failed": len(failed), "resent": len(lost)}
