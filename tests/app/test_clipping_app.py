"""The "Gradient clipping" lesson through Streamlit's AppTest: it renders with its headline numbers, every
section's controls are moved (extremes included), the presets and the one-click threshold work, the
chosen run's formula updates, and malformed links are answered with a notice and the defaults. Each section
is opened through its link (?section=, or an old link carrying its keys); only the open section is drawn."""

import pytest
from apptest_support import open_menus, open_page, pick_preset
from streamlit.testing.v1 import AppTest

from gradviz import results
from gradviz.lessons import lesson
from gradviz.lessons.clipping import experiment as exp

LESSON = lesson("clipping")

PAGE = "app_pages/clipping.py"

# the cheap (numpy) sliders of sections 1 and 2: key -> (min, max), as the page defines them
SLIDERS = {
    "w0": (0.0, 4.0), "b0": (-2.0, 1.0), "cliff_threshold": (0.1, 10.0), "cliff_steps": (1, 100),
    "gx": (-4.0, 4.0), "gy": (-4.0, 4.0), "vec_threshold": (0.1, 4.0),
}  # fmt: skip


def _open(**params: str) -> AppTest:
    at = open_page(PAGE, timeout=300, **params)
    _assert_clean(at)
    return at


def _assert_clean(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]


def _metrics(at: AppTest) -> dict[str, list[str]]:
    """label -> values in page order (the three runs share their labels)."""
    out: dict[str, list[str]] = {}
    for m in at.metric:
        out.setdefault(m.label, []).append(m.value)
    return out


def _committed(preset: str):
    """The committed result a preset's view shows."""
    found = results.load("clipping", exp.PRESETS[preset], results.code_version(exp.__file__))
    assert found is not None, "run: python -m gradviz.precompute clipping"
    return found


def _text(at: AppTest) -> str:
    return " ".join(m.value for m in at.markdown)


@pytest.fixture(scope="module")
def sections() -> dict[str, AppTest]:
    return {s.slug: _open(section=s.slug) for s in LESSON.sections}


def test_renders_every_section_with_its_headline_numbers(sections):
    m: dict[str, list[str]] = {}
    for at in sections.values():
        for k, v in _metrics(at).items():
            m.setdefault(k, []).extend(v)
    page = sections["rnn"]
    # 1: the plain step off the cliff is lr·‖g‖ = 0.5 × 70.9; the clipped one lr·η = 0.5
    assert m["longest step, plain"] == ["3.54e+01"] and m["longest step, clipped"] == ["5.00e-01"]
    assert m["plain run"] == ["off the map"] and m["clipped steps"] == ["1 of 40"]
    # 2: g = (3, 1), η = 1
    assert m["‖g‖"] == ["3.162"] and m["turned by clip-by-norm"] == ["0.0°"]
    assert m["turned by clip-by-value"] == ["26.6°"]
    # 3: three runs, none diverged at ρ = 1, all below the mean predictor
    assert len(m["final loss"]) == 3 and m["steps clipped"][0] == "0%"
    assert "nothing exploded" in _text(page) and "below the mean predictor's 0.167" in _text(page)
    for n, at in enumerate(sections.values(), start=1):
        assert [h.value.split(" · ")[0] for h in at.header] == [str(n)]
        assert any("Sources" in s.value for s in at.subheader)
    assert {"4", "5"} <= {s.value.split(" · ")[0] for s in page.subheader}
    charts = [len(at.get("vega_lite_chart")) for at in sections.values()]
    assert charts == [2, 1, 2]  # map, step lengths | vectors | loss, gradient norm
    menus = [open_menus(at) for at in sections.values()]  # the Download menus make their buttons when opened
    downloads = [
        len([b for b in at.get("download_button") if b.proto.label.endswith("(CSV)")]) for at in menus
    ]
    assert downloads == [3, 1, 2]  # a CSV for every chart (the map: descents and surface)
    assert sum(len(at.latex) for at in sections.values()) >= 8
    assert any("7.09" in x.value for x in sections["cliff"].latex)


def test_the_first_visit_computes_only_the_first_section():
    at = _open()
    assert [h.value.split(" · ")[0] for h in at.header] == ["1"] and "final loss" not in _metrics(at)


def test_explodes_preset_shows_the_blow_up_and_clipping_learning():
    at = _open(section="rnn")
    pick_preset(at, "explodes", exact=True)
    _assert_clean(at)
    assert at.slider(key="rho").value == 3.0
    text = _text(at)
    # the step is read from the committed result the page shows (it differs from one CPU to another)
    step = int(exp.summary_value(_committed("explodes"), "none", "diverged_at"))
    assert f"no clipping**: diverged at step {step}" in text and "clip by norm**: finished" in text
    assert "exploded while clipping kept training alive" in text
    assert _metrics(at)["final loss"][0] == "n/a"
    # the unclipped run was exploding inside the heuristic's window: the one-click value is withheld
    assert "measures the explosion" in text and at.button(key="use-heuristic").disabled
    pick_preset(at, "reset", exact=True)
    assert at.slider(key="rho").value == 1.0


def test_one_click_threshold_from_the_heuristic():
    at = _open(section="rnn")
    button = at.button(key="use-heuristic")
    # the mean of the committed default run's first gradient norms, to the slider's step
    eta = round(_committed("default").meta["heuristic"]["mean_norm"], 1)
    assert button.label == f"Use η = {eta:g}" and not button.disabled
    button.click().run()
    _assert_clean(at)
    assert at.slider(key="threshold").value == pytest.approx(eta)
    assert f"Your η = {eta:g} is inside that range" in _text(at)
    assert at.button(key="use-heuristic").disabled  # already in use


def test_the_formula_follows_the_chosen_run():
    at = _open(section="rnn")
    for run, needle in [("value", r"\sqrt{1153}"), ("none", r"\text{(no clipping)}"), ("norm", r"\min(")]:
        at.radio(key="clip").set_value(run).run()
        _assert_clean(at)
        assert any(needle in x.value for x in at.latex), run


@pytest.mark.parametrize("end", [0, 1], ids=["minimum", "maximum"])
def test_every_control_at_its_extremes(end):
    numpy_sections = {}
    for slug in ("cliff", "vector"):
        numpy_sections[slug] = a = _open(section=slug)
        for key, bounds in SLIDERS.items():
            if LESSON.section_for([key]).slug == slug:
                a.slider(key=key).set_value(bounds[end])
        if slug == "cliff":
            a.select_slider(key="cliff_lr").set_value(2.0 if end else 0.05)
        a.run()
        _assert_clean(a)
    at = _open(section="rnn")
    # the RNN's controls at their extremes, with few steps so the live runs stay short
    at.slider(key="T").set_value(30 if end else 2)
    at.slider(key="rho").set_value(4.0 if end else 0.5)
    at.slider(key="threshold").set_value(20.0 if end else 0.1)
    at.select_slider(key="lr").set_value(0.5 if end else 0.01)
    at.slider(key="steps").set_value(50)
    at.number_input(key="seed").set_value(9999 if end else 0)
    at.run()
    _assert_clean(at)
    assert at.slider(key="T").value == (30 if end else 2)
    assert len(_metrics(at)["final loss"]) == 3
    # a zero gradient and a one-step descent are handled too
    at = numpy_sections["vector"]
    at.slider(key="gx").set_value(0.0)
    at.slider(key="gy").set_value(0.0).run()
    _assert_clean(at)
    assert _metrics(at)["‖g‖"] == ["0.000"]
    numpy_sections["cliff"].slider(key="cliff_steps").set_value(1).run()
    _assert_clean(numpy_sections["cliff"])


def test_malformed_links_fall_back_with_a_notice():
    link = {"w0": "banana", "rho": "99", "clip": "bogus", "cliff_lr": "7", "seed": "-4", "gx": "nan"}
    at = {slug: _open(section=slug, **link) for slug in ("cliff", "vector", "rnn")}
    for key, value in link.items():
        section = at[LESSON.section_for([key]).slug]
        assert f"{key}={value}" in " ".join(w.value for w in section.warning)
    assert at["cliff"].slider(key="w0").value == 2.0 and at["rnn"].slider(key="rho").value == 1.0
    assert at["rnn"].radio(key="clip").value == "norm" and at["vector"].slider(key="gx").value == 3.0
    assert _metrics(at["cliff"])["longest step, plain"] == ["3.54e+01"]
    assert _metrics(_open(w0="banana"))["longest step, plain"] == ["3.54e+01"]  # an old link: its section


def test_a_link_reproduces_the_view():
    at = _open(gx="-2.0", gy="2.0", vec_threshold="1.0")  # an old link: the section its keys belong to
    assert not at.warning
    assert _metrics(at)["turned by clip-by-value"] == ["0.0°"]  # (−2, 2) → (−1, 1): same direction
    at = _open(w0="3.0", b0="-1.2")
    assert not at.warning and at.slider(key="w0").value == 3.0 and at.slider(key="b0").value == -1.2


def test_predict_then_reveal_answers():
    page = _open(section="vector")
    radio = next(r for r in page.radio if r.key == "predict-vector-guess")
    radio.set_value("about 27°").run()
    assert any("Right" in s.value for s in page.success)
