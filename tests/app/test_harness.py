"""The AppTest harness itself: a page that raises fails the test at the step that made it raise, whether
the step is the first run, a page switch or a widget's run, without the test checking anything."""

from __future__ import annotations

import pytest
from apptest_support import PageException, checked_run
from streamlit.testing.v1 import AppTest

RAISES_ON_CLICK = """
import streamlit as st
st.title("fine so far")
if st.button("break", key="break"):
    raise ValueError("boom from a widget step")
"""

RAISES_IN_FRAGMENT = """
import streamlit as st

@st.fragment
def section():
    int(float("inf"))

section()
"""


def test_a_page_that_raises_fails_the_first_run():
    with pytest.raises(PageException, match="OverflowError|cannot convert float infinity"):
        AppTest.from_string(RAISES_IN_FRAGMENT).run()


def test_a_widget_step_that_raises_fails():
    at = AppTest.from_string(RAISES_ON_CLICK).run()  # clean: no exception yet
    with pytest.raises(PageException, match="boom from a widget step"):
        at.button(key="break").click().run()


def test_without_the_harness_the_exception_is_only_an_element(allow_page_exceptions):
    """What the harness guards against: AppTest itself does not raise, it renders an exception element."""
    at = AppTest.from_string(RAISES_IN_FRAGMENT).run()  # no PageException: the harness is off here
    assert len(at.exception) == 1
    # and the same page, through the check every other test gets, raises
    with pytest.raises(PageException):
        checked_run(AppTest._run)(at)


def test_page_switches_are_checked_too(tmp_path):
    (tmp_path / "app_pages").mkdir()
    (tmp_path / "app_pages" / "ok.py").write_text("import streamlit as st\nst.write('ok')\n")
    (tmp_path / "app_pages" / "bad.py").write_text("raise KeyError('sigmoid / default')\n")
    (tmp_path / "app.py").write_text(
        "import streamlit as st\n"
        "st.navigation([st.Page('app_pages/ok.py'), st.Page('app_pages/bad.py')]).run()\n"
    )
    at = AppTest.from_file(str(tmp_path / "app.py")).run()
    with pytest.raises(PageException, match="sigmoid / default"):
        at.switch_page("app_pages/bad.py").run()
