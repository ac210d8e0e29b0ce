"""Figures for slides and the view link, through the app (AppTest): every chart on a page offers
a PNG (2x) and an SVG; rendering runs only when one is clicked (never on a visit); the file is rendered from
the very spec the page sent to the browser (compared with a rendering of the chart element's own spec and
data); file names carry the view's settings; every lesson page has its "Copy link to this view" button (its
copying is tested in a real browser, tests/e2e/test_class_e2e.py)."""

from __future__ import annotations

import json
import re
import struct

import pytest
import streamlit as st
from apptest_support import open_menus, open_page

from gradviz import figures

LINK = {"i": "0.0", "f": "1.0"}  # a view of the LSTM lesson's first section


@pytest.fixture
def downloads(monkeypatch):
    """Every st.download_button call of the run: label -> (data, file_name); rendering calls are counted."""
    seen: dict[str, tuple[object, str]] = {}
    original = st.download_button
    calls = {"render": 0}
    real_render = figures.render

    def recording(label, data, *args, **kwargs):
        seen[kwargs.get("key") or label] = (data, kwargs.get("file_name"))
        return original(label, data, *args, **kwargs)

    def counting(*args, **kwargs):
        calls["render"] += 1
        return real_render(*args, **kwargs)

    monkeypatch.setattr(st, "download_button", recording)
    monkeypatch.setattr(figures, "render", counting)
    return seen, calls


def _page_spec(element) -> dict:
    """The spec and data a chart element carries to the browser, as one Vega-Lite spec (data as Arrow bytes)."""
    proto = element.proto
    spec = json.loads(proto.spec)
    if proto.datasets:
        spec["datasets"] = {d.name: d.data.data for d in proto.datasets}
    return spec


def _png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", data[16:24])


def test_png_and_svg_downloads_render_the_pages_spec_only_when_clicked(downloads):
    seen, calls = downloads
    at = open_page("app_pages/lstm.py", **LINK)
    assert not seen and not at.get("download_button")  # a visit makes no download: the menus are closed
    at = open_menus(at)
    assert calls["render"] == 0  # opening the menus renders nothing
    csvs = [k for k in seen if k.startswith("dl-") and k.endswith(".csv")]
    figs = {k for k in seen if k.startswith("fig-")}
    charted = {k.removeprefix("dl-") for k in csvs if f"fig-{k.removeprefix('dl-')}-png" in figs}
    assert "lstm_cell.csv" in charted
    pngs = [k for k in seen if k.startswith("fig-") and k.endswith("-png")]
    assert len(pngs) == len(at.get("vega_lite_chart")), "every chart on the page has its PNG (and SVG)"
    assert seen["fig-lstm-regimes-png"][1] == "lstm_lstm-regimes__i-0.0_light.png"  # a chart without a CSV

    png_data, png_name = seen["fig-lstm_cell.csv-png"]
    svg_data, svg_name = seen["fig-lstm_cell.csv-svg"]
    # the settings the link holds: f = 1.0 is the default, so Streamlit keeps it out of the URL, as the name does
    assert png_name == "lstm_cell__i-0.0_light.png" and svg_name == "lstm_cell__i-0.0_light.svg"
    svg = svg_data()
    png = png_data()
    assert calls["render"] == 2

    spec_of, _, theme = svg_data.args
    drawn = {k: v for k, v in spec_of().items() if k != "datasets"}
    [element] = [
        c for c in at.get("vega_lite_chart") if json.loads(c.proto.spec) == drawn
    ]  # the chart on screen
    assert svg == figures.render(_page_spec(element), "svg", theme)  # the spec the page drew, exactly
    width, height = (
        float(v) for v in re.search(rb'<svg[^>]*width="([\d.]+)"[^>]*height="([\d.]+)"', svg).groups()
    )
    assert _png_size(png) == (round(2 * width), round(2 * height))  # 2x scale


def test_every_lesson_page_offers_the_copy_link_and_its_script_is_constant():
    from gradviz.ui import share as ui_share

    at = open_page("app_pages/lstm.py", **LINK)
    shown = [h for h in at.get("html") if "gv-view-link" in h.proto.body]
    assert len(shown) == 1 and "window.location.href" in shown[0].proto.body
    assert shown[0].proto.body == ui_share._COPY_HTML.replace("@LABEL@", "Copy link to this view").strip()
