"""Real-browser fixtures: a `streamlit run app.py` server on a free port and Debian's Chromium via Playwright.

- `app_url` (session): starts the server (see e2e_support.start_server), waits for GET /_stcore/health,
  and kills it in a `finally`. Only this setup is retried (a new port, at most SETUP_ATTEMPTS starts).
- `cold_app_url`: a server of its own for one test, never visited before (what a shared link meets after
  the app has been asleep).
- `browser` (session): Debian's /usr/bin/chromium, never a downloaded one (`playwright install` is not used).
  Without Chromium or Playwright the tests skip locally and FAIL when the environment variable CI is set.

The server's output goes to artifacts/streamlit-e2e.log; screenshots to artifacts/screenshots/.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from e2e_support import (
    CHROMIUM,
    COLD_SERVER_LOG,
    SCREENSHOTS,
    SERVER_LOG,
    SETUP_ATTEMPTS,
    free_port,
    launch_chromium,
    log_tail,
    start_server,
    stop_server,
    wait_healthy,
)


def _unavailable(why: str) -> None:
    """Skip locally; in CI a missing browser is a failure, never a silent skip."""
    if os.environ.get("CI"):
        pytest.fail(f"{why} (CI is set, so the browser test must run)", pytrace=False)
    pytest.skip(why)


@contextlib.contextmanager
def _served(log_path) -> Iterator[str]:
    """`streamlit run app.py` on a free port, healthy, logging to `log_path`; stopped afterwards."""
    if not CHROMIUM.is_file():
        _unavailable(f"no Chromium at {CHROMIUM} (apt-get install -y chromium)")
    proc, base = None, ""
    try:
        # The setup alone is retried, at most SETUP_ATTEMPTS starts: a port found free can be taken before
        # streamlit binds it, and a cold start can stall on a loaded machine. Never the test's checks.
        for attempt in range(1, SETUP_ATTEMPTS + 1):
            port = free_port()
            base = f"http://127.0.0.1:{port}"
            proc = start_server(port, log_path, append=attempt > 1)
            try:
                wait_healthy(proc, base)
                break
            except (RuntimeError, TimeoutError) as e:
                stop_server(proc)
                if attempt == SETUP_ATTEMPTS:
                    pytest.fail(
                        f"{e} ({attempt} starts)\n--- server log ---\n{log_tail(path=log_path)}",
                        pytrace=False,
                    )
        yield base
    finally:
        if proc is not None:
            stop_server(proc)


@pytest.fixture(scope="session")
def app_url() -> Iterator[str]:
    with _served(SERVER_LOG) as base:
        yield base


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    if not CHROMIUM.is_file():
        _unavailable(f"no Chromium at {CHROMIUM} (apt-get install -y chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("Playwright for Python is not installed (pip install -r requirements-dev.txt)")
    with sync_playwright() as pw:
        b = launch_chromium(pw)
        try:
            yield b
        finally:
            b.close()


@pytest.fixture(scope="session")
def screenshots_dir() -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS


@pytest.fixture
def cold_app_url() -> Iterator[str]:
    """A server of its own that nobody has visited yet (the state a shared link meets after a cold start)."""
    with _served(COLD_SERVER_LOG) as base:
        yield base
