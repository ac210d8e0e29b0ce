"""The Streamlit-aware part of gradviz (no other gradviz module imports Streamlit), split by concern:

- `compat`: every use of Streamlit's private internals, in one place, each with a public fallback;
- `links`: URL-bound controls (a link's value validated before its widget exists) and preset buttons;
- `runs`: `run_cached` (committed result, else one live run per distinct config through the gate), cached
  helpers, provenance;
- `charts`: charts built and converted once per distinct data, with their CSV downloads;
- `furniture`: header, readouts, "What is going on" (`explain`), the code (`code`), predict-then-reveal,
  sources, notices;
- `sections`: a lesson's sections as lazy tabs bound to `?section=` (only the open one runs);
- `nav`: the app's pages, built once per process (`nav.page(path)` for st.page_link);
- `assets`: the router's CSS, script and favicon, read once per process.

A section reads like Streamlit's own demo pages: header, controls (`slider`, `select`, ...), `chart`
(built once per result, with its CSV), readouts and verdict, `explain`, `predict_then_reveal`, `code`.

Pages use the flat names (`ui.slider`, `ui.run_cached`, ...), re-exported here.

Data flow of a page: widgets (bound to the URL) → frozen config → `run_cached(name, cfg)` →
precomputed result if committed, else one live run per distinct config for all visitors → long-form
tables → chart builders → `altair`.
"""

from __future__ import annotations

from gradviz.fmt import sci
from gradviz.ui import compat, nav
from gradviz.ui.charts import CSV_LABEL, altair, built, chart, download_csv
from gradviz.ui.furniture import (
    code,
    diverged_notice,
    explain,
    lesson_header,
    lesson_link,
    page_header,
    predict_then_reveal,
    provenance_caption,
    readouts,
    sources,
)
from gradviz.ui.links import number, preset_buttons, select, slider, toggle
from gradviz.ui.runs import (
    GATE,
    cached,
    cached_words,
    dataset_status,
    precomputed,
    provenance,
    run_cached,
)
from gradviz.ui.sections import sections


def clear_caches() -> None:
    """Forget every shared result, chart, spec, helper output and finished live run (tests that train
    differently, or a developer's reload)."""
    from gradviz.ui import charts, runs

    for cache in (runs._precomputed, runs._helper_output, charts._vega_spec, charts._chart):
        cache.clear()
    GATE.forget()


__all__ = [
    "GATE", "altair", "built", "cached", "cached_words", "chart", "clear_caches", "code", "compat", "nav",
    "CSV_LABEL", "dataset_status", "diverged_notice", "explain", "download_csv", "lesson_link", "number", "lesson_header", "page_header",
    "precomputed", "predict_then_reveal", "preset_buttons", "provenance", "provenance_caption", "readouts",
    "run_cached", "sci", "sections", "select", "slider", "sources", "toggle",
]  # fmt: skip
