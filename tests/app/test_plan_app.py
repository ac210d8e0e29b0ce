"""The lesson plan: 50 minutes in all, and every step's link opens the view it names: AppTest opens the page
with the link's parameters, and the controls bound to those URL keys show those values, the section's
heading is on the page, and so is the question the step polls."""

from __future__ import annotations

import math

import pytest
from apptest_support import open_page

from gradviz import lessons, plan
from gradviz.lessons import available


def test_the_plan_takes_fifty_minutes_through_all_five_lessons():
    spans = list(plan.schedule())
    assert spans[0][0] == 0 and spans[-1][1] == plan.TOTAL_MINUTES == 50
    assert all(a[1] == b[0] for a, b in zip(spans, spans[1:], strict=False))
    pages = {s.file for s in plan.STEPS}
    assert {lesson.path for lesson in available()} <= pages


def _bound(at) -> dict[str, object]:
    """query-parameter key -> the widget bound to it."""
    found = {}
    stack = [at._tree]
    while stack:
        node = stack.pop()
        key = getattr(getattr(node, "proto", None), "query_param_key", "")
        if key:
            found[key] = node
        stack.extend(getattr(node, "children", {}).values())
    return found


def _same(widget, text: str) -> bool:
    value = widget.value
    if isinstance(value, bool):
        return str(value).lower() == text.lower()
    if isinstance(value, (int, float)):
        return math.isclose(float(value), float(text), rel_tol=0, abs_tol=1e-9)
    return str(value) == text


@pytest.mark.parametrize("step", plan.STEPS, ids=lambda s: s.title)
def test_every_plan_link_opens_the_view_it_names(step, mnist_dir):
    at = open_page(None if step.page == "" else step.file, **step.query)
    bound = _bound(at)
    for key, text in step.params:
        if key == "section":  # the lesson's open section: its heading is checked below
            assert any(s.slug == text for s in lessons.lesson(step.page).sections), (
                f"{step.title}: no section {text}"
            )
            continue
        assert key in bound, f"{step.title}: no control bound to ?{key}= on {step.file}"
        assert _same(bound[key], text), f"{step.title}: ?{key}={text} shows {bound[key].value!r}"
        assert not [w for w in at.warning if f"{key}=" in w.value], "the link's value was refused"
    if step.section:
        headings = [h.value for kind in ("header", "subheader") for h in getattr(at, kind)]
        assert step.section in headings, f"{step.title}: no section {step.section!r} in {headings}"
    if step.question_key:
        assert [r for r in at.radio if r.key == f"{step.question_key}-guess"], (
            f"{step.title}: no {step.question_key}"
        )


def test_the_plan_page_lists_every_step_with_its_link():
    at = open_page("app_pages/plan.py")
    assert at.title[0].value == "A 50-minute lesson plan"
    captions = [c.value for c in at.caption]
    for step in plan.STEPS:
        url = (
            "http://localhost:8501/"
            + step.page
            + ("?" + "&".join(f"{k}={v}" for k, v in step.params) if step.params else "")
        )
        assert url in captions, url
