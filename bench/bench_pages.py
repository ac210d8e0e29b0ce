"""Script time of every page on a warm server, and what that means for a class.

Every student's visit runs the page's script in a thread of the one server process, and CPU-bound Python
is serialised by the GIL, so 30 students opening a page at once wait about 30 × its script time. This
prints, per page, the median script time of cached visits (results precomputed or already trained) and
that product. Run: `python bench/bench_pages.py [repeats]` (GRADVIZ_DATA_DIR pointing at MNIST helps the
first visit of the deep-nets page).
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from streamlit.testing.v1 import AppTest  # noqa: E402

from gradviz.lessons import available  # noqa: E402

CLASS_SIZE = 30


def visit(page: str | None) -> float:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=300)
    at.run()
    if page is None:
        start = time.perf_counter()
        at.run()  # a second run of the home page: what a rerun costs
        return time.perf_counter() - start
    start = time.perf_counter()
    at.switch_page(page).run()
    elapsed = time.perf_counter() - start
    if at.exception:
        raise RuntimeError(f"{page}: {[e.value for e in at.exception]}")
    return elapsed


def main(repeats: int = 5) -> None:
    pages = [None] + [lesson.path for lesson in available()]
    print(f"{'page':28s} {'first visit':>12s} {'median cached':>14s} {f'x {CLASS_SIZE} students':>16s}")
    for page in pages:
        first = visit(page)  # cold: imports, precomputed-result loads, maybe a live run
        times = [visit(page) for _ in range(repeats)]
        med = statistics.median(times)
        print(f"{page or 'home':28s} {first:11.2f}s {med:13.3f}s {CLASS_SIZE * med:15.1f}s")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 5)
