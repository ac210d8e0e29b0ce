"""AppTest: the deep-nets lesson (controls moved, extremes tried, readouts present, no exception,
malformed links answered with a notice)."""


import pytest
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


@pytest.fixture
def deep(mnist_dir):
    return _open("app_pages/deep_nets.py")


def test_deep_nets_default_shows_the_vanishing_gap(deep):
    (ratio,) = _ratios(deep)
    assert ratio < 1e-2
    assert _verdicts(deep)[0].startswith("**sigmoid / default** — vanishing")
    assert len(deep.get("vega_lite_chart")) >= 7


def test_deep_nets_relu_kaiming_is_healthy(deep):
    deep.selectbox(key="activation").set_value("relu")
    deep.selectbox(key="init").set_value("kaiming").run()
    assert not deep.exception
    (ratio,) = _ratios(deep)
    assert 0.1 <= ratio <= 10
    assert _verdicts(deep)[0].startswith("**relu / kaiming** — healthy")


def test_deep_nets_compare_modes(deep):
    deep.selectbox(key="compare").set_value("activations").run()
    verdicts = _verdicts(deep)
    assert [v.split("**")[1] for v in verdicts] == [f"{a} / default" for a in ("sigmoid", "tanh", "relu")]
    assert len(_ratios(deep)) == 3 and _ratios(deep)[0] < 1e-2 < _ratios(deep)[1]
    deep.selectbox(key="compare").set_value("inits").run()
    assert _verdicts(deep)[2].startswith("**sigmoid / kaiming**")
    deep.selectbox(key="compare").set_value("custom").run()
    deep.selectbox(key="b_activation").set_value("gelu").run()
    assert not deep.exception and len(_ratios(deep)) == 3


@pytest.mark.slow
def test_deep_nets_extremes_train_live(deep):
    # the deepest, narrowest, fastest settings: live training, no exception, a verdict
    deep.slider(key="depth").set_value(30)
    deep.select_slider(key="width").set_value(16)
    deep.select_slider(key="batch").set_value(256)
    deep.slider(key="epochs").set_value(1).run()
    assert not deep.exception
    assert "layer 1 / layer 31" in _metrics(deep)
    deep.slider(key="depth").set_value(1)
    deep.radio(key="optimizer").set_value("adam")
    deep.number_input(key="seed").set_value(9999).run()
    assert not deep.exception and "layer 1 / layer 2" in _metrics(deep)


def test_deep_nets_divergence_is_shown_not_raised(deep):
    deep.selectbox(key="activation").set_value("relu")
    deep.selectbox(key="init").set_value("normal")
    deep.select_slider(key="lr").set_value(3.0)
    deep.slider(key="epochs").set_value(1).run()
    assert not deep.exception
    assert any("diverged" in e.value and "step" in e.value for e in deep.error)


def test_deep_nets_closed_form_controls(deep):
    deep.slider(key="chain_depth").set_value(60)
    deep.slider(key="chain_w").set_value(1.5)
    deep.radio(key="chain_act").set_value("relu")
    deep.slider(key="scalar_w").set_value(-4.0).run()
    assert not deep.exception
    deep.slider(key="chain_w").set_value(0.5)
    deep.slider(key="scalar_w").set_value(4.0).run()
    assert not deep.exception


def test_deep_nets_rejects_malformed_links(mnist_dir):
    at = _open("app_pages/deep_nets.py", depth="banana", activation="softmax", lr="1e9", seed="x")
    warnings = " ".join(w.value for w in at.warning)
    for bad in ("depth=banana", "activation=softmax", "lr=1e9", "seed=x"):
        assert bad in warnings
    assert at.slider(key="depth").value == 6 and at.selectbox(key="activation").value == "sigmoid"


def test_deep_nets_offline_falls_back_to_bundled_digits(monkeypatch, tmp_path):
    from gradviz import data, ui

    monkeypatch.setenv(data.ENV_VAR, str(tmp_path))  # an empty data dir, and downloads are refused
    monkeypatch.setattr(data, "cache_dir", lambda: tmp_path / "cache")
    ui.dataset_status.clear()
    try:
        at = _open("app_pages/deep_nets.py", depth="2", epochs="1")
        assert any("8×8" in i.value or "8x8" in i.value for i in at.info), [i.value for i in at.info]
        assert _verdicts(at) and _ratios(at)
    finally:
        ui.dataset_status.clear()
