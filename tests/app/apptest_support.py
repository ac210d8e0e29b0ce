"""Shared by the AppTest files: open the app on a page, with URL parameters, as a student's link would,
and the check every AppTest run goes through (see conftest.py): a page that shows an exception fails the test.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path

from streamlit.testing.v1 import AppTest
from streamlit.testing.v1.util import patch_config_options

APP = str(Path(__file__).resolve().parents[2] / "app.py")


class PageException(AssertionError):
    """The page showed an exception element after a run."""


def exceptions_shown(at: AppTest) -> list[str]:
    """The message and first traceback lines of every exception element on the page."""
    shown = []
    for e in at.exception:
        trace = [line for line in e.stack_trace if line.strip()][-4:]
        shown.append(f"{e.message}\n" + "\n".join(trace))
    return shown


def checked_run(run: Callable[..., AppTest]) -> Callable[..., AppTest]:
    """`AppTest._run` that raises PageException when the rendered page shows an exception element."""

    @functools.wraps(run)
    def _run(self: AppTest, *args, **kwargs) -> AppTest:
        # .streamlit/config.toml hides error details from visitors; a failing test should show them
        with patch_config_options({"client.showErrorDetails": "full"}):
            at = run(self, *args, **kwargs)
        shown = exceptions_shown(at)
        if shown:
            params = dict(at.query_params)
            raise PageException(
                f"the page shows {len(shown)} exception(s) (URL {params}):\n" + "\n\n".join(shown)
            )
        return at

    return _run


def open_page(page: str | None = None, timeout: float = 300, **params: str | list[str]) -> AppTest:
    """Open the app as a link to `page` (None: home) with `params` in its URL would (a list: the key repeated):
    the router app.py runs that page directly, so no other page reads the link first."""
    at = AppTest.from_file(APP, default_timeout=timeout)
    for k, v in params.items():
        at.query_params[k] = v
    if page:
        at.switch_page(page)
    return at.run()


def user_key(widget_id: str) -> str:
    """The key a page gave a widget, from its id (Streamlit's ids are "$$ID-<hash>-<key>")."""
    return widget_id.split("-", 2)[2]


def _popover_keys(at: AppTest) -> list[str]:
    """The keys of the lazy popovers on the page."""
    found = []

    def walk(node) -> None:
        for child in getattr(node, "children", {}).values():
            if child.type == "popover":
                found.append(user_key(child.proto.popover.id))
            walk(child)

    walk(at._tree)
    return found


def open_menus(at: AppTest) -> AppTest:
    """The page rerun with every chart's "Download" menu open (a lazy popover: its buttons are made only
    while it is open, gradviz/ui/charts.py), as a student who opened them all."""
    keys = _popover_keys(at)
    assert keys, "no Download menu on the page"
    for key in keys:
        at.session_state[key] = True
    return at.run()


def pick_preset(at: AppTest, label: str, exact: bool = False) -> AppTest:
    """Click the preset pill whose label is `label` (or starts with it), as a student would, and rerun."""
    for group in at.button_group:
        if (group.key or "").endswith("-presets"):
            for option in group.options:
                if option == label or (not exact and option.startswith(label)):
                    return group.set_value(option).run()
    raise AssertionError(f"no preset {label!r} on the page")
