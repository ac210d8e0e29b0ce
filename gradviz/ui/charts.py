"""Charts shared by a class: built once per distinct data, converted to Vega-Lite once, drawn with the
download of the long-form table they show (written only when clicked)."""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable, Sequence
from typing import Any

import altair as alt
import pandas as pd
import streamlit as st

from gradviz import fingerprint
from gradviz.ui import compat, share
from gradviz.ui.runs import _key_of


@st.cache_resource(show_spinner=False, max_entries=512, ttl=3600)
def _vega_spec(key: str, _chart: Any) -> dict[str, Any]:
    """The Vega-Lite spec of a built chart (data as Arrow bytes), converted once per distinct chart."""
    return compat.vega_lite_spec(_fast(_chart))


def _fast(chart: Any) -> Any:
    """`chart` converting without Altair's JSON-schema validation (about 60% of the conversion's time):
    every chart builder's spec is validated by the unit tests instead (`chart.to_dict()`)."""
    fast = chart.copy(deep=False)
    object.__setattr__(fast, "to_dict", functools.partial(type(fast).to_dict, fast, validate=False))
    return fast


_NARROW = "_gradviz_narrow"  # attribute of a built chart: its variant for a phone, when its builder has one


def altair(
    chart: Any, key: str | None = None, width: str | int = "stretch", figures: bool = True, **kwargs: Any
) -> Any:
    """Draw an Altair chart. A chart from `built` is converted to Vega-Lite once for every visitor (the
    conversion costs 5-40 ms and holds Streamlit's Altair lock, so it would serialise a class); any other
    chart is converted on each call, without schema validation. `width="content"` keeps a chart's own
    width (e.g. a square plane); kwargs go to st.vega_lite_chart / st.altair_chart (e.g. on_select).
    A chart with a key gets its PNG and SVG downloads under it (`figures=False`: the caller places them).

    A chart whose builder takes `narrow` (panels side by side that a phone would cut off) is drawn twice,
    as built and stacked (`narrow=True`), in containers gradviz/assets/app.css shows one at a time: the wide
    one above 640 px, the stacked one below. The hidden one is `display: none`, so a screen reader skips it."""
    narrow = getattr(chart, _NARROW, None)
    if narrow is not None:
        where = key or fingerprint.known(chart) or str(id(chart))
        with st.container(key=f"gv-wide-{where}"):
            event = _draw(chart, key, width, **kwargs)
        with st.container(key=f"gv-narrow-{where}"):
            # its own panel widths: "stretch" would widen every panel of a concatenation to the column
            _draw(narrow, f"{key}-narrow" if key else None, "content", **kwargs)
    else:
        event = _draw(chart, key, width, **kwargs)
    if figures and key:
        _downloads(chart, width, (), _figure_stem(key), f"fig-{key}")
    return event


def _figure_stem(key: str) -> str:
    """The file name of a keyed chart's figure without a table of its own: its page, then its key."""
    return f"{share.page_path() or 'home'}_{key}"


def downloads_menu(key: str, draw: Callable[[], None]) -> None:
    """One "Download" menu under a chart. Its buttons are made only while it is open (a lazy popover: opening
    it reruns the section), so a visit sends one element per chart instead of a row of buttons, and registers
    no download with Streamlit's media manager until a student asks for one."""
    menu = st.popover("Download", icon=":material/download:", key=f"{key}-menu", on_change="rerun")
    if menu.open:
        with menu:
            draw()


def _draw(chart: Any, key: str | None, width: str | int, **kwargs: Any) -> Any:
    chart_key = fingerprint.known(chart)
    if chart_key is None or not compat.can_convert():
        return st.altair_chart(_fast(chart), width=width, key=key, **kwargs)
    return st.vega_lite_chart(_vega_spec(chart_key, chart), width=width, key=key, **kwargs)


CSV_LABEL = "Download the data (CSV)"


def download_csv(frame: Any, filename: str, label: str = CSV_LABEL, key: str | None = None) -> None:
    """A download button for a long-form table (or a function returning one): the CSV is written only when
    the button is clicked, so a rerun does not pay for formatting tables nobody downloads."""
    st.download_button(
        label,
        lambda: (frame() if callable(frame) else frame).to_csv(index=False).encode(),
        file_name=filename,
        mime="text/csv",
        key=key or f"dl-{filename}",
        icon=":material/download:",
        on_click="ignore",
    )


@st.cache_resource(show_spinner=False, max_entries=512, ttl=3600)
def _chart(key: str, _build: Callable[[], Any]) -> Any:
    chart = _compact(_build())
    narrow = getattr(chart, _NARROW, None)
    if narrow is not None:
        _compact(narrow)
    return fingerprint.remember(chart, key)


_PARTS = ("layer", "hconcat", "vconcat", "concat", "spec")  # where an Altair chart keeps its sub-charts


def _compact(chart: Any) -> Any:
    """`chart` with the labels of its long-form tables dictionary-encoded: a string column whose values
    repeat (a curve's or a net's name on every row) is sent as its few distinct strings and an index per
    row, in the Arrow data the browser receives. The same rows, so the same chart; measured on the
    cliff section's loss curves, the label column was about a third of the chart's bytes. Each chart
    (and sub-chart) gets its own copy of the table: the results' tables are shared and never edited."""
    data = getattr(chart, "data", alt.Undefined)
    if isinstance(data, pd.DataFrame) and len(data):
        labels = {
            c: "category"
            for c in data.columns
            if pd.api.types.is_string_dtype(data[c]) and 2 * data[c].nunique() <= len(data)
        }
        if labels:
            chart.data = data.astype(labels)
    for part in _PARTS:
        sub = getattr(chart, part, alt.Undefined)
        for child in sub if isinstance(sub, list) else [sub]:
            if isinstance(child, alt.SchemaBase):  # a sub-chart (alt.Undefined is not one)
                _compact(child)
    return chart


def built(builder: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """`builder(*args, **kwargs)` for a chart builder, built once per distinct data for every visitor,
    and drawn by `altair` from a Vega-Lite spec converted once.

    Building an Altair chart (schema lookups for every encoding) costs 20-150 ms; with a class on one
    server every visitor's script time is paid in series. The arguments are keyed by gradviz.fingerprint:
    a result's tables by the result's key, other frames from their raw buffers (well under 1 ms)."""
    key = _key_of("built", builder, args, kwargs)
    if _has_narrow(builder) and "narrow" not in kwargs:
        return _chart(key, functools.partial(_with_narrow, key, builder, args, kwargs))
    return _chart(key, functools.partial(builder, *args, **kwargs))


def _with_narrow(key: str, builder: Callable[..., Any], args: tuple, kwargs: dict) -> Any:
    """The chart as built, carrying its stacked variant for a phone when that differs (a single panel
    needs none: it already takes the container's width). Both are converted once, like any built chart."""
    chart = builder(*args, **kwargs)
    variant = builder(*args, **kwargs, narrow=True)
    if _layout(variant) != _layout(chart):
        # beside Altair's own fields (not part of the spec); the variant lives as long as the chart
        object.__setattr__(chart, _NARROW, fingerprint.remember(variant, f"{key}/narrow"))
    return chart


def _layout(chart: Any) -> dict[str, Any]:
    """A chart's spec without its top-level data: what differs between a layout and its stacked variant.
    No row limit (a down-sampled facet can still hold more than Altair's default 5,000 rows)."""
    bare = chart.copy(deep=False)
    bare.data = alt.Undefined
    with alt.data_transformers.disable_max_rows():
        return bare.to_dict(validate=False)


@functools.lru_cache(maxsize=256)
def _has_narrow(builder: Callable[..., Any]) -> bool:
    """Whether a chart builder draws a variant for a phone (a keyword `narrow`)."""
    try:
        return "narrow" in inspect.signature(builder).parameters
    except (TypeError, ValueError):
        return False


def chart(
    builder: Callable[..., Any],
    frame: Any,
    *args: Any,
    filename: str | None = None,
    download: Any = None,
    key: str | None = None,
    width: str | int = "stretch",
    on_select: Any = None,
    tables: Sequence[tuple[str, Any, str]] = (),
    **kwargs: Any,
) -> Any:
    """A lesson's chart: `builder(frame, *args, **kwargs)` built once per distinct data for every visitor
    (`built`), drawn from a Vega-Lite spec converted once (`altair`), with its "Download" menu: the figure
    (PNG, SVG) and, when `filename` is given, the long-form table under that name: `frame` itself, or
    `download` (a frame, or a function that returns one, called only when the button is clicked); `tables`
    adds more tables to the menu, as (file name, frame or function, label). The data is passed once.

    Chart builders down-sample long curves to what the chart can draw (gradviz.charts.downsample), once per
    result; the download keeps every row."""
    shown = built(builder, frame, *args, **kwargs)
    key = key or (f"chart-{filename}" if filename else None)
    extra = {} if on_select is None else {"on_select": on_select}
    event = altair(shown, key=key, width=width, figures=False, **extra)
    csvs = [(filename, frame if download is None else download, CSV_LABEL)] if filename else []
    csvs += list(tables)
    if filename:  # the figure is named after the table
        _downloads(shown, width, csvs, filename, f"fig-{filename}")
    elif key:
        _downloads(shown, width, csvs, _figure_stem(key), f"fig-{key}")
    return event


def _downloads(
    chart: Any, width: str | int, csvs: Sequence[tuple[str, Any, str]], stem: str, key: str
) -> None:
    """Under a chart, in its "Download" menu: the long-form tables it was drawn from (CSV) and the figure
    (PNG, SVG). Each file is made only when its button is clicked, so a rerun does not pay for them."""

    def draw() -> None:
        for filename, table, label in csvs:
            download_csv(table, filename, label)
        # -- figures hook (gradviz/ui/share.py): PNG and SVG from the spec drawn above, made on a click --
        share.figure_downloads(functools.partial(page_spec, chart, width), stem, key=key)

    downloads_menu(key, draw)


def page_spec(chart: Any, width: str | int = "stretch") -> dict[str, Any]:
    """The Vega-Lite spec the browser receives for `chart` drawn by `altair` (data as Arrow bytes): the spec
    converted once for a chart from `built` (the same conversion, done now, for any other), with the sizing
    Streamlit adds for that width."""
    if not compat.can_convert():  # no private helpers: Altair's own spec, data inline
        return chart.to_dict(validate=False)
    chart_key = fingerprint.known(chart)
    spec = compat.vega_lite_spec(_fast(chart)) if chart_key is None else _vega_spec(chart_key, chart)
    return compat.sized_spec(spec, stretch=width == "stretch")
