"""Every listing takes `limit` and `offset` within bounds: an offset past 64 bits (or past the
documented maximum) is a 422 problem, never a 500 from the database; the largest allowed offset
is an empty page."""

from __future__ import annotations

import pytest

from tests.support.api import create_book
from tests.support.inprocess import InProcessApp
from vignette.api.deps import MAX_OFFSET


@pytest.fixture(scope="module")
def listings(api: InProcessApp) -> list[str]:
    with api.client() as c:
        book = create_book(c, "Paging")
    chapter = book["chapters"][0]
    description = chapter["descriptions"][0]
    return [
        "/books",
        "/images",
        f"/images/book/{book['id']}",
        f"/images/chapter/{chapter['id']}",
        f"/images/description/{description['id']}",
    ]


@pytest.mark.parametrize("offset", [2**63, 2**64 + 1, MAX_OFFSET + 1, -1])
def test_an_offset_out_of_bounds_is_a_422(
    api: InProcessApp, listings: list[str], offset: int
) -> None:
    with api.client() as c:
        for path in listings:
            r = c.get(path, params={"offset": offset})
            assert r.status_code == 422, (path, r.status_code, r.text)
            assert r.headers["content-type"] == "application/problem+json"


def test_the_largest_offset_is_an_empty_page(api: InProcessApp, listings: list[str]) -> None:
    with api.client() as c:
        for path in listings:
            r = c.get(path, params={"offset": MAX_OFFSET, "limit": 100})
            assert r.status_code == 200, (path, r.text)
            assert r.json()["items"] == []
