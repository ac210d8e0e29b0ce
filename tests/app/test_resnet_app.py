"""The "Residual connections" lesson through Streamlit's AppTest: the precomputed default renders every section
with its verdicts, the batch-norm sweep shows degradation without vanishing, every control is moved (extremes
included: a live single-depth run, a refused sweep, the Jacobian's depth range), and malformed links are
answered with a notice and the defaults. After every run: no exception element."""

import pytest
from apptest_support import open_page
from streamlit.testing.v1 import AppTest

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
def page() -> AppTest:
    return _open()


def test_default_view_renders_every_section(page):
    headers = [h.value.split(" · ")[0] for h in page.header]
    assert headers[:5] == ["1", "2", "3", "4", "5"]
    m = _metrics(page)
    assert (
        float(m["training loss, 16-block plain"]) > 1.5 > 0.5 > float(m["training loss, 16-block residual"])
    )
    text = _text(page)
    assert "it **degrades** with depth" in text and "**no degradation**" in text
    assert "**vanishing gradients**" in text  # computed from ∂L/∂x⁽ℓ⁾ of the 16-block plain net
    assert "**plain**, at initialization: **vanishing**" in text
    assert "**residual**, at initialization: **healthy**" in text
    assert "2¹⁶ = 65,536 paths" in text and "shorter than the typical path" in text
    assert len(page.get("vega_lite_chart")) == 9
    assert len(page.latex) >= 4
    assert "precomputed" in " ".join(c.value for c in page.caption)


def test_predict_then_reveal_answers_are_the_measured_ones(page):
    page.radio(key="q-depth-guess").set_value("the residual net").run()
    _clean(page)
    assert any(s.value.startswith("Right.") and "Measured: plain" in s.value for s in page.success)
    lesion = page.radio(key="q-lesion-guess")
    lesion.set_value(lesion.options[1]).run()
    _clean(page)
    assert any("Measured: on average" in x.value for x in [*page.success, *page.info])


def test_batch_norm_degrades_without_vanishing(page):
    page.radio(key="norm").set_value("batch").run()
    _clean(page)
    text = _text(page)
    assert "it **degrades** with depth" in text and "**not** a vanishing gradient" in text
    assert "**vanishing gradients**" not in text
    page.radio(key="norm").set_value("none").run()
    _clean(page)


def test_section_controls_at_their_extremes(page):
    for key in ("grad_depth", "lesion_depth"):
        for depth in page.segmented_control(key=key).options:
            page.segmented_control(key=key).set_value(int(depth)).run()
            _clean(page)
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
    assert (
        at.header[0].value.startswith("1 ·") and len(at.get("vega_lite_chart")) >= 3
    )  # Jacobian and context still shown


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
