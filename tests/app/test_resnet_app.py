"""The "Residual connections" lesson through Streamlit's AppTest: the precomputed default renders every section
with its verdicts, the batch-norm sweep shows degradation without vanishing, every control is moved (extremes
included: a live single-depth run, a refused sweep, the Jacobian's depth range), and malformed links are
answered with a notice and the defaults. Each section is opened through its link (?section=, or an old link
carrying its keys); only the open section is drawn. After every run: no exception element."""

import pytest
from apptest_support import open_page
from streamlit.testing.v1 import AppTest

from gradviz.lessons import lesson

LESSON = lesson("resnet")
PAGE = "app_pages/resnet.py"


def _clean(at: AppTest) -> AppTest:
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    return at


def _open(**params: str) -> AppTest:
    return _clean(open_page(PAGE, timeout=300, **params))


def _metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def _text(at: AppTest) -> str:
    return " ".join(m.value for m in at.markdown)


@pytest.fixture(scope="module")
def sections() -> dict[str, AppTest]:
    return {s.slug: _open(section=s.slug) for s in LESSON.sections}


def test_default_view_renders_every_section(sections):
    for n, at in enumerate(sections.values(), start=1):
        assert at.header[0].value.split(" · ")[0] == str(n)
        assert not any(h.value.startswith(f"{n + 1} · ") for h in at.header)
    page = sections["sweep"]
    m = _metrics(page)
    assert (
        float(m["training loss, 16-block plain"]) > 1.5 > 0.5 > float(m["training loss, 16-block residual"])
    )
    text = " ".join(_text(at) for at in sections.values())
    assert "it **degrades** with depth" in text and "**no degradation**" in text
    assert "**vanishing gradients**" in text  # computed from ∂L/∂x⁽ℓ⁾ of the 16-block plain net
    assert "**plain**, at initialization: **vanishing**" in text
    assert "**residual**, at initialization: **healthy**" in text
    assert "2¹⁶ = 65,536 paths" in text and "shorter than the typical path" in text
    assert [len(at.get("vega_lite_chart")) for at in sections.values()] == [4, 1, 1, 3, 2]  # the sweep: 2 charts, each with its stacked phone variant
    assert sum(len(at.latex) for at in sections.values()) >= 4
    assert "precomputed" in " ".join(c.value for c in page.caption)


def test_predict_then_reveal_answers_are_the_measured_ones():
    page = _open()
    page.radio(key="q-depth-guess").set_value("the residual net").run()
    _clean(page)
    assert any(s.value.startswith("Right.") and "Measured: plain" in s.value for s in page.success)
    page = _open(section="paths")
    lesion = page.radio(key="q-lesion-guess")
    lesion.set_value(lesion.options[1]).run()
    _clean(page)
    assert any("Measured: on average" in x.value for x in [*page.success, *page.info])


def test_batch_norm_degrades_without_vanishing():
    page = _open()
    page.radio(key="norm").set_value("batch").run()
    _clean(page)
    text = _text(page)
    assert "it **degrades** with depth" in text and "**not** a vanishing gradient" in text
    assert "**vanishing gradients**" not in text
    page.radio(key="norm").set_value("none").run()
    _clean(page)


def test_section_controls_at_their_extremes():
    for key in ("grad_depth", "lesion_depth"):
        page = _open(section=LESSON.section_for([key]).slug)
        for depth in page.segmented_control(key=key).options:
            page.segmented_control(key=key).set_value(int(depth)).run()
            _clean(page)
    page = _open(section="jacobian")
    page.slider(key="jac_depth").set_value(50).run()
    _clean(page)
    for act in ("linear", "tanh", "relu"):
        page.radio(key="jac_act").set_value(act).run()
        _clean(page)
    assert "every σ equals 1" not in _text(page)
    page.slider(key="jac_depth").set_value(1).run()
    _clean(page)
    page.slider(key="jac_depth").set_value(16).run()
    _clean(page)


def test_a_sweep_beyond_the_cap_is_refused():
    at = _open(depths="2-8-24", steps="1000", width="128")
    assert any("capped at" in w.value for w in at.warning)
    assert at.header[0].value.startswith("1 ·") and len(at.get("vega_lite_chart")) == 0
    for section in ("jacobian", "context"):  # still shown
        assert len(_open(section=section, depths="2-8-24", steps="1000", width="128").get("vega_lite_chart")) >= 1


@pytest.mark.slow
def test_changing_the_depths_keeps_the_section_controls_valid():
    at = _open(section="gradient")
    at.segmented_control(key="grad_depth").set_value(8).run()
    _clean(at)
    at.selectbox(key="depths").set_value("1").run()  # 8 is no longer offered: a live 1-block run
    _clean(at)
    assert at.segmented_control(key="grad_depth").options == ["1"]


@pytest.mark.slow
def test_live_single_depth_runs_at_the_extremes():
    at = _open(depths="1", steps="50", lr="0.2", width="32", seed="9999")
    assert "One depth only" in _text(at)
    assert "trained live" in " ".join(c.value for c in at.caption)
    at.radio(key="norm").set_value("batch").run()
    _clean(at)
    at.select_slider(key="lr").set_value(0.01)
    at.slider(key="steps").set_value(50).run()
    _clean(at)


def test_rejects_malformed_links():
    at = _open(
        depths="banana",
        norm="layer",
        width="7",
        steps="1e9",
        lr="x",
        seed="-3",
        jac_depth="0",
        jac_act="sigmoid",
    )
    warnings = " ".join(w.value for w in at.warning)
    for bad in (
        "depths=banana",
        "norm=layer",
        "width=7",
        "steps=1e9",
        "lr=x",
        "seed=-3",
        "jac_depth=0",
        "jac_act=sigmoid",
    ):
        assert bad in warnings, bad
    assert at.selectbox(key="depths").value == "1-2-4-8-16" and at.slider(key="jac_depth").value == 16
    assert at.header[0].value.startswith("3 ·")  # the link's section keys open the Jacobian


def test_offline_live_run_falls_back_to_bundled_digits(monkeypatch, tmp_path):
    from gradviz import data, ui

    monkeypatch.setenv(data.ENV_VAR, str(tmp_path))  # an empty data dir, and downloads are refused
    monkeypatch.setattr(data, "cache_dir", lambda: tmp_path / "cache")
    ui.dataset_status.clear()
    try:
        at = _open(depths="2", steps="50")
        assert any("8×8" in i.value for i in at.info), [i.value for i in at.info]
        assert "One depth only" in _text(at) and "1,438" in " ".join(m.help or "" for m in at.metric)
        at = _open()  # the precomputed default needs no data at all
        assert not any("8×8" in i.value for i in at.info)
    finally:
        ui.dataset_status.clear()
