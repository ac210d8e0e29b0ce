"""How long a student waits on a cold server: from `streamlit run app.py` to the page drawn in a browser.

For each of 3 cold starts (a new server process every time; Chromium is launched beforehand and not
counted), measures from the moment the server process is started:

- healthy:  GET /_stcore/health answers "ok" (the server listens; nothing of the app has run yet);
- frontend: the page, opened right then in a fresh browser context, has loaded Streamlit's frontend
            (the `stApp` element exists);
- rendered: the page has finished its script run
            (`data-test-script-state="notRunning"`) and shows its title.

Once for the home page (which must not import torch) and once for the deep-nets lesson opened directly
by its URL (imports torch and loads its precomputed default result), interleaved. Prints every run and
the medians. Uses the helpers of the real-browser tests (tests/e2e/e2e_support.py): Debian's
/usr/bin/chromium through Playwright, GRADVIZ_DATA_DIR from ../shared/data/mnist when it exists.

    python bench/bench_startup.py [--runs 3]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "e2e"))

from e2e_support import (  # noqa: E402
    ARTIFACTS,
    CHROMIUM,
    SCRIPT_DONE,
    VIEWPORT,
    app_pages,
    free_port,
    launch_chromium,
    start_server,
    stop_server,
    wait_healthy,
)

TIMEOUT_MS = 180_000  # generous: the machine may be shared
LOG = ARTIFACTS / "bench-startup-server.log"


def cold_start(browser, url_path: str, title: str) -> tuple[float, float, float]:
    """(seconds to healthy, to frontend, to rendered) for one fresh server."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    context = browser.new_context(viewport=VIEWPORT)
    page = context.new_page()
    start = time.perf_counter()
    proc = start_server(port, LOG)
    try:
        wait_healthy(proc, base)
        healthy = time.perf_counter() - start
        page.goto(base + url_path, wait_until="domcontentloaded")
        page.wait_for_selector("[data-testid='stApp']", state="attached", timeout=TIMEOUT_MS)
        frontend = time.perf_counter() - start
        page.locator("[data-testid='stHeading'] h1", has_text=title).first.wait_for(timeout=TIMEOUT_MS)
        page.wait_for_selector(SCRIPT_DONE, timeout=TIMEOUT_MS)
        rendered = time.perf_counter() - start
        if page.locator("[data-testid='stException']").count():
            raise RuntimeError(f"{url_path} shows an exception; see {LOG}")
    finally:
        context.close()
        stop_server(proc)
    return healthy, frontend, rendered


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3, help="cold starts per page")
    args = parser.parse_args()
    if not CHROMIUM.is_file():
        sys.exit(f"no Chromium at {CHROMIUM} (apt-get install -y chromium)")
    from playwright.sync_api import sync_playwright

    pages = {p.url_path: p for p in app_pages()}
    targets = [("home", "/"), ("deep_nets", "/deep_nets")]
    print(
        f"{args.runs} cold starts per page; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores"
    )
    results: dict[str, list[tuple[float, float, float]]] = {name: [] for name, _ in targets}
    with sync_playwright() as pw:
        browser = launch_chromium(pw)
        try:
            for i in range(args.runs):
                for name, path in targets:
                    times = cold_start(browser, path, pages[path].heading or "")
                    results[name].append(times)
                    print(f"  run {i + 1} {name:<10} healthy {times[0]:6.2f} s   frontend {times[1]:6.2f} s   "
                          f"rendered {times[2]:6.2f} s")  # fmt: skip
        finally:
            browser.close()
    print()
    for name, path in targets:
        h, f, r = (statistics.median(t[k] for t in results[name]) for k in range(3))
        print(f"{name:<10} ({path}): healthy after {h:.2f} s, frontend after {f:.2f} s, "
              f"page rendered after {r:.2f} s (medians of {args.runs})")  # fmt: skip


if __name__ == "__main__":
    main()
