"""Reading a Prometheus scrape in tests."""

from __future__ import annotations

import httpx
from prometheus_client.parser import text_string_to_metric_families


def scrape(base_url: str) -> str:
    r = httpx.get(f"{base_url}/metrics", timeout=30)  # no key: Prometheus cannot sign in
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("text/plain; version=")
    return r.text


def value(text: str, sample: str, **labels: str) -> float:
    """The sum of the samples called `sample` whose labels include `labels` (0 when none)."""
    total = 0.0
    for family in text_string_to_metric_families(text):
        for s in family.samples:
            if s.name == sample and all(s.labels.get(k) == v for k, v in labels.items()):
                total += s.value
    return total


def names(text: str) -> set[str]:
    """Every sample name in the scrape."""
    return {s.name for family in text_string_to_metric_families(text) for s in family.samples}
