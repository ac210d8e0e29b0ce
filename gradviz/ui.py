"""The only Streamlit-aware module of gradviz: URL-bound widgets, the result cache, progress plumbing,
and the small pieces every lesson page shares (header, readouts, downloads, "show the code", sources).

Data flow of a page: widgets (bound to the URL) → frozen config → `run_cached(name, cfg)` →
precomputed result if committed, else one live run per distinct config for all visitors → long-form
tables → chart builders → `altair`.
"""

from __future__ import annotations

import contextlib
import decimal
import functools
import importlib
import inspect
import math
import re
import textwrap
import unicodedata
import urllib.parse
from collections.abc import Callable, Sequence
from typing import Any

import streamlit as st
from streamlit.runtime.scriptrunner_utils.script_run_context import get_script_run_ctx

from gradviz import results as results_store
from gradviz.fmt import sci  # noqa: F401 - pages call ui.sci
from gradviz.lessons import get_experiment
from gradviz.results import Result

# -- URL-bound widgets ----------------------------------------------------------------------------------
# Every control binds its value to a query parameter named by its key, so a link reproduces the view.
# A link's value is checked once, before its widget exists, by one rule for every kind of control:
# - a valid value is handed to Streamlit in canonical form, so the widget shows exactly that value;
# - anything else (malformed, out of range, not finite, fractional for a whole-number control, too long,
#   or a key given twice with different values) is removed before the widget reads it, so the widget starts
#   from its default, and a notice names the ignored value and the default the page uses instead.
# What the notice announces is what the control shows and what the page computes with.
# Streamlit seeds a bound widget from the URL *as it was when the run started* (even after
# `del st.query_params[key]`), and its own parsers take the last of repeated values for some widgets and
# reject them for others, and raise OverflowError on `seed=inf`: hence `_seed_from_link` below.

_LINK_MAX_CHARS = 64  # longer link values are refused (a 10,000-digit "number" is an attack, not a setting)
_SHOWN_CHARS = 40  # a refused value is echoed at most this long
_DECIMAL = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d{1,3})?", re.ASCII)  # plain decimals


def _link_values(key: str) -> list[str]:
    """Every value the URL gives for `key` (several when the key is repeated)."""
    try:
        return list(st.query_params.get_all(key))
    except Exception:  # noqa: BLE001 - an inaccessible parameter is treated as absent
        return []


def _seed_from_link(key: str, text: str | None) -> None:
    """Make the widget bound to `key` start from `text` (None: from its default), whatever the URL held.

    Uses Streamlit 1.67's query-parameter store directly: the public `st.query_params` changes the URL, but a
    bound widget is seeded from the parameters the run started with (`_initial_query_params`)."""
    try:
        with get_script_run_ctx().session_state.query_params() as qp:
            if text is None:
                qp._initial_query_params.pop(key, None)
                qp.remove_param(key)  # and from the address bar, so a reload does not bring it back
            else:
                qp._initial_query_params[key] = [text]
    except (
        AttributeError
    ):  # internals changed: fall back to the public API (tests/app/test_links.py catches it)
        if text is None:
            with contextlib.suppress(Exception):
                del st.query_params[key]


def _shown(raw: str) -> str:
    """A link's value as it may be echoed inside a Markdown code span: no backtick (it would close the
    span and let the rest render as links or images), no control, format or space characters (percent-
    encoded, as in the address bar), and at most `_SHOWN_CHARS` characters."""
    out = []
    for ch in raw[:_SHOWN_CHARS]:
        category = unicodedata.category(ch)
        safe = ch != "`" and ch != "\\" and category[0] not in "CZ"
        out.append(ch if safe else urllib.parse.quote(ch, safe=""))
    return "".join(out) + ("…" if len(raw) > _SHOWN_CHARS else "")


def _from_link(
    key: str, parse: Callable[[str], Any], canonical: Callable[[Any], str], expected: str, default: Any
) -> Any:
    """The value the page will use for `key`: the link's value if `parse` accepts it, else `default` with a
    notice. `parse(raw)` returns the value or None; `canonical(value)` is its form in a URL."""
    values = _link_values(key)
    if not values:
        return default
    distinct = list(dict.fromkeys(values))
    value = None
    if len(distinct) > 1:
        expected = f"one value, not {len(values)}"
    elif len(distinct[0]) <= _LINK_MAX_CHARS:
        value = parse(distinct[0])
    if value is None:
        shown = _shown("&".join(f"{key}={v}" for v in values))
        st.warning(
            f"Ignored the link's `{shown}`: expected {expected}. Using the default, `{_shown(canonical(default))}`.",
            icon=":material/link_off:",
        )
        _seed_from_link(key, None)
        return default
    if values != [canonical(value)]:
        _seed_from_link(key, canonical(value))
    return value


def _number_from_link(raw: str, kind: type, lo: float, hi: float) -> int | float | None:
    """A plain decimal within [lo, hi]; for whole-number controls an exact integer (no 2.5, no 1e400)."""
    if not _DECIMAL.fullmatch(raw):
        return None
    v = float(raw)
    if not math.isfinite(v) or not lo <= v <= hi:
        return None
    if kind is int:
        exact = decimal.Decimal(raw)  # 1.0000000000000001 is not a whole number, though its float is
        return int(exact) if exact == exact.to_integral_value() else None
    return v


def _bool_text(v: bool) -> str:
    return "true" if v else "false"


def _number_text(v: float) -> str:
    return str(int(v)) if isinstance(v, int) else repr(float(v))


def slider(
    label: str,
    key: str,
    min_value: float,
    max_value: float,
    default: float,
    step: float | None = None,
    help: str | None = None,
    container: Any = None,
    **kwargs: Any,
) -> Any:
    """`st.slider` bound to the URL parameter `key`, the link's value validated first."""
    kind = type(default)
    noun = "a whole number" if kind is int else "a number"
    _from_link(
        key,
        lambda raw: _number_from_link(raw, kind, min_value, max_value),
        _number_text,
        f"{noun} from {min_value} to {max_value}",
        default,
    )
    return (container or st).slider(
        label, min_value, max_value, default, step=step, key=key, help=help, bind="query-params", **kwargs
    )


def select(
    label: str,
    key: str,
    options: Sequence[Any],
    default: Any,
    help: str | None = None,
    container: Any = None,
    widget: str = "selectbox",
    **kwargs: Any,
) -> Any:
    """A choice among `options` (selectbox, radio, select_slider or segmented_control) bound to the URL.

    Options are shown as they are written (no format_func): a bound widget writes its *displayed* label
    into the URL, so a formatted label would make the plain option names in shared links invalid."""
    by_text = {str(o): o for o in options}
    shown = ", ".join(str(o) for o in options[:8]) + (", …" if len(options) > 8 else "")
    _from_link(key, by_text.get, str, f"one of {shown}", default)
    box = container or st
    if widget == "select_slider":
        return box.select_slider(
            label, options, value=default, key=key, help=help, bind="query-params", **kwargs
        )
    if widget == "segmented_control":
        value = box.segmented_control(
            label, options, default=default, key=key, help=help, bind="query-params", **kwargs
        )
        return default if value is None else value
    if widget == "radio":
        kwargs.setdefault("horizontal", True)
    fn = getattr(box, widget)
    value = fn(
        label,
        options,
        index=list(options).index(default),
        key=key,
        help=help,
        bind="query-params",
        **kwargs,
    )
    return default if value is None else value


def toggle(
    label: str, key: str, default: bool = False, help: str | None = None, container: Any = None
) -> bool:
    """`st.toggle` bound to the URL: `true` or `false` (any case) in a link."""
    _from_link(key, lambda raw: {"true": True, "false": False}.get(raw.lower()), _bool_text, "true or false", default)
    return (container or st).toggle(label, value=default, key=key, help=help, bind="query-params")


def number(
    label: str,
    key: str,
    min_value: int,
    max_value: int,
    default: int,
    help: str | None = None,
    container: Any = None,
) -> int:
    """An integer input (e.g. a seed) bound to the URL."""
    _from_link(
        key,
        lambda raw: _number_from_link(raw, int, min_value, max_value),
        _number_text,
        f"a whole number from {min_value} to {max_value}",
        default,
    )
    value = (container or st).number_input(
        label, min_value, max_value, default, step=1, key=key, help=help, bind="query-params"
    )
    return int(default if value is None else value)


# -- running experiments ------------------------------------------------------------------------------


@st.cache_data(show_spinner=False, max_entries=256)
def _precomputed(name: str, cfg: Any) -> Result | None:
    module = get_experiment(name)
    return results_store.load(name, cfg, results_store.code_version(module.__file__))


@st.cache_data(show_spinner=False, max_entries=64)
def _live(name: str, cfg: Any) -> Result:
    """One live run per distinct (experiment, config), shared by every visitor.

    Streamlit holds a lock per cache key, so students who ask for the same settings at the same time
    wait for one run instead of starting their own. The progress bar is created inside the cached
    function, so it is replayed (and cleared) correctly on cache hits.
    """
    module = get_experiment(name)
    slot = st.empty()
    bar = slot.progress(0.0, text="Training a fresh network for these settings…")
    last = [0.0]

    def on_step(fraction: float, message: str) -> None:
        # Only a few dozen updates: each is replayed on every later cache hit.
        if fraction - last[0] >= 0.04 or fraction >= 1.0:
            last[0] = fraction
            bar.progress(min(1.0, fraction), text=f"Training live: {message}")

    result = module.run(cfg, on_step=on_step)
    slot.empty()
    return result


def run_cached(name: str, cfg: Any) -> Result:
    """The result for this config: committed if precomputed, else trained once and cached for everyone."""
    found = _precomputed(name, cfg)
    if found is not None:
        return found
    return _live(name, cfg)


# -- page furniture -----------------------------------------------------------------------------------


def page_header(title: str, promise: str) -> None:
    st.title(title)
    st.markdown(promise)


def altair(chart: Any, key: str | None = None, width: str | int = "stretch", **kwargs: Any) -> Any:
    """`st.altair_chart` without Altair's JSON-schema validation at render time (about 60% of Streamlit's
    conversion of a chart): every chart builder's spec is validated by the unit tests instead
    (`chart.to_dict()`), so a page that draws ten charts per visit stays fast for a whole class.
    `width="content"` keeps a chart's own width (e.g. a square plane); kwargs go to st.altair_chart
    (e.g. on_select)."""
    fast = chart.copy(deep=False)
    object.__setattr__(fast, "to_dict", functools.partial(type(fast).to_dict, fast, validate=False))
    return st.altair_chart(fast, width=width, key=key, **kwargs)


def download_csv(frame: Any, filename: str, label: str = "Download the data (CSV)", key: str | None = None) -> None:
    st.download_button(
        label,
        frame.to_csv(index=False).encode(),
        file_name=filename,
        mime="text/csv",
        key=key or f"dl-{filename}",
        icon=":material/download:",
        on_click="ignore",
    )


def show_code(*functions: Callable[..., Any], title: str = "Show the code") -> None:
    """An expander with the source of the gradviz functions the section teaches."""
    with st.expander(title, icon=":material/code:"):
        for fn in functions:
            st.caption(f"`{fn.__module__}.{fn.__qualname__}`")
            st.code(textwrap.dedent(inspect.getsource(fn)), language="python")


def predict_then_reveal(question: str, options: Sequence[str], answer: str, explanation: str, key: str) -> None:
    """A 'predict, then reveal' question: the student commits to a guess before seeing the answer."""
    with st.container(border=True):
        st.markdown(f"**Predict, then reveal.** {question}")
        guess = st.radio("Your prediction", options, index=None, key=f"{key}-guess", label_visibility="collapsed")
        if guess is not None:
            if guess == answer:
                st.success(f"Right. {explanation}", icon=":material/check_circle:")
            else:
                st.info(f"Not quite: the answer is **{answer}**. {explanation}", icon=":material/lightbulb:")


def sources(items: Sequence[tuple[str, str | None]]) -> None:
    """The lesson's sources: (citation, link or None)."""
    st.subheader("Sources")
    lines = [f"- [{text}]({url})" if url else f"- {text}" for text, url in items]
    st.markdown("\n".join(lines))


def diverged_notice(result: Result, label: str = "This run") -> None:
    if result.diverged:
        st.error(
            f"{label} diverged: {result.meta.get('reason', 'values became NaN/inf')}. "
            "Curves stop at the last finite step. Try a smaller learning rate or a gentler initialization.",
            icon=":material/error:",
        )


@st.cache_resource(show_spinner="Looking for MNIST…", ttl=3600)
def dataset_status(name: str) -> tuple[str, str | None, str]:
    """(dataset actually usable, notice for the page or None, one-sentence description).

    Shared by every visitor: the first visit of a fresh server downloads MNIST once (md5-checked); if that
    fails the lesson trains on the bundled 8×8 digits and says so. Retried hourly.
    """
    from gradviz.data import load_with_fallback

    data, notice = load_with_fallback(name)
    return data.name, notice, data.description


# -- lesson sections: presets, readout rows, charts with their data, pure cached helpers, lesson links --


def cached(fn: Callable[..., Any]) -> Callable[..., Any]:
    """`fn` computed once per distinct arguments for every visitor: for pure functions (e.g. a grid that
    does not depend on the controls), so moving a slider never recomputes them."""
    return st.cache_data(show_spinner=False, max_entries=64)(fn)


def _set_state(values: dict[str, Any]) -> None:
    for key, value in values.items():
        st.session_state[key] = value


def preset_buttons(presets: Any, keys: dict[str, str], key: str, label: str = "Presets:") -> None:
    """A row of buttons, one per named preset config; a click sets the URL-bound widgets named in `keys`
    (config field -> widget key) to the preset's values. Call it before the widgets it sets."""
    with st.container(horizontal=True, vertical_alignment="center"):
        st.markdown(label)
        for name, cfg in presets.items():
            values = {widget: getattr(cfg, field) for field, widget in keys.items()}
            st.button("reset" if name == "default" else name, key=f"{key}-{name}", on_click=_set_state, args=(values,))


def readouts(items: Sequence[tuple[str, str, str | None]]) -> None:
    """A row of `st.metric`s: (label, value already formatted, help)."""
    for col, (label, value, help_text) in zip(st.columns(len(items)), items, strict=True):
        col.metric(label, value, help=help_text)


@st.cache_data(show_spinner=False, max_entries=1024)
def _built(module: str, name: str, args: tuple, kwargs: dict) -> Any:
    return getattr(importlib.import_module(module), name)(*args, **kwargs)


def built(builder: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """`builder(*args, **kwargs)` for a chart builder, built once per distinct data for every visitor.

    Building an Altair chart (schema lookups for every encoding) costs 20-150 ms; a cached copy costs about
    1 ms to unpickle. With a class on one server, every visitor's script time is paid in series."""
    return _built(builder.__module__, builder.__qualname__, args, kwargs)


def chart_with_data(chart: Any, frame: Any, filename: str, width: str = "stretch") -> None:
    """A chart and, under it, the download of the long-form table it was drawn from. The CSV is written
    only when the button is clicked, so a rerun does not pay for formatting tables nobody downloads."""
    altair(chart, key=f"chart-{filename}", width=width)
    st.download_button(
        "Download the data (CSV)",
        lambda: frame.to_csv(index=False).encode(),
        file_name=filename,
        mime="text/csv",
        key=f"dl-{filename}",
        icon=":material/download:",
        on_click="ignore",
    )


def lesson_link(path: str, label: str, icon: str, why: str) -> None:
    """A link to another lesson, or a plain note while that lesson's page is not registered yet."""
    try:
        st.page_link(path, label=label, icon=icon)
    except Exception:  # noqa: BLE001 - StreamlitPageNotFoundError while the lesson is not published
        st.markdown(f"**{label}** (coming soon)")
    st.caption(why)


def precomputed(name: str, cfg: Any) -> Result | None:
    """The committed result for this config, or None (no live run): lets a page show an estimated time
    and ask before training settings nobody precomputed."""
    return _precomputed(name, cfg)
