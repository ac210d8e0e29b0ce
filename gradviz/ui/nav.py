"""The app's pages, built once per process and copied for each run.

st.Page resolves its file on the disk (realpath and stat) and st.page_link given a path resolves it again:
measured with py-spy on a class of thirty opening the home page, that was about a third of its script time.
So the router declares its pages in a function (`pages(declare)`), which runs once per version of app.py
(Streamlit keeps a script's compiled code until the file changes, so editing app.py still takes effect);
each run gets shallow copies, because st.navigation marks the page it returns as runnable on the object
itself, and two sessions sharing one object would race on that flag. Links (`page(path)`) are made from the
prebuilt page, which st.page_link only reads.
"""

from __future__ import annotations

import copy
import threading
from collections.abc import Callable, Sequence
from types import CodeType

import streamlit as st

Declared = tuple[Sequence[st.Page], ...]
_built: dict[CodeType, Declared] = {}
_by_path: dict[str, st.Page] = {}
_lock = threading.Lock()


def pages(declare: Callable[[], Declared]) -> Declared:
    """`declare()`'s groups of pages, built on the first run of this version of the router: fresh copies."""
    with _lock:
        groups = _built.get(declare.__code__)
        if groups is None:
            groups = _built[declare.__code__] = tuple(tuple(group) for group in declare())
            _by_path.clear()
            _by_path.update({_relative(p): p for group in groups for p in group})
    return tuple([copy.copy(p) for p in group] for group in groups)


def _relative(page: st.Page) -> str:
    """ "app_pages/x.py" for a page built from that file."""
    path = page._page  # the resolved file (st.Page keeps no other record of the path it was given)
    return f"{path.parent.name}/{path.name}"


def page(path: str) -> st.Page | str:
    """The prebuilt page of `path` ("app_pages/x.py") for st.page_link, or the path itself when the router
    has not built it (a page not registered: st.page_link then raises as it would for the path)."""
    return _by_path.get(path, path)
