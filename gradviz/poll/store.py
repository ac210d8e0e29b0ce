"""The class poll's storage: classes, each question's round, and one answer per session, over SQLAlchemy.

Three tables (SQLAlchemy Core, so the same code runs on SQLite and PostgreSQL):

- ``poll_classes(code, key_hash, created)``: a class, and the salted hash of its instructor key;
- ``poll_questions(class_code, question_id, round, revealed)``: where each question of a class stands;
  a reset starts round + 1 (peer instruction's revote), unrevealed;
- ``poll_answers(class_code, question_id, round, session_id, choice, at)``, unique on
  (class, question, round, session): a session's second answer replaces its first (an upsert, atomic in
  the database), so thirty students clicking in the same instant can neither lose nor double a vote.

Anonymous by construction: a session is a random id the app draws per browser session; no name, no
address, no cookie is stored. An answer is refused unless it is one of the question's choices, the class
exists and the question is not yet revealed.

SQLite (the default, a file): WAL journal so readers never wait for the writer, a busy timeout so the
writers of several server processes queue instead of failing, and writes in ``BEGIN IMMEDIATE``
transactions (a deferred transaction that reads and then writes can fail at once with "database is locked"
when another process wrote in between, whatever the busy timeout).
"""

from __future__ import annotations

import os
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import IntegrityError

from gradviz.poll import codes

URL_ENV = "GRADVIZ_POLL_URL"  # a SQLAlchemy URL that overrides the default SQLite file (tests, deploy/)
MAX_ID_CHARS = 64  # question ids and session ids
MAX_CHOICE_CHARS = 200
MAX_CHOICES = 20
SQLITE_BUSY_MS = 10_000  # a writer waits up to 10 s for another process's write (each takes well under 1 ms)
_WRITE = "gradviz_write"  # execution option: this transaction writes (SQLite: BEGIN IMMEDIATE)

metadata = sa.MetaData()
classes = sa.Table(
    "poll_classes",
    metadata,
    sa.Column("code", sa.String(8), primary_key=True),
    sa.Column("key_hash", sa.String(200), nullable=False),
    sa.Column("created", sa.Float, nullable=False),  # Unix time
)
questions = sa.Table(
    "poll_questions",
    metadata,
    sa.Column(
        "class_code", sa.String(8), sa.ForeignKey("poll_classes.code", ondelete="CASCADE"), primary_key=True
    ),
    sa.Column("question_id", sa.String(MAX_ID_CHARS), primary_key=True),
    sa.Column("round", sa.Integer, nullable=False),
    sa.Column("revealed", sa.Boolean, nullable=False),
)
answers = sa.Table(
    "poll_answers",
    metadata,
    sa.Column("class_code", sa.String(8), nullable=False),
    sa.Column("question_id", sa.String(MAX_ID_CHARS), nullable=False),
    sa.Column("round", sa.Integer, nullable=False),
    sa.Column("session_id", sa.String(MAX_ID_CHARS), nullable=False),
    sa.Column("choice", sa.String(MAX_CHOICE_CHARS), nullable=False),
    sa.Column("at", sa.Float, nullable=False),  # Unix time of the latest answer
    sa.UniqueConstraint("class_code", "question_id", "round", "session_id", name="one_answer_per_session"),
    sa.ForeignKeyConstraint(
        ["class_code", "question_id"],
        ["poll_questions.class_code", "poll_questions.question_id"],
        ondelete="CASCADE",
    ),
)

# What `answer` reports
RECORDED, CLOSED, INVALID, UNKNOWN_CLASS = "recorded", "closed", "invalid", "unknown class"


@dataclass(frozen=True)
class Tally:
    """A question's current round: its counts in the order of the choices, and whether it is revealed."""

    round: int
    revealed: bool
    counts: tuple[tuple[str, int], ...]  # (choice, answers) for every choice, in the question's order

    @property
    def total(self) -> int:
        return sum(n for _, n in self.counts)


def default_path() -> Path:
    """The SQLite file a plain `streamlit run app.py` uses: gradviz's folder in the user's data directory
    (so every server process of one machine, deploy/run.sh's included, shares it)."""
    import platformdirs

    return Path(platformdirs.user_data_dir("gradviz")) / "classes.sqlite"


def default_url() -> str:
    """GRADVIZ_POLL_URL if set, else the default SQLite file (its folder is created)."""
    url = os.environ.get(URL_ENV, "").strip()
    if url:
        return url
    path = default_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{path}"


def _sqlite_setup(engine: Engine) -> None:
    """WAL, busy timeout and explicit BEGIN (IMMEDIATE for writes) on every SQLite connection."""
    if event.contains(engine, "connect", _sqlite_connect):
        return
    event.listen(engine, "connect", _sqlite_connect)
    event.listen(engine, "begin", _sqlite_begin)


def _sqlite_connect(dbapi_connection: Any, _record: Any) -> None:
    dbapi_connection.isolation_level = None  # the driver's own implicit BEGIN off: _sqlite_begin emits it
    cursor = dbapi_connection.cursor()
    cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_MS}")
    cursor.execute("PRAGMA journal_mode = WAL")  # kept in the file: every later connection opens it in WAL
    # WAL + NORMAL: a commit survives the app crashing (only a power cut can lose the latest ones)
    cursor.execute("PRAGMA synchronous = NORMAL")
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.close()


def _sqlite_begin(conn: Connection) -> None:
    conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.get_execution_options().get(_WRITE) else "BEGIN")


def make_engine(url: str | None = None) -> Engine:
    """An engine for `url` (default: default_url()). The app gets its engine from st.connection instead."""
    return sa.create_engine(url or default_url(), pool_pre_ping=True)


def _bounded(text: object, limit: int) -> str | None:
    return text if isinstance(text, str) and 0 < len(text) <= limit else None


class Store:
    """The poll's tables on one engine (created if missing). Thread-safe: every call is one transaction."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.dialect = engine.dialect.name
        if self.dialect == "sqlite":
            _sqlite_setup(engine)
        metadata.create_all(self._writer())

    # -- transactions --------------------------------------------------------------------------------
    def _writer(self) -> Engine:
        return self.engine.execution_options(**{_WRITE: True})

    def _insert(self, table: sa.Table) -> Any:
        """An INSERT that can say ON CONFLICT (SQLite and PostgreSQL both can)."""
        if self.dialect == "postgresql":
            from sqlalchemy.dialects.postgresql import insert
        elif self.dialect == "sqlite":
            from sqlalchemy.dialects.sqlite import insert
        else:  # pragma: no cover - other databases are not supported
            raise NotImplementedError(f"the class poll supports SQLite and PostgreSQL, not {self.dialect}")
        return insert(table)

    # -- classes -------------------------------------------------------------------------------------
    def create_class(self, attempts: int = 50) -> tuple[str, str]:
        """A new class: (code, instructor key). The key is returned once and stored only as a hash."""
        key = codes.new_key()
        key_hash = codes.hash_key(key)
        for _ in range(attempts):
            code = codes.new_code()
            try:
                with self._writer().begin() as conn:
                    conn.execute(classes.insert().values(code=code, key_hash=key_hash, created=time.time()))
                return code, key
            except IntegrityError:  # that code is taken: draw another
                continue
        raise RuntimeError(f"no free class code after {attempts} draws")

    def class_exists(self, code: object) -> bool:
        code = codes.normalize_code(code)
        if code is None:
            return False
        with self.engine.begin() as conn:
            return conn.execute(sa.select(classes.c.code).where(classes.c.code == code)).first() is not None

    def key_matches(self, code: object, key: object) -> bool:
        """True only for the key this class was created with."""
        code = codes.normalize_code(code)
        if code is None:
            return False
        with self.engine.begin() as conn:
            stored = conn.execute(sa.select(classes.c.key_hash).where(classes.c.code == code)).scalar()
        return stored is not None and codes.key_matches(key, stored)

    # -- answers -------------------------------------------------------------------------------------
    def _question_row(self, conn: Connection, code: str, question_id: str) -> tuple[int, bool]:
        """(round, revealed) of a question, creating its row (round 1, unrevealed) if it has none."""
        conn.execute(
            self._insert(questions)
            .values(class_code=code, question_id=question_id, round=1, revealed=False)
            .on_conflict_do_nothing(index_elements=["class_code", "question_id"])
        )
        row = conn.execute(
            sa.select(questions.c.round, questions.c.revealed).where(
                questions.c.class_code == code, questions.c.question_id == question_id
            )
        ).one()
        return int(row.round), bool(row.revealed)

    def answer(
        self, code: object, question_id: str, session_id: str, choice: str, choices: Sequence[str]
    ) -> str:
        """Record (or change) this session's answer for the question's current round.

        Returns RECORDED, CLOSED (the instructor revealed this round), INVALID (not one of `choices`, or an
        id too long) or UNKNOWN_CLASS."""
        code = codes.normalize_code(code)
        choices = [c for c in choices if isinstance(c, str)][:MAX_CHOICES]
        if (
            code is None
            or _bounded(question_id, MAX_ID_CHARS) is None
            or _bounded(session_id, MAX_ID_CHARS) is None
            or choice not in choices
            or len(choice) > MAX_CHOICE_CHARS
        ):
            return UNKNOWN_CLASS if code is None else INVALID
        with self._writer().begin() as conn:
            if conn.execute(sa.select(classes.c.code).where(classes.c.code == code)).first() is None:
                return UNKNOWN_CLASS
            round_, revealed = self._question_row(conn, code, question_id)
            if revealed:
                return CLOSED
            insert = self._insert(answers).values(
                class_code=code,
                question_id=question_id,
                round=round_,
                session_id=session_id,
                choice=choice,
                at=time.time(),
            )
            conn.execute(
                insert.on_conflict_do_update(
                    index_elements=["class_code", "question_id", "round", "session_id"],
                    set_={"choice": insert.excluded.choice, "at": insert.excluded.at},
                )
            )
        return RECORDED

    def my_answer(self, code: object, question_id: str, session_id: str) -> str | None:
        """This session's answer in the question's current round, or None."""
        code = codes.normalize_code(code)
        if code is None:
            return None
        q = questions
        with self.engine.begin() as conn:
            return conn.execute(
                sa.select(answers.c.choice)
                .join(
                    q,
                    sa.and_(q.c.class_code == answers.c.class_code, q.c.question_id == answers.c.question_id),
                )
                .where(
                    answers.c.class_code == code,
                    answers.c.question_id == question_id,
                    answers.c.session_id == session_id,
                    answers.c.round == q.c.round,
                )
            ).scalar()

    def tally(self, code: object, question_id: str, choices: Sequence[str]) -> Tally:
        """The current round's counts for every choice (answers outside `choices` are never stored)."""
        code = codes.normalize_code(code)
        found: dict[str, int] = {}
        round_, revealed = 1, False
        if code is not None:
            with self.engine.begin() as conn:
                row = conn.execute(
                    sa.select(questions.c.round, questions.c.revealed).where(
                        questions.c.class_code == code, questions.c.question_id == question_id
                    )
                ).first()
                if row is not None:
                    round_, revealed = int(row.round), bool(row.revealed)
                    counted = conn.execute(
                        sa.select(answers.c.choice, sa.func.count())
                        .where(
                            answers.c.class_code == code,
                            answers.c.question_id == question_id,
                            answers.c.round == round_,
                        )
                        .group_by(answers.c.choice)
                    )
                    found = {choice: int(n) for choice, n in counted}
        return Tally(round_, revealed, tuple((c, found.get(c, 0)) for c in choices))

    # -- the instructor's buttons --------------------------------------------------------------------
    def reveal(self, code: object, question_id: str, key: object) -> bool:
        """Reveal the current round to the class. False (and nothing changes) unless `key` is the class's."""
        if not self.key_matches(code, key) or _bounded(question_id, MAX_ID_CHARS) is None:
            return False
        code = codes.normalize_code(code)
        with self._writer().begin() as conn:
            self._question_row(conn, code, question_id)
            conn.execute(
                questions.update()
                .where(questions.c.class_code == code, questions.c.question_id == question_id)
                .values(revealed=True)
            )
        return True

    def new_round(self, code: object, question_id: str, key: object) -> int | None:
        """Start the next round (the revote), unrevealed; earlier rounds' answers are kept. Returns the new
        round, or None (nothing changes) unless `key` is the class's."""
        if not self.key_matches(code, key) or _bounded(question_id, MAX_ID_CHARS) is None:
            return None
        code = codes.normalize_code(code)
        with self._writer().begin() as conn:
            round_, _ = self._question_row(conn, code, question_id)
            conn.execute(
                questions.update()
                .where(questions.c.class_code == code, questions.c.question_id == question_id)
                .values(round=round_ + 1, revealed=False)
            )
        return round_ + 1

    def answer_count(self, code: object) -> int:
        """Every answer stored for a class, all questions and rounds (tests and the load bench)."""
        code = codes.normalize_code(code)
        with self.engine.begin() as conn:
            return int(conn.execute(sa.select(sa.func.count()).where(answers.c.class_code == code)).scalar())
