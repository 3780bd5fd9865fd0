"""Bad input gets a clear 4xx problem document, never a 500."""

from __future__ import annotations

import uuid

import httpx

from tests.support.api import create_book, description_ids
from tests.support.inprocess import InProcessApp


def _problem(r: httpx.Response, status: int, code: str | None = None) -> dict[str, object]:
    assert r.status_code == status, r.text
    assert r.headers["content-type"] == "application/problem+json"
    body: dict[str, object] = r.json()
    assert {"type", "title", "status", "detail", "code"} <= body.keys()
    assert body["status"] == status
    if code is not None:
        assert body["code"] == code
    return body


def test_authentication_is_required(api: InProcessApp) -> None:
    bare = httpx.Client(base_url=f"{api.base_url}/api/v1")
    _problem(bare.get("/books"), 401, "unauthorized")
    _problem(bare.get("/books", headers={"Authorization": "Bearer nope"}), 401, "invalid_api_key")
    _problem(bare.post(f"/images/generate/async/{uuid.uuid4()}"), 401)


def test_malformed_unknown_and_oversized_input(api: InProcessApp) -> None:
    with api.client() as c:
        _problem(c.get("/images/task/not-a-uuid"), 422, "validation_error")
        _problem(c.get(f"/images/task/{uuid.uuid4()}"), 404, "not_found")
        _problem(c.post(f"/images/generate/async/{uuid.uuid4()}"), 404)
        _problem(c.get("/books/12345"), 422)
        _problem(c.get("/no/such/route"), 404)
        _problem(
            c.post("/books", content=b"{not json", headers={"content-type": "application/json"}),
            422,
        )
        _problem(c.post("/books", json={"title": "", "chapters": []}), 422)
        missing = {"title": "T", "chapters": [{"text": "abc", "descriptions": [
            {"type": "location", "text": "xyz"}]}]}  # fmt: skip
        _problem(c.post("/books", json=missing), 422, "description_not_in_chapter")
        bad_type = {"title": "T", "chapters": [{"text": "abc", "descriptions": [
            {"type": "smell", "text": "abc"}]}]}  # fmt: skip
        _problem(c.post("/books", json=bad_type), 422)
        huge = {"title": "T", "chapters": [{"text": "x" * (11 * 1024 * 1024)}]}
        _problem(c.post("/books", json=huge), 413, "payload_too_large")
        chunks = (b"x" * 1024 * 1024 for _ in range(12))  # no Content-Length: counted as read
        json_type = {"content-type": "application/json"}
        _problem(c.post("/books", content=chunks, headers=json_type), 413, "payload_too_large")
        desc_id = description_ids(create_book(c))[0]
        _problem(c.post(f"/images/generate/async/{desc_id}", json={"aspect_ratio": "5:1"}), 422)
        _problem(c.post(f"/images/generate/description/{desc_id}", params={"wait": 500}), 422)
        _problem(c.get("/books", params={"limit": 0}), 422)
        _problem(c.get(f"/images/{uuid.uuid4()}/file"), 404)


def test_health_and_docs(api: InProcessApp) -> None:
    assert httpx.get(f"{api.base_url}/healthz").json()["status"] == "ok"
    spec = httpx.get(f"{api.base_url}/openapi.json").json()
    assert "/api/v1/images/generate/async/{description_id}" in spec["paths"]
    assert httpx.get(f"{api.base_url}/docs").status_code == 200
