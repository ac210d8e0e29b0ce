"""The "LSTM gates" lesson through Streamlit's AppTest: the default view renders from precomputed results
with its verdicts, every control is moved to its extremes (live runs kept small), the over-budget settings
are refused with an estimate instead of training, the question reveals its computed answer, and malformed
links fall back to the defaults with a notice. Each section is opened through its link (?section=); only
that section is drawn. After every run: no exception element, no error."""

from __future__ import annotations

import pytest
from apptest_support import open_page, pick_preset
from streamlit.testing.v1 import AppTest

PAGE = "app_pages/lstm.py"
CELL = {"i": (0.0, 1.0), "f": (0.0, 1.0), "o": (0.0, 1.0), "g": (-1.0, 1.0), "c_prev": (-3.0, 3.0)}


def _assert_clean(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]


def _open(**params: str) -> AppTest:
    at = open_page(PAGE, timeout=900, **params)
    _assert_clean(at)
    return at


def _text(at: AppTest) -> str:
    return " ".join(m.value for m in at.markdown)


def _metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


@pytest.fixture(scope="module")
def page() -> AppTest:
    return _open()


def _headers(at: AppTest) -> list[str]:
    return [h.value.split(" · ")[0] for h in at.header]


def test_default_view(page):
    m = _metrics(page)
    assert _headers(page) == ["1"] and [t.label for t in page.tabs][0].startswith("1 · ")
    # section 1: i = f = 1 is "add": c = 1 + 0.5
    assert m["new cell c"] == "1.500" and m["regime"] == "add" and m["∂c/∂c_prev"] == "1.00"
    assert len(page.get("vega_lite_chart")) == 2 and len(page.latex) >= 5
    assert "retention σ(b_f)" not in m  # section 2 is not computed until it is opened


def test_reach_and_learning_sections_through_their_links():
    at = _open(section="reach")
    m, text = _metrics(at), _text(at)
    assert _headers(at) == ["2"] and "new cell c" not in m
    # section 2: σ(1) and its half-life
    assert m["direct-path factor σ(b_f)"] == "0.731" and m["σ(b_f)ⁿ halves every"].endswith("steps")
    assert any(s.value.startswith("The forget-bias trick") for s in at.subheader)
    assert len(at.get("vega_lite_chart")) == 1
    at = _open(section="learn")
    text = _text(at)
    assert _headers(at) == ["3"] and any(s.value.startswith("4 · Inside") for s in at.subheader)
    # section 3 in its regime: the LSTM solved the adding problem, the tanh RNN stayed at the baseline
    assert "**LSTM** solved it" in text and "**tanh RNN** stayed at the baseline" in text
    assert "Marked positions" in text
    assert len(at.get("vega_lite_chart")) == 4  # + the stacked phone variant of the inside chart


def test_links_of_before_sections_open_their_section():
    assert _headers(_open(reach_T="100")) == ["2"]
    assert _headers(_open(learn_T="50")) == ["3"]
    assert _headers(_open(i="0.5", reach_T="100")) == ["1"]  # keys of two sections: the first


def test_cell_controls_at_their_extremes():
    at = _open()
    for end in (0, 1):
        for key, bounds in CELL.items():
            at.slider(key=key).set_value(bounds[end])
        at.run()
        _assert_clean(at)
    # the lecture's exercise: i = 0, f = 1 passes the cell and its gradient unchanged
    at.slider(key="i").set_value(0.0)
    at.slider(key="f").set_value(1.0)
    at.radio(key="notation").set_value("notes")
    at.run()
    _assert_clean(at)
    assert "unchanged" in _text(at) and _metrics(at)["regime"] == "remember"
    assert any("rem" in x.value for x in at.latex)
    at.slider(key="f").set_value(0.0).run()
    _assert_clean(at)
    assert "**nothing**" in _text(at) and _metrics(at)["regime"] == "erase"


@pytest.mark.parametrize("end", [0, 1], ids=["minimum", "maximum"])
def test_reach_controls_at_their_extremes(end):
    at = _open(section="reach")
    at.slider(key="reach_T").set_value(400 if end else 5)
    at.slider(key="forget_bias").set_value(5.0 if end else -2.0)
    at.select_slider(key="hidden").set_value(64 if end else 8)
    at.number_input(key="reach_seed").set_value(9999 if end else 0)
    at.run()
    _assert_clean(at)
    assert _metrics(at)["direct-path factor σ(b_f)"] == ("0.993" if end else "0.119")
    assert "Measured over T = " + ("400" if end else "5") in _text(at)


def test_small_live_runs_and_both_tasks():
    at = _open(section="learn")
    at.slider(key="learn_T").set_value(10)
    at.slider(key="steps").set_value(100)
    at.select_slider(key="lr").set_value(0.05)
    at.number_input(key="learn_seed").set_value(9999)
    at.select_slider(key="learn_forget_bias").set_value(-1.0)
    at.run()
    _assert_clean(at)
    assert "T = 10" in _text(at)
    at.selectbox(key="task").set_value("order")
    at.selectbox(key="models").set_value("rnn+irnn")
    at.select_slider(key="lr").set_value(0.002)
    at.run()
    _assert_clean(at)
    assert "temporal-order task" in _text(at) and any("Add the LSTM" in i.value for i in at.info)


def test_large_settings_show_an_estimate_and_are_capped():
    at = _open(section="learn")
    at.slider(key="learn_T").set_value(200)
    at.slider(key="steps").set_value(3000)
    at.run()
    _assert_clean(at)
    assert any("largest run this shared server trains live" in i.value for i in at.info)
    assert not any(b.key == "lstm-train" for b in at.button)
    at.slider(key="learn_T").set_value(100)
    at.slider(key="steps").set_value(1500)
    at.selectbox(key="models").set_value("lstm")
    at.run()
    _assert_clean(at)
    info = " ".join(i.value for i in at.info)
    assert "larger than the default" in info and at.button(key="lstm-train").label.startswith(
        "Train live (about"
    )


def test_presets_and_question():
    at = _open(section="reach")
    pick_preset(at, "PyTorch's zero bias", exact=True)
    _assert_clean(at)
    assert at.slider(key="forget_bias").value == 0.0 and _metrics(at)["direct-path factor σ(b_f)"] == "0.500"
    at = _open(section="learn")
    pick_preset(at, "temporal order", exact=True)
    _assert_clean(at)
    assert at.selectbox(key="task").value == "order" and "temporal-order task" in _text(at)
    at = _open()
    radio = next(r for r in at.radio if r.key == "predict-lstm-cell-guess")
    radio.set_value("It passes unchanged: exactly 1").run()
    _assert_clean(at)
    assert any(s.value.startswith("Right") for s in at.success)


@pytest.mark.parametrize(
    ("section", "link", "check"),
    [
        ("cell", {"i": "banana", "f": "2", "notation": "x"}, lambda at: at.slider(key="i").value == 1.0),
        ("reach", {"reach_T": "99999", "hidden": "7"}, lambda at: at.slider(key="reach_T").value == 100),
        ("learn", {"task": "copy", "models": "gru", "learn_seed": "-3"},
         lambda at: at.selectbox(key="task").value == "adding" and "**LSTM** solved it" in _text(at)),
    ],
)  # fmt: skip
def test_malformed_links_fall_back_with_a_notice(section, link, check):
    at = _open(section=section, **link)
    notices = " ".join(w.value for w in at.warning)
    for key, value in link.items():
        assert f"{key}={value}" in notices
    assert check(at)
    at = _open(section="fourth")
    assert "section=fourth" in " ".join(w.value for w in at.warning) and _headers(at) == ["1"]
