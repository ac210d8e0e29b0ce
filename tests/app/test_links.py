"""Links cannot break a page: every URL key of every page, driven through generated values.

The keys are discovered, not listed: each page is rendered (with its defaults, then with every choice at its
first and at its last option and every toggle on, which reveals conditional controls) and every widget bound
to a query parameter is collected, so a new page or control is covered without touching this file. A lesson
is rendered section by section (?section=<slug>, from the catalogue): a section's keys are discovered and
swept in that section, and must be exactly the keys the catalogue says it owns (so an old link carrying
them opens it); the page-wide controls (the sidebar) are swept once, in the first section.

Each key gets a fixed-seed sample of values: its valid range and options, the ends of the range, out of range,
fractional for whole-number controls, NaN, ±inf, 1e999, a 10,000-digit number, repeated keys, unicode digits,
empty, and Markdown/HTML payloads. One render puts one value in every key at once (case i of every key), so a
page costs a dozen renders, not hundreds. After each render (no exception: the harness in conftest.py checks):

- a key with a notice: the control shows exactly the default the notice announces, the notice echoes the
  value escaped (inside a code span it cannot close) and shortened, and the value is gone from the URL;
- a key without a notice: the control shows exactly the link's value;
- values that must be refused (non-finite, out of range, fractional, malformed, ambiguous) have a notice, and
  plainly valid values (an option, a number in range) have none.

Training is made cheap for this test only (bundled 8×8 digits, one epoch, at most 60 steps, for every
registered experiment): it checks what a link does to the controls, not what the networks learn.
"""

from __future__ import annotations

import random
import re
import zlib
from dataclasses import dataclass, fields, replace
from typing import Any

import pytest
import streamlit as st
from apptest_support import open_page
from streamlit.testing.v1 import AppTest

from gradviz import ui
from gradviz.lessons import EXPERIMENTS, available, get_experiment

PAGES = [None] + [lesson.path for lesson in available()]
# (page, section slug or None): every view a link can open
VIEWS = [(None, None)] + [(les.path, s.slug) for les in available() for s in les.sections or [None]]
CASES_PER_KEY = 10  # renders per page in the main sweep
CONDITIONAL_CASES = 6  # renders per page for controls that only appear under other settings

MARKDOWN = (
    "`](https://evil.example)![x](https://evil.example/x.png)`"  # closes a code span, then link + image
)
# values any control must refuse (None: some kinds may accept it, then the control must show it)
HOSTILE: list[tuple[Any, bool | None]] = [
    ("nan", True), ("NaN", True), ("inf", True), ("-inf", True), ("Infinity", True), ("1e999", True),
    ("-1e999", True), ("9" * 10_000, True), ("", True), ("٣", True), ("５", True), ("0x10", True), ("1_0", True),
    (MARKDOWN, True),
    ("<img src=x onerror=alert(1)>", True), ("[click](javascript:alert(1))", True), ("$\\infty$", True),
    ("**bold** _it_ ~~s~~", True), ("\n\n# heading", True), ("😀", True), (" 3", None),
]  # fmt: skip
ANNOUNCED = re.compile(r"Using the default, `([^`]*)`\.$")


@dataclass(frozen=True)
class Control:
    key: str
    kind: str  # "int", "float", "choice", "bool"
    low: float = 0.0
    high: float = 0.0
    step: float = 1.0
    options: tuple[str, ...] = ()


def _bound_widgets(at: AppTest) -> dict[str, Any]:
    """query-parameter key -> the widget bound to it, over the whole rendered tree."""
    found: dict[str, Any] = {}

    def walk(node: Any) -> None:
        for child in getattr(node, "children", {}).values():
            walk(child)
        key = getattr(getattr(node, "proto", None), "query_param_key", "")
        if key:
            found[key] = node

    walk(at._tree)
    return found


def _control(key: str, w: Any) -> Control:
    if w.type in ("selectbox", "radio", "select_slider", "button_group"):
        return Control(key, "choice", options=tuple(str(o) for o in w.options))
    if w.type in ("toggle", "checkbox"):
        return Control(key, "bool")
    kind = "int" if isinstance(w.value, int) else "float"
    return Control(key, kind, float(w.min), float(w.max), float(w.step or 1))


def _discover(page: str | None, view: dict[str, str]) -> tuple[dict[str, Control], set[str], dict[str, str]]:
    """(every bound control, the keys shown by default, the link that reveals the others), in one view."""
    at = open_page(page, **view)
    controls = {k: _control(k, w) for k, w in _bound_widgets(at).items()}
    by_default = set(controls)
    reveal: dict[str, str] = {}
    for pick in (0, -1):
        link = {c.key: c.options[pick] for c in controls.values() if c.kind == "choice"}
        link |= {c.key: "true" for c in controls.values() if c.kind == "bool"}
        for k, w in _bound_widgets(open_page(page, **view, **link)).items():
            if k not in controls:
                controls[k] = _control(k, w)
                reveal = link
    return controls, by_default, reveal


def _number_text(c: Control, v: float) -> str:
    return str(int(v)) if c.kind == "int" else repr(v)


def _cases(c: Control, n: int) -> list[tuple[Any, bool | None]]:
    """A fixed-seed sample of n (link value, must_refuse) for the control: True refuse, False accept."""
    rng = random.Random(zlib.crc32(c.key.encode()))
    valid: list[str]
    wrong: list[str]
    if c.kind == "choice":
        valid = rng.sample(c.options, min(3, len(c.options)))
        o = rng.choice(c.options)
        wrong = [o.upper() if o.upper() != o else o + "x", o + "0", "true"]
    elif c.kind == "bool":
        valid = ["true", "false", "TRUE"]
        wrong = ["1", "yes", "0"]
    else:
        grid = round((c.high - c.low) / c.step)
        inside = c.low + c.step * rng.randint(0, grid)
        inside = round(inside) if c.kind == "int" else round(inside, 10)
        valid = [_number_text(c, c.low), _number_text(c, c.high), _number_text(c, inside)]
        if c.kind == "float":
            valid.append(repr(rng.uniform(c.low, c.high)))  # off the slider's grid: still the link's value
        else:
            valid.append(f"{inside}.0")  # a whole number written as a decimal
        wrong = [_number_text(c, c.high + c.step), _number_text(c, c.low - c.step), "1e308", "-1e308"]
        if c.kind == "int":
            wrong += [f"{c.low + 0.5}", f"{c.high}.000000000000000001"]
    # the values that broke pages before (issue 7), for every key: non-finite, huge, fractional, Markdown
    core: list[tuple[Any, bool | None]] = [(MARKDOWN, True), ("", True)]
    if c.kind in ("int", "float"):
        core = [(MARKDOWN, True), ("inf", True), ("1e999", True), ("9" * 10_000, True)]
        core.append((f"{c.low + 0.5}", True) if c.kind == "int" else ("nan", True))
    repeated = [
        ([valid[0], valid[0]], False),
        ([valid[0], valid[1]], True),
        ([rng.choice(HOSTILE)[0], valid[0]], True),
    ]
    cases = (
        [(v, False) for v in rng.sample(valid, 2)] + [(rng.choice(wrong), True), rng.choice(repeated)] + core
    )
    others = [h for h in HOSTILE if h not in cases]
    cases += rng.sample(others, max(0, n - len(cases)))
    rng.shuffle(cases)
    return cases[:n]


def _same(c: Control, shown: Any, text: str) -> bool:
    """Does the control's value equal `text`, a value in URL form?"""
    if c.kind == "choice":
        return str(shown) == text
    if c.kind == "bool":
        return str(shown).lower() == text.lower()
    try:
        return float(shown) == float(text)
    except ValueError:
        return False


def _notices(at: AppTest) -> dict[str, str]:
    """key -> the notice about that key's link value."""
    out = {}
    for w in at.warning:
        m = re.match(r"Ignored the link's `([^`=]*)=", w.value)
        if m:
            out[m.group(1)] = w.value
    return out


def _check_escaped(notice: str) -> None:
    """The echoed value sits in a code span it cannot close, shortened; outside the spans only our words."""
    spans = re.findall(r"`([^`]*)`", notice)
    assert notice.count("`") == 4 and len(spans) == 2, notice
    assert all(len(s) <= 80 and not re.search(r"\s", s) for s in spans), notice
    outside = re.sub(r"`[^`]*`", "", notice)
    assert not re.search(r"[\[\]<>!]|https?:|javascript:", outside.replace("Ignored the link's", "")), notice


def _check(
    at: AppTest, controls: dict[str, Control], link: dict[str, Any], expect: dict[str, bool | None]
) -> None:
    widgets, notices = _bound_widgets(at), _notices(at)
    for key, c in controls.items():
        if key not in link or key not in widgets:
            continue  # not on screen in this view (a conditional control)
        shown = widgets[key].value
        values = link[key] if isinstance(link[key], list) else [link[key]]
        where = f"{key}={str(values)[:60]!r}"
        must_refuse = expect[key]
        if c.kind == "choice" and must_refuse is not None and len(set(values)) == 1:
            # a choice's options can depend on other controls (resnet: the depths shown follow the sweep)
            must_refuse = values[0] not in [str(o) for o in widgets[key].options]
        if key in notices:
            assert must_refuse is not False, f"{where}: a valid value was refused: {notices[key]}"
            _check_escaped(notices[key])
            announced = ANNOUNCED.search(notices[key])
            assert announced, notices[key]
            assert _same(c, shown, announced.group(1)), (
                f"{where}: notice says {announced.group(1)}, control {shown!r}"
            )
            assert key not in at.query_params or _same(c, shown, at.query_params[key]), (
                f"{where}: still in URL"
            )
        else:
            assert must_refuse is not True, f"{where}: accepted silently, control shows {shown!r}"
            assert len(set(values)) == 1 and _same(c, shown, values[0]), f"{where}: control shows {shown!r}"


def _cheap(cfg: Any) -> Any:
    """The same config, cheaper to train: the bundled 8×8 digits, one epoch, at most 60 steps."""
    names = {f.name for f in fields(cfg)}
    changes: dict[str, Any] = {}
    if "dataset" in names:
        changes["dataset"] = "digits"
    if "epochs" in names:
        changes["epochs"] = 1
    if "steps" in names:
        changes["steps"] = min(cfg.steps, 60)
    return replace(cfg, **changes)


@pytest.fixture(scope="module")
def cheap_training():
    """Live training shortened for this module, for every registered experiment (the committed presets are
    not touched: a preset's view still loads its committed result)."""
    with pytest.MonkeyPatch.context() as mp:
        for name in EXPERIMENTS:
            module = get_experiment(name)
            real = module.run
            mp.setattr(module, "run", lambda cfg, on_step=None, real=real: real(_cheap(cfg), on_step))
        st.cache_data.clear()
        ui.clear_caches()  # live runs are shared through gradviz.ui's gate and caches
        yield
    st.cache_data.clear()  # nothing trained the cheap way outlives this module
    ui.clear_caches()


@pytest.mark.parametrize(("page", "section"), VIEWS, ids=lambda p: (p or "home").removeprefix("app_pages/"))
def test_every_link_value_is_refused_with_a_true_notice_or_shown_as_given(page, section, cheap_training):
    view = {} if section is None else {"section": section}
    controls, by_default, reveal = _discover(page, view)
    assert controls, f"{page}: no URL-bound controls found"
    if section is not None:
        lesson = next(les for les in available() if les.path == page)
        owned = lesson.section(section).keys
        assert by_default - set(lesson.keys) <= set(owned), f"{section}: keys not in the catalogue"
        assert set(owned) <= set(controls), f"{section}: catalogued keys not drawn"
        reveal = reveal | view
        if section != lesson.sections[0].slug:  # the page-wide controls: swept once, in the first section
            by_default -= set(lesson.keys)
            controls = {k: c for k, c in controls.items() if k not in lesson.keys}
    conditional = set(controls) - by_default
    sweeps = [(by_default, {}, CASES_PER_KEY)]
    if conditional:
        sweeps.append((conditional, reveal, CONDITIONAL_CASES))
    for keys, base, n in sweeps:
        cases = {k: _cases(controls[k], n) for k in keys}
        for i in range(n):
            link = dict(base) | view | {k: cases[k][i][0] for k in keys}
            at = open_page(page, **link)
            _check(at, {k: controls[k] for k in keys}, link, {k: cases[k][i][1] for k in keys})
