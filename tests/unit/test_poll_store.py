"""The class poll's store, on SQLite (a temp file) and on a real PostgreSQL server (tests/pg_support.py).

References: each count is checked against the answers the test itself sent; the concurrency tests start
every writer at one barrier, so thirty answers land in the same instant, and check that none is lost or
doubled. Nothing here is timed."""

from __future__ import annotations

import threading
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
import sqlalchemy as sa
from pg_support import postgres_url  # noqa: F401 - the fixture

from gradviz.poll import codes, store
from gradviz.poll.store import CLOSED, INVALID, RECORDED, UNKNOWN_CLASS, Store

CHOICES = ("vanish", "explode", "stay the same")
Q = "q-depth"


@pytest.fixture(params=["sqlite", "postgresql"])
def url(request, tmp_path):
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'classes.sqlite'}"
    return request.getfixturevalue("postgres_url")


@pytest.fixture
def db(url):
    engine = store.make_engine(url)
    yield Store(engine)
    engine.dispose()


def sid() -> str:
    return uuid.uuid4().hex


# -- codes and keys -------------------------------------------------------------------------------------


def test_codes_are_short_unambiguous_and_normalized():
    assert not set("01ILO") & set(codes.ALPHABET)
    for _ in range(200):
        code = codes.new_code()
        assert len(code) == codes.CODE_LENGTH and set(code) <= set(codes.ALPHABET)
        assert codes.normalize_code(f"  {code.lower()} ") == code
    for bad in ("", "K7Q", "K7Q2X", "K0Q2", "K7Q2;", "ＫＸＱ２", None, 42, "k7 q2"):
        assert codes.normalize_code(bad) is None, bad


def test_key_hash_accepts_only_its_key():
    key = codes.new_key()
    stored = codes.hash_key(key)
    assert key not in stored
    assert codes.key_matches(key, stored)
    for wrong in ("", key[:-1], key + "x", key.upper() if key.upper() != key else key + "A", None, 7):
        assert not codes.key_matches(wrong, stored), wrong


# -- one class, one question ------------------------------------------------------------------------------


def test_a_class_exists_once_created_and_only_then(db):
    code, key = db.create_class()
    assert db.class_exists(code) and db.class_exists(code.lower())
    assert db.key_matches(code, key) and not db.key_matches(code, key + "x")
    other = next(c for c in (codes.new_code() for _ in range(100)) if c != code)
    assert not db.class_exists(other) and not db.key_matches(other, key)
    assert not db.class_exists("nope!") and not db.key_matches("nope!", key)


def test_one_answer_per_session_changeable_until_revealed(db):
    code, key = db.create_class()
    a, b = sid(), sid()
    assert db.answer(code, Q, a, "vanish", CHOICES) == RECORDED
    assert db.answer(code, Q, b, "vanish", CHOICES) == RECORDED
    assert db.answer(code, Q, a, "explode", CHOICES) == RECORDED  # a changes its mind: replaced, not added
    t = db.tally(code, Q, CHOICES)
    assert t.counts == (("vanish", 1), ("explode", 1), ("stay the same", 0)) and t.total == 2
    assert (t.round, t.revealed) == (1, False)
    assert db.my_answer(code, Q, a) == "explode" and db.my_answer(code, Q, sid()) is None

    assert db.reveal(code, Q, key)
    assert db.answer(code, Q, a, "vanish", CHOICES) == CLOSED  # after the reveal nothing changes
    assert db.answer(code, Q, sid(), "vanish", CHOICES) == CLOSED
    t = db.tally(code, Q, CHOICES)
    assert t.revealed and t.counts == (("vanish", 1), ("explode", 1), ("stay the same", 0))


def test_answers_are_bounded_to_the_questions_choices(db):
    code, _ = db.create_class()
    for bad in ("implode", "", "vanish ", "VANISH", "x" * 500):
        assert db.answer(code, Q, sid(), bad, CHOICES) == INVALID, bad
    assert db.answer(code, Q, "s" * 65, "vanish", CHOICES) == INVALID  # session id too long
    assert db.answer(code, "q" * 65, sid(), "vanish", CHOICES) == INVALID
    assert (
        db.answer("ZZZZ" if not db.class_exists("ZZZZ") else "YYYY", Q, sid(), "vanish", CHOICES)
        == UNKNOWN_CLASS
    )
    assert db.answer("K7Q", Q, sid(), "vanish", CHOICES) == UNKNOWN_CLASS
    assert db.tally(code, Q, CHOICES).total == 0 and db.answer_count(code) == 0


def test_only_the_instructor_key_reveals_or_resets(db):
    code, key = db.create_class()
    other_code, other_key = db.create_class()
    db.answer(code, Q, sid(), "vanish", CHOICES)
    for wrong in ("", "guess", key[:-1], other_key, None):
        assert db.reveal(code, Q, wrong) is False
        assert db.new_round(code, Q, wrong) is None
    t = db.tally(code, Q, CHOICES)
    assert (t.round, t.revealed, t.total) == (1, False, 1)
    assert db.reveal(other_code, Q, other_key) and not db.tally(code, Q, CHOICES).revealed  # classes apart


def test_a_new_round_is_a_fresh_unrevealed_vote_and_keeps_the_first(db):
    code, key = db.create_class()
    a = sid()
    db.answer(code, Q, a, "vanish", CHOICES)
    db.answer(code, "q-init", a, "explode", CHOICES)  # another question is not touched
    assert db.reveal(code, Q, key)
    assert db.new_round(code, Q, key) == 2
    t = db.tally(code, Q, CHOICES)
    assert (t.round, t.revealed, t.total) == (2, False, 0)
    assert db.my_answer(code, Q, a) is None
    assert db.answer(code, Q, a, "explode", CHOICES) == RECORDED
    assert db.tally(code, Q, CHOICES).counts[1] == ("explode", 1)
    assert db.answer_count(code) == 3  # round 1's answer is kept
    assert db.tally(code, "q-init", CHOICES).total == 1


# -- a class at once ---------------------------------------------------------------------------------------


def _answer_together(stores: list[Store], code: str, sessions: list[str], choices_of: list[str]) -> list[str]:
    """Every session answers from its own thread; all threads wait at one barrier, then write at once.
    Session i writes through stores[i % len(stores)] (two stores on one file: two server processes)."""
    barrier = threading.Barrier(len(sessions))

    def one(i: int) -> str:
        barrier.wait()
        return stores[i % len(stores)].answer(code, Q, sessions[i], choices_of[i], CHOICES)

    with ThreadPoolExecutor(len(sessions)) as pool:
        return list(pool.map(one, range(len(sessions))))


def test_thirty_sessions_at_once_lose_nothing_and_double_nothing(url):
    engines = [store.make_engine(url) for _ in range(2)]  # two engines, two pools: two processes' worth
    stores = [Store(e) for e in engines]
    try:
        code, _ = stores[0].create_class()
        sessions = [sid() for _ in range(30)]
        first = [CHOICES[i % 3] for i in range(30)]
        assert _answer_together(stores, code, sessions, first) == [RECORDED] * 30
        assert stores[1].tally(code, Q, CHOICES).counts == tuple((c, 10) for c in CHOICES)
        # everyone changes their answer at once: still thirty answers, now the new ones
        second = ["explode" if i < 21 else "vanish" for i in range(30)]
        assert _answer_together(stores, code, sessions, second) == [RECORDED] * 30
        assert stores[0].tally(code, Q, CHOICES).counts == (
            ("vanish", 9),
            ("explode", 21),
            ("stay the same", 0),
        )
        assert stores[0].answer_count(code) == 30
    finally:
        for e in engines:
            e.dispose()


def test_sqlite_default_is_wal_and_a_poll_survives_a_restart(tmp_path, monkeypatch):
    path = tmp_path / "classes.sqlite"
    monkeypatch.setenv(store.URL_ENV, f"sqlite:///{path}")
    engine = store.make_engine()
    db = Store(engine)
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
    code, key = db.create_class()
    db.answer(code, Q, "a", "vanish", CHOICES)
    db.reveal(code, Q, key)
    engine.dispose()  # the process ends
    again = Store(store.make_engine(f"sqlite:///{path}"))  # a new process opens the same file
    t = again.tally(code, Q, CHOICES)
    assert t.revealed and t.counts[0] == ("vanish", 1) and again.key_matches(code, key)


def test_default_file_lives_in_gradvizs_data_folder(monkeypatch, tmp_path):
    import platformdirs

    monkeypatch.delenv(store.URL_ENV, raising=False)
    monkeypatch.setattr(platformdirs, "user_data_dir", lambda name: str(tmp_path / name))
    assert store.default_url() == f"sqlite:///{tmp_path / 'gradviz' / 'classes.sqlite'}"
    assert (tmp_path / "gradviz").is_dir()


def test_the_tables_hold_no_name_address_or_cookie(db):
    inspector = sa.inspect(db.engine)
    columns = {
        t: {c["name"] for c in inspector.get_columns(t)}
        for t in ("poll_classes", "poll_questions", "poll_answers")
    }
    assert columns["poll_answers"] == {"class_code", "question_id", "round", "session_id", "choice", "at"}
    assert columns["poll_classes"] == {"code", "key_hash", "created"}


def test_the_histogram_shows_every_choice_in_order_and_marks_the_answer_only_when_given():
    from gradviz.poll import charts

    t = store.Tally(round=1, revealed=True, counts=(("vanish", 3), ("explode", 1), ("stay the same", 0)))
    frame = charts.tally_frame(t, answer="vanish")
    assert list(frame["choice"]) == list(CHOICES) and list(frame["answers"]) == [3, 1, 0]
    assert list(frame["share"]) == [0.75, 0.25, 0.0]
    assert list(frame["result"]) == ["right answer", "answer", "answer"]
    assert set(charts.tally_frame(t)["result"]) == {"answer"}
    empty = charts.tally_frame(store.Tally(1, False, (("a", 0), ("b", 0))))
    assert list(empty["share"]) == [0.0, 0.0]
    spec = charts.answers_chart(frame).to_dict()  # validates against the Vega-Lite schema
    assert spec["layer"][0]["encoding"]["x"]["field"] == "answers"
    assert all(layer["encoding"]["y"]["sort"] == list(CHOICES) for layer in spec["layer"])  # top to bottom


def test_the_apps_poll_module_agrees_with_the_store_and_imports_no_database():
    import subprocess
    import sys

    from gradviz.ui import poll as ui_poll

    assert (ui_poll.MAX_ID_CHARS, ui_poll.RECORDED, ui_poll.CLOSED) == (store.MAX_ID_CHARS, RECORDED, CLOSED)
    code = "import sys, gradviz.ui.poll; print('sqlalchemy' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"  # a visit without a class never loads SQLAlchemy
