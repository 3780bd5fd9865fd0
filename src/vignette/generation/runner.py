"""Worker-side steps of an image job: claim, translate, one provider call, record the outcome.

Each step is one short transaction (the task boundary commits here); a provider call runs
outside any transaction, under a lease renewed in the background.
"""

from __future__ import annotations

import logging
import time
import uuid
from dataclasses import replace
from datetime import timedelta

from celery.exceptions import SoftTimeLimitExceeded

from vignette.db.base import utcnow
from vignette.db.claims import Claim
from vignette.generation import ledger
from vignette.generation import repository as repo
from vignette.generation.chain import pick_provider, switches_provider
from vignette.generation.policy import RetryPolicy, decide
from vignette.prompts.builder import NEGATIVE_PROMPT, build_prompt, fit_prompt
from vignette.providers.base import ErrorCode, ImageResult, ProviderError
from vignette.providers.validation import validate_image
from vignette.queue.leases import LeaseKeeper
from vignette.queue.messages import GenerateImage
from vignette.runtime import Runtime
from vignette.translations.service import translate_with_cache

log = logging.getLogger(__name__)


def run_job(rt: Runtime, job_id: uuid.UUID) -> None:
    """One delivery of a job: claim it, make one provider call, record what happened."""
    claim = Claim(job_id, uuid.uuid4().hex)
    with rt.db.write() as s:
        run = repo.claim_job(s, claim, lease_seconds=rt.settings.lease_seconds)
    if run is None:
        return  # already done, cancelled, not yet due, or running elsewhere
    try:
        _call_once(rt, _translated(rt, run))
    except Exception as exc:
        # A bug must end the job, not loop it; a crash right here is covered by the lease.
        log.exception("job %s failed inside Vignette", job_id)
        with rt.db.write() as s:
            repo.fail_internal(s, claim, message=f"{type(exc).__name__}: {exc}")


def _translated(rt: Runtime, run: repo.JobRun) -> repo.JobRun:
    """On a job's first run, rebuild its prompt from the passage translated to English.

    The call happens outside any transaction; a failure keeps the original text and is
    recorded in the job's params, not hidden.
    """
    if rt.translator.name == "none":
        return run
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


def _call_once(rt: Runtime, run: repo.JobRun) -> None:
    settings = rt.settings
    chain = settings.providers
    pick = pick_provider(
        chain, run.last_provider, rt.breakers, rt.limiter, settings.breaker_cooldown_seconds
    )
    if pick.name is None:
        _postpone(rt, run, pick.wait)
        return
    provider = rt.provider(pick.name)
    with rt.db.write() as s:
        call = ledger.begin_call(
            s,
            run.claim,
            owned=repo.JOBS.owned(run.claim),
            provider=provider.name,
            model=provider.model,
            max_calls=settings.max_provider_calls,
        )
    if call is None:
        return  # cancelled between claim and call
    started = time.monotonic()
    try:
        with _lease(rt, run.claim):
            result = _call_provider(rt, run, pick.name)
    except ProviderError as error:
        _after_failure(rt, run, pick.name, call.id, call.attempt, error, started)
        return
    rt.breakers.success(pick.name)
    duration = int((time.monotonic() - started) * 1000)
    sha = rt.storage.put(result.data)
    with rt.db.write() as s:
        repo.complete(
            s, run.claim, call_id=call.id, duration_ms=duration, result=result, sha256=sha
        )


def _after_failure(
    rt: Runtime,
    run: repo.JobRun,
    provider: str,
    call_id: uuid.UUID,
    attempt: int,
    error: ProviderError,
    started: float,
) -> None:
    """Record a failed call, then retry (a delayed message) or fail, as the policy decides."""
    duration = int((time.monotonic() - started) * 1000)
    rt.breakers.failure(provider, error)
    elapsed = (utcnow() - run.created_at).total_seconds()
    decision = decide(
        error,
        attempt,
        elapsed,
        _policy(rt),
        switching=switches_provider(rt.settings.providers, provider),
        cascade_content_policy=rt.settings.content_policy_fallback,
    )
    delay = decision.delay if decision.retry else None
    with rt.db.write() as s:
        ours = repo.record_failure(
            s,
            run.claim,
            error=error,
            call_id=call_id,
            duration_ms=duration,
            retry_delay=delay,
            reason=decision.reason,
        )
    if ours and delay is not None:
        rt.dispatcher.send(GenerateImage(run.claim.id, run.priority, countdown=delay))


def _call_provider(rt: Runtime, run: repo.JobRun, name: str) -> ImageResult:
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
    """Renews the job's lease while its provider call runs."""
    seconds = rt.settings.lease_seconds

    def renew() -> None:
        with rt.db.write() as s:
            repo.JOBS.renew(s, claim, lease_seconds=seconds)

    return LeaseKeeper(renew, seconds / 3, f"job {claim.id}")


def _postpone(rt: Runtime, run: repo.JobRun, wait: float) -> None:
    """No provider can take a call now: requeue without a call, or fail past the deadline."""
    elapsed = (utcnow() - run.created_at).total_seconds()
    with rt.db.write() as s:
        if elapsed + wait > rt.settings.job_deadline_seconds:
            error = ProviderError(
                ErrorCode.UPSTREAM_UNAVAILABLE,
                "no provider could take the job before its deadline",
            )
            repo.record_failure(s, run.claim, error=error, reason="breakers open or rate limited")
            return
        ours = repo.postpone(s, run.claim, delay=wait)
    if ours:
        rt.dispatcher.send(GenerateImage(run.claim.id, run.priority, countdown=wait))


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
        requeued, failed = repo.reclaim_expired(s, now, max_deliveries=rt.settings.max_deliveries)
    rt.dispatcher.send_all([GenerateImage(job_id, priority) for job_id, priority in requeued])
    # A little grace so a job committed a moment ago is not resent before its first send.
    with rt.db.read() as s:
        candidates = repo.due_queued(s, now - timedelta(seconds=2))
    priorities = dict(candidates)
    lost = rt.dispatcher.unmarked_jobs(priorities)
    # After a lost broker this can be thousands: one pipeline, not a round trip each.
    rt.dispatcher.send_all([GenerateImage(job_id, priorities[job_id]) for job_id in lost])
    if requeued or failed or lost:
        log.info(
            "reconciler: requeued %d, failed %d, resent %d", len(requeued), len(failed), len(lost)
        )
    return {"requeued": len(requeued), "failed": len(failed), "resent": len(lost)}
