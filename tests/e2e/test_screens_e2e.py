"""Every student's screen: a phone (390 x 844) and a laptop (1280 x 800), light and dark, every page.

Measured in the DOM of the running app (headless Chromium), for every page app.py navigates to:
- no chart, input, table or display equation reaches past the viewport (bounding boxes), no chart is drawn
  wider than its own box (Streamlit clips it), and no display equation hides part of itself
  (scrollWidth > clientWidth);
- every chart has an accessible name (the `aria-label` Vega renders from the spec's `description`), not
  the generic "Vega visualization";
- every control has an accessible name (Chromium's computed accessibility tree);
- no request leaves the app's own host (fonts included);
- on a phone, the page says where the lesson's controls are when they live in the collapsed sidebar.
Screenshots of the whole page land in artifacts/screenshots/screens/<page>-<width>[-dark].png.

Run as a script (`python tests/e2e/test_screens_e2e.py [port]`) it prints the counts instead of failing:
that is how the note's before/after figures were taken.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlparse

import pytest
from e2e_support import (
    ARTIFACTS,
    CHROMIUM,
    SCREENSHOTS,
    SCRIPT_DONE,
    AppPage,
    app_pages,
    free_port,
    full_screenshot,
    launch_chromium,
    log_tail,
    start_server,
    stop_server,
    wait_healthy,
)

pytestmark = pytest.mark.e2e

PAGES = app_pages()
PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1280, "height": 800}
SCREENS = {"phone": PHONE, "laptop": LAPTOP}
SHOTS = SCREENSHOTS / "screens"
LOG = ARTIFACTS / "streamlit-e2e-screens.log"
RENDER_TIMEOUT_MS = 180_000
CHART_TIMEOUT_MS = 30_000
EQUATION_SLACK_PX = 4
GENERIC_CHART_NAMES = {"", "vega visualization", "visualization"}
# Roles a student operates; each needs a name a screen reader can announce.
CONTROL_ROLES = {
    "button",
    "checkbox",
    "combobox",
    "listbox",
    "radio",
    "radiogroup",
    "slider",
    "spinbutton",
    "switch",
    "tab",
    "textbox",
    "link",
}

# Everything measured in one pass over the DOM. Elements hidden (closed expanders, other tabs) have no box
# and are skipped. `right`/`left` are the element's box against the viewport; a chart's drawing (the canvas or
# svg vega-embed makes) is measured too, since Streamlit clips a drawing wider than its box.
MEASURE_JS = r"""
() => {
  const vw = document.documentElement.clientWidth;
  const bar = document.querySelector("[data-testid='stSidebar']");
  const barHidden = !bar || bar.getAttribute("aria-expanded") === "false" || bar.getBoundingClientRect().right <= 1;
  const shown = e => {
    const r = e.getBoundingClientRect();
    if (!(r.width > 0 && r.height > 0)) return false;
    return !(barHidden && bar && bar.contains(e));  // a collapsed sidebar's contents sit off-screen on purpose
  };
  const box = e => { const r = e.getBoundingClientRect(); return {left: Math.round(r.left), right: Math.round(r.right), width: Math.round(r.width)}; };
  const text = e => (e.innerText || e.textContent || "").trim().replace(/\s+/g, " ").slice(0, 60);
  const out = {vw, overflow: [], clipped: [], equations: [], charts: []};
  const kinds = {
    chart: "[data-testid='stVegaLiteChart']",
    input: "[data-testid='stNumberInput'], [data-testid='stTextInput'], [data-testid='stSelectbox'], [data-testid='stSlider'], [data-testid='stRadio'], input, textarea, select, button",
    table: "[data-testid='stDataFrame'], [data-testid='stTable'], table",
    equation: ".katex-display",
  };
  for (const [kind, sel] of Object.entries(kinds)) {
    for (const e of document.querySelectorAll(sel)) {
      if (!shown(e)) continue;
      const b = box(e);
      if (b.right > vw + 1 || b.left < -1) out.overflow.push({kind, ...b, text: text(e)});
    }
  }
  // vega-embed's root is the chart element itself (role graphics-document, aria-label from `description`);
  // its svg/canvas is the drawing. A drawing wider than the column holding it is clipped.
  for (const c of document.querySelectorAll(kinds.chart)) {
    if (!shown(c)) continue;
    const drawn = c.querySelector("svg.marks, canvas");
    const holder = c.closest("[data-testid='stElementContainer']");
    const column = holder && holder.parentElement ? box(holder.parentElement) : box(c);
    const info = {box: box(c), drawn: drawn ? box(drawn) : null, column, label: c.getAttribute("aria-label") || ""};
    out.charts.push(info);
    if (drawn && info.drawn.right > column.right + 2) out.clipped.push(info);
  }
  for (const e of document.querySelectorAll(".katex-display")) {
    if (!shown(e)) continue;
    out.equations.push({scroll: e.scrollWidth, client: e.clientWidth, text: text(e)});
  }
  return out;
}
"""


DRAWN_JS = """() => [...document.querySelectorAll("[data-testid='stVegaLiteChart']")]
    .filter(c => c.closest("[data-testid='stElementContainer']")?.getBoundingClientRect().width > 0)
    .every(c => c.querySelector("svg.marks, canvas"))"""  # a chart in a hidden variant draws when shown


STABLE_CHECKS = 60  # at most a minute of one-second looks (a cold server converts every chart once)


def settled(page) -> None:
    """Wait until the script is done, every chart has its drawing, and the number of charts has not changed
    for a second (a fragment or a rerun may still be adding elements after the first 'notRunning')."""
    before = -1
    for _ in range(STABLE_CHECKS):
        page.wait_for_selector(SCRIPT_DONE, timeout=RENDER_TIMEOUT_MS)
        page.wait_for_function(DRAWN_JS, timeout=CHART_TIMEOUT_MS)
        now = page.locator("[data-testid='stVegaLiteChart']").count()
        if now == before:
            return
        before = now
        page.wait_for_timeout(1000)  # also lets vega-embed re-measure a container-width chart


def app_host(url: str) -> str:
    return urlparse(url).netloc


def open_screen(browser, url: str, viewport: dict, scheme: str = "light"):
    """(context, page, requests to other hosts) once the script has finished and every chart has drawn."""
    context = browser.new_context(viewport=viewport, color_scheme=scheme)
    page = context.new_page()
    foreign: list[str] = []
    host = app_host(url)
    page.on("request", lambda r: foreign.append(r.url) if app_host(r.url) not in (host, "") else None)
    page.goto(url, wait_until="domcontentloaded")
    try:
        page.wait_for_selector(SCRIPT_DONE, timeout=RENDER_TIMEOUT_MS)
        page.locator("[data-testid='stHeading'] h1, [data-testid='stException']").first.wait_for(
            timeout=RENDER_TIMEOUT_MS
        )
        settled(page)
    except Exception as e:  # noqa: BLE001 - add the server's log to any wait failure
        context.close()
        pytest.fail(
            f"{url} did not finish rendering: {e}\n--- server log ---\n{log_tail(path=LOG)}", pytrace=False
        )
    return context, page, foreign


def unnamed_controls(context, page) -> list[str]:
    """Controls whose computed accessible name is empty (Chromium's accessibility tree)."""
    cdp = context.new_cdp_session(page)
    try:
        cdp.send("Accessibility.enable")  # without it Chromium returns a partial tree (no form controls)
        nodes = cdp.send("Accessibility.getFullAXTree")["nodes"]
    finally:
        cdp.detach()
    found = []
    for n in nodes:
        if n.get("ignored"):
            continue
        role = (n.get("role") or {}).get("value", "")
        name = ((n.get("name") or {}).get("value") or "").strip()
        if role in CONTROL_ROLES and not name:
            found.append(f"{role} #{n.get('backendDOMNodeId')}")
    return found


def measure(context, page, foreign: list[str]) -> dict:
    m = page.evaluate(MEASURE_JS)
    # a few px of overhang (a delimiter's glyph) scroll but hide nothing
    m["hidden_equations"] = [e for e in m["equations"] if e["scroll"] > e["client"] + EQUATION_SLACK_PX]
    m["unnamed_charts"] = [c for c in m["charts"] if c["label"].strip().lower() in GENERIC_CHART_NAMES]
    m["unnamed_controls"] = unnamed_controls(context, page)
    m["foreign_requests"] = sorted(set(foreign))
    return m


def summary(m: dict) -> dict:
    return {
        "overflowing": len(
            {
                (o["kind"].split()[0], o["left"], o["right"], o.get("text", o.get("label")))
                for o in m["overflow"]
            }
        ),
        "overflow_kinds": sorted({o["kind"] for o in m["overflow"]}),
        "charts": len(m["charts"]),
        "clipped_charts": len(m["clipped"]),
        "chart_widths": sorted({c["drawn"]["width"] for c in m["charts"] if c["drawn"]}),
        "equation_scroll_widths": sorted({e["scroll"] for e in m["equations"]}),
        "hidden_equations": len(m["hidden_equations"]),
        "unnamed_charts": len(m["unnamed_charts"]),
        "chart_labels": sorted({c["label"] for c in m["charts"]})[:3],
        "unnamed_controls": len(m["unnamed_controls"]),
        "foreign_requests": m["foreign_requests"],
    }


# -- the tests ----------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def screens_url() -> Iterator[str]:
    if not CHROMIUM.is_file():
        pytest.skip(f"no Chromium at {CHROMIUM}")
    import os

    port = int(os.environ.get("GRADVIZ_E2E_PORT") or free_port())
    base = f"http://127.0.0.1:{port}"
    proc = start_server(port, LOG)
    try:
        wait_healthy(proc, base)
        yield base
    finally:
        stop_server(proc)


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("screen", list(SCREENS))
@pytest.mark.parametrize("app_page", PAGES, ids=[p.name for p in PAGES])
def test_screen(screens_url, browser, app_page: AppPage, screen: str, scheme: str):
    context, page, foreign = open_screen(browser, screens_url + app_page.url_path, SCREENS[screen], scheme)
    try:
        assert page.locator("[data-testid='stException']").count() == 0
        m = measure(context, page, foreign)
        suffix = "" if scheme == "light" else "-dark"
        full_screenshot(page, SHOTS / f"{app_page.name}-{SCREENS[screen]['width']}{suffix}.png")
        problems = []
        if m["overflow"]:
            problems.append(f"past the {m['vw']}-px viewport: {m['overflow']}")
        if m["clipped"]:
            problems.append(f"charts drawn wider than their box (clipped): {m['clipped']}")
        if m["hidden_equations"]:
            problems.append(f"display equations wider than their box: {m['hidden_equations']}")
        if m["unnamed_charts"]:
            problems.append(
                f"{len(m['unnamed_charts'])} of {len(m['charts'])} charts have no accessible name"
            )
        if m["unnamed_controls"]:
            problems.append(f"controls without an accessible name: {m['unnamed_controls']}")
        if m["foreign_requests"]:
            problems.append(f"requests to other hosts: {m['foreign_requests']}")
        assert not problems, f"{app_page.url_path} at {SCREENS[screen]['width']} px, {scheme}:\n" + "\n".join(
            problems
        )
    finally:
        context.close()


# -- keyboard: every control reachable with Tab, with a visible focus ring; sliders change with arrows ---------

MAX_TABS = 400  # more than any page's tab stops; the walk stops when focus comes back to where it started
CONTROLS_JS = r"""
() => {
  const shown = e => { const r = e.getBoundingClientRect(); return r.width > 0 || r.height > 0 || e.closest("[data-testid='stSlider'], [data-testid='stRadio'], [data-testid='stCheckbox']"); };
  const bar = document.querySelector("[data-testid='stSidebar']");
  const barHidden = !bar || bar.getBoundingClientRect().right <= 1;
  const sel = "[data-testid='stSlider'] input[type='range'], input[type='number'], [data-testid='stSelectbox'] input, [data-testid='stRadio'] input:checked, [data-testid='stCheckbox'] input, [data-testid='stButton'] button, [data-testid='stDownloadButton'] button";
  return [...document.querySelectorAll(sel)]
    .filter(e => !e.disabled)  // a disabled control is rightly not a Tab stop
    .filter(shown)  // not a copy Streamlit keeps out of sight (a button's measuring twin has no box)
    .filter(e => !(barHidden && bar && bar.contains(e)))
    .filter(e => { const box = e.closest("[data-testid='stElementContainer']"); return box && box.getBoundingClientRect().width > 0; })
    .map(e => { e.dataset.gvControl = Math.random().toString(36).slice(2); return e.dataset.gvControl; });
}
"""
FOCUS_JS = r"""
() => {
  const e = document.activeElement;
  if (!e || e === document.body) return {id: null, ring: false, what: "body", key: "body"};
  const ringed = c => {
    if (!c || c === document.body) return false;
    const s = getComputedStyle(c), r = c.getBoundingClientRect();
    const big = r.width >= 4 && r.height >= 4;
    return big && ((s.outlineStyle !== "none" && parseFloat(s.outlineWidth) >= 2) || s.boxShadow !== "none");
  };
  let c = e, ring = false;
  for (let i = 0; i < 5 && c; i++, c = c.parentElement) if (ringed(c)) { ring = true; break; }
  // each element that takes the focus gets its own mark: two unlabelled buttons are two stops, not one
  if (!e.dataset.gvStop) e.dataset.gvStop = Math.random().toString(36).slice(2);
  return {id: e.dataset.gvControl || null, ring, what: (e.getAttribute("aria-label") || e.innerText || e.tagName).slice(0, 40),
          key: e.dataset.gvStop};
}
"""


def tab_walk(page) -> tuple[set[str], list[str]]:
    """Tab from the top of the page until focus returns to where it started: (controls reached, stops
    without a visible focus ring)."""
    reached, unringed, first = set(), [], None
    page.locator("body").press("Home")
    for _ in range(MAX_TABS):
        page.keyboard.press("Tab")
        f = page.evaluate(FOCUS_JS)
        if f["key"] == first:
            break
        first = first or f["key"]
        if f["id"]:
            reached.add(f["id"])
        if not f["ring"] and f["what"] != "body":
            unringed.append(f["what"])
    return reached, unringed


@pytest.mark.parametrize("screen", list(SCREENS))
@pytest.mark.parametrize("app_page", PAGES, ids=[p.name for p in PAGES])
def test_keyboard(screens_url, browser, app_page: AppPage, screen: str):
    """Every control is a Tab stop, and every Tab stop shows where the focus is."""
    context, page, _ = open_screen(browser, screens_url + app_page.url_path, SCREENS[screen])
    try:
        controls = set(page.evaluate(CONTROLS_JS))
        reached, unringed = tab_walk(page)
        missing = [
            page.evaluate(
                "id => document.querySelector(`[data-gv-control='${id}']`)"
                ".closest(\"[data-testid='stElementContainer']\").innerText.slice(0, 60)",
                i,
            )
            for i in controls - reached
        ]
        assert not missing, (
            f"{len(missing)} of {len(controls)} controls never get the focus with Tab: {missing}"
        )
        assert not unringed, f"Tab stops without a visible focus ring: {sorted(set(unringed))[:10]}"
    finally:
        context.close()


def test_slider_moves_with_arrow_keys(screens_url, browser):
    """A slider changes with the arrow keys, and the page recomputes with the new value."""
    context, page, _ = open_screen(browser, screens_url + "/deep_nets", LAPTOP)
    try:
        thumb = page.locator("[data-testid='stSlider']", has_text="Hidden layers").locator(
            "input[type='range']"
        )
        before = int(thumb.get_attribute("aria-valuetext") or thumb.input_value())
        thumb.focus()
        page.keyboard.press("ArrowLeft")
        settled(page)
        thumb = page.locator("[data-testid='stSlider']", has_text="Hidden layers").locator(
            "input[type='range']"
        )
        assert int(thumb.input_value()) == before - 1
        assert f"depth={before - 1}" in page.url
    finally:
        context.close()


# -- as a script: print the counts ----------------------------------------------------------------------


def report(base: str, schemes=("light",)) -> dict:
    from playwright.sync_api import sync_playwright

    out = {}
    with sync_playwright() as pw:
        browser = launch_chromium(pw)
        try:
            for p in PAGES:
                for viewport in SCREENS.values():
                    for scheme in schemes:
                        try:
                            context, page, foreign = open_screen(browser, base + p.url_path, viewport, scheme)
                        except BaseException as e:  # noqa: BLE001 - pytest.fail outside pytest: report, go on
                            print(p.name, viewport["width"], scheme, "FAILED", str(e)[:300], flush=True)
                            continue
                        try:
                            m = measure(context, page, foreign)
                            out[f"{p.name} {viewport['width']} {scheme}"] = {
                                "summary": summary(m),
                                "detail": m,
                            }
                            print(p.name, viewport["width"], scheme, json.dumps(summary(m)), flush=True)
                        finally:
                            context.close()
        finally:
            browser.close()
    return out


if __name__ == "__main__":
    port = int(sys.argv[1]) if len(sys.argv) > 1 else free_port()
    base_url = f"http://127.0.0.1:{port}"
    proc = start_server(port, LOG)
    try:
        wait_healthy(proc, base_url)
        result = report(base_url, schemes=tuple(sys.argv[2].split(",")) if len(sys.argv) > 2 else ("light",))
        dest = Path(ARTIFACTS) / "screens-report.json"
        dest.write_text(json.dumps(result, indent=1))
        print("wrote", dest)
    finally:
        stop_server(proc)
