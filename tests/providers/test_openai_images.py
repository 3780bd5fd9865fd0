"""OpenAIImagesProvider against the fake server over real HTTP."""

from __future__ import annotations

import io
from typing import cast

import pytest
from PIL import Image

from tests.support.fake import SECRET, FakeServer, assert_secret_hidden
from vignette.providers.base import ErrorCode, ImageRequest, ProviderError
from vignette.providers.openai_images import OpenAIImagesProvider, nearest_size


@pytest.mark.parametrize(
    ("size", "model", "expected"),
    [
        ((1024, 768), "gpt-image-1", "1536x1024"),
        ((768, 1024), "gpt-image-1", "1024x1536"),
        ((1000, 1000), "gpt-image-1", "1024x1024"),
        ((1920, 1080), "dall-e-3", "1792x1024"),
        ((300, 300), "dall-e-2", "256x256"),
        ((600, 600), "dall-e-2", "512x512"),
        ((1024, 768), "my-local-sdxl", "1536x1024"),
    ],
)
def test_size_is_the_nearest_accepted_one(size: tuple[int, int], model: str, expected: str) -> None:
    assert nearest_size(*size, model) == expected


@pytest.mark.parametrize(
    ("model", "size"),
    # The fake rejects response_format for gpt-image and requires it for DALL-E, like the
    # real API, so success here proves the request body is the one each model accepts.
    [("gpt-image-1", (1536, 1024)), ("dall-e-3", (1792, 1024)), ("dall-e-2", (1024, 1024))],
)
def test_success_returns_a_real_image_and_records_the_model(
    fake: FakeServer, model: str, size: tuple[int, int]
) -> None:
    provider = OpenAIImagesProvider(SECRET, fake.url, model=model, timeout=10.0)
    result = provider.generate(ImageRequest("A lighthouse in a storm", 1024, 768))

    assert result.model == model
    assert result.mime_type == "image/png"
    assert (result.width, result.height) == size
    with Image.open(io.BytesIO(result.data)) as img:
        img.load()
        darkest, brightest = cast(tuple[int, int], img.convert("L").getextrema())
        assert brightest - darkest > 50
    assert fake.outcomes("openai") == {"ok": 1}
    [call] = fake.recent()
    assert call["path"] == "/v1/images/generations"
    assert call["query"] == {}
    assert "authorization" in call["headers"]


@pytest.mark.parametrize(
    ("model", "fault", "code", "retryable", "retry_after"),
    [
        ("gpt-image-1", "429", ErrorCode.RATE_LIMITED, True, 2.0),
        ("gpt-image-1", "500", ErrorCode.UPSTREAM_UNAVAILABLE, True, None),
        ("gpt-image-1", "503", ErrorCode.UPSTREAM_UNAVAILABLE, True, None),
        ("gpt-image-1", "blocked", ErrorCode.CONTENT_POLICY, False, None),  # moderation_blocked
        ("dall-e-3", "blocked", ErrorCode.CONTENT_POLICY, False, None),  # content_policy_violation
        ("gpt-image-1", "quota", ErrorCode.QUOTA_EXHAUSTED, False, None),  # 429 insufficient_quota
        ("gpt-image-1", "badkey", ErrorCode.AUTH, False, None),
        ("gpt-image-1", "empty", ErrorCode.EMPTY_RESULT, True, None),
        ("gpt-image-1", "garbage", ErrorCode.INVALID_IMAGE, True, None),
    ],
)
def test_each_fault_maps_to_one_error_after_exactly_one_call(
    fake: FakeServer,
    model: str,
    fault: str,
    code: ErrorCode,
    retryable: bool,
    retry_after: float | None,
) -> None:
    provider = OpenAIImagesProvider(SECRET, fake.url, model=model, timeout=5.0)
    with pytest.raises(ProviderError) as caught:
        provider.generate(ImageRequest(f"A cathedral [fault:{fault}]"))

    assert caught.value.code == code
    assert caught.value.retryable is retryable
    assert caught.value.retry_after == retry_after
    assert_secret_hidden(caught.value)
    assert fake.outcomes("openai") == {fault: 1}


def test_quota_and_rate_limit_share_a_status_but_not_a_code(fake: FakeServer) -> None:
    provider = OpenAIImagesProvider(SECRET, fake.url)
    codes = []
    for fault in ("429", "quota"):
        with pytest.raises(ProviderError) as caught:
            provider.generate(ImageRequest(f"A tower [fault:{fault}]"))
        codes.append(caught.value.code)
    assert codes == [ErrorCode.RATE_LIMITED, ErrorCode.QUOTA_EXHAUSTED]


def test_timeout_and_slow_bodies_are_bounded(fake: FakeServer) -> None:
    provider = OpenAIImagesProvider(SECRET, fake.url, timeout=0.8)
    for fault in ("timeout", "slow"):
        with pytest.raises(ProviderError) as caught:
            provider.generate(ImageRequest(f"A garden [fault:{fault}]"))
        assert caught.value.code == ErrorCode.TIMEOUT
        assert caught.value.retryable
    assert fake.outcomes("openai") == {"timeout": 1, "slow": 1}


def test_unreachable_server_is_upstream_unavailable(closed_port_url: str) -> None:
    provider = OpenAIImagesProvider(SECRET, closed_port_url, timeout=2.0)
    with pytest.raises(ProviderError) as caught:
        provider.generate(ImageRequest("A garden"))
    assert caught.value.code == ErrorCode.UPSTREAM_UNAVAILABLE
    assert_secret_hidden(caught.value)
