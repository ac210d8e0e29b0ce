"""The app in a real browser: `streamlit run app.py`, every page opened in Debian's Chromium.

For every page app.py navigates to (parsed from app.py, so new lessons are covered automatically), in the
light and the dark colour scheme: the script finishes, no exception element appears, the page's title is
shown, every Altair chart draws, the text is readable against the background, and a full-page screenshot
lands in artifacts/screenshots/<page>.png (and <page>-dark.png). A malformed URL parameter shows a warning
and falls back to the default instead of crashing. Every section of every lesson (from the catalogue) opens
through its link (?section=<slug>) as the selected tab, with its charts drawn; clicking another tab puts
that section's slug in the URL.
"""

from __future__ import annotations

import re
from urllib.parse import urlparse

import pytest
from e2e_support import (
    RUN_COUNTER,
    SCRIPT_DONE,
    VIEWPORT,
    AppPage,
    app_pages,
    full_screenshot,
    log_tail,
    settle,
)
from playwright.sync_api import expect

from gradviz.lessons import available

pytestmark = pytest.mark.e2e

PAGES = app_pages()
SECTIONS = [(les, s) for les in available() for s in les.sections]
EXCEPTION = "[data-testid='stException']"
CHART = "[data-testid='stVegaLiteChart']"
# A live training run can take ~10 s on a cold server and longer when two CPU cores are shared.
RENDER_TIMEOUT_MS = 180_000
CHART_TIMEOUT_MS = 120_000  # bounds on waits for a condition, never a measured time
MIN_CONTRAST = 4.5  # WCAG AA for body text


def _rgb(css: str) -> tuple[float, float, float]:
    r, g, b = (float(v) for v in re.findall(r"[\d.]+", css)[:3])
    return r, g, b


def _luminance(css: str) -> float:
    """WCAG relative luminance of an `rgb(r, g, b)` colour."""

    def lin(c: float) -> float:
        c /= 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = _rgb(css)
    return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b)


def contrast(fg: str, bg: str) -> float:
    hi, lo = sorted((_luminance(fg), _luminance(bg)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def open_page(browser, url: str, scheme: str = "light"):
    """Open `url` and return (context, page) once the script has finished and the charts have drawn."""
    context = browser.new_context(viewport=VIEWPORT, color_scheme=scheme)
    context.add_init_script(RUN_COUNTER)
    page = context.new_page()
    page.goto(url, wait_until="domcontentloaded")
    try:
        # the first run has ended (the run counter, not a pause) and the script is idle; then the content
        settle(page, timeout_ms=RENDER_TIMEOUT_MS)
        page.wait_for_selector(SCRIPT_DONE, timeout=RENDER_TIMEOUT_MS)
        page.locator(f"[data-testid='stHeading'] h1, {EXCEPTION}").first.wait_for(timeout=RENDER_TIMEOUT_MS)
    except Exception as e:  # noqa: BLE001 - add the server's log to any wait failure
        context.close()
        pytest.fail(f"{url} did not finish rendering: {e}\n--- server log ---\n{log_tail()}", pytrace=False)
    return context, page


def assert_healthy(page, app_page: AppPage) -> None:
    exceptions = page.locator(EXCEPTION)
    if exceptions.count():
        pytest.fail(f"{app_page.file} shows an exception:\n{exceptions.first.inner_text()}", pytrace=False)
    if app_page.heading is not None:
        heading = page.locator("[data-testid='stHeading'] h1", has_text=app_page.heading)
        assert heading.count() >= 1, f"{app_page.file}: title {app_page.heading!r} not on the page"
        assert heading.first.is_visible()
    else:  # the title is computed: at least it must be there and say something
        assert page.locator("[data-testid='stHeading'] h1").first.inner_text().strip()
    charts = page.locator(CHART)
    for i in range(charts.count()):
        # vega-embed draws asynchronously; a spec it cannot render leaves no canvas/svg
        charts.nth(i).locator("canvas, svg").first.wait_for(state="attached", timeout=CHART_TIMEOUT_MS)


def readable(page) -> tuple[str, str, float]:
    """(background, title colour, their contrast ratio) of the main area."""
    bg = page.locator("[data-testid='stApp']").evaluate("e => getComputedStyle(e).backgroundColor")
    fg = page.locator("[data-testid='stHeading'] h1").first.evaluate("e => getComputedStyle(e).color")
    return bg, fg, contrast(fg, bg)


@pytest.fixture(scope="module")
def pages_found() -> list[AppPage]:
    return PAGES


def test_app_lists_its_pages(pages_found):
    """The parse of app.py found the home page and at least the deep-nets lesson, and their files exist."""
    paths = [p.url_path for p in pages_found]
    assert "/" in paths, "no default page (st.Page(..., default=True)) found in app.py"
    assert "/deep_nets" in paths
    for p in pages_found:
        assert p.url_path.startswith("/")
        assert p.heading, f"{p.file}: no title in the catalogue, ui.page_header(...) or st.title(...)"


def nav_paths(page) -> set[str]:
    hrefs = page.locator("[data-testid='stSidebarNavLink']").evaluate_all("els => els.map(e => e.href)")
    return {urlparse(h).path.rstrip("/") or "/" for h in hrefs}


def test_navigation_matches_parsed_pages(app_url, browser):
    """The sidebar of the running app links exactly the pages this test module visits."""
    context, page = open_page(browser, app_url + "/")
    try:
        assert nav_paths(page) == {p.url_path for p in PAGES}
    finally:
        context.close()


SHARED_LINK = "/deep_nets?activation=sigmoid&depth=9"  # the example link in README.md


def test_shared_lesson_link_on_a_cold_server(cold_app_url, browser):
    """A student's first click on a shared lesson link, before anyone has opened the home page, gets the
    app (app.py's navigation, layout and sidebar) with the link's settings, not the bare page file.

    Streamlit treats a folder named `pages/` beside the main script as an old-style (v1) multipage app
    until `st.navigation` has run once in the process; until then a direct URL such as /deep_nets runs
    pages/deep_nets.py on its own. Community Cloud puts idle apps to sleep, so this is the normal case.
    """
    context, page = open_page(browser, cold_app_url + SHARED_LINK)
    try:
        assert page.locator(EXCEPTION).count() == 0
        nav = nav_paths(page)
        assert nav == {p.url_path for p in PAGES}, (
            f"the first visit to {SHARED_LINK} did not run app.py: the sidebar lists {sorted(nav)} "
            "(Streamlit's pages/-folder mode). Fix: rename the pages/ folder (e.g. to lessons/) so that "
            "app.py's st.navigation is the only router."
        )
        assert page.title() != "deep nets", "the browser tab shows the file name, not the app's title"
        depth = page.locator("[data-testid='stSlider']", has_text="Hidden layers")
        assert depth.locator("[data-testid='stSliderThumbValue']").inner_text().strip() == "9"
        assert (
            page.locator("[data-testid='stSelectbox'] input[aria-label='Activation']").input_value()
            == "sigmoid"
        )
    finally:
        context.close()


@pytest.mark.parametrize("app_page", PAGES, ids=[p.name for p in PAGES])
def test_page_renders(app_url, browser, screenshots_dir, app_page: AppPage):
    context, page = open_page(browser, app_url + app_page.url_path)
    try:
        assert_healthy(page, app_page)
        bg, fg, ratio = readable(page)
        assert _luminance(bg) > 0.5, f"light scheme but a dark background {bg}"
        assert ratio >= MIN_CONTRAST, f"title {fg} on {bg}: contrast {ratio:.1f} < {MIN_CONTRAST}"
        full_screenshot(page, screenshots_dir / f"{app_page.name}.png")
    finally:
        context.close()


@pytest.mark.parametrize("app_page", PAGES, ids=[p.name for p in PAGES])
def test_page_renders_dark(app_url, browser, screenshots_dir, app_page: AppPage):
    """With the browser asking for a dark scheme, Streamlit follows it (config.toml has [theme.dark])."""
    context, page = open_page(browser, app_url + app_page.url_path, scheme="dark")
    try:
        assert_healthy(page, app_page)
        bg, fg, ratio = readable(page)
        assert _luminance(bg) < 0.2, f"dark scheme but a light background {bg}"
        assert ratio >= MIN_CONTRAST, f"title {fg} on {bg}: contrast {ratio:.1f} < {MIN_CONTRAST}"
        full_screenshot(page, screenshots_dir / f"{app_page.name}-dark.png")
    finally:
        context.close()


def test_malformed_url_parameter_warns_and_falls_back(app_url, browser, screenshots_dir):
    deep = next((p for p in PAGES if p.url_path == "/deep_nets"), None)
    assert deep is not None, "the deep-nets lesson is not in app.py's pages"
    context, page = open_page(browser, app_url + "/deep_nets?depth=banana")
    try:
        assert page.locator(EXCEPTION).count() == 0
        warning = page.locator("[data-testid='stAlert']", has_text="banana")
        assert warning.count() == 1, "no warning about the ignored URL value depth=banana"
        assert "depth" in warning.inner_text()
        # the page still renders in full, with the default depth the warning names
        assert_healthy(page, deep)
        default = re.search(r"Using the default, (\d+)", warning.inner_text())
        assert default is not None, warning.inner_text()
        depth_slider = page.locator("[data-testid='stSlider']", has_text="Hidden layers")
        assert depth_slider.locator(
            "[data-testid='stSliderThumbValue']"
        ).inner_text().strip() == default.group(1)
        assert "banana" not in page.url
        full_screenshot(page, screenshots_dir / "deep_nets-malformed-url.png")
    finally:
        context.close()


def selected_tab(page) -> str:
    return page.get_by_role("tab", selected=True).first.inner_text().strip()


@pytest.mark.parametrize(("lesson", "section"), SECTIONS, ids=[f"{les.name}-{s.slug}" for les, s in SECTIONS])
def test_each_section_through_its_link(app_url, browser, screenshots_dir, lesson, section):
    app_page = next(p for p in PAGES if p.url_path == f"/{lesson.name}")
    context, page = open_page(browser, f"{app_url}/{lesson.name}?section={section.slug}")
    try:
        assert_healthy(page, app_page)
        assert selected_tab(page) == section.title
        assert page.get_by_role("tab").count() == len(lesson.sections)
        full_screenshot(page, screenshots_dir / f"{lesson.name}-section-{section.slug}.png")
    finally:
        context.close()


def test_a_tab_click_names_its_section_in_the_url(app_url, browser):
    lesson = next(les for les in available() if len(les.sections) > 1)
    second = lesson.sections[1]
    context, page = open_page(browser, f"{app_url}/{lesson.name}")
    try:
        assert selected_tab(page) == lesson.sections[0].title
        page.get_by_role("tab", name=second.title).click()
        settle(page)  # the rerun the click asked for has finished (counted from the server's messages)
        page.wait_for_function(f"location.search.includes('section={second.slug}')", timeout=CHART_TIMEOUT_MS)
        expect(page.get_by_role("tab", selected=True).first).to_have_text(
            second.title, timeout=CHART_TIMEOUT_MS
        )
        assert page.locator(EXCEPTION).count() == 0
        if second.keys:  # the section's own controls are drawn now
            page.locator(f".st-key-{second.keys[0]}").first.wait_for(timeout=CHART_TIMEOUT_MS)
    finally:
        context.close()


def test_the_run_counter_reads_script_finished_from_the_servers_messages(app_url, browser):
    """settle() counts runs from the ForwardMsgs' script_finished field (e2e_support.RUN_COUNTER): its
    parser, run in the page, against messages serialized by Streamlit's own protobuf classes."""
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    def encoded(build) -> list[int]:
        msg = ForwardMsg()
        build(msg)
        return list(msg.SerializeToString())

    cases = {
        "finished": (encoded(lambda m: setattr(m, "script_finished", ForwardMsg.FINISHED_SUCCESSFULLY)), 0),
        "rerun follows": (
            encoded(lambda m: setattr(m, "script_finished", ForwardMsg.FINISHED_EARLY_FOR_RERUN)),
            2,
        ),
        "fragment": (
            encoded(lambda m: setattr(m, "script_finished", ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY)),
            3,
        ),
        # a delta first (length-delimited, long enough for a two-byte length), then the status
        "after a delta": (
            encoded(
                lambda m: (
                    m.delta.new_element.markdown.__setattr__("body", "x" * 300),
                    m.metadata.delta_path.extend([0, 6]),
                )
            ),
            -1,
        ),
        "hash and status": (
            encoded(
                lambda m: (
                    setattr(m, "hash", "abc" * 20),
                    setattr(m, "script_finished", ForwardMsg.FINISHED_WITH_COMPILE_ERROR),
                )
            ),
            1,
        ),
    }
    context, page = open_page(browser, app_url)
    try:
        for name, (data, status) in cases.items():
            got = page.evaluate("(bytes) => window.__gvScriptFinished(new Uint8Array(bytes).buffer)", data)
            assert got == status, name
    finally:
        context.close()
