"""Figures for slides: a chart's Vega-Lite spec rendered to SVG or PNG on the server (vl-convert: the Vega
JavaScript library compiled into the package, so no browser and no network).

`render(spec, "png" | "svg", theme)` takes the spec exactly as the page sends it to the browser
(Streamlit's conversion of the Altair chart: its data as Arrow bytes in `datasets`), puts the rows back inline
as JSON, and applies the viewer's light or dark colours as a Vega-Lite `config`. Nothing is fetched: external
data URLs are refused. A spec whose width follows its container (`"width": "container"` or none, for a chart
drawn with width="stretch") is drawn `WIDTH` pixels wide, since a file has no container.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

PNG_SCALE = 2  # PNG at 2x: sharp on a projector and on high-density screens
WIDTH = 720  # px, for charts whose width follows the page
_SAFE = re.compile(r"[^A-Za-z0-9.+-]+")
MAX_NAME_CHARS = 150


@dataclass(frozen=True)
class Theme:
    """The colours of one of the app's themes (.streamlit/config.toml's [theme.light] / [theme.dark])."""

    kind: str  # "light" or "dark"
    background: str
    text: str
    grid: str


LIGHT = Theme("light", "#FFFFFF", "#1B1F24", "#DDE1E6")
DARK = Theme("dark", "#0E1117", "#E6E9EF", "#3A4150")


def theme_config(theme: Theme) -> dict[str, Any]:
    """A Vega-Lite config drawing text, axes and legends in the theme's colours on its background."""
    text = {"labelColor": theme.text, "titleColor": theme.text}
    return {
        "background": theme.background,
        "axis": {**text, "gridColor": theme.grid, "domainColor": theme.text, "tickColor": theme.text},
        "legend": text,
        "header": text,
        "title": {"color": theme.text, "subtitleColor": theme.text},
        "text": {"color": theme.text},
        "view": {"stroke": theme.grid},
        "font": "sans-serif",
    }


def _rows(data: Any) -> Any:
    """A dataset as JSON rows: Arrow IPC bytes (what Streamlit sends) are read back; rows pass through."""
    if not isinstance(data, (bytes, bytearray, memoryview)):
        return data
    import pyarrow as pa

    table = pa.ipc.open_stream(bytes(data)).read_all()
    # Every value at full precision (pandas' to_json would round to 10 decimal places: a gradient of 7e-11
    # would become 0 and vanish from a log axis); NaN and infinities become null, as JSON has neither.
    return [{k: _json_value(v) for k, v in row.items()} for row in table.to_pylist()]


def _json_value(v: Any) -> Any:
    if isinstance(v, float) and not math.isfinite(v):
        return None
    if hasattr(v, "isoformat"):  # dates and times: ISO strings, as Vega-Lite parses them
        return v.isoformat()
    if isinstance(v, (int, float, str, bool)) or v is None:
        return v
    return str(v)


def inline_spec(spec: Mapping[str, Any]) -> dict[str, Any]:
    """`spec` with every dataset's rows inline and a fixed width where it followed the container."""
    out = dict(spec)
    if "datasets" in out:
        out["datasets"] = {name: _rows(data) for name, data in out["datasets"].items()}
    composite = any(k in out for k in ("hconcat", "vconcat", "concat", "facet", "repeat"))
    if not composite and out.get("width", "container") == "container":
        out["width"] = WIDTH  # what the browser's container gives (Streamlit sets the width at drawing time)
    return out


def render(spec: Mapping[str, Any], fmt: str, theme: Theme = LIGHT) -> bytes:
    """The chart as SVG (UTF-8 text) or PNG (2x) bytes."""
    import vl_convert as vlc

    full = inline_spec(spec)
    options = {"config": theme_config(theme), "allowed_base_urls": []}
    if fmt == "svg":
        return vlc.vegalite_to_svg(full, **options).encode()
    if fmt == "png":
        return vlc.vegalite_to_png(full, scale=PNG_SCALE, **options)
    raise ValueError(f"unknown figure format {fmt!r} (png or svg)")


def file_stem(name: str, settings: Mapping[str, str], theme: Theme | None = None) -> str:
    """A file name (without extension) carrying the view's settings: 'lstm_cell__i-0_f-1_dark'. Characters
    other than letters, digits, '.', '+' and '-' become '-'; at most MAX_NAME_CHARS characters."""
    base = name.rsplit(".", 1)[0] if "." in name else name
    parts = [f"{_SAFE.sub('-', str(k))}-{_SAFE.sub('-', str(v))}" for k, v in settings.items()]
    stem = base + ("__" + "_".join(parts) if parts else "") + (f"_{theme.kind}" if theme else "")
    return stem[:MAX_NAME_CHARS]
