"""AppTest: the home page (controls moved, no torch, malformed links answered with a notice)."""

from apptest_support import open_page
from streamlit.testing.v1 import AppTest


def _open(page: str | None = None, **params: str) -> AppTest:
    at = open_page(page, timeout=240, **params)
    assert not at.exception, [e.value for e in at.exception]
    return at


def _metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def _verdicts(at: AppTest) -> list[str]:
    """The per-run lines '**run** — verdict sentence.' above each run's readouts."""
    return [m.value for m in at.markdown if " — " in m.value and m.value.startswith("**")]


def _ratios(at: AppTest) -> list[float]:
    return [float(m.value) for m in at.metric if m.label.startswith("layer 1 / layer")]


def test_home_computes_the_lectures_numbers_without_torch():
    at = _open()
    assert _metrics(at)["1.1^50"] == "1.174e+02"
    assert any("117.4" in c.value and "0.00515" in c.value for c in at.caption)
    at.slider(key="factor").set_value(0.9).run()
    assert _metrics(at)["0.9^50"] == "5.154e-03"
    assert any("Vanishing" in m.value for m in at.markdown)
    at.slider(key="factor").set_value(1.5).run()
    at.slider(key="T").set_value(100).run()
    assert _metrics(at)["1.5^100"] == f"{1.5**100:.3e}"
    at.slider(key="factor").set_value(0.5).run()
    assert not at.exception
    # one card per available lesson
    assert len(at.get("page_link")) >= 1


# The home page without torch: tests/app/test_classroom_app.py checks every page's precomputed view in a
# process of its own (one interpreter start for all pages).


def test_home_rejects_a_malformed_link():
    at = _open(factor="lots", T="-3")
    warnings = " ".join(w.value for w in at.warning)
    assert "factor=lots" in warnings and "T=-3" in warnings
    assert _metrics(at)["1.1^50"] == "1.174e+02"  # defaults
