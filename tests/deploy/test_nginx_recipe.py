"""deploy/run.sh: streamlit processes behind nginx, each browser kept on one process by a cookie.

Starts the recipe with 2 backends (the app itself), then, as browsers do: GET a page without cookies
(nginx sets `gvroute`), more HTTP requests and the websocket (/_stcore/stream) with that cookie. Checks
that every request of one session reaches one backend (nginx names it in X-Gradviz-Backend), that
sessions land on both backends, that a page renders through nginx without an exception, that both
backends share one cookie secret, and that stopping run.sh stops every process it started.
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

import st_client as sc  # noqa: E402
from servers import free_port, free_ports, server_env  # noqa: E402

pytestmark = pytest.mark.deploy
RUN_SH = ROOT / "deploy" / "run.sh"
START_TIMEOUT_S = 180  # two cold streamlit processes on a shared 2-core machine


def nginx_or_skip() -> str:
    found = shutil.which("nginx") or next((p for p in ("/usr/sbin/nginx",) if Path(p).is_file()), None)
    if found:
        return found
    why = "nginx is not installed (apt-get install -y nginx)"
    if os.environ.get("CI"):
        pytest.fail(f"{why}; CI is set, so the deploy recipe must be tested", pytrace=False)
    pytest.skip(why)


def get(url: str, cookie: str | None = None) -> tuple[int, dict[str, str], list[str]]:
    req = urllib.request.Request(url, headers={"Cookie": f"gvroute={cookie}"} if cookie else {})
    with urllib.request.urlopen(req, timeout=30) as r:
        r.read()
        return r.status, dict(r.headers), r.headers.get_all("Set-Cookie") or []


@pytest.fixture(scope="module")
def recipe(tmp_path_factory):
    nginx = nginx_or_skip()
    run_dir = tmp_path_factory.mktemp("deploy")
    port, backends = free_port(), free_ports(2)
    env = server_env() | {
        "GRADVIZ_LISTEN": f"127.0.0.1:{port}",
        "GRADVIZ_BACKEND_PORT": str(backends[0]),
        "GRADVIZ_RUN_DIR": str(run_dir),
        "PYTHON": sys.executable,
        "NGINX": nginx,
    }
    log = open(run_dir / "run.log", "wb")  # noqa: SIM115 - closed below
    proc = subprocess.Popen(
        ["bash", str(RUN_SH), "2"],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}"
    info = {"url": url, "run_dir": run_dir, "proc": proc, "backends": {f"127.0.0.1:{b}" for b in backends}}
    try:
        deadline = time.monotonic() + START_TIMEOUT_S
        while True:
            if proc.poll() is not None:
                pytest.fail(f"deploy/run.sh exited ({proc.returncode}):\n{(run_dir / 'run.log').read_text()}")
            try:
                if get(f"{url}/_stcore/health")[0] == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"nginx front not healthy after {START_TIMEOUT_S} s")
            time.sleep(0.3)
        yield info
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGINT)  # what Ctrl-C sends
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
        log.close()


def test_each_session_sticks_to_one_backend_over_http_and_websocket(recipe):
    url, seen = recipe["url"], {}
    for _ in range(24):  # random cookies: both backends are seen long before this (P(miss) = 2^-23)
        _, headers, cookies = get(f"{url}/")
        (route_cookie,) = [c for c in cookies if c.startswith("gvroute=")]
        route = route_cookie.split(";")[0].split("=", 1)[1]
        seen.setdefault(headers["X-Gradviz-Backend"], route)
        if len(seen) == 2:
            break
    assert set(seen) == recipe["backends"], seen

    for backend, route in seen.items():
        for path in ("/", "/_stcore/health", "/_stcore/host-config", "/deep_nets?depth=3"):
            _, headers, cookies = get(f"{url}{path}", cookie=route)
            assert headers["X-Gradviz-Backend"] == backend, path
            assert not [c for c in cookies if c.startswith("gvroute=")], "nginx replaced the route cookie"

        async def session(route=route) -> sc.Session:
            s = sc.Session(url, timeout=120)
            s.cookies["gvroute"] = route
            await s.open("", "")
            runs = [await s.rerun() for _ in range(2)]
            await s.close()
            assert all(r.ok for r in runs), [(r.status, r.exceptions) for r in runs]
            return s

        s = sc.run_sync(session())
        assert s.http_upstream == backend and s.upstream == backend  # the websocket's handshake too


def test_a_lesson_renders_through_nginx_without_exception(recipe):
    from gradviz.lessons import available

    lesson = Path(available()[0].path).stem
    runs, _ = sc.run_sync(sc.visits_at_once([f"{recipe['url']}/", f"{recipe['url']}/{lesson}"], timeout=300))
    for run in runs:
        assert run.ok, (run.status, run.exceptions)
        assert run.elements > 5


def test_backends_share_one_cookie_secret(recipe):
    secrets = set()
    for pid_file in sorted(recipe["run_dir"].glob("streamlit-*.pid")):
        environ = Path(f"/proc/{pid_file.read_text().strip()}/environ").read_bytes().split(b"\0")
        secrets |= {e for e in environ if e.startswith(b"STREAMLIT_SERVER_COOKIE_SECRET=")}
    assert len(secrets) == 1 and len(next(iter(secrets))) > len("STREAMLIT_SERVER_COOKIE_SECRET=") + 16


def test_stopping_run_sh_stops_everything_it_started(recipe):
    """Last in this module: stops the recipe (SIGINT, as Ctrl-C) and checks no process is left."""
    pids = [int(p.read_text()) for p in recipe["run_dir"].glob("*.pid")]  # the backends and nginx's master
    assert len(pids) == 3, pids
    recipe["proc"].send_signal(signal.SIGINT)
    recipe["proc"].wait(timeout=30)
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline and any(Path(f"/proc/{p}").exists() for p in pids):
        time.sleep(0.2)
    assert not [p for p in pids if Path(f"/proc/{p}").exists()], "run.sh left processes running"
