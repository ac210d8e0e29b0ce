"""A class in a real browser (Chromium): an instructor starts a class on the Teach page and opens a lesson as
its instructor; two students open the class link and answer the same question; the instructor's live view
shows both answers; the instructor reveals and the reveal reaches both students without a reload. Also:
"Copy link to this view" gives the address of the view on screen, and a chart's PNG download is a PNG named
after the view's settings.

The server has a poll database of its own (a temp SQLite file). The question refreshes itself every few
seconds (a fragment): the waits below wait for that refresh, with a generous bound, and assert on content.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from e2e_support import (
    RUN_COUNTER,
    SCREENSHOTS,
    SCRIPT_DONE,
    free_port,
    server_env,
    settle,
    start_server,
    stop_server,
    wait_healthy,
)
from playwright.sync_api import expect

from gradviz import figures
from gradviz.lessons.lstm import questions as lstm_questions
from gradviz.poll import store as poll_store

pytestmark = pytest.mark.e2e
Q = lstm_questions.question()
QID = "lstm/predict-lstm-cell"
REFRESH_WAIT_MS = (
    60_000  # the fragments ask every 3 s (instructor) and 5 s (students); a loaded machine is slower
)


@pytest.fixture(scope="module")
def class_server(tmp_path_factory, browser) -> Iterator[tuple[str, str]]:
    db = tmp_path_factory.mktemp("poll") / "classes.sqlite"
    url = f"sqlite:///{db}"
    port = free_port()
    log = SCREENSHOTS.parent / "streamlit-e2e-class.log"
    proc = start_server(port, log, env=server_env() | {poll_store.URL_ENV: url})
    try:
        wait_healthy(proc, f"http://127.0.0.1:{port}")
        yield f"http://127.0.0.1:{port}", url
    finally:
        stop_server(proc)


def _context(browser, **kwargs):
    """A browser context whose pages count their script runs (e2e_support.RUN_COUNTER, which settle reads)."""
    context = browser.new_context(**kwargs)
    context.add_init_script(RUN_COUNTER)
    return context


def _open(context, url: str):
    page = context.new_page()
    page.goto(url, wait_until="domcontentloaded")
    settle(page)  # the first run has ended
    page.wait_for_selector(SCRIPT_DONE, timeout=120_000)
    assert page.locator("[data-testid='stException']").count() == 0
    return page


def _open_menu(page) -> None:
    """Open the first chart's "Download" menu (a lazy popover: its buttons are made by the rerun it asks for)."""
    # the menu's own button (a chart's hover toolbar has a "Download as PNG" button of Streamlit's too)
    page.locator("[data-testid='stPopoverButton']", has_text="Download").first.click()
    settle(page)
    page.get_by_role("button", name="PNG (2×)").first.wait_for(timeout=120_000)


def _poll_box(page):
    """The class poll's box: the nearest block around the question's "(class …)" heading."""
    heading = page.get_by_text(re.compile(r"Predict, then reveal \(class ")).first
    return heading.locator("xpath=ancestor::div[@data-testid='stVerticalBlock'][1]")


def test_instructor_sees_two_students_answers_and_the_reveal_reaches_them(browser, class_server):
    base, db_url = class_server
    teacher = _context(browser, viewport={"width": 1400, "height": 1000})
    students = [_context(browser, viewport={"width": 1200, "height": 900}) for _ in range(2)]
    try:
        inst = _open(teacher, f"{base}/teach")
        inst.get_by_role("button", name="Start a new class").click()
        settle(inst)
        heading = inst.locator("h2", has_text=re.compile(r"^Class [2-9A-Z]{4}$")).first.inner_text()
        code = heading.split()[-1]
        inst.locator("[data-testid='stPageLink-NavLink']", has_text="LSTM gates").click()
        settle(inst)
        inst.wait_for_function(  # the class goes with the instructor to the lesson's URL
            "(code) => new URLSearchParams(location.search).get('class') === code",
            arg=code,
            timeout=REFRESH_WAIT_MS,
        )
        _poll_box(inst).get_by_text("0 answers · round 1").wait_for(timeout=REFRESH_WAIT_MS)

        wrong = next(o for o in Q["options"] if o != Q["answer"])
        picks = [Q["answer"], wrong]
        pages = []
        for context, pick in zip(students, picks, strict=True):
            page = _open(context, f"{base}/lstm?class={code}")
            box = _poll_box(page)
            box.locator("label", has_text=pick).first.click()
            settle(page)
            box.get_by_text("is in. You can change it until the instructor reveals").wait_for(
                timeout=REFRESH_WAIT_MS
            )
            assert box.get_by_text("Not quite").count() == 0 and box.get_by_text("Right.").count() == 0
            pages.append(page)

        box = _poll_box(inst)
        box.get_by_text("2 answers · round 1").wait_for(timeout=REFRESH_WAIT_MS)  # the fragment refreshed
        summary = box.locator("[data-testid='stCaptionContainer']").filter(has_text=" · ").last
        for pick in picks:  # the tally's caption is drawn in the same refresh: waited for, not read once
            expect(summary).to_contain_text(f"{pick}: 1", timeout=REFRESH_WAIT_MS)
        engine = poll_store.make_engine(db_url)
        try:
            tally = poll_store.Store(engine).tally(code, QID, Q["options"])
        finally:
            engine.dispose()
        assert tally.total == 2 and {c for c, n in tally.counts if n == 1} == set(picks)
        box.screenshot(path=str(SCREENSHOTS / "class-instructor-view.png"))

        box.get_by_role("button", name="Reveal to the class").click()
        settle(inst)
        for page, pick in zip(pages, picks, strict=True):
            student_box = _poll_box(page)
            student_box.get_by_text("revealed by the instructor").wait_for(timeout=REFRESH_WAIT_MS)
            verdict = "Right." if pick == Q["answer"] else "Not quite"
            student_box.get_by_text(verdict).first.wait_for(timeout=REFRESH_WAIT_MS)
            assert page.locator("[data-testid='stException']").count() == 0
        _poll_box(pages[1]).screenshot(path=str(SCREENSHOTS / "class-student-after-reveal.png"))
    finally:
        for context in (teacher, *students):
            context.close()


def test_copy_link_gives_the_views_address_and_png_downloads_are_named_after_it(browser, class_server):
    base, _ = class_server
    context = _context(browser, viewport={"width": 1400, "height": 1000}, accept_downloads=True)
    try:
        page = _open(context, f"{base}/lstm?i=0.0")
        page.get_by_role("button", name="Copy link to this view").click()
        shown = page.locator(".gv-view-link-url")
        shown.wait_for()
        assert shown.inner_text() == page.url and "i=0.0" in page.url
        _open_menu(page)
        with page.expect_download(timeout=120_000) as info:
            page.get_by_role("button", name="PNG (2×)").first.click()
        download = info.value
        assert download.suggested_filename == "lstm_cell__i-0.0_light.png"
        with open(download.path(), "rb") as f:
            assert f.read(8) == b"\x89PNG\r\n\x1a\n"
    finally:
        context.close()


def test_a_dark_theme_viewer_downloads_a_dark_figure(browser, class_server):
    """st.context.theme follows the browser's colour scheme: the figure is rendered in the dark theme."""
    base, _ = class_server
    context = _context(
        browser, viewport={"width": 1400, "height": 1000}, accept_downloads=True, color_scheme="dark"
    )
    try:
        page = _open(context, f"{base}/lstm?i=0.0")
        _open_menu(page)
        with page.expect_download(timeout=120_000) as info:
            page.get_by_role("button", name="SVG").first.click()
        download = info.value
        assert download.suggested_filename == "lstm_cell__i-0.0_dark.svg"
        with open(download.path(), encoding="utf-8") as f:
            svg = f.read()
        assert svg.startswith("<svg") and figures.DARK.background.lower() in svg.lower()
    finally:
        context.close()


def test_the_lesson_plan_prints_without_the_apps_furniture(browser, class_server):
    """Browser print (print media): the plan's steps are there, the sidebar, header and buttons are not, and
    Chromium prints it to PDF."""
    base, _ = class_server
    context = _context(browser, viewport={"width": 1200, "height": 1000})
    try:
        page = _open(context, f"{base}/plan")
        page.emulate_media(media="print")
        assert page.locator("[data-testid='stSidebar']").is_hidden()
        assert page.locator("[data-testid='stHeader']").is_hidden()
        assert page.get_by_text("0–3 min").is_visible() and page.get_by_text("Say:").first.is_visible()
        pdf = page.pdf(format="A4")
        assert pdf[:5] == b"%PDF-" and len(pdf) > 10_000
        page.screenshot(path=str(SCREENSHOTS / "lesson-plan-print.png"))
    finally:
        context.close()
