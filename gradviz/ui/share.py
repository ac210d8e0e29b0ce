"""Sharing a view: the exact link of what is on screen, and a chart as a figure for slides.

- `view_url(section)`: the address the viewer's browser shows, with every control's value (the bound
  widgets keep the query string in step with the screen) and the section, for slides and the class chat;
  `copy_link()` is a button that copies the address bar's URL, which Streamlit keeps equal to the view.
- `figure_downloads(spec_of, filename, key)`: PNG (2x) and SVG of a chart from the spec the page draws,
  rendered only when clicked, named after the view's settings.
"""

from __future__ import annotations

import functools
import urllib.parse
from collections.abc import Callable

import streamlit as st

from gradviz import figures
from gradviz.ui import compat

SECTION = "section"  # the query parameter naming a section of a page (issue 16's ?section=)
FALLBACK_BASE = "http://localhost:8501"  # outside a browser session (AppTest, bare mode): Streamlit's default


def page_path() -> str:
    """The current page's URL path below the app ("" for the default page)."""
    return compat.page_path()


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


# The button copies the address bar itself (window.location.href): Streamlit keeps the URL in step with every
# bound control, fragment reruns and the open section included, so what is copied is exactly what is on screen.
# The script is a constant of this module (nothing from a URL or a user goes into it). Where the clipboard is
# not available (plain http on another host), the link is shown and selected for Ctrl+C instead.
_COPY_HTML = """
<div class="gv-view-link" style="display:flex;gap:.5rem;align-items:center;flex-wrap:wrap">
  <button type="button" class="gv-view-link-button" title="Copies the address of this view: every control and the section"
    style="font:inherit;cursor:pointer;border:1px solid rgba(128,128,128,.45);border-radius:.5rem;padding:.2rem .7rem;background:transparent;color:inherit">
    <svg aria-hidden="true" width="14" height="14" viewBox="0 0 24 24" style="vertical-align:-2px"><path fill="currentColor"
      d="M10.6 13.4a1 1 0 0 1 0-1.4l3.5-3.5a3 3 0 1 1 4.2 4.2l-2 2a1 1 0 0 1-1.4-1.4l2-2a1 1 0 1 0-1.4-1.4l-3.5 3.5a1 1 0 0 1-1.4 0zm2.8-2.8a1 1 0 0 1 0 1.4l-3.5 3.5a3 3 0 1 1-4.2-4.2l2-2a1 1 0 0 1 1.4 1.4l-2 2a1 1 0 1 0 1.4 1.4l3.5-3.5a1 1 0 0 1 1.4 0z"/></svg>
    @LABEL@</button>
  <code class="gv-view-link-url" style="font-size:.8rem;word-break:break-all"></code>
</div>
<script>
(() => {
  for (const root of document.querySelectorAll(".gv-view-link:not([data-ready])")) {
    root.dataset.ready = "1";
    const button = root.querySelector("button"), out = root.querySelector("code"), label = button.innerHTML;
    button.addEventListener("click", async () => {
      const url = window.location.href;
      out.textContent = url;
      try {
        await navigator.clipboard.writeText(url);
        button.textContent = "Link copied";
      } catch (err) {
        const range = document.createRange();
        range.selectNodeContents(out);
        const selection = window.getSelection();
        selection.removeAllRanges();
        selection.addRange(range);
        button.textContent = "Link selected: press Ctrl+C";
      }
      setTimeout(() => { button.innerHTML = label; }, 4000);
    });
  }
})();
</script>
"""


def copy_link(label: str = "Copy link to this view") -> None:
    """A button that copies the exact URL of this view (controls, class, section) for slides or the class
    chat, and shows it."""
    st.html(_COPY_HTML.replace("@LABEL@", label), unsafe_allow_javascript=True)


# -- figures for slides ---------------------------------------------------------------------------------
# PNG (2x) and SVG of a chart, rendered on the server from the spec the page draws (gradviz/figures.py), in
# the viewer's light or dark theme. Rendering runs only when a download button is clicked: `data` is a
# callable, which Streamlit calls on the click, in a thread of its own (so nothing here may call st.*).


def viewer_theme() -> figures.Theme:
    """The theme the viewer's browser shows (st.context.theme), with the app's colours for it."""
    try:
        kind = st.context.theme.type
    except Exception:  # noqa: BLE001 - no client context
        kind = None
    base = figures.DARK if kind == "dark" else figures.LIGHT
    try:
        return figures.Theme(
            base.kind,
            st.get_option(f"theme.{base.kind}.backgroundColor") or base.background,
            st.get_option(f"theme.{base.kind}.textColor") or base.text,
            base.grid,
        )
    except Exception:  # noqa: BLE001 - an option this Streamlit does not know
        return base


def view_settings() -> dict[str, str]:
    """The view's settings as the URL holds them (every bound control), without the class code."""
    return {k: st.query_params[k] for k in st.query_params if k not in ("class", SECTION)}


def _rendered(spec_of: Callable[[], dict], fmt: str, theme: figures.Theme) -> bytes:
    return figures.render(spec_of(), fmt, theme)


def figure_downloads(spec_of: Callable[[], dict], filename: str, key: str) -> None:
    """PNG and SVG download buttons for the chart whose page spec `spec_of()` returns (called on a click)."""
    theme = viewer_theme()
    stem = figures.file_stem(filename, view_settings(), theme)
    for fmt, label, mime in (("png", "PNG (2×)", "image/png"), ("svg", "SVG", "image/svg+xml")):
        st.download_button(
            label,
            functools.partial(_rendered, spec_of, fmt, theme),
            file_name=f"{stem}.{fmt}",
            mime=mime,
            key=f"{key}-{fmt}",
            icon=":material/image:",
            on_click="ignore",
            help=f"The chart as on screen, rendered on the server in the {theme.kind} theme",
        )
