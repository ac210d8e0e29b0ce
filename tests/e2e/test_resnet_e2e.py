"""The residual-connections lesson in a real browser, light and dark, at its default and at the controls'
extremes: every chart draws, no exception element, the refused sweep and the malformed link are answered with
a warning, and screenshots land in artifacts/screenshots/ (the light default is also docs/resnet.png's source).

The generic checks of tests/e2e/test_browser.py cover this page too (it is in the catalogue); this file adds
the lesson's own URLs. Set GRADVIZ_E2E_PORT to serve on a chosen port (e.g. inside a reserved range)."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from e2e_support import (
    ARTIFACTS,
    CHROMIUM,
    AppPage,
    free_port,
    full_screenshot,
    log_tail,
    start_server,
    stop_server,
    wait_healthy,
)
from test_browser import CHART, EXCEPTION, _luminance, assert_healthy, open_page

pytestmark = pytest.mark.e2e

LESSON = AppPage(
    "app_pages/resnet.py", "/resnet", "Residual connections: plain vs residual nets as depth grows"
)
LOG = ARTIFACTS / "streamlit-e2e-resnet.log"


@pytest.fixture(scope="module")
def resnet_url() -> Iterator[str]:
    if not CHROMIUM.is_file():
        pytest.skip(f"no Chromium at {CHROMIUM}")
    port = int(os.environ.get("GRADVIZ_E2E_PORT") or free_port())
    base = f"http://127.0.0.1:{port}"
    proc = start_server(port, LOG)
    try:
        try:
            wait_healthy(proc, base)
        except (RuntimeError, TimeoutError) as e:
            pytest.fail(f"{e}\n--- server log ---\n{log_tail(path=LOG)}", pytrace=False)
        yield base
    finally:
        stop_server(proc)


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_default_view(resnet_url, browser, screenshots_dir, scheme):
    context, page = open_page(browser, resnet_url + LESSON.url_path, scheme=scheme)
    try:
        # the first section's two charts (a warm server can report the script done before the last
        # fragments are drawn); the other sections are computed when opened (test_browser.py opens each)
        page.wait_for_function(f"document.querySelectorAll({CHART!r}).length >= 2", timeout=30_000)
        assert_healthy(page, LESSON)
        assert page.locator(CHART).count() == 2
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
