"""The progress store: statuses, hints, streaks, concurrent writers, a corrupt file."""

import multiprocessing
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from curriculum.store import ProgressStore, StoreError


@pytest.fixture
def store(tmp_path):
    return ProgressStore(tmp_path / "progress.sqlite3")


def test_status_follows_the_latest_graded_attempt(store):
    assert store.status("a") == "not_started"
    store.record_attempt("a", passed=False, duration=1.0, n_passed=1, n_failed=2, first_failure="t::x")
    assert store.status("a") == "failing"
    store.record_attempt("a", passed=True, duration=1.0, n_passed=3, n_failed=0)
    assert store.status("a") == "passed" and store.ever_passed("a")
    store.record_attempt("a", passed=False, duration=1.0, n_passed=2, n_failed=1)
    assert store.status("a") == "failing" and store.ever_passed("a")
    assert [x.passed for x in store.attempts("a")] == [False, True, False]  # newest first
    assert store.attempts("a")[-1].first_failure == "t::x"


def test_an_untouched_stub_stays_not_started_and_does_not_count_for_the_streak(store):
    store.record_attempt("a", passed=False, duration=1.0, n_passed=0, n_failed=4, started=False)
    assert store.status("a") == "not_started" and store.streak() == 0
    store.record_attempt("a", passed=False, duration=1.0, n_passed=1, n_failed=3)
    assert store.status("a") == "failing" and store.streak() == 1


def test_hint_levels_advance_and_stop_at_the_last(store):
    assert [store.next_hint_level("a", 3) for _ in range(5)] == [1, 2, 3, 3, 3]
    assert store.hint_level("a") == 3 and store.hint_level("b") == 0


def test_streak_counts_consecutive_days_ending_today_or_yesterday(store):
    today = date(2026, 3, 10)
    for days_ago in (0, 1, 2, 4):
        stamp = datetime.combine(today - timedelta(days=days_ago), datetime.min.time()).timestamp() + 3600
        store.record_attempt("a", passed=False, duration=1, n_passed=0, n_failed=1, started_at=stamp)
    assert store.streak(today) == 3
    assert store.streak(today + timedelta(days=1)) == 3  # nothing yet today: yesterday still counts
    assert store.streak(today + timedelta(days=2)) == 0


def _hammer(path: str, tag: str, n: int) -> None:
    s = ProgressStore(Path(path))
    for i in range(n):
        s.record_attempt(f"{tag}-{i % 3}", passed=i % 2 == 0, duration=0.01, n_passed=i, n_failed=0, kind="watch")
        s.next_hint_level(tag, 5)


def test_two_processes_writing_at_once_lose_nothing(tmp_path):
    path = tmp_path / "progress.sqlite3"
    ProgressStore(path)
    ctx = multiprocessing.get_context("spawn")
    procs = [ctx.Process(target=_hammer, args=(str(path), tag, 60)) for tag in ("check", "watch")]
    for p in procs:
        p.start()
    for p in procs:
        p.join(60)
        assert p.exitcode == 0, "a writer crashed (database locked or corrupt?)"
    s = ProgressStore(path)
    assert len(s.attempts()) == 120
    assert s.hint_level("check") == s.hint_level("watch") == 5


def test_corrupt_database_gets_a_clear_error(tmp_path):
    path = tmp_path / "progress.sqlite3"
    path.write_bytes(b"this is not a database" * 100)
    with pytest.raises(StoreError, match="cannot be read.*learn check --all"):
        ProgressStore(path)


def test_deleting_the_database_only_loses_history(tmp_path):
    path = tmp_path / "progress.sqlite3"
    ProgressStore(path).record_attempt("a", passed=True, duration=1, n_passed=1, n_failed=0)
    path.unlink()
    assert ProgressStore(path).status("a") == "not_started"
