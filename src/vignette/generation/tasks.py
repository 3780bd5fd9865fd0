"""Celery tasks for generation: the task boundary, where worker transactions commit."""

from __future__ import annotations

import logging
import time
import uuid
from dataclasses import replace
from datetime import timedelta

from celery.exceptions import SoftTimeLimitExceeded

from vignette.db.base import utcnow
from vignette.generation import execution, reconcile
from vignette.generation.chain import pick_provider, switches_provider
from vignette.generation.policy import RetryPolicy, decide
from vignette.leases import LeaseKeeper
from vignette.prompts.builder import NEGATIVE_PROMPT, build_prompt, fit_prompt
from vignette.prompts.cache import translate_with_cache
from vignette.providers.base import ErrorCode, ImageResult, ProviderError
from vignette.providers.validation import validate_image
from vignette.publishing import together
from vignette.runtime import Runtime, get_runtime
from vignette.worker import app

log = logging.getLogger(__name__)


def _lease(rt: Runtime, job: execution.Claimed) -> LeaseKeeper:
    """Renews the job's lease while its provider call runs."""
    seconds = rt.settings.lease_seconds

    def renew() -> None:
        with rt.db.write() as s:
            execution.renew_lease(s, job.job_id, job.token, seconds)

    return LeaseKeeper(renew, seconds / 3, f"job {job.job_id}")


def _call_provider(rt: Runtime, job: execution.Claimed, name: str) -> ImageResult:
    provider = rt.provider(name)
    request = replace(
        job.request,
        prompt=fit_prompt(job.request.prompt, name),
        negative_prompt=NEGATIVE_PROMPT,
    )
    try:
        return validate_image(provider.generate(request))
    except ProviderError:
        raise
    except SoftTimeLimitExceeded as exc:
        raise ProviderError(ErrorCode.TIMEOUT, "the task time limit was reached") from exc


def run_job(rt: Runtime, job_id: uuid.UUID) -> None:
    """One delivery of a job: claim it, make one provider call, record what happened."""
    token = uuid.uuid4().hex
    with rt.db.write() as s:
        job = execution.claim(s, job_id, token, rt.settings.lease_seconds)
    if job is None:
        return  # already done, cancelled, not yet due, or running elsewhere
    try:
        _run_claimed(rt, _translated(rt, job))
    except Exception as exc:
        # A bug must end the job, not loop it; a crash right here is covered by the lease.
        log.exception("job %s failed inside Vignette", job_id)
        with rt.db.write() as s:
            execution.fail_internal(s, job, f"{type(exc).__name__}: {exc}")


def _translated(rt: Runtime, job: execution.Claimed) -> execution.Claimed:
    """On a job's first run, rebuild its prompt from the passage translated to English.

    The call happens outside any transaction; a failure keeps the original text and is
    recorded in the job's params, not hidden.
    """
    if rt.translator.name == "none":
        return job
    with rt.db.read() as s:
        source = execution.untranslated_source(s, job)
    if source is None:
        return job
    outcome = translate_with_cache(rt.db.read, rt.db.write, rt.translator, source.text, "en")
    prompt = build_prompt(outcome.text, source.type, source.genre, source.style)
    record: dict[str, object] = {
        "translator": rt.translator.name,
        "translated": outcome.translated,
        "cached": outcome.cached,
        "error": outcome.error,
    }
    with rt.db.write() as s:
        execution.set_prompt(s, job, prompt, record)
    return replace(job, request=replace(job.request, prompt=prompt))


def _run_claimed(rt: Runtime, job: execution.Claimed) -> None:
    settings = rt.settings
    chain = settings.providers
    pick = pick_provider(
        chain, job.last_provider, rt.breakers, rt.limiter, settings.breaker_cooldown_seconds
    )
    if pick.name is None:
        _postpone(rt, job, pick.wait)
        return
    provider = rt.provider(pick.name)
    with rt.db.write() as s:
        call = execution.begin_call(
            s, job, provider.name, provider.model, settings.max_provider_calls
        )
    if call is None:
        return  # cancelled between claim and call
    started = time.monotonic()
    try:
        with _lease(rt, job):
            result = _call_provider(rt, job, pick.name)
    except ProviderError as error:
        duration = int((time.monotonic() - started) * 1000)
        rt.breakers.failure(pick.name, error)
        elapsed = (utcnow() - job.created_at).total_seconds()
        decision = decide(
            error,
            call.attempt,
            elapsed,
            _policy(rt),
            switching=switches_provider(chain, pick.name),
            cascade_content_policy=settings.content_policy_fallback,
        )
        delay = decision.delay if decision.retry else None
        with rt.db.write() as s:
            ours = execution.record_failure(
                s, job, call.id, duration, error, delay, decision.reason
            )
        if ours and delay is not None:
            rt.dispatcher.send(job.job_id, priority=job.priority, countdown=delay)
        return
    rt.breakers.success(pick.name)
    duration = int((time.monotonic() - started) * 1000)
    sha = rt.storage.put(result.data)
    with rt.db.write() as s:
        execution.complete(s, job, call.id, duration, result, sha)


def _postpone(rt: Runtime, job: execution.Claimed, wait: float) -> None:
    """No provider can take a call now: requeue without a call, or fail past the deadline."""
    elapsed = (utcnow() - job.created_at).total_seconds()
    with rt.db.write() as s:
        if elapsed + wait > rt.settings.job_deadline_seconds:
            error = ProviderError(
                ErrorCode.UPSTREAM_UNAVAILABLE,
                "no provider could take the job before its deadline",
            )
            execution.record_failure(s, job, None, 0, error, None, "breakers open or rate limited")
            return
        ours = execution.postpone(s, job, wait)
    if ours:
        rt.dispatcher.send(job.job_id, priority=job.priority, countdown=wait)


def _policy(rt: Runtime) -> RetryPolicy:
    settings = rt.settings
    return RetryPolicy(
        max_calls=settings.max_provider_calls,
        base_seconds=settings.retry_base_seconds,
        max_seconds=settings.retry_max_seconds,
        deadline_seconds=settings.job_deadline_seconds,
    )


@app.task(name="vignette.generation.generate_image")
def generate_image(job_id: str) -> None:
    """Run one delivery of a generation job; a bad message or job never crashes the worker."""
    try:
        parsed = uuid.UUID(job_id)
    except (ValueError, TypeError):
        log.error("dropping message with a malformed job id %r", job_id)
        return
    run_job(get_runtime(), parsed)


@app.task(name="vignette.maintenance.reconcile")
def reconcile_jobs() -> dict[str, int]:
    """Requeue jobs whose worker died and resend jobs whose message was lost."""
    rt = get_runtime()
    settings = rt.settings
    now = utcnow()
    with rt.db.write() as s:
        requeued, failed = reconcile.reclaim_expired(s, now, settings.max_deliveries)
    with together(rt.dispatcher.celery, rt.redis):
        for job_id, priority in requeued:
            rt.dispatcher.send(job_id, priority)
    # A little grace so a job committed a moment ago is not resent before its first send.
    with rt.db.read() as s:
        candidates = reconcile.due_queued(s, now - timedelta(seconds=2))
    priorities = dict(candidates)
    lost = rt.dispatcher.unmarked(priorities)
    # After a lost broker this can be thousands: one pipeline, not a round trip each.
    with together(rt.dispatcher.celery, rt.redis):
        for job_id in lost:
            rt.dispatcher.send(job_id, priorities[job_id])
    if requeued or failed or lost:
        log.info(
            "reconciler: requeued %d, failed %d, resent %d", len(requeued), len(failed), len(lost)
        )
    return {"requeued": len(requeued), "failed": len(failed), "resent": len(lost)}
