"""A precomputed view renders without importing torch (each page in a fresh process).

Many sessions missing every cache at once is checked where the app runs, on a real `streamlit run`
server: tests/bench/test_classroom_server.py (AppTests in threads of one process share Streamlit's
test-harness state, which is not thread-safe, so such a test could fail where the app is fine).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from apptest_support import APP

from gradviz import lessons

SHARED_MNIST = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "mnist"
PAGES = [None] + [lesson.path for lesson in lessons.available()]

# One process visits every page in turn, each in an AppTest of its own, and reports after each page whether
# torch is loaded by then. Once a page has loaded torch the rest would prove nothing there, so they get a
# fresh process: every page is judged in a process where no page before it loaded torch, with one
# interpreter start for all of them when none does.
VISIT_ALL = r"""
import json, sys
from streamlit.testing.v1 import AppTest
app, pages = sys.argv[1], json.loads(sys.argv[2])
for page in pages:
    at = AppTest.from_file(app, default_timeout=240)
    at.run()
    if page:
        at.switch_page(page).run()
    texts = [str(getattr(p, "text", "")) for p in at.get("progress")]
    record = {"page": page, "exceptions": [str(e.value) for e in at.exception],
              "training": [t for t in texts if "Training" in t], "torch": "torch" in sys.modules}
    print("RESULT " + json.dumps(record), flush=True)
    if record["torch"]:
        break
"""


@pytest.fixture(scope="module")
def precomputed_visits() -> dict[str | None, dict]:
    """Page -> what its visit showed: exceptions, live-training progress bars, whether torch was loaded."""
    from gradviz import data

    if not all(f.is_file() for f in data.mnist_files(SHARED_MNIST)):
        pytest.skip(f"the real MNIST files are not at {SHARED_MNIST}")
    env = os.environ | {data.ENV_VAR: str(SHARED_MNIST)}
    records: dict[str | None, dict] = {}
    remaining = list(PAGES)
    while remaining:
        out = subprocess.run(
            [sys.executable, "-c", VISIT_ALL, APP, json.dumps(remaining)],
            capture_output=True,
            text=True,
            env=env,
            timeout=1800,  # a bound on a hang, not a measured time
        )
        for line in out.stdout.splitlines():
            if line.startswith("RESULT "):
                record = json.loads(line[len("RESULT ") :])
                records[record["page"]] = record
        if remaining[0] not in records:  # the process failed on this page: say why, go on with the next
            records[remaining[0]] = {"error": out.stdout[-2000:] + out.stderr[-3000:]}
        remaining = [p for p in remaining if p not in records]
    return records


@pytest.mark.parametrize("page", PAGES, ids=[p or "home" for p in PAGES])
def test_a_precomputed_view_renders_without_torch(page, precomputed_visits):
    record = precomputed_visits[page]
    assert "error" not in record, record.get("error")
    assert record["exceptions"] == []
    assert record["training"] == [], "a precomputed view trained live"
    assert record["torch"] is False, f"{page or 'home'} imported torch"
