"""The fake provider server itself: wire formats, fault selection, counting, entry point."""

from __future__ import annotations

import base64
import io
import subprocess
import sys
import time

import httpx
import pytest
from PIL import Image

from tests.support.fake import FakeServer, running_fake_server
from vignette.fakes.server import create_app
from vignette.fakes.wire import RANDOM_FAULTS

AUTH = {"Authorization": "Bearer test-key"}
GOOGLE_AUTH = {"x-goog-api-key": "test-key"}


def gemini_call(
    fake: FakeServer, prompt: str, headers: dict[str, str] | None = None
) -> httpx.Response:
    body = {
        "contents": [{"role": "user", "parts": [{"text": prompt}]}],
        "generationConfig": {"imageConfig": {"aspectRatio": "16:9"}},
    }
    url = f"{fake.url}/v1beta/models/m:generateContent"
    return fake.http.post(url, json=body, headers={**GOOGLE_AUTH, **(headers or {})})


def pollinations_call(
    fake: FakeServer, prompt: str, headers: dict[str, str] | None = None
) -> httpx.Response:
    params = {"width": 320, "height": 200, "seed": 3}
    headers = {**AUTH, **(headers or {})}
    return fake.http.get(f"{fake.url}/image/{prompt}", params=params, headers=headers)


def decode(data: bytes) -> tuple[str | None, tuple[int, int]]:
    with Image.open(io.BytesIO(data)) as img:
        img.load()
        return img.format, img.size


def test_each_wire_format_returns_a_real_image(fake: FakeServer) -> None:
    gemini = gemini_call(fake, "A sunny beach").json()
    part = gemini["candidates"][0]["content"]["parts"][0]["inlineData"]
    assert part["mimeType"] == "image/png"
    assert decode(base64.b64decode(part["data"])) == ("PNG", (1344, 768))

    imagen = fake.http.post(
        f"{fake.url}/v1/projects/p/locations/us-central1/publishers/google/models/m:predict",
        json={"instances": [{"prompt": "A beach"}], "parameters": {"aspectRatio": "9:16"}},
        headers=GOOGLE_AUTH,
    ).json()
    assert decode(base64.b64decode(imagen["predictions"][0]["bytesBase64Encoded"])) == (
        "PNG",
        (768, 1408),
    )

    pollinations = pollinations_call(fake, "A beach")
    assert pollinations.headers["content-type"] == "image/jpeg"
    assert decode(pollinations.content) == ("JPEG", (320, 200))

    openai = fake.http.post(
        f"{fake.url}/v1/images/generations",
        json={"model": "gpt-image-1", "prompt": "A beach", "n": 1, "size": "1024x1536"},
        headers=AUTH,
    ).json()
    assert decode(base64.b64decode(openai["data"][0]["b64_json"])) == ("PNG", (1024, 1536))
    assert fake.calls()["total"] == 4


def test_openai_rejects_what_the_real_api_rejects(fake: FakeServer) -> None:
    url = f"{fake.url}/v1/images/generations"
    base = {"model": "gpt-image-1", "prompt": "A beach", "n": 1, "size": "1024x1024"}
    for change in ({"size": "1000x1000"}, {"response_format": "b64_json"}, {"n": 2}):
        reply = fake.http.post(url, json={**base, **change}, headers=AUTH)
        assert reply.status_code == 400, change


def test_header_marker_and_forced_faults(fake: FakeServer) -> None:
    assert gemini_call(fake, "A beach", {"X-Fake-Fault": "503"}).status_code == 503
    assert pollinations_call(fake, "A beach", {"X-Fake-Fault": "402"}).status_code == 402

    # A provider-scoped marker hits only that provider.
    assert gemini_call(fake, "A beach [fault:pollinations:500]").status_code == 200
    assert pollinations_call(fake, "A beach [fault:pollinations:500]").status_code == 500

    fake.force(gemini="429")
    reply = gemini_call(fake, "A beach")
    assert reply.status_code == 429
    assert reply.json()["error"]["status"] == "RESOURCE_EXHAUSTED"
    assert pollinations_call(fake, "A beach").status_code == 200
    fake.force(gemini=None)
    assert gemini_call(fake, "A beach").status_code == 200

    assert fake.outcomes("gemini") == {"503": 1, "ok": 2, "429": 1}
    assert fake.outcomes("pollinations") == {"402": 1, "500": 1, "ok": 1}


def test_google_429_carries_retry_info_and_pollinations_a_retry_after(fake: FakeServer) -> None:
    gemini = gemini_call(fake, "A beach [fault:429]").json()
    delays = [d.get("retryDelay") for d in gemini["error"]["details"]]
    assert "2s" in delays
    assert pollinations_call(fake, "A beach [fault:429]").headers["retry-after"] == "2"


def test_placeholder_is_a_fixed_picture_of_another_size(fake: FakeServer) -> None:
    first = pollinations_call(fake, "A beach [fault:placeholder]")
    second = pollinations_call(fake, "A forest [fault:placeholder]")
    assert first.status_code == second.status_code == 200
    assert first.content == second.content
    assert decode(first.content) == ("PNG", (400, 300))


def test_reset_clears_counts_and_missing_keys_are_counted(fake: FakeServer) -> None:
    assert pollinations_call(fake, "A beach").status_code == 200
    reply = fake.http.get(f"{fake.url}/image/A%20beach")
    assert reply.status_code == 401
    assert fake.outcomes("pollinations") == {"ok": 1, "unauthenticated": 1}
    fake.reset()
    assert fake.calls() == {"total": 0, "providers": {}, "recent": []}


def test_a_held_call_does_not_block_other_calls(fake: FakeServer) -> None:
    with pytest.raises(httpx.ReadTimeout):
        fake.http.post(
            f"{fake.url}/v1beta/models/m:generateContent",
            json={"contents": [{"parts": [{"text": "A storm [fault:timeout]"}]}]},
            headers=GOOGLE_AUTH,
            timeout=0.5,
        )
    assert gemini_call(fake, "A calm sea").status_code == 200
    assert fake.outcomes("gemini") == {"timeout": 1, "ok": 1}


def outcome_sequence(server: FakeServer, count: int) -> list[str]:
    for i in range(count):
        pollinations_call(server, f"A field number {i}")
    return [call["outcome"] for call in server.recent()]


def test_failure_rate_is_seeded_mixed_and_transient_only() -> None:
    with running_fake_server(failure_rate=0.5, seed=7) as server:
        first = outcome_sequence(server, 40)
        server.reset()  # reseeds the fault sequence
        again = outcome_sequence(server, 40)
    with running_fake_server(failure_rate=0.5, seed=8) as other:
        different = outcome_sequence(other, 40)

    assert first == again
    assert first != different
    faults = [outcome for outcome in first if outcome != "ok"]
    assert 10 <= len(faults) <= 30
    assert len(set(faults)) >= 3  # mixed classes, not one
    assert set(faults) <= set(RANDOM_FAULTS["pollinations"])


def test_latency_and_rate_bounds() -> None:
    with running_fake_server(failure_rate=1.0, latency_ms=300, seed=1) as server:
        started = time.monotonic()
        reply = pollinations_call(server, "A lake")
        assert time.monotonic() - started >= 0.3
        assert reply.status_code != 200 or reply.headers["content-type"] == "image/png"
        assert server.outcomes("pollinations").get("ok", 0) == 0
    with pytest.raises(ValueError, match="failure_rate"):
        create_app(failure_rate=1.5)


def test_serve_fake_providers_runs_as_its_own_process(closed_port_url: str) -> None:
    port = int(closed_port_url.rsplit(":", 1)[1])
    code = (
        "from vignette.fakes.server import serve_fake_providers; "
        f"serve_fake_providers('127.0.0.1', {port}, 0.0, 0.0, 1)"
    )
    proc = subprocess.Popen([sys.executable, "-c", code])
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                reply = httpx.get(f"{closed_port_url}/_fake/calls", timeout=1)
                break
            except httpx.TransportError:
                assert proc.poll() is None, "fake server process exited"
                assert time.monotonic() < deadline, "fake server process did not start"
                time.sleep(0.1)
        assert reply.json()["total"] == 0
        served = FakeServer(closed_port_url)
        assert pollinations_call(served, "A hill").status_code == 200
        assert served.calls()["total"] == 1
        served.http.close()
    finally:
        proc.terminate()
        proc.wait(timeout=10)
