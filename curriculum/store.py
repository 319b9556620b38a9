"""The learner's progress: every attempt, hint level and score, in a local SQLite file.

The database lives at ``.learn/progress.sqlite3`` (git-ignored). It runs in WAL
mode with a busy timeout, so ``learn watch`` and ``learn check`` writing at the
same time wait for each other instead of corrupting anything. Deleting the file
loses only history: status can be rebuilt by re-grading (``learn check --all``).

    >>> store = ProgressStore(Path(".learn/progress.sqlite3"))
    >>> store.record_attempt("gym-01", passed=False, duration=0.8, n_passed=3, n_failed=1)
    >>> store.status("gym-01")
    'failing'
"""

from __future__ import annotations

import sqlite3
import time
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

STATUSES = ("not_started", "failing", "passed")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS attempts (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    exercise_id TEXT    NOT NULL,
    started_at  REAL    NOT NULL,   -- unix time
    duration_s  REAL    NOT NULL,
    passed      INTEGER NOT NULL,   -- 1 if every test passed
    n_passed    INTEGER NOT NULL,
    n_failed    INTEGER NOT NULL,
    first_failure TEXT  NOT NULL DEFAULT '',  -- test node id of the first failing test
    started     INTEGER NOT NULL DEFAULT 1,  -- 0 if nothing was written yet (only NotImplementedError)
    kind        TEXT    NOT NULL DEFAULT 'check'  -- check | watch | drill | quiz
);
CREATE INDEX IF NOT EXISTS attempts_by_exercise ON attempts (exercise_id, started_at);
CREATE TABLE IF NOT EXISTS hints (
    exercise_id TEXT PRIMARY KEY,
    level       INTEGER NOT NULL    -- how many hint levels have been shown
);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""
SCHEMA_VERSION = "1"


class StoreError(RuntimeError):
    """The progress database cannot be read (corrupt, or from a newer version)."""


@dataclass(frozen=True)
class Attempt:
    exercise_id: str
    started_at: float
    duration_s: float
    passed: bool
    n_passed: int
    n_failed: int
    first_failure: str
    kind: str

    @property
    def when(self) -> datetime:
        return datetime.fromtimestamp(self.started_at)


class ProgressStore:
    """A small wrapper over the SQLite file; one short transaction per call."""

    def __init__(self, path: Path, *, timeout: float = 15.0):
        self.path = Path(path)
        self.timeout = timeout
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            db = sqlite3.connect(self.path, timeout=self.timeout, isolation_level=None)
            try:
                db.execute(f"PRAGMA busy_timeout={int(self.timeout * 1000)}")
                db.execute("PRAGMA journal_mode=WAL")
                db.executescript(_SCHEMA)
                db.execute("INSERT OR IGNORE INTO meta VALUES ('schema', ?)", (SCHEMA_VERSION,))
                row = db.execute("SELECT value FROM meta WHERE key = 'schema'").fetchone()
            finally:
                db.close()
            if row[0] != SCHEMA_VERSION:
                raise StoreError(f"{self.path} has schema {row[0]}, this workspace reads {SCHEMA_VERSION}")
        except sqlite3.DatabaseError as err:
            raise StoreError(
                f"the progress database {self.path} cannot be read ({err}). "
                "Move it aside and run `learn check --all` to rebuild your status from your files."
            ) from None

    def _connect(self, *, write: bool = False) -> "_Transaction":
        db = sqlite3.connect(self.path, timeout=self.timeout, isolation_level=None)
        db.execute(f"PRAGMA busy_timeout={int(self.timeout * 1000)}")
        return _Transaction(db, write=write)

    # ------------------------------------------------------------------ writes

    def record_attempt(
        self,
        exercise_id: str,
        *,
        passed: bool,
        duration: float,
        n_passed: int,
        n_failed: int,
        first_failure: str = "",
        kind: str = "check",
        started: bool = True,
        started_at: float | None = None,
    ) -> None:
        """Record one grading. ``started=False`` marks a file that is still the untouched stub."""
        with self._connect(write=True) as db:
            db.execute(
                "INSERT INTO attempts (exercise_id, started_at, duration_s, passed, n_passed, n_failed, first_failure, kind, started)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (exercise_id, started_at or time.time(), duration, int(passed), n_passed, n_failed, first_failure, kind, int(started or passed)),
            )

    def next_hint_level(self, exercise_id: str, available: int) -> int:
        """Advance and return the 1-based hint level to show (capped at ``available``)."""
        with self._connect(write=True) as db:
            row = db.execute("SELECT level FROM hints WHERE exercise_id = ?", (exercise_id,)).fetchone()
            level = min((row[0] if row else 0) + 1, available)
            db.execute("INSERT OR REPLACE INTO hints VALUES (?, ?)", (exercise_id, level))
            return level

    # ------------------------------------------------------------------- reads

    def attempts(self, exercise_id: str | None = None, *, limit: int | None = None) -> list[Attempt]:
        """Attempts, newest first."""
        sql = "SELECT exercise_id, started_at, duration_s, passed, n_passed, n_failed, first_failure, kind FROM attempts"
        args: tuple = ()
        if exercise_id is not None:
            sql += " WHERE exercise_id = ?"
            args = (exercise_id,)
        sql += " ORDER BY started_at DESC, id DESC"
        if limit is not None:
            sql += f" LIMIT {int(limit)}"
        with self._connect() as db:
            rows = db.execute(sql, args).fetchall()
        return [Attempt(r[0], r[1], r[2], bool(r[3]), r[4], r[5], r[6], r[7]) for r in rows]

    def statuses(self) -> dict[str, str]:
        """Each graded exercise's status from its latest check: 'passed', 'failing' or 'not_started'."""
        with self._connect() as db:
            rows = db.execute(
                "SELECT exercise_id, passed, started FROM attempts a WHERE kind IN ('check', 'watch', 'drill') AND id = "
                "(SELECT id FROM attempts b WHERE b.exercise_id = a.exercise_id AND kind IN ('check', 'watch', 'drill')"
                " ORDER BY started_at DESC, id DESC LIMIT 1)"
            ).fetchall()
        return {ex: ("passed" if ok else "failing" if started else "not_started") for ex, ok, started in rows}

    def status(self, exercise_id: str) -> str:
        return self.statuses().get(exercise_id, "not_started")

    def ever_passed(self, exercise_id: str) -> bool:
        with self._connect() as db:
            row = db.execute(
                "SELECT 1 FROM attempts WHERE exercise_id = ? AND passed = 1 AND kind != 'quiz' LIMIT 1", (exercise_id,)
            ).fetchone()
        return row is not None

    def hint_level(self, exercise_id: str) -> int:
        with self._connect() as db:
            row = db.execute("SELECT level FROM hints WHERE exercise_id = ?", (exercise_id,)).fetchone()
        return row[0] if row else 0

    def streak(self, today: date | None = None) -> int:
        """Consecutive days, ending today (or yesterday), with at least one attempt at real work."""
        today = today or date.today()
        with self._connect() as db:
            stamps = [r[0] for r in db.execute("SELECT started_at FROM attempts WHERE started = 1").fetchall()]
        days = {datetime.fromtimestamp(s).date() for s in stamps}
        day = today if today in days else today - timedelta(days=1)
        count = 0
        while day in days:
            count += 1
            day -= timedelta(days=1)
        return count


class _Transaction:
    """Context manager: BEGIN (IMMEDIATE for writes) ... COMMIT (or ROLLBACK), then close."""

    def __init__(self, db: sqlite3.Connection, *, write: bool):
        self.db = db
        self.write = write

    def __enter__(self) -> sqlite3.Connection:
        self.db.execute("BEGIN IMMEDIATE" if self.write else "BEGIN")
        return self.db

    def __exit__(self, exc_type, exc, tb) -> None:
        try:
            self.db.execute("ROLLBACK" if exc_type else "COMMIT")
        finally:
            self.db.close()
