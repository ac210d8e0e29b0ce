"""The class poll through the app (AppTest): starting a class on the Teach page, a student's answer in a
lesson's predict-then-reveal question, the reveal reaching the student, the instructor's buttons, and links
with a malformed or unknown class code. Each test has its own SQLite file (GRADVIZ_POLL_URL)."""

from __future__ import annotations

import pytest
from apptest_support import APP, open_page
from pg_support import postgres_url  # noqa: F401 - the fixture
from streamlit.testing.v1 import AppTest

from gradviz.lessons.lstm import questions as lstm_questions
from gradviz.poll import store as poll_store

LESSON = "app_pages/lstm.py"  # its first question, "predict-lstm-cell", sits in its first section
KEY = "predict-lstm-cell"  # its key on the page
QID = f"lstm/{KEY}"  # the poll's id: page and key
Q = lstm_questions.question()


@pytest.fixture
def db(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'classes.sqlite'}"
    monkeypatch.setenv(poll_store.URL_ENV, url)
    engine = poll_store.make_engine(url)
    yield poll_store.Store(engine)
    engine.dispose()


def class_radio(at: AppTest, qid: str = QID):
    found = [r for r in at.radio if str(r.key or "").startswith(f"{qid}-class-")]
    assert len(found) == 1, [r.key for r in at.radio]
    return found[0]


def texts(at: AppTest) -> str:
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption]
    parts += [e.value for kind in ("success", "info", "warning", "error") for e in getattr(at, kind)]
    return "\n".join(str(p) for p in parts)


def test_teach_page_starts_a_class_and_shows_link_qr_and_key_once(db):
    at = AppTest.from_file(APP, default_timeout=120)
    at.switch_page("app_pages/teach.py").run()
    [start] = [b for b in at.button if b.label == "Start a new class"]
    start.click().run()
    header = [h.value for h in at.header if h.value.startswith("Class ")]
    assert len(header) == 1
    code = header[0].removeprefix("Class ")
    assert db.class_exists(code)
    shown = [c.value for c in at.code]
    assert f"http://localhost:8501/?class={code}" in shown
    keys = [s for s in shown if db.key_matches(code, s)]
    assert len(keys) == 1  # the instructor key, shown once
    assert at.query_params["class"] in (code, [code])
    assert len(at.get("image")) == 1  # the QR code
    [done] = [b for b in at.button if b.label == "I have written it down"]
    done.click().run()
    assert not [s for s in (c.value for c in at.code) if db.key_matches(code, s)]


def test_a_wrong_key_does_not_open_a_class(db):
    code, key = db.create_class()
    at = AppTest.from_file(APP, default_timeout=120)
    at.switch_page("app_pages/teach.py").run()
    at.text_input[0].input(code)
    at.text_input[1].input(key + "x")
    at.button[-1].click().run()
    assert "do not open a class" in texts(at)
    assert not [h for h in at.header if h.value == f"Class {code}"]
    at.text_input[1].input(key)
    at.button[-1].click().run()
    assert [h for h in at.header if h.value == f"Class {code}"]


def test_a_student_answers_sees_nothing_until_the_reveal_then_the_histogram(db):
    code, key = db.create_class()
    at = open_page(LESSON, **{"class": code})
    radio = class_radio(at)
    assert radio.value is None
    charts_before = len(at.get("vega_lite_chart"))
    wrong = next(o for o in Q["options"] if o != Q["answer"])
    radio.set_value(wrong).run()
    tally = db.tally(code, QID, Q["options"])
    assert tally.total == 1 and dict(tally.counts)[wrong] == 1
    assert "the answer is" not in texts(at)  # no verdict before the reveal
    assert f"Your answer, **{wrong}**, is in" in texts(at)
    class_radio(at).set_value(Q["answer"]).run()  # changed: replaced, not added
    tally = db.tally(code, QID, Q["options"])
    assert tally.total == 1 and dict(tally.counts)[Q["answer"]] == 1

    assert db.reveal(code, QID, key)
    at.run()  # what the question's fragment does every few seconds
    assert "Right." in texts(at) and "revealed by the instructor" in texts(at)
    charts = at.get("vega_lite_chart")
    assert len(charts) == charts_before + 1  # the class's histogram
    assert sum('"answers:Q"' in c.proto.spec or '"field": "answers"' in c.proto.spec for c in charts) == 1


def test_the_instructor_sees_the_count_and_reveals_and_resets(db):
    code, key = db.create_class()
    for i, choice in enumerate((Q["options"][0], Q["options"][2], Q["options"][2])):
        db.answer(code, QID, f"s{i}", choice, Q["options"])
    at = AppTest.from_file(APP, default_timeout=300)
    at.switch_page("app_pages/teach.py").run()
    at.text_input[0].input(code)
    at.text_input[1].input(key)
    at.button[-1].click().run()
    at.switch_page(LESSON).run()
    assert "3 answers · round 1" in texts(at)
    [reveal] = [b for b in at.button if b.key == f"poll-reveal-{QID}"]
    reveal.click().run()
    assert db.tally(code, QID, Q["options"]).revealed
    [again] = [b for b in at.button if b.key == f"poll-round-{QID}"]
    again.click().run()
    tally = db.tally(code, QID, Q["options"])
    assert (tally.round, tally.revealed, tally.total) == (2, False, 0)
    assert "0 answers · round 2" in texts(at)


@pytest.mark.parametrize("raw", ["K7Q", "k7q2x", "<b>hi</b>", "0000", ["K7Q2", "ABCD"]])
def test_a_malformed_class_code_gets_a_notice_and_the_page_works(db, raw):
    at = open_page(LESSON, **{"class": raw})
    assert any("not one: a class code is 4 letters" in w.value for w in at.warning)
    assert not [r for r in at.radio if "-class-" in str(r.key or "")]
    assert [r for r in at.radio if r.key == f"{KEY}-guess"]  # the question as without a class
    assert "class" not in at.query_params


def test_an_unknown_class_code_gets_a_notice_and_the_page_works(db):
    code, _ = db.create_class()
    other = next(c for c in ("ABCD", "WXYZ", "2345") if c != code)
    at = open_page(LESSON, **{"class": other})
    assert any(f"There is no class {other}" in w.value for w in at.warning)
    assert [r for r in at.radio if r.key == f"{KEY}-guess"]
    assert db.answer_count(other) == 0


def test_a_secrets_url_points_the_poll_at_postgresql(postgres_url, monkeypatch, tmp_path):  # noqa: F811
    """`[connections.sql] url = "postgresql://…"` in .streamlit/secrets.toml: the class lives in PostgreSQL
    (and the SQLite default, here GRADVIZ_POLL_URL, is not used)."""
    sqlite_url = f"sqlite:///{tmp_path / 'unused.sqlite'}"
    monkeypatch.setenv(poll_store.URL_ENV, sqlite_url)
    at = AppTest.from_file(APP, default_timeout=120)
    at.secrets["connections"] = {"sql": {"url": postgres_url}}
    at.switch_page("app_pages/teach.py").run()
    [start] = [b for b in at.button if b.label == "Start a new class"]
    start.click().run()
    code = next(h.value for h in at.header if h.value.startswith("Class ")).removeprefix("Class ")
    engine = poll_store.make_engine(postgres_url)
    try:
        assert poll_store.Store(engine).class_exists(code)
    finally:
        engine.dispose()
    assert not (tmp_path / "unused.sqlite").exists()


def test_a_session_whose_key_no_longer_matches_is_refused_on_click(db):
    """The store checks the key on every click: a session holding a wrong key (here: put there by hand) gets
    a refusal, and nothing changes."""
    code, key = db.create_class()
    db.answer(code, QID, "s0", Q["options"][0], Q["options"])
    at = open_page(LESSON, **{"class": code})
    at.session_state["gradviz-poll"]["keys"][code] = key + "x"  # as if the session held a wrong key
    at.run()
    [reveal] = [b for b in at.button if b.key == f"poll-reveal-{QID}"]
    reveal.click().run()
    assert any("Refused" in e.value for e in at.error)
    assert not db.tally(code, QID, Q["options"]).revealed


def test_a_database_that_fails_gives_a_notice_not_an_exception(db, monkeypatch):
    from sqlalchemy.exc import OperationalError

    code, _ = db.create_class()
    at = open_page(LESSON, **{"class": code})

    def broken(*args, **kwargs):
        raise OperationalError("SELECT", {}, Exception("database is locked"))

    monkeypatch.setattr(poll_store.Store, "tally", broken)
    at.run()  # the harness fails the test on any exception element
    assert any("cannot reach its database" in w.value for w in at.warning)
