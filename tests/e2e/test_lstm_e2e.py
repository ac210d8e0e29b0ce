"""The LSTM lesson in a real browser: a shared link with the lecture's exercise (i = 0, f = 1) shows the
"remember" regime and the unchanged gradient; the "How far back" tab opens section 2, where a reach preset
lands in the URL and re-measures only its section, and no exception appears; light and dark screenshots of
the default view are saved."""

from __future__ import annotations

import pytest
from e2e_support import full_screenshot, settle
from playwright.sync_api import expect
from test_browser import EXCEPTION, open_page

pytestmark = pytest.mark.e2e


def test_exercise_link_and_reach_preset(app_url, browser, screenshots_dir):
    context, page = open_page(browser, app_url + "/lstm?i=0.0&f=1.0")
    try:
        assert page.locator(EXCEPTION).count() == 0
        regime = page.locator("[data-testid='stMetric']", has_text="regime").first
        assert "remember" in regime.inner_text()
        assert page.get_by_text("passes back unchanged", exact=False).count() >= 1
        page.get_by_role("tab", name="2 · How far back").click()
        settle(page)
        page.wait_for_function(
            "location.search.includes('section=reach')", timeout=120_000
        )  # a bound on a condition, as the other waits
        button = page.locator(
            ".st-key-reach-PyTorch\\'s\\ zero\\ bias button, button:has-text(\"PyTorch's zero bias\")"
        ).first
        button.scroll_into_view_if_needed()
        button.click()
        settle(page)
        page.wait_for_function(  # the preset's value reaches the URL
            "parseFloat(new URLSearchParams(location.search).get('forget_bias')) === 0", timeout=120_000
        )
        retention = page.locator("[data-testid='stMetric']", has_text="direct-path factor").first
        expect(retention).to_contain_text("0.500", timeout=120_000)
        assert page.locator(EXCEPTION).count() == 0
    finally:
        context.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_default_view_screenshots(app_url, browser, screenshots_dir, scheme):
    context, page = open_page(browser, app_url + "/lstm", scheme)
    try:
        assert page.locator(EXCEPTION).count() == 0
        full_screenshot(page, screenshots_dir / f"lstm-default-{scheme}.png")
    finally:
        context.close()
