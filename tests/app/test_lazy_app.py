"""A visit sends what is on screen (issue 16): a chart's "Download" menu and a section's "Show the code" are
lazy (a popover and an expander with on_change="rerun"), so a visit sends one closed element for each and
none of their buttons or listings; opened, they hold them. Checked on every lesson page's default view."""

from __future__ import annotations

import pytest
from apptest_support import open_menus, open_page, user_key

from gradviz.lessons import available

LESSONS = [lesson.path for lesson in available()]


def _code_expanders(at) -> list[str]:
    """The keys of the page's lazy "Show the code" expanders (a lazy expander's proto carries its widget id)."""
    return [user_key(e.proto.id) for e in at.expander if e.proto.id and e.label == "Show the code"]


def _narrow_charts(node, inside: bool = False) -> int:
    """How many charts sit in a "gv-narrow-" container (a chart's stacked variant for phones) under `node`."""
    n = 0
    for child in getattr(node, "children", {}).values():
        if child.type == "vega_lite_chart":
            n += inside
        else:
            proto_id = getattr(getattr(child, "proto", None), "id", "") or ""
            n += _narrow_charts(child, inside or "gv-narrow-" in str(proto_id))
    return n


@pytest.mark.parametrize("path", LESSONS, ids=[p.split("/")[-1] for p in LESSONS])
def test_menus_and_code_are_sent_only_when_opened(path):
    at = open_page(path)
    assert at.get("vega_lite_chart"), "a lesson's default view draws a chart"
    assert not at.get("download_button")  # every download sits in a closed menu
    assert not at.get("code")  # every listing sits in a closed expander
    at = open_menus(at)
    labels = [b.proto.label for b in at.get("download_button")]
    # one menu a chart (a chart's stacked variant for phones, in a "gv-narrow-" container, shares its menu)
    narrow = _narrow_charts(at._tree)
    assert labels.count("PNG (2×)") == labels.count("SVG") == len(at.get("vega_lite_chart")) - narrow
    keys = _code_expanders(at)
    if not keys:  # this lesson's first section lists no code (the test below checks one that does)
        return
    for key in keys:
        at.session_state[key] = True
    at.run()
    listings = at.get("code")
    assert len(listings) >= len(keys) and all(
        "def " in c.proto.code_text or "class " in c.proto.code_text for c in listings
    )


def test_a_page_that_lists_code_sends_it_only_when_opened():
    at = open_page("app_pages/deep_nets.py")
    assert _code_expanders(at) and not at.get("code")
