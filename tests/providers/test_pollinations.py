"""PollinationsProvider against the fake server over real HTTP."""

from __future__ import annotations

import hashlib
import io
from collections.abc import Iterator

import pytest
from PIL import Image

from tests.support.fake import SECRET, FakeServer, assert_secret_hidden, running_fake_server
from vignette.fakes.wire import PLACEHOLDER_SIZE, placeholder_png
from vignette.providers.base import ErrorCode, ImageRequest, ProviderError
from vignette.providers.pollinations import (
    KNOWN_PLACEHOLDERS,
    PollinationsProvider,
    is_placeholder,
)

# The fake's stand-in picture, known by its digest as the real one is.
FAKE_PLACEHOLDER = frozenset({hashlib.sha256(placeholder_png()).hexdigest()})


@pytest.fixture
def pollinations(fake: FakeServer) -> Iterator[PollinationsProvider]:
    provider = PollinationsProvider(
        SECRET, fake.url, model="turbo", timeout=5.0, placeholders=FAKE_PLACEHOLDER
    )
    yield provider
    provider.close()


def test_success_sends_every_parameter_and_returns_the_asked_size(
    fake: FakeServer, pollinations: PollinationsProvider
) -> None:
    prompt = "Туман над рекой / a misty river? 100% & more"
    result = pollinations.generate(ImageRequest(prompt, 640, 480, seed=12345))

    assert result.model == "turbo"
    assert result.mime_type == "image/jpeg"
    assert (result.width, result.height) == (640, 480)
    with Image.open(io.BytesIO(result.data)) as img:
        img.load()
        assert img.format == "JPEG"
    [call] = fake.recent()
    assert call["path"] == f"/image/{prompt}"  # quoted on the way out, intact on arrival
    assert call["query"] == {
        "width": "640",
        "height": "480",
        "seed": "12345",
        "model": "turbo",
        "nologo": "true",
        "private": "true",
        "safe": "true",
    }
    assert "authorization" in call["headers"]  # the key is a Bearer header, never in the URL
    assert fake.outcomes("pollinations") == {"ok": 1}


def test_seed_zero_is_still_sent(fake: FakeServer, pollinations: PollinationsProvider) -> None:
    pollinations.generate(ImageRequest("A pond", 320, 240, seed=0))
    assert fake.recent()[0]["query"]["seed"] == "0"


@pytest.mark.parametrize(
    ("fault", "code", "retryable", "retry_after"),
    [
        ("429", ErrorCode.RATE_LIMITED, True, 2.0),  # Retry-After header
        ("500", ErrorCode.UPSTREAM_UNAVAILABLE, True, None),
        ("502", ErrorCode.UPSTREAM_UNAVAILABLE, True, None),
        ("503", ErrorCode.UPSTREAM_UNAVAILABLE, True, None),
        ("530", ErrorCode.UPSTREAM_UNAVAILABLE, True, None),  # Cloudflare: origin unreachable
        ("402", ErrorCode.QUOTA_EXHAUSTED, False, None),
        ("quota", ErrorCode.QUOTA_EXHAUSTED, False, None),
        ("401", ErrorCode.AUTH, False, None),
        ("badkey", ErrorCode.AUTH, False, None),
        ("blocked", ErrorCode.CONTENT_POLICY, False, None),
        ("placeholder", ErrorCode.RATE_LIMITED, True, None),  # HTTP 200 stock picture
        ("empty", ErrorCode.EMPTY_RESULT, True, None),  # HTTP 200, no bytes
        ("garbage", ErrorCode.INVALID_IMAGE, True, None),  # HTTP 200 text/html
    ],
)
def test_each_fault_maps_to_one_error_after_exactly_one_call(
    fake: FakeServer,
    pollinations: PollinationsProvider,
    fault: str,
    code: ErrorCode,
    retryable: bool,
    retry_after: float | None,
) -> None:
    with pytest.raises(ProviderError) as caught:
        pollinations.generate(ImageRequest(f"A village [fault:{fault}]", 640, 480))

    assert caught.value.code == code
    assert caught.value.retryable is retryable
    assert caught.value.retry_after == retry_after
    assert_secret_hidden(caught.value)
    assert fake.outcomes("pollinations") == {fault: 1}


def test_the_placeholder_is_known_by_its_content_and_never_accepted(
    fake: FakeServer, pollinations: PollinationsProvider
) -> None:
    with pytest.raises(ProviderError, match="known placeholder") as caught:
        pollinations.generate(ImageRequest("A forest [fault:placeholder]", *PLACEHOLDER_SIZE))
    assert caught.value.code == ErrorCode.RATE_LIMITED  # even when it has the asked size


def test_a_real_picture_of_the_models_own_size_is_accepted() -> None:
    with running_fake_server(pollinations_size=(1024, 1024)) as square:
        provider = PollinationsProvider(SECRET, square.url, timeout=5.0)
        result = provider.generate(ImageRequest("A forest at dawn", 1024, 768))
        assert (result.width, result.height) == (1024, 1024)  # the size it has, recorded
        assert square.outcomes("pollinations") == {"ok": 1}  # one call, no retry
        provider.close()


def test_timeout_when_nothing_arrives(fake: FakeServer) -> None:
    slow = PollinationsProvider(SECRET, fake.url, timeout=0.5)
    with pytest.raises(ProviderError) as caught:
        slow.generate(ImageRequest("A road [fault:timeout]", 320, 240))
    assert caught.value.code == ErrorCode.TIMEOUT
    assert fake.outcomes("pollinations") == {"timeout": 1}


def test_a_trickling_body_is_bounded_by_the_total_timeout(fake: FakeServer) -> None:
    # Each chunk arrives well within 0.8 s, so only a deadline on the whole call stops it.
    slow = PollinationsProvider(SECRET, fake.url, timeout=0.8)
    with pytest.raises(ProviderError) as caught:
        slow.generate(ImageRequest("A road [fault:slow]", 320, 240))
    assert caught.value.code == ErrorCode.TIMEOUT
    assert "not complete" in caught.value.message


def test_a_slow_body_within_the_timeout_is_delivered(
    fake: FakeServer, pollinations: PollinationsProvider
) -> None:
    result = pollinations.generate(ImageRequest("A road [fault:slow]", 320, 240))
    assert (result.width, result.height) == (320, 240)
    assert fake.outcomes("pollinations") == {"slow": 1}


def test_missing_key_is_an_auth_error(fake: FakeServer) -> None:
    anonymous = PollinationsProvider("", fake.url)
    with pytest.raises(ProviderError) as caught:
        anonymous.generate(ImageRequest("A hill", 320, 240))
    assert caught.value.code == ErrorCode.AUTH
    assert fake.outcomes("pollinations") == {"unauthenticated": 1}


def test_unreachable_server_is_upstream_unavailable(closed_port_url: str) -> None:
    with pytest.raises(ProviderError) as caught:
        PollinationsProvider(SECRET, closed_port_url).generate(ImageRequest("A hill", 320, 240))
    assert caught.value.code == ErrorCode.UPSTREAM_UNAVAILABLE
    assert caught.value.retryable
    assert_secret_hidden(caught.value)


def test_placeholder_digests_md5_or_sha256() -> None:
    data = b"\xff\xd8\xff a stand-in picture"
    md5 = hashlib.md5(data, usedforsecurity=False).hexdigest()
    assert is_placeholder(data, frozenset({md5}))
    assert is_placeholder(data, frozenset({hashlib.sha256(data).hexdigest()}))
    assert not is_placeholder(data + b"!", frozenset({md5}))
    assert not is_placeholder(data, KNOWN_PLACEHOLDERS)
