"""A fake image-provider server speaking the Gemini, Vertex Imagen, Pollinations and OpenAI wire
formats, with real pictures and scripted faults, so providers are tested over real HTTP.
It also answers OpenAI chat completions (`chat`) for the prompt translator and LLM extractor.

Faults are chosen, first match wins, by the `X-Fake-Fault` header, a prompt marker
`[fault:NAME]` (or `[fault:PROVIDER:NAME]` to hit one provider only), a fault forced with
`POST /_fake/faults {"gemini": "503"}`, or at random with `failure_rate` (transient faults only,
so a retry can succeed). Names: an HTTP status (`429` carries Retry-After), `timeout` (hold the
request until the client gives up), `slow` (a real image trickled slowly), `blocked`,
`image_safety`, `empty`, `no_image`, `garbage`, `placeholder` (Pollinations' HTTP 200 stand-in
picture), `quota` (the vendor's out-of-quota answer) and `badkey`; chat only: `long` (a
runaway answer) and `prose` (an answer that is not JSON).
`GET /_fake/calls` counts calls per provider and outcome; `POST /_fake/reset` clears them.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections import Counter, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route

from vignette.fakes.chat import chat_answer, user_text
from vignette.fakes.wire import (
    GEMINI_SIZES,
    IMAGEN_SIZES,
    PROVIDERS,
    Answer,
    choose_fault,
    gemini_answer,
    imagen_answer,
    openai_answer,
    pollinations_answer,
    render_image,
)

RETRY_AFTER_SECONDS = 2  # the default Retry-After of a 429


@dataclass
class FakeState:
    """Fault settings and what the server has seen."""

    failure_rate: float = 0.0
    latency_s: float = 0.0
    seed: int | None = None
    hang_seconds: float = 60.0
    slow_seconds: float = 2.0
    # One cached picture per size and format: the fake answers at once (for benchmarks).
    same_picture: bool = False
    # Pollinations answers in this size whatever was asked (as some of its models do).
    pollinations_size: tuple[int, int] | None = None
    retry_after_s: int = RETRY_AFTER_SECONDS
    forced: dict[str, str] = field(default_factory=dict)
    calls: dict[str, Counter[str]] = field(default_factory=dict)
    recent: deque[dict[str, Any]] = field(default_factory=lambda: deque(maxlen=200))
    rng: random.Random = field(default_factory=random.Random)

    def __post_init__(self) -> None:
        self.rng = random.Random(self.seed)
        self._pictures: dict[tuple[int, int, str], bytes] = {}

    def picture(self, prompt: str, seed: int, width: int, height: int, fmt: str) -> bytes:
        """A rendered picture of the prompt, or the one cached for its size (same_picture)."""
        if not self.same_picture:
            return render_image(prompt, seed, width, height, fmt)
        key = (width, height, fmt)
        if key not in self._pictures:
            self._pictures[key] = render_image("a quiet landscape at dusk", 1, width, height, fmt)
        return self._pictures[key]

    def record(self, provider: str, outcome: str, request: Request) -> None:
        """Count one received call; keep a short trace for tests (never header values)."""
        self.calls.setdefault(provider, Counter())[outcome] += 1
        self.recent.append(
            {
                "provider": provider,
                "outcome": outcome,
                "at": time.time(),
                "method": request.method,
                "path": request.scope["path"],  # decoded, as routing saw it
                "query": dict(request.query_params),
                "headers": sorted(request.headers.keys()),
            }
        )


async def _hold(request: Request, state: FakeState) -> None:
    """Keep the call open until the client disconnects or hang_seconds pass."""
    deadline = time.monotonic() + state.hang_seconds
    while time.monotonic() < deadline:
        if await request.is_disconnected():
            return
        await asyncio.sleep(0.05)


def _trickle(body: bytes, seconds: float, content_type: str, status: int = 200) -> Response:
    """Send a body in eight chunks spread over `seconds`: a slow but healthy upstream."""

    async def chunks() -> Any:
        step = max(1, len(body) // 8 + 1)
        for start in range(0, len(body), step):
            await asyncio.sleep(seconds / 8)
            yield body[start : start + step]

    headers = {"content-length": str(len(body))}
    return StreamingResponse(chunks(), status_code=status, media_type=content_type, headers=headers)


async def _serve(
    request: Request, provider: str, prompt: str, build: Callable[[str | None], Answer]
) -> Response:
    """Common path: key check, fault choice, counting, latency, then the vendor's answer."""
    state: FakeState = request.app.state.fake
    if not _auth_key(request):
        state.record(provider, "unauthenticated", request)
        return JSONResponse({"error": {"code": 401, "message": f"{provider}: no key"}}, 401)
    header = request.headers.get("x-fake-fault")
    fault = choose_fault(provider, prompt, header, state.forced, state.rng, state.failure_rate)
    state.record(provider, fault or "ok", request)
    if state.latency_s > 0:
        await asyncio.sleep(state.latency_s)
    if fault == "timeout":
        await _hold(request, state)
        return JSONResponse({"error": "held past the client's timeout"}, status_code=504)
    status, content_type, body, headers = await run_in_threadpool(build, fault)
    if fault == "slow":
        return _trickle(body, state.slow_seconds, content_type, status)
    return Response(body, status_code=status, media_type=content_type, headers=headers)


def _auth_key(request: Request) -> str:
    bearer = request.headers.get("authorization", "")
    return request.headers.get("x-goog-api-key", "") or bearer.removeprefix("Bearer ").strip()


async def _json_body(request: Request) -> dict[str, Any]:
    try:
        body = await request.json()
    except ValueError:
        body = None
    return body if isinstance(body, dict) else {}


async def gemini(request: Request) -> Response:
    """Gemini API generateContent with inline image parts."""
    payload = await _json_body(request)
    texts = [p.get("text", "") for c in payload.get("contents", []) for p in c.get("parts", [])]
    prompt = " ".join(t for t in texts if t)
    config = payload.get("generationConfig", {})
    ratio = config.get("imageConfig", {}).get("aspectRatio", "1:1")
    size = GEMINI_SIZES.get(ratio, (1024, 1024))
    model = request.path_params["model"]
    state: FakeState = request.app.state.fake

    def build(fault: str | None) -> Answer:
        image = partial(state.picture, prompt, int(config.get("seed", 0)), *size, "PNG")
        return gemini_answer(fault, model, image, state.retry_after_s)

    return await _serve(request, "gemini", prompt, build)


async def imagen(request: Request) -> Response:
    """Vertex AI predict for Imagen models."""
    payload = await _json_body(request)
    instances = payload.get("instances") or [{}]
    prompt = str(instances[0].get("prompt", ""))
    params = payload.get("parameters", {})
    size = IMAGEN_SIZES.get(params.get("aspectRatio", "1:1"), (1024, 1024))
    rai = bool(params.get("includeRaiReason"))
    state: FakeState = request.app.state.fake

    def build(fault: str | None) -> Answer:
        image = partial(state.picture, prompt, int(params.get("seed", 0)), *size, "PNG")
        return imagen_answer(fault, image, rai, state.retry_after_s)

    return await _serve(request, "imagen", prompt, build)


def _side(value: str | None) -> int:
    return min(max(int(value), 16), 2048) if value and value.isdigit() else 1024


async def pollinations(request: Request) -> Response:
    """Pollinations GET /image/{prompt}: the picture itself, JPEG."""
    prompt = request.path_params["prompt"]
    query = request.query_params
    width, height = (_side(query.get(name)) for name in ("width", "height"))
    seed = int(query["seed"]) if query.get("seed", "").isdigit() else 42
    state: FakeState = request.app.state.fake
    if state.pollinations_size is not None:
        width, height = state.pollinations_size

    def build(fault: str | None) -> Answer:
        image = partial(state.picture, prompt, seed, width, height, "JPEG")
        return pollinations_answer(fault, image, state.retry_after_s)

    return await _serve(request, "pollinations", prompt, build)


async def openai(request: Request) -> Response:
    """OpenAI Images API generations with base64 output."""
    payload = await _json_body(request)
    prompt = str(payload.get("prompt", ""))
    state: FakeState = request.app.state.fake

    def build(fault: str | None) -> Answer:
        def picture(width: int, height: int) -> bytes:
            return state.picture(prompt, 0, width, height, "PNG")

        return openai_answer(fault, payload, picture, state.retry_after_s)

    return await _serve(request, "openai", prompt, build)


async def chat(request: Request) -> Response:
    """OpenAI chat completions: a deterministic "translation" or list of passages."""
    payload = await _json_body(request)

    state: FakeState = request.app.state.fake

    def build(fault: str | None) -> Answer:
        return chat_answer(fault, payload, state.retry_after_s)

    return await _serve(request, "chat", user_text(payload), build)


async def calls(request: Request) -> Response:
    """Counts per provider and outcome, plus a short trace of recent requests."""
    state: FakeState = request.app.state.fake
    providers = {
        name: {"calls": counter.total(), "outcomes": dict(counter)}
        for name, counter in state.calls.items()
    }
    total = sum(counter.total() for counter in state.calls.values())
    body = {"total": total, "providers": providers, "recent": list(state.recent)}
    return JSONResponse(body)


async def reset(request: Request) -> Response:
    """Forget counts, trace and forced faults; reseed the random fault sequence."""
    state: FakeState = request.app.state.fake
    state.calls.clear()
    state.recent.clear()
    state.forced.clear()
    state.rng = random.Random(state.seed)
    return JSONResponse({"ok": True})


async def faults(request: Request) -> Response:
    """Force a fault per provider ({"gemini": "503"}); null clears it."""
    state: FakeState = request.app.state.fake
    for name, fault in (await request.json()).items():
        if name not in PROVIDERS:
            return JSONResponse({"error": f"unknown provider {name!r}"}, status_code=400)
        if fault is None:
            state.forced.pop(name, None)
        else:
            state.forced[name] = str(fault).lower()
    return JSONResponse({"forced": state.forced})


def create_app(
    failure_rate: float = 0.0,
    latency_ms: float = 0.0,
    seed: int | None = None,
    *,
    hang_seconds: float = 60.0,
    slow_seconds: float = 2.0,
    same_picture: bool = False,
    pollinations_size: tuple[int, int] | None = None,
    retry_after_seconds: int = RETRY_AFTER_SECONDS,
) -> Starlette:
    """The fake server as an ASGI app."""
    if not 0.0 <= failure_rate <= 1.0:
        raise ValueError("failure_rate must be within 0..1")
    routes = [
        Route("/{version}/models/{model}:generateContent", gemini, methods=["POST"]),
        # Express mode calls /v1beta1/publishers/...; project mode adds projects/../locations/..
        Route("/{prefix:path}/publishers/google/models/{model}:predict", imagen, methods=["POST"]),
        Route("/image/{prompt:path}", pollinations, methods=["GET"]),
        Route("/v1/images/generations", openai, methods=["POST"]),
        Route("/v1/chat/completions", chat, methods=["POST"]),
        Route("/_fake/calls", calls, methods=["GET"]),
        Route("/_fake/reset", reset, methods=["POST"]),
        Route("/_fake/faults", faults, methods=["POST"]),
    ]
    app = Starlette(routes=routes)
    app.state.fake = FakeState(
        failure_rate,
        latency_ms / 1000.0,
        seed,
        hang_seconds=hang_seconds,
        slow_seconds=slow_seconds,
        same_picture=same_picture,
        pollinations_size=pollinations_size,
        retry_after_s=retry_after_seconds,
    )
    return app


def serve_fake_providers(
    host: str,
    port: int,
    failure_rate: float,
    latency_ms: float,
    seed: int | None,
    *,
    hang_seconds: float = 60.0,
    slow_seconds: float = 2.0,
    same_picture: bool = False,
    pollinations_size: tuple[int, int] | None = None,
) -> None:
    """Serve the fake providers until interrupted (blocking)."""
    app = create_app(
        failure_rate,
        latency_ms,
        seed,
        hang_seconds=hang_seconds,
        slow_seconds=slow_seconds,
        same_picture=same_picture,
        pollinations_size=pollinations_size,
    )
    uvicorn.run(app, host=host, port=port, log_level="warning", timeout_graceful_shutdown=2)


run = serve_fake_providers
