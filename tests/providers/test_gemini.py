"""GeminiProvider against the fake server over real HTTP, through the real google-genai SDK."""

from __future__ import annotations

import io
from typing import cast

import pytest
from google import genai
from google.genai import errors, types
from PIL import Image

from tests.support.fake import SECRET, FakeServer, assert_secret_hidden
from vignette.fakes.wire import GEMINI_SIZES
from vignette.providers.base import ErrorCode, ImageRequest, ProviderError
from vignette.providers.gemini import GEMINI_RATIOS, GeminiProvider, nearest_aspect_ratio

MODEL = "gemini-test-image"


def provider(fake: FakeServer, timeout: float = 5.0) -> GeminiProvider:
    return GeminiProvider(SECRET, fake.url, model=MODEL, timeout=timeout)


@pytest.mark.parametrize(
    ("size", "ratio"),
    [((1024, 768), "4:3"), ((768, 1024), "3:4"), ((1000, 1000), "1:1"), ((1920, 800), "21:9"),
     ((1600, 900), "16:9"), ((900, 1600), "9:16"), ((1200, 800), "3:2"), ((1000, 800), "5:4")],
)  # fmt: skip
def test_aspect_ratio_is_the_nearest_supported(size: tuple[int, int], ratio: str) -> None:
    assert nearest_aspect_ratio(*size, GEMINI_RATIOS) == ratio


def test_success_returns_a_real_image_and_records_the_model(fake: FakeServer) -> None:
    result = provider(fake).generate(ImageRequest("A castle above a misty river", 1024, 768))

    assert result.model == MODEL
    assert result.mime_type == "image/png"
    assert (result.width, result.height) == GEMINI_SIZES["4:3"]
    with Image.open(io.BytesIO(result.data)) as img:
        img.load()
        assert img.size == GEMINI_SIZES["4:3"]
        darkest, brightest = cast(tuple[int, int], img.convert("L").getextrema())
        assert brightest - darkest > 50  # a picture, not a flat fill
    assert fake.outcomes("gemini") == {"ok": 1}
    [call] = fake.recent()
    assert call["path"] == f"/v1beta/models/{MODEL}:generateContent"
    assert "x-goog-api-key" in call["headers"]  # the key travels in a header...
    assert call["query"] == {}  # ...not in the URL


def test_portrait_request_gets_a_portrait_image(fake: FakeServer) -> None:
    result = provider(fake).generate(ImageRequest("A tall tower in the forest", 600, 1100))
    assert (result.width, result.height) == GEMINI_SIZES["9:16"]


@pytest.mark.parametrize(
    ("fault", "code", "retry_after"),
    [
        ("429", ErrorCode.RATE_LIMITED, 2.0),  # from google.rpc.RetryInfo's retryDelay
        ("500", ErrorCode.UPSTREAM_UNAVAILABLE, None),
        ("503", ErrorCode.UPSTREAM_UNAVAILABLE, None),
        ("504", ErrorCode.TIMEOUT, None),
        ("401", ErrorCode.AUTH, None),
        ("403", ErrorCode.AUTH, None),
        ("400", ErrorCode.INVALID_INPUT, None),
        ("badkey", ErrorCode.AUTH, None),  # Google's 400 API_KEY_INVALID
        ("quota", ErrorCode.QUOTA_EXHAUSTED, None),  # 429 with a per-day QuotaFailure
        ("blocked", ErrorCode.CONTENT_POLICY, None),  # promptFeedback.blockReason
        ("image_safety", ErrorCode.CONTENT_POLICY, None),  # finishReason IMAGE_SAFETY
        ("empty", ErrorCode.EMPTY_RESULT, None),  # no candidates at all
        ("no_image", ErrorCode.EMPTY_RESULT, None),  # finishReason NO_IMAGE, text only
        ("garbage", ErrorCode.INVALID_IMAGE, None),  # inline data that is not a picture
    ],
)
def test_each_fault_maps_to_one_error_after_exactly_one_call(
    fake: FakeServer, fault: str, code: ErrorCode, retry_after: float | None
) -> None:
    with pytest.raises(ProviderError) as caught:
        provider(fake).generate(ImageRequest(f"A quiet harbour [fault:{fault}]"))

    error = caught.value
    assert error.code == code
    assert error.retryable == (code in {ErrorCode.RATE_LIMITED, ErrorCode.UPSTREAM_UNAVAILABLE,
                                        ErrorCode.TIMEOUT, ErrorCode.EMPTY_RESULT,
                                        ErrorCode.INVALID_IMAGE})  # fmt: skip
    assert error.retry_after == retry_after
    assert_secret_hidden(error)
    # One call reached the server: the SDK did not retry 429/5xx behind our back.
    assert fake.outcomes("gemini") == {fault: 1}


def test_blocked_prompt_names_the_reason(fake: FakeServer) -> None:
    with pytest.raises(ProviderError, match="PROHIBITED_CONTENT"):
        provider(fake).generate(ImageRequest("Something forbidden [fault:blocked]"))


def test_timeout_is_a_retryable_timeout_after_one_call(fake: FakeServer) -> None:
    with pytest.raises(ProviderError) as caught:
        provider(fake, timeout=1.0).generate(ImageRequest("A slow sunrise [fault:timeout]"))
    assert caught.value.code == ErrorCode.TIMEOUT
    assert caught.value.retryable
    assert_secret_hidden(caught.value)
    assert fake.outcomes("gemini") == {"timeout": 1}


def test_slow_body_within_the_timeout_still_delivers(fake: FakeServer) -> None:
    result = provider(fake, timeout=10.0).generate(ImageRequest("A field at dusk [fault:slow]"))
    assert (result.width, result.height) == GEMINI_SIZES["4:3"]
    assert fake.outcomes("gemini") == {"slow": 1}


def test_unreachable_server_is_upstream_unavailable(closed_port_url: str) -> None:
    gemini = GeminiProvider(SECRET, closed_port_url, timeout=2.0)
    with pytest.raises(ProviderError) as caught:
        gemini.generate(ImageRequest("A lighthouse"))
    assert caught.value.code == ErrorCode.UPSTREAM_UNAVAILABLE
    assert caught.value.retryable
    assert_secret_hidden(caught.value)


def test_fault_for_another_provider_does_not_touch_gemini(fake: FakeServer) -> None:
    result = provider(fake).generate(ImageRequest("A meadow [fault:pollinations:503]"))
    assert result.model == MODEL
    assert fake.outcomes("gemini") == {"ok": 1}


def test_an_api_key_is_required() -> None:
    with pytest.raises(ValueError, match="API key"):
        GeminiProvider("", "http://127.0.0.1:9")


def test_the_counter_would_catch_sdk_retries(fake: FakeServer) -> None:
    """Control: an SDK client with retry options left at their defaults calls 5 times, so the
    single calls counted above really prove that our provider turned retries off."""
    options = types.HttpOptions(
        base_url=fake.url,
        retry_options=types.HttpRetryOptions(initial_delay=0.01, max_delay=0.02),
    )
    client = genai.Client(api_key=SECRET, http_options=options)
    with pytest.raises(errors.APIError):
        client.models.generate_content(model=MODEL, contents="A storm [fault:503]")
    assert fake.outcomes("gemini") == {"503": 5}
