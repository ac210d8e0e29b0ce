"""AppTest: the deep-nets lesson (every compare mode with every activation and init as the base, the
controls' extremes, a diverging run, the question's answer, malformed links). Every step checks that the
page shows no exception element."""

import re

import pytest
from apptest_support import open_page
from streamlit.testing.v1 import AppTest

from gradviz import fmt
from gradviz.lessons.deep_nets import experiment as dn
from gradviz.net_options import ACTIVATIONS, INITS

PAGE = "app_pages/deep_nets.py"


def _ok(at: AppTest) -> AppTest:
    assert not at.exception, [e.value for e in at.exception]
    return at


def _open(**params: str) -> AppTest:
    return _ok(open_page(PAGE, timeout=300, **params))


def _run(at: AppTest) -> AppTest:
    return _ok(at.run())


def _metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def _verdicts(at: AppTest) -> list[str]:
    """The per-run lines '**run** — verdict.' above each run's readouts."""
    return [m.value for m in at.markdown if " — " in m.value and m.value.startswith("**")]


def _text(at: AppTest) -> str:
    return " ".join(
        [m.value for m in at.markdown] + [c.value for c in at.caption] + [m.value for m in at.metric]
    )


def _no_placeholders(at: AppTest) -> None:
    text = _text(at).replace("NaN/inf", "")
    assert not re.search(r"\bnan\b|\binf\b|n/a|0\.00e\+00", text, flags=re.IGNORECASE), text[:2000]


@pytest.fixture
def deep(mnist_dir):
    return _open()


def test_default_shows_the_vanishing_gap_on_the_backward_signal(deep):
    (line,) = _verdicts(deep)
    assert line.startswith("**sigmoid / default** — vanishing: the gradient reaching layer 1 is")
    assert float(_metrics(deep)["‖∂L/∂h₁‖ / ‖∂L/∂h_6‖"]) < 1e-2
    assert len(deep.get("vega_lite_chart")) >= 8
    _no_placeholders(deep)


def test_each_section_through_its_link(mnist_dir):
    assert [len(_open(section=s).get("vega_lite_chart")) for s in ("training", "why", "by-hand")] == [9, 0, 1]  # training: 8 charts + the activation heatmaps stacked for a phone
    assert _open(chain_depth="10").slider(key="chain_depth").value == 10  # an old link opens its section


def test_relu_he_is_healthy(deep):
    deep.selectbox(key="activation").set_value("relu")
    deep.selectbox(key="init").set_value("he")
    _run(deep)
    (line,) = _verdicts(deep)
    assert line.startswith("**relu / he** — healthy")


@pytest.mark.parametrize("mode", ["activations", "inits", "custom"])
@pytest.mark.parametrize(
    "base",
    [{"activation": a} for a in ACTIVATIONS] + [{"init": i} for i in INITS],
    ids=lambda b: "-".join(f"{k}={v}" for k, v in b.items()),
)
def test_every_compare_mode_with_every_base(mnist_dir, mode, base):
    """Issue 7: '?compare=inits' and '?compare=activations&activation=gelu' showed a KeyError page."""
    at = _open(compare=mode, **base)
    cfg = dn.Config(**base)
    custom = (dn.Config(activation="relu", init="he"), dn.Config(activation="tanh", init="glorot"))
    expected = [dn.label(c) for c in dn.compared(cfg, mode, custom)]
    assert [v.split("**")[1] for v in _verdicts(at)] == expected
    assert len([m for m in at.metric if m.label == "held-out accuracy"]) == len(expected)


def test_depth_one_says_no_product(mnist_dir):
    at = _open(depth="1")
    (line,) = _verdicts(at)
    assert "one hidden layer" in line
    assert _metrics(at)["‖∂L/∂h₁‖ / ‖∂L/∂h_1‖"] == "—"
    assert not any("^" in m.value for m in at.markdown if "run has one hidden layer" in m.value)
    _no_placeholders(at)


def test_depth_thirty_sigmoid_shows_a_tiny_nonzero_ratio(mnist_dir):
    at = _open(depth="30")
    ratio = float(_metrics(at)["‖∂L/∂h₁‖ / ‖∂L/∂h_30‖"])
    assert 0 < ratio < 1e-15
    _no_placeholders(at)


def test_thirty_relu_layers_compare_inits_shows_he_training(mnist_dir):
    at = _open(compare="inits", activation="relu", depth="30")
    lines = {v.split("**")[1]: v for v in _verdicts(at)}
    assert set(lines) == {"relu / default", *(f"relu / {i}" for i in dn.COMPARED_INITS)}
    assert "— healthy" in lines["relu / he"] and "has not learned" not in lines["relu / he"]
    assert "— vanishing" in lines["relu / glorot"] and "has not learned" in lines["relu / glorot"]
    assert "— exploding" in lines["relu / normal"]


def test_diverging_run_says_what_diverged_and_nothing_else(mnist_dir):
    link = {"activation": "relu", "init": "normal", "depth": "30", "width": "256", "batch": "256", "epochs": "1"}
    at = _open(**link)
    (line,) = _verdicts(at)
    assert "— exploding: the" in line and "NaN/inf at step" in line
    assert any("diverged" in e.value for e in at.error)
    metrics = _metrics(at)
    at = _open(section="why", **link)  # the sidebar's run, explained in section 2
    going_on = [m.value for m in at.markdown if m.value.startswith("The **relu / normal** run")]
    assert len(going_on) == 1 and "diverged" in going_on[0]
    assert metrics["‖∂L/∂h₁‖ / ‖∂L/∂h_30‖"] == "—" and metrics["held-out accuracy"] == "—"
    _no_placeholders(at)


def test_by_hand_controls_at_their_extremes(mnist_dir):
    deep = _open(section="by-hand")
    for chain_depth, chain_w, act, w in [
        (60, 1.5, "relu", -4.0),
        (2, 0.5, "tanh", 4.0),
        (60, 0.5, "sigmoid", 4.0),
    ]:
        deep.slider(key="chain_depth").set_value(chain_depth)
        deep.slider(key="chain_w").set_value(chain_w)
        deep.radio(key="chain_act").set_value(act)
        deep.slider(key="scalar_w").set_value(w)
        _run(deep)
        captions = " ".join(c.value for c in deep.caption)
        assert fmt.power("w", 2 * chain_depth - 1) in captions
        assert ("|w| < 4 guarantees vanishing" in captions) == (act == "sigmoid")


def test_question_answer_is_computed_from_the_runs(mnist_dir):
    deep = _open(section="why")
    radio = deep.radio(key="q-depth-guess")
    answer = next(o for o in radio.options if "now 11 times" in o)
    radio.set_value(answer)
    _run(deep)
    assert any(s.value.startswith("Right.") for s in deep.success)
    radio = deep.radio(key="q-init-guess")
    radio.set_value(next(o for o in radio.options if o.startswith("about 1:")))
    _run(deep)
    assert any("the answer is **about 0.71" in i.value for i in deep.info)


def test_rejects_malformed_links(mnist_dir):
    at = _open(depth="banana", activation="softmax", lr="1e9", seed="x", init="xavier")
    warnings = " ".join(w.value for w in at.warning)
    for bad in ("depth=banana", "activation=softmax", "lr=1e9", "seed=x", "init=xavier"):
        assert bad in warnings
    assert at.slider(key="depth").value == 6 and at.selectbox(key="activation").value == "sigmoid"


@pytest.mark.slow
def test_extremes_train_live(deep):
    deep.slider(key="depth").set_value(30)
    deep.select_slider(key="width").set_value(16)
    deep.select_slider(key="batch").set_value(256)
    deep.slider(key="epochs").set_value(1)
    _run(deep)
    assert "‖∂L/∂h₁‖ / ‖∂L/∂h_30‖" in _metrics(deep)
    deep.slider(key="depth").set_value(1)
    deep.radio(key="optimizer").set_value("adam")
    deep.number_input(key="seed").set_value(9999)
    _run(deep)
    assert "‖∂L/∂W₁‖ / ‖∂L/∂W_2‖" in _metrics(deep)


def test_offline_falls_back_to_bundled_digits(monkeypatch, tmp_path):
    from gradviz import data, ui

    monkeypatch.setenv(data.ENV_VAR, str(tmp_path))  # an empty data dir, and downloads are refused
    monkeypatch.setattr(data, "cache_dir", lambda: tmp_path / "cache")
    ui.dataset_status.clear()
    try:
        at = _open(depth="2", epochs="1")
        assert any("8×8" in i.value or "8x8" in i.value for i in at.info), [i.value for i in at.info]
        assert _verdicts(at)
    finally:
        ui.dataset_status.clear()
