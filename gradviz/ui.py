"""The only Streamlit-aware module of gradviz: URL-bound widgets, the result cache, progress plumbing,
and the small pieces every lesson page shares (header, readouts, downloads, "show the code", sources).

Data flow of a page: widgets (bound to the URL) → frozen config → `run_cached(name, cfg)` →
precomputed result if committed, else one live run per distinct config for all visitors → long-form
tables → chart builders → `altair`.
"""

from __future__ import annotations

import contextlib
import dataclasses
import decimal
import functools
import inspect
import math
import os
import re
import textwrap
import unicodedata
import urllib.parse
from collections.abc import Callable, Sequence
from typing import Any

import streamlit as st
from streamlit.runtime.scriptrunner_utils.script_run_context import get_script_run_ctx

from gradviz import fingerprint, gate, lessons
from gradviz import results as results_store
from gradviz.fmt import sci  # noqa: F401 - pages call ui.sci
from gradviz.progress import ProgressFn
from gradviz.results import Result

try:  # Streamlit's own Altair -> Vega-Lite conversion, so a chart is converted once, not once per visit
    from streamlit.dataframe_util import convert_anything_to_arrow_bytes
    from streamlit.elements.vega_charts import _convert_altair_to_vega_lite_spec, _patch_null_legend_titles
except ImportError:  # a Streamlit without these private helpers: every visit converts (correct, slower)
    _convert_altair_to_vega_lite_spec = None

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
# A class shares one process, so nothing expensive may be paid per visit. Results, built charts, their
# Vega-Lite specs and cached helpers' outputs are computed once per distinct input and then SHARED by
# every visitor: they live in st.cache_resource, which hands out the object itself. st.cache_data would
# unpickle a deep copy on every hit (about 1 ms per result table, more for charts) and hash every
# DataFrame argument with hash_pandas_object on every call (5-25 ms each). DESIGN allows cache_resource
# for shared read-only objects, and these are read-only: pages and chart builders only derive new frames
# from them (pandas 3 copy-on-write makes every derived frame a new object). Every such object is
# remembered with its key (gradviz.fingerprint), so passing it on to `built` or `cached` costs a lookup,
# not a hash. Every cache is bounded by entries (charts, specs and helpers also expire an hour after they
# were made), so a day of distinct settings cannot grow without limit: at most a few hundred MB.

# Live runs: one at a time by default (GRADVIZ_LIVE_RUNS=n allows n, at most one per core makes sense),
# first come first served, one run per distinct key. Runs are threads of this process, and the lessons'
# small nets spend most of a step in Python under the GIL: measured with 10 different deep-nets runs at
# once on 2 cores, two at a time finished the first after 2.1x its solo time and the last after 2.2x the
# ideal; one at a time, 1.3x and 1.9x (bench/bench_classroom.py). On Community Cloud os.cpu_count() also
# reports the host's cores, not the app's share (0.078-2 CPUs).
GATE = gate.Gate(slots=int(os.environ.get("GRADVIZ_LIVE_RUNS", "1")), keep=64)


def _remember_result(result: Result) -> Result:
    """Remember a result and each of its tables by the result's key (they are shared from now on)."""
    assert result.key is not None
    return fingerprint.remember(result, result.key, depth=3)  # the result, its tables, each table


@st.cache_resource(show_spinner=False, max_entries=256)
def _precomputed(key: str, name: str, _cfg: Any) -> Result | None:
    """The committed result stored under `key` (experiment name + config + code version), or None."""
    found = results_store.load(name, _cfg, lessons.code_version(name))
    return None if found is None else _remember_result(found)


def _train(name: str, cfg: Any, key: str, on_step: ProgressFn) -> Result:
    """One live run, in a gate worker thread (no Streamlit calls here: progress goes to the gate)."""
    result = lessons.get_experiment(name).run(cfg, on_step=on_step)
    return _remember_result(dataclasses.replace(result, key=key))


def _session_gone() -> bool:
    """True when this script's session has ended (the student closed the tab or lost the connection)."""
    from streamlit.runtime import Runtime
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    ctx = get_script_run_ctx(suppress_warning=True)
    if ctx is None or not Runtime.exists():  # bare mode: nobody to lose
        return False
    return Runtime.instance().is_active_session(ctx.session_id) is False  # AppTest's stand-in says neither


def _queued_text(ahead: int, seconds: float | None) -> str:
    runs = f"{ahead} run{'s' if ahead != 1 else ''} ahead of yours"
    wait = "" if seconds is None else f", about {max(1, round(seconds))} seconds until it starts"
    return (f"Queued: {runs}{wait}. Live training shares the server's cores with the whole class: one run "
            "per core at a time, first come, first served.")  # fmt: skip


def _live(key: str, name: str, cfg: Any) -> Result:
    """Train `cfg` through the gate, showing the queue position and then the progress bar.

    Students who ask for the same settings wait for the same run. Leaving (closing the tab, or changing a
    setting so the script reruns) stops this wait, and a run nobody waits for gives its place up."""
    job = GATE.submit(key, functools.partial(_train, name, cfg, key), kind=name)
    if job.state == gate.DONE:
        return job.outcome()
    slot = st.empty()
    try:
        first = True
        while not GATE.wait(job, 0.05 if first else 0.3):  # a run that ends at once draws nothing
            first = False
            if _session_gone():
                st.stop()
            # Each update below is also where Streamlit stops this script if the student left or reran.
            if job.state == gate.QUEUED:
                slot.info(_queued_text(*GATE.position(job)), icon=":material/hourglass_top:")
            else:
                text = "Training a fresh network for these settings" + (f": {job.message}" if job.message else "…")
                slot.progress(min(1.0, job.fraction), text=text)
    finally:
        GATE.leave(job)
    slot.empty()
    return job.outcome()


def precomputed(name: str, cfg: Any) -> Result | None:
    """The committed result for this config, or None (never trains): lets a page ask before a live run."""
    return _precomputed(lessons.result_key(name, cfg), name, cfg)


def live_seconds(name: str) -> float | None:
    """About how long one live run of experiment `name` takes here (measured, else a prior guess)."""
    return GATE.estimate(name)


def clear_caches() -> None:
    """Forget every shared result, chart, spec, helper output and finished live run (tests that train
    differently, or a developer's reload)."""
    for cache in (_precomputed, _vega_spec, _helper_output, _chart):
        cache.clear()
    GATE.forget()


def run_cached(name: str, cfg: Any) -> Result:
    """The result for this config: committed if precomputed, else trained once (through the gate) and
    shared with everyone. The result carries its key; treat it as read-only."""
    key = lessons.result_key(name, cfg)
    found = _precomputed(key, name, cfg)
    if found is not None:
        return found
    return _live(key, name, cfg)


# -- page furniture -----------------------------------------------------------------------------------


def page_header(title: str, promise: str) -> None:
    st.title(title)
    st.markdown(promise)


@st.cache_resource(show_spinner=False, max_entries=512, ttl=3600)
def _vega_spec(key: str, _chart: Any) -> dict[str, Any]:
    """The Vega-Lite spec of a built chart (data as Arrow bytes), converted once per distinct chart."""
    spec = _convert_altair_to_vega_lite_spec(_fast(_chart))
    _patch_null_legend_titles(spec)  # the one in-place edit Streamlit makes; done now, later ones are no-ops
    for name, data in spec.get("datasets", {}).items():
        if not isinstance(data, (bytes, dict)):  # inline rows (lists of dicts): Arrow once, not every visit
            spec["datasets"][name] = convert_anything_to_arrow_bytes(data)
    return spec


def _fast(chart: Any) -> Any:
    """`chart` converting without Altair's JSON-schema validation (about 60% of the conversion's time):
    every chart builder's spec is validated by the unit tests instead (`chart.to_dict()`)."""
    fast = chart.copy(deep=False)
    object.__setattr__(fast, "to_dict", functools.partial(type(fast).to_dict, fast, validate=False))
    return fast


def altair(chart: Any, key: str | None = None, width: str | int = "stretch", **kwargs: Any) -> Any:
    """Draw an Altair chart. A chart from `built` is converted to Vega-Lite once for every visitor (the
    conversion costs 5-40 ms and holds Streamlit's Altair lock, so it would serialise a class); any other
    chart is converted on each call, without schema validation. `width="content"` keeps a chart's own
    width (e.g. a square plane); kwargs go to st.vega_lite_chart / st.altair_chart (e.g. on_select)."""
    chart_key = fingerprint.known(chart)
    if chart_key is None or _convert_altair_to_vega_lite_spec is None:
        return st.altair_chart(_fast(chart), width=width, key=key, **kwargs)
    return st.vega_lite_chart(_vega_spec(chart_key, chart), width=width, key=key, **kwargs)


def download_csv(frame: Any, filename: str, label: str = "Download the data (CSV)", key: str | None = None) -> None:
    st.download_button(
        label,
        lambda: frame.to_csv(index=False).encode(),  # written on click, not on every visit
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
            st.code(_source(fn), language="python")


@functools.lru_cache(maxsize=256)
def _source(fn: Callable[..., Any]) -> str:
    """A function's source, read once per process (inspect.getsource reads and scans the file each time)."""
    return textwrap.dedent(inspect.getsource(fn))


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


def provenance(runs: Result | Sequence[Result] | dict[str, Result]) -> str:
    """Where the numbers on screen come from, in one sentence: the committed results every visitor sees, or
    a live run, which on another machine can differ in the last digits (float32 sums are not bit-identical
    across processors). Precomputed results carry meta["precomputed"]; "seconds" is the training time."""
    items = list(runs.values()) if isinstance(runs, dict) else [runs] if isinstance(runs, Result) else list(runs)
    seconds = sum(float(r.meta.get("seconds", 0.0)) for r in items)
    live = [r for r in items if not r.meta.get("precomputed")]
    trained = f"{seconds:.1f} s of training" if seconds else "Trained"
    if not live:
        return (
            f"{trained}, precomputed and committed with the app: every visitor sees exactly these numbers."
        )
    some = "" if len(live) == len(items) else f"{len(live)} of these {len(items)} runs "
    return (
        f"{trained}; {some}trained live on this server and cached for everyone. Trained on another machine, "
        "the same settings can differ in the last digits (float32 arithmetic is not bit-identical across "
        "processors)."
    )


def provenance_caption(runs: Result | Sequence[Result] | dict[str, Result], prefix: str = "") -> None:
    """`st.caption` of `provenance(runs)`, after `prefix` (e.g. the dataset's description). For the line
    under a lesson's trained results; README says the same once."""
    st.caption(f"{prefix.rstrip('. ')}. {provenance(runs)}" if prefix else provenance(runs))


def diverged_notice(result: Result, label: str = "This run") -> None:
    if result.diverged:
        st.error(
            f"{label} diverged: {result.meta.get('reason', 'values became NaN/inf')}. "
            "Curves stop at the last finite step. Try a smaller learning rate or a gentler initialization.",
            icon=":material/error:",
        )


@st.cache_resource(show_spinner="Looking for MNIST…", ttl=3600, max_entries=8)
def dataset_status(name: str) -> tuple[str, str | None, str]:
    """(dataset actually usable, notice for the page or None, one-sentence description).

    Shared by every visitor: the first visit of a fresh server downloads MNIST once (md5-checked); if that
    fails the lesson trains on the bundled 8×8 digits and says so. Retried hourly.
    """
    from gradviz.data import load_with_fallback

    data, notice = load_with_fallback(name)
    return data.name, notice, data.description


# -- lesson sections: presets, readout rows, charts with their data, pure cached helpers, lesson links --


def _key_of(kind: str, fn: Callable[..., Any], args: tuple, kwargs: dict) -> str:
    code = getattr(fn, "__code__", None)  # two pages may define functions of the same name
    where = (getattr(fn, "__module__", ""), getattr(fn, "__qualname__", repr(fn)), getattr(code, "co_filename", ""))
    return fingerprint.of(kind, where, args, kwargs)


@st.cache_resource(show_spinner=False, max_entries=256, ttl=3600)
def _helper_output(key: str, _compute: Callable[[], Any]) -> Any:
    return fingerprint.remember(_compute(), key)


def cached(fn: Callable[..., Any]) -> Callable[..., Any]:
    """`fn` computed once per distinct arguments for every visitor: for pure functions (e.g. a grid that
    does not depend on the controls, or a run's summary), so moving a slider never recomputes them.
    Arguments are keyed by gradviz.fingerprint (a result or a cached output by its key); the output is
    shared by every visitor, read-only."""

    @functools.wraps(fn)
    def shared(*args: Any, **kwargs: Any) -> Any:
        return _helper_output(_key_of("cached", fn, args, kwargs), functools.partial(fn, *args, **kwargs))

    return shared


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


@st.cache_resource(show_spinner=False, max_entries=512, ttl=3600)
def _chart(key: str, _build: Callable[[], Any]) -> Any:
    return fingerprint.remember(_build(), key)


def built(builder: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """`builder(*args, **kwargs)` for a chart builder, built once per distinct data for every visitor,
    and drawn by `altair` from a Vega-Lite spec converted once.

    Building an Altair chart (schema lookups for every encoding) costs 20-150 ms; with a class on one
    server every visitor's script time is paid in series. The arguments are keyed by gradviz.fingerprint:
    a result's tables by the result's key, other frames from their raw buffers (well under 1 ms)."""
    return _chart(_key_of("built", builder, args, kwargs), functools.partial(builder, *args, **kwargs))


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
