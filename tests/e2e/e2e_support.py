"""Helpers for the real-browser tests and the start-up benchmark (bench/bench_startup.py imports this).

- `app_pages()` lists every page the app navigates to, the way app.py builds its `PAGES`: the literal
  `st.Page("app_pages/x.py", ...)` entries plus the lessons from `gradviz.lessons.available()` (when app.py uses
  them), so a new lesson is covered as soon as its page file lands.
- `start_server` / `wait_healthy` / `stop_server`: `streamlit run app.py` headless on a free port, in its own
  process group, with GRADVIZ_DATA_DIR pointing at the real MNIST files beside the repo when they exist.
- `launch_chromium`: Debian's /usr/bin/chromium through Playwright (never `playwright install`).
"""

from __future__ import annotations

import ast
import contextlib
import importlib
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
APP = REPO_ROOT / "app.py"
ARTIFACTS = REPO_ROOT / "artifacts"
SCREENSHOTS = ARTIFACTS / "screenshots"
SERVER_LOG = ARTIFACTS / "streamlit-e2e.log"
COLD_SERVER_LOG = ARTIFACTS / "streamlit-e2e-cold.log"
SHARED_MNIST = REPO_ROOT.parent / "shared" / "data" / "mnist"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SERVER_FLAGS = ("--server.headless", "true")
SETUP_ATTEMPTS = 3  # starts of one server before a fixture gives up (the setup only, never a check)
HEALTH_TIMEOUT_S = 120  # a cold server imports streamlit, pandas and altair on a shared 2-core machine
VIEWPORT = {"width": 1400, "height": 1000}  # wide layout: sidebar plus a main column with room for charts
SCRIPT_DONE = "[data-testid='stApp'][data-test-script-state='notRunning']"  # "initial" until a first run


# -- which pages the app has --------------------------------------------------------------------------


@dataclass(frozen=True)
class AppPage:
    file: str  # relative to the repo root, e.g. "app_pages/deep_nets.py"
    url_path: str  # "/" for the default page, else "/<file stem>"
    heading: str | None  # the title text: first literal `page_header(...)` or `st.title(...)` string

    @property
    def name(self) -> str:
        return Path(self.file).stem


def _literal_pages(app_source: str) -> list[tuple[str, bool]]:
    """(file, is_default) for every `st.Page("<folder>/x.py", ...)` call with a literal path in app.py."""
    found = []
    for node in ast.walk(ast.parse(app_source)):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "Page"
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
            and node.args[0].value.endswith(".py")
        ):
            default = any(
                k.arg == "default" and isinstance(k.value, ast.Constant) and k.value.value is True
                for k in node.keywords
            )
            found.append((node.args[0].value, default))
    return found


def page_heading(path: Path) -> str | None:
    """The page's title: a lesson's from the catalogue (its page calls `ui.lesson_header(name, ...)`);
    otherwise the one passed to `page_header(...)` or `st.title(...)`, a literal string or a constant of a
    gradviz module the page imports (e.g. home's `words.TITLE`), read from that module."""
    sys.path.insert(0, str(REPO_ROOT))
    try:
        from gradviz import lessons  # stdlib only: cheap
    finally:
        sys.path.remove(str(REPO_ROOT))
    if path.stem in {lesson.name for lesson in lessons.LESSONS}:
        return lessons.lesson(path.stem).title
    tree = ast.parse(path.read_text(encoding="utf-8"))
    modules = {}  # local name -> module path, for `from gradviz.x import words [as w]`
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("gradviz"):
            for alias in node.names:
                modules[alias.asname or alias.name] = f"{node.module}.{alias.name}"
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call) or not node.args:
            continue
        name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", None)
        first = node.args[0]
        if name not in ("page_header", "title"):
            continue
        if isinstance(first, ast.Constant):
            return str(first.value)
        if (
            isinstance(first, ast.Attribute)
            and isinstance(first.value, ast.Name)
            and first.value.id in modules
        ):
            sys.path.insert(0, str(REPO_ROOT))
            try:
                module = importlib.import_module(modules[first.value.id])  # a words module: numpy only
            finally:
                sys.path.remove(str(REPO_ROOT))
            value = getattr(module, first.attr, None)
            return str(value) if isinstance(value, str) else None
    return None


def app_pages() -> list[AppPage]:
    source = APP.read_text(encoding="utf-8")
    entries = _literal_pages(source)
    if "gradviz.lessons" in source:  # app.py adds one st.Page per available lesson
        sys.path.insert(0, str(REPO_ROOT))
        try:
            from gradviz.lessons import available  # stdlib only: cheap
        finally:
            sys.path.remove(str(REPO_ROOT))
        entries += [(lesson.path, False) for lesson in available()]
    pages, seen = [], set()
    for file, default in entries:
        if file in seen:
            continue
        seen.add(file)
        path = REPO_ROOT / file
        heading = page_heading(path) if path.is_file() else None
        pages.append(AppPage(file, "/" if default else f"/{Path(file).stem}", heading))
    return pages


# -- the server ---------------------------------------------------------------------------------------


def free_port() -> int:
    """A free port: from GRADVIZ_BENCH_PORTS ("lo-hi") when set, else one the OS picks (bench/servers.py)."""
    sys.path.insert(0, str(REPO_ROOT / "bench"))
    try:
        from servers import free_port as pick
    finally:
        sys.path.remove(str(REPO_ROOT / "bench"))
    return pick()


def server_env() -> dict[str, str]:
    env = os.environ.copy()
    if "GRADVIZ_DATA_DIR" not in env and SHARED_MNIST.is_dir():
        env["GRADVIZ_DATA_DIR"] = str(SHARED_MNIST.resolve())
    return env


def start_server(
    port: int, log_path: Path, env: dict[str, str] | None = None, append: bool = False
) -> subprocess.Popen:
    """`streamlit run app.py` headless on `port`, in its own process group (so stop_server ends all of it).
    `append`: add to the log (a retried start keeps the first attempt's reason)."""
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with open(log_path, "ab" if append else "wb") as log:
        return subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", "app.py", *SERVER_FLAGS, "--server.port", str(port)],
            cwd=REPO_ROOT,
            env=env or server_env(),
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def wait_healthy(proc: subprocess.Popen, base_url: str, timeout: float = HEALTH_TIMEOUT_S) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"streamlit exited with code {proc.returncode} before it was healthy")
        try:
            with urllib.request.urlopen(f"{base_url}/_stcore/health", timeout=2) as r:
                if r.status == 200 and r.read().strip() == b"ok":
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.1)
    raise TimeoutError(f"streamlit was not healthy after {timeout:.0f} s")


def stop_server(proc: subprocess.Popen) -> None:
    if proc.poll() is not None:
        return
    try:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=10)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)


def log_tail(n: int = 40, path: Path = SERVER_LOG) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-n:])
    except OSError:
        return "(no server log)"


def launch_chromium(playwright):
    return playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)


MAX_SCREENSHOT_HEIGHT = 16_000  # px; Chromium refuses larger captures


def full_screenshot(page, path: Path) -> None:
    """A screenshot of the whole page. Streamlit scrolls inside its main area (and sidebar), not the
    document, so Playwright's full_page captures only the viewport: grow the viewport to fit instead."""
    height = page.evaluate(
        """() => Math.max(document.documentElement.scrollHeight,
            ...[...document.querySelectorAll("[data-testid='stMain'], [data-testid='stSidebarContent']")]
               .map(e => e.scrollHeight))"""
    )
    size = page.viewport_size or VIEWPORT
    page.set_viewport_size({"width": size["width"], "height": min(int(height), MAX_SCREENSHOT_HEIGHT)})
    page.wait_for_timeout(500)  # let charts re-measure after the resize
    path.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(path), full_page=True)
    page.set_viewport_size(size)


# Counts the script runs (and fragment runs) the page has finished, from the server's own messages: every
# run ends with a ForwardMsg whose field 6, `script_finished`, is a status (0 finished, 1 compile error,
# 2 stopped early because a rerun follows, 3 a fragment run finished). The page's WebSocket is wrapped so
# that a listener of ours runs after Streamlit's own for each message; on a finished run (status 0, 1 or 3)
# it waits one MessageChannel turn (React schedules its render the same way, before us, so it has
# committed by then) and a timer turn, then counts. Installed in every context before any page script
# (context.add_init_script), so no run can end before it counts.
#
# Not a MutationObserver on the app root's data-test-script-state: on a loaded machine the browser can
# take several of the server's messages in one turn, and React then renders "running" and "notRunning"
# in one commit, so the attribute never changes and a run that did happen is never counted (seen here:
# a tab click reran the page, the URL changed, and no change of the attribute was ever recorded).
RUN_COUNTER = """
window.__gvFinished = 0;
window.__gvSettled = 0;
(() => {
  const Native = window.WebSocket;
  // the status of a ForwardMsg's script_finished (field 6, a varint), or -1 when it has none
  const finished = (data) => {
    if (!(data instanceof ArrayBuffer)) return -1;
    const b = new Uint8Array(data);
    let i = 0;
    const varint = () => { let v = 0, m = 1, x; do { x = b[i++]; v += (x & 0x7f) * m; m *= 128; } while (x & 0x80 && i < b.length); return v; };
    while (i < b.length) {
      const key = varint(), field = Math.floor(key / 8), wire = key % 8;
      if (wire === 0) { const v = varint(); if (field === 6) return v; }
      else if (wire === 1) i += 8;
      else if (wire === 2) { const n = varint(); i += n; }  // not `i += varint()`: that adds to i's old value
      else if (wire === 5) i += 4;
      else return -1;
    }
    return -1;
  };
  const count = () => {
    const ch = new MessageChannel();
    ch.port1.onmessage = () => setTimeout(() => { window.__gvFinished += 1; }, 0);
    ch.port2.postMessage(0);
  };
  class Counted extends Native {
    constructor(...args) {
      super(...args);
      const add = this.addEventListener.bind(this);
      let ours = false;
      this.addEventListener = (type, listener, options) => {
        add(type, listener, options);
        if (type === "message" && !ours) {  // after Streamlit's listener, so its message is dispatched first
          ours = true;
          add("message", (event) => { const s = finished(event.data); if (s === 0 || s === 1 || s === 3) count(); });
        }
      };
    }
  }
  window.WebSocket = Counted;
  window.__gvScriptFinished = finished;  // for tests/e2e/test_browser.py's check of the parser
})();
"""
_NEW_RUN_DONE = (
    "() => window.__gvFinished > window.__gvSettled && "
    "document.querySelector(\"[data-testid='stApp']\")?.getAttribute('data-test-script-state') === 'notRunning'"
)


def settle(page, timeout_ms: int = 120_000) -> None:
    """After an interaction that reruns the script: wait until a run that ended after the last settle (or
    the page's first load) has ended and the script is idle again. No fixed pause: the wait is on the run
    counter (RUN_COUNTER), so a rerun that starts late is still waited for, and an interaction that
    reruns nothing fails here instead of letting the test read the old page."""
    page.wait_for_function(_NEW_RUN_DONE, timeout=timeout_ms)
    page.evaluate("() => { window.__gvSettled = window.__gvFinished; }")
