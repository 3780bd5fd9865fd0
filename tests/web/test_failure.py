"""A failing provider in the browser: the modal says why in words and offers a retry."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
from playwright.sync_api import expect

from tests.support.books import import_book, scenes_text
from tests.support.service import Service, free_port
from tests.web.conftest import WebPage, serving

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Service]:
    """A service whose only provider points at a port where nothing listens."""
    yield from serving(
        tmp_path_factory,
        "web-failing",
        provider_chain="openai",
        openai_base_url=f"http://127.0.0.1:{free_port()}",
        openai_api_key="test-key",
        max_provider_calls=1,
        worker_concurrency=1,
    )


def test_failure_is_explained_and_retried(web: WebPage, service: Service) -> None:
    page = web.page
    with service.client() as client:
        book = import_book(client, f"f-{uuid.uuid4().hex[:6]}.txt", scenes_text(1).encode())
        chapter = client.get(f"/chapters/{book['chapters'][0]['id']}").json()
    web.sign_in()
    page.goto(f"{web.base_url}/#/book/{book['id']}/chapter/{chapter['id']}")
    target = chapter["descriptions"][0]
    page.click(f'.hl[data-description="{target["id"]}"][role=button]', position={"x": 4, "y": 4})
    page.wait_for_selector("#modal[data-status=failed]", timeout=30_000)
    first = page.get_attribute("#modal", "data-task")
    with service.client() as client:
        doc = client.get(f"/images/task/{first}").json()
    assert doc["status"] == "failed"
    # The reason in words (translated from its code), not a bare code.
    expect(page.locator("#modal .modal-error")).to_contain_text("It did not work:")
    assert doc["error"]["code"] not in page.inner_text("#modal .modal-error")
    web.shot("modal-failed")
    web.audit("image modal, failed")

    page.click("#modal-retry")
    expect(page.locator("#modal")).not_to_have_attribute("data-task", first or "")
    page.wait_for_selector("#modal[data-status=failed]", timeout=30_000)
    second = page.get_attribute("#modal", "data-task")
    with service.client() as client:
        assert client.get(f"/images/task/{second}").json()["status"] == "failed"
        listed = client.get(f"/images/description/{target['id']}").json()
    assert {i["task_id"] for i in listed["items"]} >= {first, second}
