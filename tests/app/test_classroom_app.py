"""A precomputed view renders without importing torch (each page in a fresh process).

Many sessions missing every cache at once is checked where the app runs, on a real `streamlit run`
server: tests/bench/test_classroom_server.py (AppTests in threads of one process share Streamlit's
test-harness state, which is not thread-safe, so such a test could fail where the app is fine).
"""

from __future__ import annotations

import subprocess
import sys

import pytest
from apptest_support import APP

from gradviz import lessons

PAGES = [None] + [lesson.path for lesson in lessons.available()]


@pytest.mark.parametrize("page", PAGES, ids=[p or "home" for p in PAGES])
def test_a_precomputed_view_renders_without_torch(page, mnist_dir):
    switch = f"at.switch_page({page!r}).run(); " if page else ""
    code = (
        "import sys; from streamlit.testing.v1 import AppTest; "
        f"at = AppTest.from_file({APP!r}, default_timeout=240); at.run(); {switch}"
        "assert not at.exception, [e.value for e in at.exception]; "
        "assert not any('Training' in str(getattr(p, 'text', '')) for p in at.get('progress')); "
        "print('torch' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert out.stdout.strip().endswith("False"), out.stdout + out.stderr[-3000:]
