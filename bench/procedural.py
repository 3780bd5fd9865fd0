"""Benchmark: render + encode time of the procedural provider. Prints a table; asserts nothing.

python bench/procedural.py                     # 1024x768, 30 prompts, 3 seeds each
python bench/procedural.py --width 512 --height 512 --seeds 1
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from vignette.providers.base import ImageRequest  # noqa: E402
from vignette.providers.procedural import ProceduralProvider  # noqa: E402

PROMPTS = (
    "Night fell over the winter forest; snow was falling between the pines.",
    "The golden sunset over the calm sea.",
    "Lightning struck the towers of the old castle on a stormy night.",
    "An autumn village, yellow birches along the road.",
    "Dawn over the endless steppe, mist in the hollows.",
    "A cosy room lit by a single candle, books on the shelves.",
    "Snow-capped mountains at dawn under a clear blue sky.",
    "The city at night, lights in every window, wet streets.",
    "The desert dunes under the burning noon sun.",
    "A quiet river on a summer evening, willows on the bank.",
    "A ship with scarlet sails on the sea at sunrise.",
    "In spring the garden was full of roses and tulips.",
    "Rain over the grey field.",
    "A lighthouse on the rocky shore at night, the moon above the waves.",
    "Fog crept over the lake in the early morning.",
    "Ночью в зимнем лесу падал снег.",
    "Золотой закат над спокойным морем.",
    "Гроза над старым замком, молнии били в башни.",
    "Осенью в деревне желтели берёзы, по дороге шёл старик.",
    "На рассвете над степью поднимался туман.",
    "В комнате горела свеча, за окном была ночь.",
    "Снежные вершины гор на рассвете.",
    "Ночной город, огни в окнах, мокрые улицы.",
    "Раскалённая пустыня, барханы до горизонта.",
    "Тихая река летним вечером, ивы на берегу.",
    "Алые паруса на море на рассвете.",
    "Весной в саду цвели розы и тюльпаны.",
    "Пасмурный день, дождь над полем.",
    "Дорога через поле уходила к лесу.",
    "Зимнее утро в деревне, дым из труб, сугробы.",
)


def pct(values: list[float], q: float) -> float:
    """The q-th percentile (nearest rank)."""
    ordered = sorted(values)
    rank = max(0, min(len(ordered) - 1, round(q / 100 * len(ordered)) - 1))
    return ordered[rank]


def measure(image_format: str, width: int, height: int, seeds: int) -> tuple[list[float], int]:
    """Milliseconds per generate() call, and the mean encoded size in bytes."""
    provider = ProceduralProvider()
    provider.generate(ImageRequest("warm-up", width, height, 0, image_format))
    times: list[float] = []
    sizes: list[int] = []
    for seed in range(seeds):
        for prompt in PROMPTS:
            request = ImageRequest(prompt, width, height, seed, image_format)
            start = time.perf_counter()
            result = provider.generate(request)
            times.append((time.perf_counter() - start) * 1000)
            sizes.append(len(result.data))
    return times, int(statistics.mean(sizes))


def main() -> None:
    """Run the benchmark and print p50/p95/max per format."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--width", type=int, default=1024)
    parser.add_argument("--height", type=int, default=768)
    parser.add_argument("--seeds", type=int, default=3, help="seeds per prompt")
    args = parser.parse_args()
    dims = f"{args.width}x{args.height}"
    print(f"procedural provider, {dims}, {len(PROMPTS)} prompts x {args.seeds} seeds")
    print(f"{'format':8}{'n':>5}{'p50 ms':>9}{'p95 ms':>9}{'max ms':>9}{'mean KB':>9}")
    for image_format in ("webp", "png"):
        times, mean_bytes = measure(image_format, args.width, args.height, args.seeds)
        print(
            f"{image_format:8}{len(times):>5}{pct(times, 50):>9.1f}{pct(times, 95):>9.1f}"
            f"{max(times):>9.1f}{mean_bytes / 1024:>9.0f}"
        )


if __name__ == "__main__":
    main()
