"""Shared by the AppTest files: open the app on a page, with URL parameters, as a student's link would."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parents[2] / "app.py")


def open_page(page: str | None = None, timeout: float = 300, **params: str) -> AppTest:
    """Run app.py (the router) with `params` in the URL, then switch to `page` (None: stay on home)."""
    at = AppTest.from_file(APP, default_timeout=timeout)
    for k, v in params.items():
        at.query_params[k] = v
    at.run()
    if page:
        at.switch_page(page).run()
    return at
