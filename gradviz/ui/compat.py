"""Every use of Streamlit's *private* internals in gradviz, in one module.

Everything else in gradviz.ui uses public `st.*` only. Each function here has a correct (if slower) fallback
when Streamlit moves its internals, and `missing()` names what moved: tests/unit/test_ui_compat.py asserts it
is empty, so an upgrade that breaks one of these fails a test instead of silently taking the slow path.

- `seed_query_param`: a URL-bound widget is seeded from the query parameters the run *started* with
  (`QueryParams._initial_query_params`), which the public `st.query_params` cannot change.
- `vega_lite_spec`: Streamlit's own Altair -> Vega-Lite conversion (with its legend patch and Arrow
  serialization), so a chart shared by a class is converted once, not once per visit.
- `session_gone`: whether the session running this script has ended (a live-run wait can stop).
- `session_id`: the id of the session running this script (None in bare mode).
- `page_path`: the URL path of the page this script runs ("" for the default page).
- `sized_spec`: a converted spec with the sizing (`autosize`) Streamlit adds when it draws it, so a figure
  rendered on the server (gradviz/figures.py) is drawn from exactly the spec the browser gets.
"""

from __future__ import annotations

import contextlib
from typing import Any

import streamlit as st

try:
    from streamlit.runtime.scriptrunner_utils.script_run_context import get_script_run_ctx
except ImportError:  # moved: see missing()
    get_script_run_ctx = None  # type: ignore[assignment]

try:
    from streamlit.dataframe_util import convert_anything_to_arrow_bytes
    from streamlit.elements.vega_charts import _convert_altair_to_vega_lite_spec, _patch_null_legend_titles
except ImportError:  # a Streamlit without these private helpers: every visit converts (correct, slower)
    _convert_altair_to_vega_lite_spec = None  # type: ignore[assignment]

try:
    from streamlit.elements.vega_charts import _prepare_vega_lite_spec
except ImportError:
    _prepare_vega_lite_spec = None  # type: ignore[assignment]

try:
    from streamlit.runtime import Runtime
except ImportError:
    Runtime = None  # type: ignore[assignment,misc]

try:
    from streamlit.runtime.state.query_params import QueryParams
except ImportError:
    QueryParams = None  # type: ignore[assignment,misc]


def missing() -> list[str]:
    """The Streamlit internals this module relies on that this Streamlit does not have (empty when all
    are there)."""
    gone = []
    if get_script_run_ctx is None:
        gone.append("streamlit.runtime.scriptrunner_utils.script_run_context.get_script_run_ctx")
    if _convert_altair_to_vega_lite_spec is None:
        gone.append(
            "streamlit.elements.vega_charts._convert_altair_to_vega_lite_spec / _patch_null_legend_titles"
        )
    if _prepare_vega_lite_spec is None:
        gone.append("streamlit.elements.vega_charts._prepare_vega_lite_spec")
    if Runtime is None or not hasattr(Runtime, "is_active_session"):
        gone.append("streamlit.runtime.Runtime.is_active_session")
    if QueryParams is None:
        gone.append("streamlit.runtime.state.query_params.QueryParams")
    else:
        if not hasattr(QueryParams(), "_initial_query_params"):
            gone.append("QueryParams._initial_query_params")
        if not hasattr(QueryParams, "remove_param"):
            gone.append("QueryParams.remove_param")
    return gone


def seed_query_param(key: str, text: str | None) -> None:
    """Make the widget bound to `key` start from `text` (None: from its default), whatever the URL held.

    Uses Streamlit 1.67's query-parameter store directly: the public `st.query_params` changes the URL, but a
    bound widget is seeded from the parameters the run started with (`_initial_query_params`)."""
    try:
        with get_script_run_ctx().session_state.query_params() as qp:  # type: ignore[misc]
            if text is None:
                qp._initial_query_params.pop(key, None)
                qp.remove_param(key)  # and from the address bar, so a reload does not bring it back
            else:
                qp._initial_query_params[key] = [text]
    except (
        AttributeError,
        TypeError,
    ):  # internals changed: the public API (tests/app/test_links.py catches it)
        if text is None:
            with contextlib.suppress(Exception):
                del st.query_params[key]


def can_convert() -> bool:
    """Whether `vega_lite_spec` is available (else charts go through st.altair_chart on every visit)."""
    return _convert_altair_to_vega_lite_spec is not None


def vega_lite_spec(chart: Any) -> dict[str, Any]:
    """The Vega-Lite spec Streamlit's st.altair_chart would send for `chart`, datasets as Arrow bytes."""
    spec = _convert_altair_to_vega_lite_spec(chart)  # type: ignore[misc]
    _patch_null_legend_titles(spec)  # the one in-place edit Streamlit makes; done now, later ones are no-ops
    for name, data in spec.get("datasets", {}).items():
        if not isinstance(data, (bytes, dict)):  # inline rows (lists of dicts): Arrow once, not every visit
            spec["datasets"][name] = convert_anything_to_arrow_bytes(data)
    return spec


def _ctx() -> Any:
    if get_script_run_ctx is None:
        return None
    return get_script_run_ctx(suppress_warning=True)


def session_id() -> str | None:
    """The id of the session running this script, or None (bare mode, or internals moved)."""
    ctx = _ctx()
    return None if ctx is None else getattr(ctx, "session_id", None)


def session_gone() -> bool:
    """True when this script's session has ended (the student closed the tab or lost the connection)."""
    ctx = _ctx()
    if ctx is None or Runtime is None or not Runtime.exists():  # bare mode: nobody to lose
        return False
    return Runtime.instance().is_active_session(ctx.session_id) is False  # AppTest's stand-in says neither


def page_path() -> str:
    """The URL path of the page this script runs, below the app ("" for the default page or bare mode)."""
    ctx = _ctx()
    try:
        manager = ctx.pages_manager  # type: ignore[union-attr]
        info = manager.get_pages().get(manager.current_page_script_hash) or {}
    except AttributeError:
        return ""
    return str(info.get("url_pathname", "") or "")


def sized_spec(spec: dict[str, Any], stretch: bool) -> dict[str, Any]:
    """`spec` (a copy) with the `autosize` Streamlit adds when it draws it at that width."""
    if _prepare_vega_lite_spec is None:
        return dict(spec)
    return _prepare_vega_lite_spec(spec, stretch)  # its second parameter: draw at the container's width
