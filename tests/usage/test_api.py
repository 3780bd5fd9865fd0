"""A user's stats: books, descriptions, images by type and status, provider calls."""

from __future__ import annotations

from tests.support.api import DESCRIPTIONS, create_book, wait_for_batch
from tests.support.inprocess import InProcessApp


def test_user_stats_count_images_descriptions_and_calls(api: InProcessApp) -> None:
    key = api.create_user()
    with api.client(key) as c:
        book = create_book(c, title="Counted")
        r = c.post(f"/images/generate/async/chapter/{book['chapters'][0]['id']}", json={})
        wait_for_batch(c, r.json()["batch_id"])
        stats = c.get("/images/user/stats").json()
    assert stats["books"] == 1
    assert stats["descriptions_found"] == 5
    assert stats["descriptions_by_type"]["location"] == 1
    assert stats["images"]["total"] == 5
    assert stats["images"]["by_status"] == {"completed": 5}
    assert stats["images"]["by_type"] == {t: 1 for t, _ in DESCRIPTIONS}
    assert stats["images"]["by_type_and_status"]["object"] == {"completed": 1}
    assert stats["provider_calls"]["total"] == 5
    assert stats["provider_calls"]["by_outcome"] == {"success": 5}
    assert stats["provider_calls"]["by_provider"] == {"procedural": 5}
