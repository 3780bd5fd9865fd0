"""ImagenProvider (Vertex express mode) against the fake server over real HTTP."""

from __future__ import annotations

import io
from typing import cast

import pytest
from PIL import Image

from tests.support.fake import SECRET, FakeServer, assert_secret_hidden
from vignette.fakes.wire import IMAGEN_SIZES
from vignette.providers.base import ErrorCode, ImageRequest, ProviderError
from vignette.providers.imagen import IMAGEN_RATIOS, ImagenProvider

# generate_images is deprecated in the SDK; the warning is expected for this legacy provider.
pytestmark = pytest.mark.filterwarnings("ignore:The generate_images method is deprecated")

MODEL = "imagen-test-model"


def provider(fake: FakeServer, timeout: float = 5.0) -> ImagenProvider:
    return ImagenProvider(SECRET, fake.url, model=MODEL, timeout=timeout)


def test_success_uses_the_express_mode_path_and_returns_a_real_image(fake: FakeServer) -> None:
    result = provider(fake).generate(ImageRequest("A windmill on a hill", 1024, 768))

    assert result.model == MODEL
    assert result.mime_type == "image/png"
    assert (result.width, result.height) == IMAGEN_SIZES["4:3"]
    with Image.open(io.BytesIO(result.data)) as img:
        img.load()
        darkest, brightest = cast(tuple[int, int], img.convert("L").getextrema())
        assert brightest - darkest > 50
    assert fake.outcomes("imagen") == {"ok": 1}
    [call] = fake.recent()
    # Express mode: an API key and no project or location in the path.
    assert call["path"] == f"/v1beta1/publishers/google/models/{MODEL}:predict"
    assert "x-goog-api-key" in call["headers"]
    assert call["query"] == {}


@pytest.mark.parametrize(
    ("size", "ratio"),
    [((1024, 1024), "1:1"), ((600, 1100), "9:16"), ((1600, 900), "16:9"), ((900, 1200), "3:4")],
)
def test_request_shape_picks_the_nearest_imagen_ratio(
    fake: FakeServer, size: tuple[int, int], ratio: str
) -> None:
    assert ratio in IMAGEN_RATIOS
    result = provider(fake).generate(ImageRequest("A village street", *size))
    assert (result.width, result.height) == IMAGEN_SIZES[ratio]


@pytest.mark.parametrize(
    ("fault", "code", "retryable", "retry_after"),
    [
        ("429", ErrorCode.RATE_LIMITED, True, 2.0),
        ("500", ErrorCode.UPSTREAM_UNAVAILABLE, True, None),
        ("503", ErrorCode.UPSTREAM_UNAVAILABLE, True, None),
        ("403", ErrorCode.AUTH, False, None),
        ("badkey", ErrorCode.AUTH, False, None),
        ("quota", ErrorCode.QUOTA_EXHAUSTED, False, None),
        ("blocked", ErrorCode.CONTENT_POLICY, False, None),  # raiFilteredReason
        ("empty", ErrorCode.EMPTY_RESULT, True, None),  # no predictions
        ("garbage", ErrorCode.INVALID_IMAGE, True, None),
    ],
)
def test_each_fault_maps_to_one_error_after_exactly_one_call(
    fake: FakeServer, fault: str, code: ErrorCode, retryable: bool, retry_after: float | None
) -> None:
    with pytest.raises(ProviderError) as caught:
        provider(fake).generate(ImageRequest(f"An old mill [fault:{fault}]"))

    assert caught.value.code == code
    assert caught.value.retryable is retryable
    assert caught.value.retry_after == retry_after
    assert_secret_hidden(caught.value)
    assert fake.outcomes("imagen") == {fault: 1}


def test_filtered_result_carries_the_rai_reason(fake: FakeServer) -> None:
    # The fake drops filtered images silently unless includeRaiReason was sent, so this
    # also proves the provider asks for the reason.
    with pytest.raises(ProviderError, match="safety filter") as caught:
        provider(fake).generate(ImageRequest("Something filtered [fault:blocked]"))
    assert caught.value.code == ErrorCode.CONTENT_POLICY


def test_timeout_after_one_call(fake: FakeServer) -> None:
    with pytest.raises(ProviderError) as caught:
        provider(fake, timeout=1.0).generate(ImageRequest("A bridge [fault:timeout]"))
    assert caught.value.code == ErrorCode.TIMEOUT
    assert caught.value.retryable
    assert fake.outcomes("imagen") == {"timeout": 1}


def test_unreachable_server_is_upstream_unavailable(closed_port_url: str) -> None:
    with pytest.raises(ProviderError) as caught:
        ImagenProvider(SECRET, closed_port_url, timeout=2.0).generate(ImageRequest("A lake"))
    assert caught.value.code == ErrorCode.UPSTREAM_UNAVAILABLE
    assert_secret_hidden(caught.value)
