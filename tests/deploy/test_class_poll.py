"""The class poll under a class's load and faults, through the real server (bench/st_client.py's websocket
client speaks to Streamlit as a browser does; bench/bench_class_poll.py prints the same waves' figures):

- thirty sessions answering in the same instant, then all changing their answer in the same instant, lose no
  answer and double none: one process, and two processes behind deploy/run.sh's nginx sharing one SQLite file;
- a poll survives a server restart on SQLite (answers kept, the class still found, new answers counted).

Checked against the database afterwards (exact counts per option, one row per session). Nothing is timed.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "bench"))

import bench_class_poll as bcp  # noqa: E402
from servers import Streamlit, free_port, free_ports, server_env  # noqa: E402

from gradviz.poll import store as poll_store  # noqa: E402

N = 30


@pytest.fixture
def db(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'classes.sqlite'}"
    monkeypatch.setenv(poll_store.URL_ENV, url)  # every server started below inherits it
    engine = poll_store.make_engine(url)
    yield poll_store.Store(engine)
    engine.dispose()


def _check(waves: list[dict]) -> None:
    assert [w["ok"] for w in waves if "refresh" in w] == [N]  # the idle refreshes ran too
    for w in (w for w in waves if "refresh" not in w):
        assert w["ok"] == N, w["failures"][:3]
        assert w["exact"], "the stored counts differ from the answers sent"
        assert w["stored"] == N, "an answer was lost or doubled"


def test_thirty_answers_at_once_lose_nothing_and_double_nothing(db):
    code, _ = db.create_class()
    with Streamlit(ROOT / "app.py", watcher="none") as server:
        waves = bcp.run(bcp.class_waves(server.url, db, code, N))
    bcp.report("one process", N, waves)
    _check(waves)


def test_a_poll_survives_a_server_restart(db):
    code, _ = db.create_class()
    port = free_port()

    async def before(base):
        students = await bcp.join(base, code, 2)
        runs, _ = await bcp.answer_at_once(students, [bcp.OPTIONS[0], bcp.OPTIONS[1]])
        await bcp.leave(students)
        return runs

    async def after(base):
        [student] = await bcp.join(base, code, 1)  # join asserts the class poll is on the page: class found
        runs, _ = await bcp.answer_at_once([student], [bcp.OPTIONS[1]])
        await bcp.leave([student])
        return runs

    with Streamlit(ROOT / "app.py", watcher="none", port=port) as server:
        assert all(r.ok for r in bcp.run(before(server.url)))
    with Streamlit(ROOT / "app.py", watcher="none", port=port) as server:  # a new process, the same file
        assert all(r.ok for r in bcp.run(after(server.url)))
    counts = dict(db.tally(code, bcp.QUESTION_ID, bcp.OPTIONS).counts)
    assert counts[bcp.OPTIONS[0]] == 1 and counts[bcp.OPTIONS[1]] == 2 and db.answer_count(code) == 3


# -- two processes behind nginx -----------------------------------------------------------------------------


def _nginx() -> str:
    found = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").is_file() else None)
    if found:
        return found
    if os.environ.get("CI"):
        pytest.fail("nginx is not installed; CI is set, so the deploy recipe must be tested", pytrace=False)
    pytest.skip("nginx is not installed (apt-get install -y nginx)")


def _get(url: str, cookie: str | None = None) -> tuple[str, str | None]:
    """(backend nginx chose, the gvroute cookie it set, if any)."""
    req = urllib.request.Request(url, headers={"Cookie": f"gvroute={cookie}"} if cookie else {})
    with urllib.request.urlopen(req, timeout=30) as r:
        r.read()
        route = next((c.split(";")[0].split("=", 1)[1] for c in r.headers.get_all("Set-Cookie") or [] if c.startswith("gvroute=")), None)  # fmt: skip
        return r.headers["X-Gradviz-Backend"], route


@pytest.mark.deploy
def test_two_processes_behind_nginx_share_one_poll(db, tmp_path):
    nginx = _nginx()
    code, _ = db.create_class()
    port, backends = free_port(), free_ports(2)
    env = server_env() | {
        "GRADVIZ_LISTEN": f"127.0.0.1:{port}", "GRADVIZ_BACKEND_PORT": str(backends[0]),
        "GRADVIZ_RUN_DIR": str(tmp_path / "run"), "PYTHON": sys.executable, "NGINX": nginx,
    }  # fmt: skip
    (tmp_path / "run").mkdir()
    log = open(tmp_path / "run.log", "wb")  # noqa: SIM115 - closed below
    proc = subprocess.Popen(
        ["bash", str(ROOT / "deploy" / "run.sh"), "2"], env=env, stdout=log, stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL, start_new_session=True,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 180
        while True:  # until nginx answers the health check (setup: bounded by the deadline)
            assert proc.poll() is None, (tmp_path / "run.log").read_text()
            assert time.monotonic() < deadline, "deploy/run.sh not healthy after 180 s"
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=5) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            time.sleep(0.3)
        routes: dict[str, str] = {}
        for _ in range(40):  # a cookie per backend (bounded: setup only)
            backend, route = _get(f"{url}/")
            if route:
                routes.setdefault(backend, route)
            if len(routes) == 2:
                break
        assert set(routes) == {f"127.0.0.1:{b}" for b in backends}, routes
        waves = bcp.run(bcp.class_waves(url, db, code, N, routes=list(routes.values())))
        bcp.report("two processes behind nginx", N, waves)
        _check(waves)
        assert waves[0]["upstreams"] == sorted(routes), "both processes took answers"
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGINT)
            try:
                proc.wait(timeout=40)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
        log.close()
