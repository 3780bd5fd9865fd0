"""The reader on a long chapter: a 100,000-character chapter with 300 highlighted passages,
beside the same chapter with none (plain paragraphs), in Debian's Chromium. Prints figures;
asserts nothing.

    python bench/reader_render.py [--chars 100000] [--passages 300] [--runs 3]

Starts a temporary `vignette serve`, imports both chapters through the API, signs a page in
and opens each chapter `--runs` times at the desktop viewport: time from the route change to
the chapter on screen (text fetched, paragraphs and highlights built, first paint), the
longest main-thread task and the total blocking time (long tasks past 50 ms), then a scripted
scroll through the whole chapter, 300 px a frame: the frame intervals' p95 and maximum.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from playwright.sync_api import Page, sync_playwright  # noqa: E402
from tests.support.backends import Backend  # noqa: E402
from tests.support.service import Service  # noqa: E402
from tests.web.conftest import CHROMIUM, CHROMIUM_ARGS  # noqa: E402

SENTENCES = [
    "The lighthouse stood white on the grey cliff above the restless sea.",
    "Below it the harbour filled with red fishing boats as the fog lifted.",
    "She walked along the quay, counting the gulls that circled the masts.",
    "An old stone bridge crossed the river where the willows bent low.",
    "Nobody spoke of the letter again until the evening train had gone.",
]

LONG_TASKS = """() => {
  window.__long = [];
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) window.__long.push(e.duration);
  }).observe({type: 'longtask', buffered: false});
}"""

OPEN = """async (hash) => {
  const t0 = performance.now();
  window.__long = [];
  location.hash = hash;
  const ready = () => document.querySelector('.chapter-text p') !== null
    && document.querySelector('.chapter-meta') !== null;
  while (!ready()) await new Promise((r) => setTimeout(r, 5));
  await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
  return performance.now() - t0;
}"""

SCROLL = """async () => {
  const frames = [];
  let last = performance.now();
  window.scrollTo(0, 0);
  while (window.scrollY + innerHeight < document.documentElement.scrollHeight - 2) {
    window.scrollBy(0, 300);
    await new Promise((r) => requestAnimationFrame(r));
    const now = performance.now();
    frames.push(now - last);
    last = now;
  }
  return frames;
}"""


def chapter(chars: int, passages: int) -> tuple[str, list[str]]:
    """Paragraphs of sentences up to `chars`; every k-th sentence is a passage."""
    paragraphs, sentences, size, n = [], [], 0, 0
    while size < chars:
        para = []
        for _ in range(4):
            s = f"{SENTENCES[n % len(SENTENCES)]} ({n})"
            para.append(s)
            sentences.append(s)
            n += 1
        text = " ".join(para)
        paragraphs.append(text)
        size += len(text) + 2
    step = max(1, len(sentences) // passages)
    return "\n\n".join(paragraphs), sentences[::step][:passages]


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q / 100 * len(ordered)))]


def measure(page: Page, hash_: str, runs: int) -> dict[str, float]:
    opened, longest, blocking, p95, worst = [], [], [], [], []
    for _ in range(runs):
        page.evaluate("location.hash = '#/'")
        page.wait_for_selector("#book-grid")
        ms = page.evaluate(OPEN, hash_)
        tasks: list[float] = page.evaluate("window.__long")
        frames: list[float] = page.evaluate(SCROLL)
        opened.append(ms)
        longest.append(max(tasks, default=0.0))
        blocking.append(sum(max(0.0, t - 50) for t in tasks))
        p95.append(pct(frames, 95))
        worst.append(max(frames))
    return {
        "open": statistics.median(opened),
        "longest": statistics.median(longest),
        "blocking": statistics.median(blocking),
        "p95": statistics.median(p95),
        "worst": statistics.median(worst),
    }


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--chars", type=int, default=100_000)
    p.add_argument("--passages", type=int, default=300)
    p.add_argument("--runs", type=int, default=3)
    a = p.parse_args()
    text, passages = chapter(a.chars, a.passages)
    svc = Service(Path(tempfile.mkdtemp(prefix="vignette-render-")) / "data", Backend("embedded"))
    svc.start()
    rows: list[tuple[str, dict[str, Any]]] = []
    try:
        hashes = {}
        with svc.client() as c:
            for name, descriptions in (("plain", []), ("highlighted", passages)):
                body = {"title": f"Long {name}", "chapters": [{"text": text, "descriptions": [
                    {"type": "location", "text": d} for d in descriptions]}]}  # fmt: skip
                r = c.post("/books", json=body)
                r.raise_for_status()
                book = r.json()
                hashes[name] = f"#/book/{book['id']}/chapter/{book['chapters'][0]['id']}"
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1280, "height": 800})
            page.add_init_script(f"({LONG_TASKS})()")
            page.goto(svc.base_url + "/")
            page.fill("#api-key", svc.api_key)
            page.click("form.signin-form button[type=submit]")
            page.wait_for_selector("#book-grid")
            for name in ("plain", "highlighted"):
                page.evaluate(OPEN, hashes[name])  # warm: modules compiled, fonts loaded
                rows.append((name, measure(page, hashes[name], a.runs)))
            marks = page.evaluate(f"""async () => {{
              location.hash = '{hashes["highlighted"]}';
              const drawn = () => document.querySelector('.chapter-text .hl');
              while (!drawn()) await new Promise(r => setTimeout(r, 5));
              return document.querySelectorAll('.chapter-text .hl[role=button]').length;
            }}""")  # fmt: skip
            browser.close()
    finally:
        svc.stop()
    print(f"\na {len(text):,}-character chapter ({text.count(chr(10) * 2) + 1} paragraphs), "
          f"desktop viewport, median of {a.runs} opens; {marks} highlights drawn")  # fmt: skip
    print(f"{'chapter':>12} {'open ms':>8} {'longest task':>13} {'blocking ms':>12} "
          f"{'scroll p95 ms':>14} {'scroll max ms':>14}")  # fmt: skip
    for name, m in rows:
        label = name if name == "plain" else f"{len(passages)} passages"
        print(f"{label:>12} {m['open']:>8.0f} {m['longest']:>13.0f} {m['blocking']:>12.0f} "
              f"{m['p95']:>14.1f} {m['worst']:>14.1f}")  # fmt: skip


if __name__ == "__main__":
    main()
