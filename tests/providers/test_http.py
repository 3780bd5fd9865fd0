"""The providers' shared HTTP status table and Retry-After parsing."""

from __future__ import annotations

import pytest

from vignette.providers.base import ErrorCode
from vignette.providers.http import classify_http_status, parse_retry_after


@pytest.mark.parametrize(
    ("status", "code", "retryable"),
    [
        (400, ErrorCode.INVALID_INPUT, False),
        (401, ErrorCode.AUTH, False),
        (403, ErrorCode.AUTH, False),
        (402, ErrorCode.QUOTA_EXHAUSTED, False),
        (408, ErrorCode.TIMEOUT, True),
        (429, ErrorCode.RATE_LIMITED, True),
        (500, ErrorCode.UPSTREAM_UNAVAILABLE, True),
        (503, ErrorCode.UPSTREAM_UNAVAILABLE, True),
        (530, ErrorCode.UPSTREAM_UNAVAILABLE, True),
        (504, ErrorCode.TIMEOUT, True),
    ],
)
def test_http_status_classification(status: int, code: ErrorCode, retryable: bool) -> None:
    error = classify_http_status(status)
    assert error is not None
    assert error.code == code
    assert error.retryable is retryable


def test_success_statuses_are_not_errors() -> None:
    assert classify_http_status(200) is None
    assert classify_http_status(204) is None


def test_parse_retry_after() -> None:
    assert parse_retry_after("3") == 3.0
    assert parse_retry_after(" 1.5 ") == 1.5
    assert parse_retry_after(None) is None
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT") is None
    assert parse_retry_after("-4") is None
