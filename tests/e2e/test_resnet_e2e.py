"""The residual-connections lesson in a real browser, light and dark, at its default and at the controls'
extremes: every chart draws, no exception element, the refused sweep and the malformed link are answered with
a warning, and screenshots land in artifacts/screenshots/ (the light default is also docs/resnet.png's source).

The generic checks of tests/e2e/test_browser.py cover this page too (it is in the catalogue); this file adds
the lesson's own URLs, on the browser tests' shared server (GRADVIZ_BENCH_PORTS=lo-hi picks its port from a
reserved range)."""

from __future__ import annotations

import pytest
from e2e_support import REPO_ROOT, AppPage, full_screenshot, page_heading
from playwright.sync_api import expect
from test_browser import CHART, CHART_TIMEOUT_MS, EXCEPTION, _luminance, assert_healthy, open_page

pytestmark = pytest.mark.e2e

LESSON = AppPage("app_pages/resnet.py", "/resnet", page_heading(REPO_ROOT / "app_pages/resnet.py"))


@pytest.fixture
def resnet_url(app_url) -> str:
    """The browser tests' shared server (tests/e2e/conftest.py's app_url): one server start for them all."""
    return app_url


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_default_view(resnet_url, browser, screenshots_dir, scheme):
    context, page = open_page(browser, resnet_url + LESSON.url_path, scheme=scheme)
    try:
        # the first section's two charts (a warm server can report the script done before the last
        # fragments are drawn); the other sections are computed when opened (test_browser.py opens each)
        # the section's two charts; their stacked phone variants are in the page but hidden at this width
        expect(page.locator(f"{CHART}:visible")).to_have_count(2, timeout=CHART_TIMEOUT_MS)
        assert_healthy(page, LESSON)
        bg = page.locator("[data-testid='stApp']").evaluate("e => getComputedStyle(e).backgroundColor")
        assert (_luminance(bg) > 0.5) == (scheme == "light")
        suffix = "" if scheme == "light" else "-dark"
        full_screenshot(page, screenshots_dir / f"resnet-default{suffix}.png")
    finally:
        context.close()


EXTREMES = {
    "refused": "?depths=2-8-24&steps=1000&width=128",
    "jacobian-deep-linear": "?jac_depth=50&jac_act=linear",
    "batchnorm": "?norm=batch",
    "malformed": "?depths=banana&jac_depth=0",
}


@pytest.mark.parametrize("name", list(EXTREMES))
def test_extremes(resnet_url, browser, screenshots_dir, name):
    context, page = open_page(browser, resnet_url + LESSON.url_path + EXTREMES[name], scheme="dark")
    try:
        assert page.locator(EXCEPTION).count() == 0
        assert_healthy(page, LESSON)
        if name in ("refused", "malformed"):
            assert page.locator("[data-testid='stAlert']").count() >= 1
        full_screenshot(page, screenshots_dir / f"resnet-{name}-dark.png")
    finally:
        context.close()
