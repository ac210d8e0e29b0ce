"""A class answering one question at once, through the real server: N headless sessions (bench/st_client.py's
websocket client, as browsers speak to Streamlit) open a lesson with `?class=CODE`, then all send their answer
in the same instant; then all change it in the same instant. Prints the wall time of each wave and the answers
per second it held, and checks the database afterwards: every session's answer stored once, none lost, none
doubled. tests/deploy/test_class_poll.py runs the same waves against one process, two processes behind
deploy/run.sh's nginx, and across a server restart.

    python bench/bench_class_poll.py [N]      (default 30; one server on a free port, a temp SQLite file)
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import st_client as sc  # noqa: E402
from streamlit.proto.WidgetStates_pb2 import WidgetState  # noqa: E402

from gradviz.lessons.lstm import questions as lstm_questions  # noqa: E402

PAGE = "lstm"  # its first question sits in its first section
QUESTION_ID = "lstm/predict-lstm-cell"
OPTIONS = lstm_questions.question()["options"]
TIMEOUT_S = 600.0


@dataclass
class Student:
    session: sc.Session
    radio: sc.Widget  # the class poll's radio ("Your prediction", inside the question's fragment)


def poll_radio(run: sc.Run) -> sc.Widget | None:
    found = [w for w in run.widgets if w.kind == "radio" and w.label == "Your prediction" and w.fragment_id]
    return found[0] if len(found) == 1 else None


async def join(base: str, code: str, n: int, routes: list[str] | None = None) -> list[Student]:
    """n sessions open the lesson with the class code (routes: a gvroute cookie per session, behind nginx)."""

    async def one(i: int) -> Student:
        s = sc.Session(base, TIMEOUT_S)
        if routes:
            s.cookies["gvroute"] = routes[i % len(routes)]
        await s.open(PAGE, f"class={code}")
        run = await s.rerun()
        assert run.ok, (run.status, run.exceptions)
        radio = poll_radio(run)
        assert radio is not None, "no class poll on the page (was the class found?)"
        return Student(s, radio)

    return list(await asyncio.gather(*(one(i) for i in range(n))))


async def answer_at_once(students: list[Student], choices: list[str]) -> tuple[list[sc.Run], float]:
    """Every student sends its choice in the same instant (a fragment rerun, as the browser sends it).
    Returns the runs and the wall seconds from the first send to the last script_finished."""
    t0 = time.perf_counter()

    async def one(st: Student, choice: str) -> sc.Run:
        return await st.session.rerun(
            [WidgetState(id=st.radio.id, string_value=choice)], fragment_id=st.radio.fragment_id
        )

    runs = await asyncio.gather(*(one(s, c) for s, c in zip(students, choices, strict=True)))
    return list(runs), time.perf_counter() - t0


async def leave(students: list[Student]) -> None:
    await asyncio.gather(*(s.session.close() for s in students))


def choices_for(n: int, wave: int) -> list[str]:
    """A known spread of answers: wave 0 cycles through the options; wave 1 moves everyone one option on."""
    return [OPTIONS[(i + wave) % len(OPTIONS)] for i in range(n)]


def expected_counts(choices: list[str]) -> tuple[tuple[str, int], ...]:
    return tuple((o, choices.count(o)) for o in OPTIONS)


async def class_waves(base: str, db, code: str, n: int, routes: list[str] | None = None) -> list[dict]:
    """n students join, then answer at once (wave 1), then all change their answer at once (wave 2): per wave
    the wall seconds, runs ok, whether the stored counts are exactly those sent, and the answers stored."""
    students = await join(base, code, n, routes)
    waves = []
    try:
        for wave in (0, 1):
            choices = choices_for(n, wave)
            runs, wall = await answer_at_once(students, choices)
            tally = db.tally(code, QUESTION_ID, OPTIONS)
            waves.append({
                "wall": wall, "ok": sum(r.ok for r in runs), "failures": [(r.status, r.exceptions) for r in runs if not r.ok],
                "exact": tally.counts == expected_counts(choices), "stored": db.answer_count(code),
                "upstreams": sorted({s.session.upstream for s in students}),
            })  # fmt: skip
        # what the open question costs while nobody answers: every student's fragment refresh at once
        t0 = time.perf_counter()
        idle = await asyncio.gather(*(s.session.rerun(fragment_id=s.radio.fragment_id) for s in students))
        waves.append({"refresh": time.perf_counter() - t0, "ok": sum(r.ok for r in idle)})
    finally:
        await leave(students)
    return waves


def run(coro) -> object:
    """`asyncio.run(coro)` in a thread of its own, so it also works where an event loop already runs (a test
    process whose browser fixture, Playwright's sync API, holds one)."""
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coro).result()


def report(label: str, n: int, waves: list[dict]) -> None:
    for w in waves:
        if "refresh" in w:
            print(f"{label}: {n} question refreshes at once (no answer), {w['ok']} ok, {w['refresh']:.2f} s")
    for i, w in enumerate((w for w in waves if "refresh" not in w), 1):
        print(
            f"{label} wave {i}: {n} answers sent at once, {w['ok']} runs ok, all back in {w['wall']:.2f} s "
            f"({n / w['wall']:.1f} answers/s held); counts exact: {w['exact']}; answers stored: {w['stored']} "
            f"(expected {n})"
        )


def main(n: int = 30) -> None:
    import os

    from servers import Streamlit

    from gradviz.poll import store as poll_store

    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'classes.sqlite'}"
        os.environ[poll_store.URL_ENV] = url  # the server inherits it
        engine = poll_store.make_engine(url)
        db = poll_store.Store(engine)
        code, _ = db.create_class()
        with Streamlit(ROOT / "app.py", watcher="none") as server:
            report("one process", n, run(class_waves(server.url, db, code, n)))
        engine.dispose()


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 30)
