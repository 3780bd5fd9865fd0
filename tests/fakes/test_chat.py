"""The fake server's OpenAI chat completions endpoint (the translator's upstream in tests)."""

from __future__ import annotations

import json

import httpx

from tests.support.fake import SECRET, FakeServer, running_fake_server
from vignette.fakes.chat import EXTRACTION_MARKER, INVENTED, fake_extract, fake_translate
from vignette.fakes.wire import RANDOM_FAULTS

AUTH = {"Authorization": f"Bearer {SECRET}"}


def body(text: str) -> dict[str, object]:
    system = {"role": "system", "content": "Translate."}
    return {"model": "gpt-4o-mini", "messages": [system, {"role": "user", "content": text}]}


def test_fake_translation_is_deterministic_and_recognisable() -> None:
    assert fake_translate("Старый  дом\nу моря") == "English: Old house by morya"
    assert fake_translate("Щука и Ёж, Watson") == "English: Shchuka and Yozh, Watson"


def test_answer_is_a_chat_completion_and_is_counted(fake: FakeServer) -> None:
    reply = httpx.post(f"{fake.url}/v1/chat/completions", json=body("Луна"), headers=AUTH)
    assert reply.status_code == 200
    answer = reply.json()
    assert answer["object"] == "chat.completion"
    assert answer["model"] == "gpt-4o-mini"
    assert answer["choices"][0]["message"] == {
        "role": "assistant", "content": "English: Moon", "refusal": None,
    }  # fmt: skip
    assert answer["choices"][0]["finish_reason"] == "stop"
    assert fake.outcomes("chat") == {"ok": 1}


def test_extraction_requests_get_a_json_list_with_one_invented_passage(fake: FakeServer) -> None:
    text = "It was late. The old house stood by the river at the end of the lane."
    payload = body(text)
    payload["messages"][0]["content"] = f"Find the {EXTRACTION_MARKER}."  # type: ignore[index]
    reply = httpx.post(f"{fake.url}/v1/chat/completions", json=payload, headers=AUTH)
    items = json.loads(reply.json()["choices"][0]["message"]["content"])
    assert items == fake_extract(text)
    assert items == [
        {"type": "location", "text": "The old house stood by the river at the end of the lane."},
        {"type": "location", "text": INVENTED},
        {"type": "landscape", "text": "It was late."},
    ]
    assert INVENTED not in text


def test_faults_by_header_marker_and_force_and_bad_requests(fake: FakeServer) -> None:
    url = f"{fake.url}/v1/chat/completions"
    headed = httpx.post(url, json=body("Луна"), headers={**AUTH, "X-Fake-Fault": "429"})
    assert headed.status_code == 429
    assert headed.headers["retry-after"] == "2"
    # A marker for another provider is not the translator's fault.
    assert httpx.post(url, json=body("[fault:gemini:500] Луна"), headers=AUTH).status_code == 200
    assert httpx.post(url, json=body("[fault:chat:503] Луна"), headers=AUTH).status_code == 503
    fake.force(chat="blocked")
    blocked = httpx.post(url, json=body("Луна"), headers=AUTH).json()
    assert blocked["choices"][0]["finish_reason"] == "content_filter"
    assert blocked["choices"][0]["message"]["content"] is None
    fake.force(chat=None)
    assert httpx.post(url, json={"model": "m"}, headers=AUTH).status_code == 400
    assert httpx.post(url, json=body("Луна")).status_code == 401
    assert fake.outcomes("chat") == {
        "429": 1, "ok": 2, "503": 1, "blocked": 1, "unauthenticated": 1,
    }  # fmt: skip


def test_failure_rate_applies_transient_faults_to_chat() -> None:
    with running_fake_server(failure_rate=1.0, seed=3) as server:
        for _ in range(8):
            httpx.post(f"{server.url}/v1/chat/completions", json=body("Луна"), headers=AUTH)
        outcomes = server.outcomes("chat")
    assert sum(outcomes.values()) == 8
    assert set(outcomes) <= set(RANDOM_FAULTS["chat"])
