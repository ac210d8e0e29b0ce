"""Every AppTest run in tests/app/ fails when the page shows an exception element.

`AppTest.run()`, `at.switch_page(...).run()` and every widget's `.run()` all go through `AppTest._run`; the
autouse fixture below wraps it, so no test has to remember `assert not at.exception` after a step. A test
that means to look at an exception element (the harness's own check) asks for `allow_page_exceptions`.
"""

from __future__ import annotations

import pytest
from apptest_support import checked_run
from streamlit.testing.v1 import AppTest


@pytest.fixture(autouse=True)
def _fail_on_page_exceptions(request, monkeypatch):
    if "allow_page_exceptions" in request.fixturenames:
        return
    monkeypatch.setattr(AppTest, "_run", checked_run(AppTest._run))


@pytest.fixture
def allow_page_exceptions() -> None:
    """Opt out of the harness: this test inspects exception elements itself."""
