"""Sharing a view (Streamlit side): the exact link of what is on screen, and a chart as a figure for slides.
(Moves into the gradviz/ui package.)

- `view_url(section)`: the address the viewer's browser shows, with every control's value (the bound
  widgets keep the query string in step with the screen) and the section, for slides and the class chat;
  `copy_link(section)` shows it in a code box (Streamlit's code box has a copy button).
"""

from __future__ import annotations

import urllib.parse

import streamlit as st
from streamlit.runtime.scriptrunner_utils.script_run_context import get_script_run_ctx

SECTION = "section"  # the query parameter naming a section of a page (issue 16's ?section=)
FALLBACK_BASE = "http://localhost:8501"  # outside a browser session (AppTest, bare mode): Streamlit's default


def page_path() -> str:
    """The current page's URL path below the app ("" for the default page)."""
    ctx = get_script_run_ctx()
    if ctx is None:
        return ""
    manager = ctx.pages_manager
    info = manager.get_pages().get(manager.current_page_script_hash) or {}
    return str(info.get("url_pathname", "") or "")


def app_base_url() -> str:
    """scheme://host[:port][/base] of the app as the viewer reached it (no page, no query)."""
    url = None
    try:
        url = st.context.url
    except Exception:  # noqa: BLE001 - no client context (bare mode)
        url = None
    if not url:
        return FALLBACK_BASE
    url = url.removesuffix("/")
    page = page_path()
    return url.removesuffix(f"/{page}") if page else url


def page_url(page: str = "", params: dict[str, str] | None = None) -> str:
    """The app's URL of `page` ("" = home) with `params` as its query string."""
    query = urllib.parse.urlencode(params or {}, doseq=True)
    return f"{app_base_url()}/{page}" + (f"?{query}" if query else "")


def view_url(section: str | None = None) -> str:
    """The exact link of this view: this page, every query parameter it has now (the controls' values,
    the class), and `section` when given."""
    params = {k: st.query_params.get_all(k) for k in st.query_params}
    if section:
        params[SECTION] = [section]
    return page_url(page_path(), params)


def copy_link(section: str | None = None, label: str = "Copy link to this view") -> None:
    """A popover with the exact URL of this view in a code box (its copy button puts it on the clipboard)."""
    with st.popover(label, icon=":material/link:"):
        st.code(view_url(section), language=None, wrap_lines=True)
        st.caption("The link reproduces every control on screen; paste it into slides or the class chat.")
