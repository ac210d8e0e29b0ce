"""The clipping lesson's interactions in a real browser: clicking the loss map picks the descents' start,
clicking the vector plane sets the gradient, the one-click threshold sets η — each lands in the URL, so the
view can be shared — and the page never shows an exception. Each interaction is in its own section (tab),
opened through its link."""

from __future__ import annotations

from urllib.parse import parse_qs, urlparse

import pytest
from e2e_support import full_screenshot, settle
from test_browser import CHART_TIMEOUT_MS, EXCEPTION, open_page

pytestmark = pytest.mark.e2e


def _params(page) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlparse(page.url).query).items()}


def _wait_params(page, *keys: str) -> dict[str, str]:
    """The URL's parameters once it holds every one of `keys` (the rerun writes them; waited for, bounded)."""
    page.wait_for_function(
        "(keys) => keys.every(k => new URLSearchParams(location.search).has(k))",
        arg=list(keys),
        timeout=CHART_TIMEOUT_MS,
    )
    return _params(page)


def _click_chart(page, key: str, fx: float, fy: float) -> None:
    """Click at a fraction (fx, fy) of the drawn chart of the element with this key."""
    chart = page.locator(f".st-key-{key} canvas, .st-key-{key} svg.marks").first
    chart.wait_for(state="visible", timeout=CHART_TIMEOUT_MS)
    chart.scroll_into_view_if_needed()
    box = chart.bounding_box()
    page.mouse.click(box["x"] + fx * box["width"], box["y"] + fy * box["height"])
    settle(page)


def test_clicks_set_the_controls_and_the_url(app_url, browser, screenshots_dir):
    context, page = open_page(browser, app_url + "/clipping")
    try:
        assert page.locator(EXCEPTION).count() == 0
        # the loss map: a click inside the plot picks a new start (w0, b0), shown in the URL
        _click_chart(page, "cliff_map", 0.35, 0.3)
        params = _wait_params(page, "w0", "b0")
        w0, b0 = float(params["w0"]), float(params["b0"])
        assert 0.0 <= w0 <= 4.0 and -2.0 <= b0 <= 1.0 and (w0, b0) != (2.0, -0.6)
        thumb = page.locator(".st-key-w0 [data-testid='stSliderThumbValue']").inner_text()
        assert float(thumb) == pytest.approx(w0)
        # the vector plane: a click sets the gradient's tip (gx, gy)
        context.close()
        context, page = open_page(browser, app_url + "/clipping?section=vector")
        _click_chart(page, "vector_map", 0.2, 0.2)
        params = _wait_params(page, "gx", "gy")
        assert float(params["gx"]) < 0 < float(params["gy"])  # upper-left quadrant
        # the heuristic's one-click threshold
        context.close()
        context, page = open_page(browser, app_url + "/clipping?section=rnn")
        button = page.locator(".st-key-use-heuristic button")
        button.scroll_into_view_if_needed()
        label = button.inner_text()
        button.click()
        settle(page)
        assert _wait_params(page, "threshold")["threshold"] == label.split("=")[1].strip()
        assert page.locator(EXCEPTION).count() == 0
        full_screenshot(page, screenshots_dir / "clipping-after-clicks.png")
    finally:
        context.close()
