"""A class on one server: many sessions missing every cache at the same moment raise nothing.

Runs where the app runs: a real `streamlit run app.py` process, freshly started (nothing computed, an empty
user cache, no source watcher), and one websocket session per student speaking Streamlit's own protocol
(bench/st_client.py). Every session loads its page and connects first; then every session's rerun request
is sent, back to back, before any answer is read, so their script runs overlap and miss together what a
fresh server has not yet computed: code versions, precomputed results, built charts and specs, cached
helpers, and live runs (the gate). Each session's page must finish (script_finished) with its title and no
exception element in its deltas.

The check can fail on a concurrency-only bug: a fixture page of this folder (racy_app/, not in the app)
raises only when two sessions interleave, and is made to interleave for certain. The same check passes
it visit by visit and catches it when the class arrives at once.
"""

from __future__ import annotations

import sys
from pathlib import Path
from urllib.parse import urlencode

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "bench"))

import st_client as sc  # noqa: E402
from servers import Streamlit  # noqa: E402

from gradviz import lessons  # noqa: E402
from gradviz.lessons.home import words as home_words  # noqa: E402

RACY_APP = Path(__file__).resolve().parent / "racy_app" / "page.py"
TIMEOUT_S = 900.0  # a bound on one session's wait (live runs queue behind each other on a loaded machine)

VISITS = [
    # deep nets: presets (precomputed) and small live runs, all different but two
    ("deep_nets", {}),
    ("deep_nets", {"activation": "relu", "init": "he"}),
    ("deep_nets", {"activation": "tanh"}),
    ("deep_nets", {"init": "glorot"}),
    ("deep_nets", {"depth": "12"}),
    ("deep_nets", {"depth": "1", "width": "16", "epochs": "1", "seed": "901"}),
    ("deep_nets", {"depth": "2", "width": "16", "epochs": "1", "seed": "902"}),
    ("deep_nets", {"depth": "2", "width": "16", "epochs": "1", "seed": "902"}),  # the same: one run, two waiters
    # the analytic lesson: cached helpers and charts, different settings
    ("rnn_dynamics", {}),
    ("rnn_dynamics", {"map_r": "3.9", "unit_w": "5.0", "cliff_T": "50", "many_rho": "1.2"}),
    ("rnn_dynamics", {"chain_w": "1.1", "unit_form": "sigmoid", "many_n": "8"}),
    # clipping: the precomputed default and a cliff elsewhere
    ("clipping", {}),
    ("clipping", {"w0": "1.5", "b0": "-0.5", "gx": "3.0"}),
    # the other lessons' default views
    ("lstm", {}),
    ("resnet", {}),
    # home, reached directly and with a link's settings
    ("", {}),
    ("", {"factor": "0.9", "T": "80"}),
]
TITLES = {Path(lesson.path).stem: lesson.title for lesson in lessons.available()}  # a page's title starts so
TITLES[""] = home_words.TITLE


def urls(base: str, visits) -> list[str]:
    return [f"{base}/{page}" + (f"?{urlencode(params)}" if params else "") for page, params in visits]


def problems(runs: list[sc.Run], urls: list[str], titles: list[str] | None = None) -> list[str]:
    """What the check reports: every session whose page did not finish, that received an exception, or
    (given `titles`) whose page's first heading is not its title."""
    found = []
    for i, (url, run) in enumerate(zip(urls, runs, strict=True)):
        if run.status != "FINISHED_SUCCESSFULLY":
            found.append(f"{url}: the page did not finish ({run.status})")
        found += [f"{url}: {e}" for e in run.exceptions]
        if titles is not None and not run.headings.get("", "").startswith(titles[i]):
            found.append(f"{url}: first heading {run.headings.get('')!r}, not the page's title {titles[i]!r}")
    return found


def class_at_once(urls: list[str], titles: list[str] | None = None) -> list[str]:
    return problems(sc.run_sync(sc.class_at_once(urls, timeout=TIMEOUT_S)), urls, titles)


def one_by_one(urls: list[str]) -> list[str]:
    return problems([sc.run_sync(sc.visit(u, timeout=TIMEOUT_S))[0] for u in urls], urls)


@pytest.fixture
def fresh_cache(tmp_path, monkeypatch):
    """An empty user cache folder for the server (platformdirs reads XDG_CACHE_HOME)."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))


def test_a_class_missing_every_cache_at_once_raises_nothing(mnist_dir, fresh_cache, tmp_path):
    visits = [v for v in VISITS if v[0] in TITLES]
    assert len(visits) >= 15, "fewer pages than the class needs"
    with Streamlit(ROOT / "app.py", watcher="none", log=tmp_path / "streamlit.log") as server:
        found = class_at_once(urls(server.url, visits), titles=[TITLES[page] for page, _ in visits])
    log = (tmp_path / "streamlit.log").read_text(errors="replace")
    assert found == [], "\n".join(found) + "\n--- server log ---\n" + log[-4000:]


@pytest.fixture(scope="module")
def racy_server(tmp_path_factory):
    log = tmp_path_factory.mktemp("racy") / "streamlit.log"
    with Streamlit(RACY_APP, watcher="none", cwd=RACY_APP.parent, log=log) as server:
        yield server.url


def test_the_racy_fixture_is_fine_one_session_at_a_time(racy_server):
    assert one_by_one([f"{racy_server}/?name=alone"] * 3) == []


def test_the_check_catches_an_exception_only_concurrency_raises(racy_server):
    n = len(VISITS)  # a class as large as the app's above
    class_urls = [f"{racy_server}/?name=together&class={n}"] * n
    found = class_at_once(class_urls)
    # one session registered first; every other one passed the same check before it and then raised
    assert len(found) == n - 1, found
    assert all("ValueError: 'together' is already registered" in f for f in found), found
