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


SETUP_ATTEMPTS = 3  # starts of the recipe before the fixture gives up (the setup only, never a check)


def stop_recipe(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGINT)  # what Ctrl-C sends
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def start_recipe(nginx: str, run_dir: Path) -> tuple[subprocess.Popen, str, list[int]]:
    """deploy/run.sh 2 on free ports, until its nginx front answers /_stcore/health; raises RuntimeError
    (run.sh exited, e.g. a port taken meanwhile) or TimeoutError, with run.sh stopped."""
    port, backends = free_port(), free_ports(2)
    env = server_env() | {
        "GRADVIZ_LISTEN": f"127.0.0.1:{port}",
        "GRADVIZ_BACKEND_PORT": str(backends[0]),
        "GRADVIZ_RUN_DIR": str(run_dir),
        "PYTHON": sys.executable,
        "NGINX": nginx,
    }
    with open(run_dir / "run.log", "ab") as log:
        proc = subprocess.Popen(
            ["bash", str(RUN_SH), "2"],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + START_TIMEOUT_S
    while True:
        if proc.poll() is not None:
            raise RuntimeError(f"deploy/run.sh exited ({proc.returncode})")
        try:
            if get(f"{url}/_stcore/health")[0] == 200:
                return proc, url, backends
        except OSError:
            pass
        if time.monotonic() > deadline:
            stop_recipe(proc)
            raise TimeoutError(f"nginx front not healthy after {START_TIMEOUT_S} s")
        time.sleep(0.3)


@pytest.fixture(scope="module")
def recipe(tmp_path_factory):
    nginx = nginx_or_skip()
    # Only this setup is retried, in a fresh run folder each time (the pid files must be this run's)
    for attempt in range(1, SETUP_ATTEMPTS + 1):
        run_dir = tmp_path_factory.mktemp("deploy")
        try:
            proc, url, backends = start_recipe(nginx, run_dir)
            break
        except (RuntimeError, TimeoutError) as e:
            if attempt == SETUP_ATTEMPTS:
                pytest.fail(f"{e} ({attempt} starts):\n{(run_dir / 'run.log').read_text(errors='replace')}")
    info = {"url": url, "run_dir": run_dir, "proc": proc, "backends": {f"127.0.0.1:{b}" for b in backends}}
    try:
        yield info
    finally:
        stop_recipe(proc)


def route_of(cookies: list[str]) -> str:
    (route_cookie,) = [c for c in cookies if c.startswith("gvroute=")]
    return route_cookie.split(";")[0].split("=", 1)[1]


def test_each_session_sticks_to_one_backend_over_http_and_websocket(recipe):
    url = recipe["url"]
    # A first visit without a cookie gets one (nginx's random $request_id: 32 hex digits) from the backend
    # that served it; a second one gets another.
    _, headers, cookies = get(f"{url}/")
    first = route_of(cookies)
    assert len(first) == 32 and set(first) <= set("0123456789abcdef") and headers["X-Gradviz-Backend"] in recipe["backends"]
    assert route_of(get(f"{url}/")[2]) != first
    # Which backend a cookie picks is nginx's consistent hash of it: a fixed function of the cookie and the
    # backends' addresses, so these cookies (not random ones) are sent until both backends have been seen:
    # the same cookies and ports give the same answer every run.
    seen = {headers["X-Gradviz-Backend"]: first}
    for i in range(256):
        route = f"{i:032x}"
        seen.setdefault(get(f"{url}/", cookie=route)[1]["X-Gradviz-Backend"], route)
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
    deadline = time.monotonic() + 60  # a bound: run.sh waits for its children before it exits
    while time.monotonic() < deadline and any(Path(f"/proc/{p}").exists() for p in pids):
        time.sleep(0.2)
    assert not [p for p in pids if Path(f"/proc/{p}").exists()], "run.sh left processes running"
