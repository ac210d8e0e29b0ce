"""The "Backprop through time" lesson through Streamlit's AppTest: it renders, every section's controls are
moved (extremes included), presets clicked, headline readouts present, malformed links answered with a
notice, and the page stays numpy-only (no torch). Each section is opened through its link (?section=, or an
old link carrying its keys); only the open section is drawn."""

import pytest
from apptest_support import open_menus, open_page, pick_preset
from streamlit.testing.v1 import AppTest

from gradviz.lessons import lesson

LESSON = lesson("rnn_dynamics")
PAGE = "app_pages/rnn_dynamics.py"

# every slider of the page: key -> (min, max), as the page defines them
SLIDERS = {
    "chain_w": (0.0, 2.0), "chain_T": (1, 200),
    "map_r": (1.0, 4.0), "map_x0": (0.0, 1.0), "map_n": (1, 200),
    "unit_w": (-8.0, 8.0), "unit_b": (-6.0, 6.0), "unit_T": (1, 200),
    "cliff_w": (-4.0, 4.0), "cliff_b": (-3.0, 3.0), "cliff_T": (1, 200), "cliff_target": (-1.0, 1.0),
    "cliff_h0": (-0.95, 0.95),
    "many_n": (2, 64), "many_rho": (0.5, 1.5), "many_T": (1, 200),
}  # fmt: skip


def _open(**params: str) -> AppTest:
    at = open_page(PAGE, timeout=240, **params)
    _assert_clean(at)
    return at


def _assert_clean(at: AppTest) -> None:
    """No exception, and no NaN or inf anywhere in the readouts or the text."""
    assert not at.exception, [e.value for e in at.exception]
    shown = [m.value for m in at.metric] + [m.value for m in at.markdown] + [x.value for x in at.latex]
    for text in shown:
        # −∞ is a value the page may show (a Lyapunov exponent of an orbit through x = ½), never "inf"
        low = text.lower().replace(r"\infty", "").replace("r∞", "").replace("−∞", "")
        assert "nan" not in low.split() and "inf" not in low and "∞" not in low, text


def _metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def _section_of(key: str) -> str:
    return LESSON.section_for([key]).slug


@pytest.fixture(scope="module")
def sections() -> dict[str, AppTest]:
    return {s.slug: _open(section=s.slug) for s in LESSON.sections}


def test_renders_every_section_with_its_headline_numbers(sections):
    m = {k: v for at in sections.values() for k, v in _metrics(at).items()}
    assert m["linear: ∂h_T/∂h_0 = w^T"] == "1.17e+02"  # 1.1^50, the lecture's 117.4
    assert m["lecture's w^(T−1)"] == "1.07e+02"  # the lecture's own formula at T = 50: 1.1^49
    assert m["tanh: ∂h_T/∂h_0"] == "5.56e-05"
    assert m["Lyapunov exponent λ"] == "-0.873" and m["attractor period"] == "4"
    assert m["stable fixed points"] == "2" and m["largest |∂h_T/∂h_0|"] == "1.05e+06"  # 2^20 at h0 = 0
    assert m["cliff at b*"] == "-0.4507" and m["face width"] == "1.38e-02"  # a dense grid: 1.39e-02
    assert m["spectral radius ρ(W)"] == "1.000"
    for n, at in enumerate(sections.values(), start=1):  # each link shows its section (and section 6)
        assert [h.value.split(" · ")[0] for h in at.header] == [str(n), "6"]
        assert any("Sources" in s.value for s in at.subheader)
    assert sum(len(at.get("vega_lite_chart")) for at in sections.values()) == 16  # every chart drawn
    menus = [open_menus(at) for at in sections.values()]  # the Download menus make their buttons when opened
    assert (
        sum(len([b for b in at.get("download_button") if b.proto.label.endswith("(CSV)")]) for at in menus)
        == 12
    )  # a CSV per chart's table
    chain = sections["chain"]
    assert len(chain.latex) >= 2 and any("117" in x.value or "1.17" in x.value for x in chain.latex)
    # the convention is explained, with both of the lecture's readings
    assert any("fifty" in x.value and "106.7" in x.value for x in chain.markdown)


def test_the_first_visit_computes_only_the_first_section():
    at = _open()
    assert [h.value.split(" · ")[0] for h in at.header] == ["1", "6"] and len(at.get("vega_lite_chart")) == 1


def test_presets_set_the_controls():
    at = _open(section="chain")
    pick_preset(at, "vanishing")
    assert at.slider(key="chain_w").value == 0.9 and _metrics(at)["linear: ∂h_T/∂h_0 = w^T"] == "5.15e-03"
    at = _open(section="map")
    pick_preset(at, "chaos")
    assert at.slider(key="map_r").value == 3.9 and _metrics(at)["attractor period"] == "none ≤ 64"
    assert float(_metrics(at)["Lyapunov exponent λ"].split(" ± ")[0]) > 0  # λ ± its error band
    pick_preset(at, "2-cycle")
    assert _metrics(at)["attractor period"] == "2"
    at = _open(section="unit")
    pick_preset(at, "Pascanu")
    assert at.selectbox(key="unit_form").value == "sigmoid" and _metrics(at)["stable fixed points"] == "2"
    at = _open(section="many")
    pick_preset(at, "ρ = 1.1", exact=True)
    assert _metrics(at)["spectral radius ρ(W)"] == "1.100"
    # a linear net with ρ = 1.1 explodes over 100 steps; tanh does not
    assert float(_metrics(at)["‖∂h_T/∂h_0‖ linear"]) > 1e3 > 1 > float(_metrics(at)["‖∂h_T/∂h_0‖ tanh"])
    _assert_clean(at)


@pytest.mark.parametrize("end", [0, 1], ids=["minimum", "maximum"])
def test_every_control_at_its_extremes(end):
    at = {}
    for section in LESSON.sections:
        at[section.slug] = a = _open(section=section.slug)
        for key, bounds in SLIDERS.items():
            if _section_of(key) == section.slug:
                a.slider(key=key).set_value(bounds[end])
        if section.slug == "unit":
            a.selectbox(key="unit_form").set_value("sigmoid" if end else "tanh")
        if section.slug == "many":
            a.selectbox(key="many_act").set_value("tanh")
            a.number_input(key="many_seed").set_value(9999 if end else 0)
        a.run()
        _assert_clean(a)
    assert at["cliff"].slider(key="cliff_T").value == SLIDERS["cliff_T"][end]
    assert _metrics(at["many"])["spectral radius ρ(W)"] == ("1.500" if end else "0.500")
    if end:  # x0 = 1 maps to the repelling fixed point 0 and stays: λ = ln|f'(0)| = ln 4 on that orbit
        m = _metrics(at["map"])
        assert m["Lyapunov exponent λ"] == "1.386" and m["cycle multiplier"] == "4"
        at["map"].slider(key="map_x0").set_value(0.3).run()
        assert (
            _metrics(at["map"])["Lyapunov exponent λ"] == "0.693 ± 0.003"
        )  # a typical orbit at r = 4: ln 2, ± its band
    # and the mixed corner: the other form, other activation
    at["unit"].selectbox(key="unit_form").set_value("tanh" if end else "sigmoid").run()
    _assert_clean(at["unit"])
    at["many"].selectbox(key="many_act").set_value("linear").run()
    _assert_clean(at["many"])


@pytest.mark.parametrize(
    ("key", "bad", "shown"),
    [("chain_w", "banana", 1.1), ("map_r", "9", 3.5), ("unit_form", "square", "tanh"), ("cliff_T", "2.5", 10),
     ("many_n", "1000", 64)],
)  # fmt: skip
def test_malformed_links_fall_back_with_a_notice(key, bad, shown):
    at = _open(**{key: bad})  # an old link: its key opens its section
    assert f"{key}={bad}" in " ".join(w.value for w in at.warning)
    widget = at.selectbox(key=key) if isinstance(shown, str) else at.slider(key=key)
    assert widget.value == shown
    if key == "chain_w":
        assert _metrics(at)["linear: ∂h_T/∂h_0 = w^T"] == "1.17e+02"


def test_a_link_reproduces_the_view():
    link = {
        "chain_w": "0.9",
        "chain_T": "50",
        "map_r": "3.2",
        "unit_w": "0.8",
        "unit_b": "0.3",
        "many_act": "tanh",
    }
    at = {s: _open(section=s, **link) for s in ("chain", "map", "unit", "many")}
    assert not any(a.warning for a in at.values())
    assert _metrics(at["chain"])["linear: ∂h_T/∂h_0 = w^T"] == "5.15e-03"  # 0.9^50, the lecture's 0.00515
    assert (
        _metrics(at["map"])["attractor period"] == "2" and _metrics(at["unit"])["stable fixed points"] == "1"
    )
    assert at["many"].selectbox(key="many_act").value == "tanh"
    # a choice in the link (the URL holds the option itself, so no format_func on bound selects)
    at = _open(unit_form="sigmoid", unit_w="5", unit_b="-2.5")
    assert not at.warning and at.selectbox(key="unit_form").value == "sigmoid"
    assert _metrics(at)["stable fixed points"] == "2"


def test_mandelbrot_aside_on_demand():
    page = _open(section="map")
    page.toggle(key="map_mandelbrot").set_value(True).run()
    _assert_clean(page)
    assert len(page.get("vega_lite_chart")) == 6 and any("c = r(2 − r)/4" in x.value for x in page.markdown)


def test_cliff_question_is_doable_with_the_page():
    """The question: from the default, press "b onto the cliff", take one step with lr 0.1."""
    at = _open(section="cliff")
    at.button(key="cliff-jump").click().run()
    _assert_clean(at)
    b = at.slider(key="cliff_b").value
    assert b == pytest.approx(-0.46) and at.button(key="cliff-jump").disabled
    grad = float(_metrics(at)["‖∇L‖ at your (w, b)"])
    assert 0.1 * grad > 3 - b  # one plain step leaves the slider's range (−3, 3)
    at.radio(key="predict-cliff-guess").set_value("a giant step that throws b off the slider's range").run()
    assert any("Right" in s.value for s in at.success)
    # at T = 30 the face is far thinner than the slider's step, and the page says so
    at.slider(key="cliff_T").set_value(30).run()
    assert any("narrower than the b slider's step" in m.value for m in at.markdown)


def test_logistic_edges_show_what_they_are():
    at = _open(map_r="2", map_x0="0.5")
    m = _metrics(at)
    assert m["Lyapunov exponent λ"] == "−∞" and m["|dxₙ/dx₀|"] == "0 (exactly)"
    assert not any("690" in x.value for x in at.markdown)
    at = _open(map_r="4", map_x0="0.5", map_n="200")
    assert _metrics(at)["Lyapunov exponent λ"] == "−∞" and any("0.693" in x.value for x in at.markdown)
    at = _open(map_r="1")
    assert _metrics(at)["Lyapunov exponent λ"] == "0.000" and any(
        "bifurcation point" in x.value for x in at.markdown
    )


def test_predict_then_reveal_answers():
    page = _open(section="unit")
    radio = next(r for r in page.radio if r.key == "predict-unit-guess")
    radio.set_value("at h_0 = 0").run()
    assert any("Right" in s.value for s in page.success)


# The page without torch: tests/app/test_classroom_app.py checks every page's precomputed view in a process
# of its own (one interpreter start for all pages).
