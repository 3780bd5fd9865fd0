"""A small OpenAI-compatible chat-completions client shared by the translator and extractor."""

from __future__ import annotations

import json
import time
from typing import Any

import httpx

MAX_ANSWER_BYTES = 256 * 1024


class ChatError(Exception):
    """A chat completion could not be obtained; the message never contains a key."""


class ChatClient:
    """POST /v1/chat/completions with a bounded answer size and a whole-call deadline."""

    def __init__(
        self,
        base_url: str,
        api_key: str,
        model: str,
        timeout: float,
        *,
        label: str,
        error: type[ChatError] = ChatError,
        max_answer_bytes: int = MAX_ANSWER_BYTES,
    ) -> None:
        if not base_url:
            raise ValueError(f"the LLM {label} needs a base URL")
        self.model = model
        self._url = f"{base_url.rstrip('/')}/v1/chat/completions"
        self._key = api_key
        self._timeout = timeout
        # `label` names the caller in errors ("translator answered HTTP 500"); `error` is the
        # caller's own ChatError subclass, so its callers catch one named type.
        self._label = label
        self._error = error
        self._max_bytes = max_answer_bytes
        self._client = httpx.Client(follow_redirects=False)

    def close(self) -> None:
        """Release pooled connections."""
        self._client.close()

    def complete(self, system: str, user: str) -> str:
        """One chat completion at temperature 0; the stripped answer text or the caller's error."""
        body = {
            "model": self.model,
            "messages": [
                {"role": "system", "content": system},
                {"role": "user", "content": user},
            ],
            "temperature": 0,
        }
        # The key goes only in this header: never in the URL, an error or a log line.
        headers = {"Authorization": f"Bearer {self._key}"} if self._key else {}
        status, raw = self._post(body, headers)
        if status >= 300:
            raise self._error(f"{self._label} answered HTTP {status}: {self._snippet(raw)}")
        return self._answer_text(raw)

    def _post(self, body: dict[str, Any], headers: dict[str, str]) -> tuple[int, bytes]:
        # httpx's timeout applies per read, so a trickling body is bounded by this deadline.
        deadline = time.monotonic() + self._timeout
        try:
            with self._client.stream(
                "POST", self._url, json=body, headers=headers, timeout=self._timeout
            ) as response:
                chunks: list[bytes] = []
                size = 0
                for chunk in response.iter_bytes():
                    size += len(chunk)
                    if size > self._max_bytes:
                        raise self._error(f"{self._label} answer larger than allowed")
                    if time.monotonic() > deadline:
                        raise self._error(f"{self._label} answer not complete in {self._timeout}s")
                    chunks.append(chunk)
                return response.status_code, b"".join(chunks)
        except httpx.TimeoutException as exc:
            raise self._error(f"{self._label} timed out ({type(exc).__name__})") from None
        except httpx.HTTPError as exc:
            raise self._error(f"{self._label} unreachable ({type(exc).__name__})") from None

    def _snippet(self, raw: bytes) -> str:
        text = " ".join(raw[:200].decode("utf-8", errors="replace").split())
        return text.replace(self._key, "***") if self._key else text

    def _answer_text(self, raw: bytes) -> str:
        """choices[0].message.content, stripped; the caller's error when missing or empty."""
        try:
            body = json.loads(raw)
            choice = body["choices"][0]
            content = choice["message"]["content"]
        except (ValueError, KeyError, IndexError, TypeError):
            raise self._error(f"{self._label} answer is not a chat completion") from None
        if not isinstance(content, str) or not content.strip():
            reason = choice.get("finish_reason") if isinstance(choice, dict) else None
            raise self._error(f"{self._label} gave an empty answer (finish_reason={reason})")
        return content.strip()
