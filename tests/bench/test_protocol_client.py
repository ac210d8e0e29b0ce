"""The classroom benchmark's client (bench/st_client.py) against a real `streamlit run` server.

A tiny app of two pages behind st.navigation: the benchmark's floor page (a slider in a fragment and a
metric) and a page that raises. Checks that the client speaks the protocol the way the front end does
(two sessions at once reach script_finished with no exception, a slider moved inside its fragment re-runs
that fragment with the new value) and that its exception detector can fail: the raising page is reported.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "bench"))

import st_client as sc  # noqa: E402
from servers import Streamlit  # noqa: E402

TIMEOUT_S = 300  # a bound on one session's wait on a loaded machine, never a measured time
APP = """
import streamlit as st

st.navigation([st.Page("floor_app.py", title="Floor", default=True), st.Page("boom.py", title="Boom")]).run()
"""
BOOM = """
import streamlit as st

st.title("Boom")
raise ValueError("the detector must see this")
"""


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> str:
    app_dir = tmp_path_factory.mktemp("floor")
    (app_dir / "app.py").write_text(APP)
    (app_dir / "boom.py").write_text(BOOM)
    shutil.copy(ROOT / "bench" / "floor_app.py", app_dir / "floor_app.py")
    with Streamlit(app_dir / "app.py", watcher="none", cwd=app_dir) as s:
        yield s.url


def test_two_sessions_at_once_finish_without_exception(server):
    runs, _ = sc.run_sync(sc.visits_at_once([f"{server}/", f"{server}/?n=7"], timeout=TIMEOUT_S))
    assert [r.status for r in runs] == ["FINISHED_SUCCESSFULLY"] * 2
    assert [r.exceptions for r in runs] == [[], []]
    assert all(r.ok for r in runs)
    # The query string reached the server as the front end sends it: the URL-bound slider read n=7.
    assert [r.metrics for r in runs] == [["n squared=100"], ["n squared=49"]]
    (slider,) = runs[0].widgets
    assert slider.kind == "slider" and slider.fragment_id  # drawn inside the fragment


def test_a_slider_moved_reruns_its_fragment_with_the_new_value(server):
    async def move() -> tuple[sc.Run, sc.Run]:
        first, session = await sc.visit(f"{server}/", timeout=TIMEOUT_S, keep=True)
        (slider,) = first.widgets
        moved = await session.rerun([slider.moved_state(1)], fragment_id=slider.fragment_id)
        await session.close()
        return first, moved

    first, moved = sc.run_sync(move())
    assert first.ok and moved.ok
    assert moved.status == "FINISHED_FRAGMENT_RUN_SUCCESSFULLY"
    assert moved.metrics == ["n squared=121"]  # 10 moved one step to 11


def test_an_exception_on_the_page_is_detected(server):
    run, _ = sc.run_sync(sc.visit(f"{server}/boom", timeout=TIMEOUT_S))
    assert not run.ok
    assert any("ValueError" in e and "the detector must see this" in e for e in run.exceptions), (
        run.exceptions
    )


def test_an_unknown_page_is_not_a_success(server):
    run, _ = sc.run_sync(sc.visit(f"{server}/no_such_page", timeout=TIMEOUT_S))
    assert not run.ok
