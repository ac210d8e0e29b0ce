"""A deliberately racy module for tests/bench/test_classroom_server.py: NOT app code.

`ensure_registered` is a check-then-act with nothing held between the check and the act, the bug a lazily
filled module-level cache has when every session is a thread of one server. One session at a time never
sees it: the first registers, every later one finds the name registered. Two sessions at once both pass
the check, and the second to register raises.

So that the race is certain, not likely, the sessions of one class (`class_size` > 1, told by the page's
URL) meet at a barrier between the check and the act, and one of them acts first while the others wait for
it. Without that scaffolding the window would be a few bytecodes wide and a test could pass by luck.
"""

from __future__ import annotations

import threading

WAIT_S = 300.0  # a bound on waiting for the rest of the class, never a measured duration

REGISTERED: dict[str, object] = {}


def register(name: str) -> None:
    if name in REGISTERED:
        raise ValueError(f"{name!r} is already registered")
    REGISTERED[name] = object()


def ensure_registered(name: str, class_size: int = 1) -> None:
    """The bug: check, then act, unlocked."""
    if name not in REGISTERED:  # check
        if class_size > 1:  # the scaffolding: every session of the class is past the check
            barrier, first_done = _room(name, class_size)
            if barrier.wait() == 0:
                register(name)
                first_done.set()
                return
            first_done.wait(WAIT_S)
        register(name)  # act


_rooms_lock = threading.Lock()  # the scaffolding's own state is locked; only REGISTERED is left racy
_rooms: dict[str, tuple[threading.Barrier, threading.Event]] = {}


def _room(name: str, parties: int) -> tuple[threading.Barrier, threading.Event]:
    with _rooms_lock:
        return _rooms.setdefault(name, (threading.Barrier(parties, timeout=WAIT_S), threading.Event()))
