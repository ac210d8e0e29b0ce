"""Retake README's screenshots (docs/*.png) from the running app, so they cannot go stale.

Starts `streamlit run app.py` headless (the real MNIST files beside the repo when they exist, as the tests
do), opens each view in Debian's Chromium through Playwright (never `playwright install`), waits until the
script has finished and every chart is drawn, refuses to save a page that shows an exception, and writes a
256-colour PNG of the top of the page. Run it after a page or a committed result changes, then
`python tools/readme_figures.py` for the caption's numbers:

    python tools/screenshots.py                 # every view below
    python tools/screenshots.py deep_nets_compare --port 8690 --theme dark
"""

from __future__ import annotations

import argparse
import io
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "e2e"))
sys.path.insert(0, str(ROOT))

from e2e_support import (  # noqa: E402
    SCRIPT_DONE,
    launch_chromium,
    log_tail,
    start_server,
    stop_server,
    wait_healthy,
)

DOCS = ROOT / "docs"
LOG = ROOT / "artifacts" / "streamlit-screenshots.log"


@dataclass(frozen=True)
class Shot:
    name: str  # docs/<name>.png
    url: str  # path and query, as a student's link
    width: int
    height: int


def _shots() -> tuple[Shot, ...]:
    """README's figure (the deep-nets comparison), then every page of the app: home and each lesson in the
    catalogue (gradviz/lessons/__init__.py), so a new lesson gets its screenshot without editing this file."""
    from gradviz.lessons import available

    pages = [Shot("home", "/", 1050, 975)]
    pages += [Shot(Path(lesson.path).stem, f"/{Path(lesson.path).stem}", 1050, 975) for lesson in available()]
    return (Shot("deep_nets_compare", "/deep_nets?compare=activations", 1400, 1105), *pages)


SHOTS = _shots()


def take(page, base: str, shot: Shot, theme: str) -> bytes:
    page.set_viewport_size({"width": shot.width, "height": shot.height})
    page.emulate_media(color_scheme=theme)
    page.goto(base + shot.url, wait_until="domcontentloaded")
    page.wait_for_selector(SCRIPT_DONE, timeout=600_000)  # a view that trains live may take a while
    if page.locator("[data-testid='stException']").count():
        raise SystemExit(f"{shot.url} shows an exception: not saving a screenshot of it")
    # every chart in view drawn (vega-embed renders asynchronously after the script has finished)
    page.wait_for_function(
        """() => [...document.querySelectorAll('.vega-embed')].every(e => e.querySelector('canvas, svg'))""",
        timeout=60_000,
    )
    page.wait_for_timeout(1500)  # fonts and the last layout pass
    return page.screenshot()


def save(png: bytes, path: Path) -> None:
    """256 colours, as the committed screenshots: a fifth of the size, no visible difference."""
    from PIL import Image

    image = Image.open(io.BytesIO(png)).convert("RGB").quantize(colors=256, method=Image.Quantize.MEDIANCUT)
    path.parent.mkdir(parents=True, exist_ok=True)
    image.save(path, optimize=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "names", nargs="*", help=f"views to retake (default all: {', '.join(s.name for s in SHOTS)})"
    )
    parser.add_argument("--port", type=int, default=8690)
    parser.add_argument("--theme", choices=("light", "dark"), default="light")
    parser.add_argument("--out", type=Path, default=DOCS, help="folder for the PNGs (default docs/)")
    args = parser.parse_args()
    shots = [s for s in SHOTS if not args.names or s.name in args.names]
    if not shots:
        parser.error(f"no such view; choose from {', '.join(s.name for s in SHOTS)}")

    from playwright.sync_api import sync_playwright

    base = f"http://127.0.0.1:{args.port}"
    server = start_server(args.port, LOG)
    try:
        wait_healthy(server, base)
        with sync_playwright() as p:
            browser = launch_chromium(p)
            try:
                for shot in shots:
                    page = browser.new_page()
                    try:
                        path = args.out / f"{shot.name}.png"
                        save(take(page, base, shot, args.theme), path)
                        print(
                            f"wrote {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}  ({shot.url})"
                        )
                    finally:
                        page.close()
            finally:
                browser.close()
    except Exception:
        print(log_tail(path=LOG), file=sys.stderr)
        raise
    finally:
        stop_server(server)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
