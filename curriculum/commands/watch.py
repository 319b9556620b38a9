"""``learn watch [ID]``: re-grade every time the learner's file is saved. Ctrl-C stops."""

from __future__ import annotations

import time
from pathlib import Path

from curriculum.commands.check import grade_and_record, show
from curriculum.console import console
from curriculum.grading.runner import DEFAULT_TEST_TIMEOUT
from curriculum.workspace import Workspace


def add_parser(sub) -> None:
    p = sub.add_parser("watch", help="re-grade an exercise on every save")
    p.add_argument("id", nargs="?", help="exercise id (default: the next one)")
    p.add_argument("--interval", type=float, default=0.5, help="seconds between checks for a change")
    p.add_argument("--timeout", type=float, default=DEFAULT_TEST_TIMEOUT, help="seconds per test")


def _stamp(path: Path) -> tuple[float, int] | None:
    try:
        st = path.stat()
    except FileNotFoundError:
        return None
    return (st.st_mtime, st.st_size)


def watch(ws: Workspace, exercise_id: str | None, *, interval: float = 0.5, timeout: float = DEFAULT_TEST_TIMEOUT,
          max_rounds: int | None = None, stop_on_pass: bool = False) -> int:
    """Grade now, then again after every change; returns 0 if the last grade passed.

    ``max_rounds`` bounds the number of grades (for tests); None means until Ctrl-C.
    Slow tests are skipped here for a quick loop: `learn check` runs them all.
    """
    ex = ws.resolve(exercise_id)
    path = ws.root / ex.exercise
    console.print(f"Watching [path]{ex.exercise}[/] for [id]{ex.id}[/] — save the file to re-grade, Ctrl-C to stop.")
    rounds, last_passed = 0, False
    stamp = None
    try:
        while max_rounds is None or rounds < max_rounds:
            current = _stamp(path)
            if current != stamp or rounds == 0:
                stamp = current
                console.rule(time.strftime("%H:%M:%S"))
                result = grade_and_record(ws, ex, kind="watch", timeout=timeout, skip_slow=True)
                show(ws, result)
                if result.passed:
                    console.print(f"  [muted](slow tests are skipped while watching; `learn check {ex.id}` runs them all)[/]")
                last_passed = result.passed
                rounds += 1
                if stop_on_pass and result.passed:
                    break
                continue  # a save made while grading differs from `stamp` and triggers another round
            time.sleep(interval)
    except KeyboardInterrupt:
        console.print("[muted]stopped watching[/]")
    return 0 if last_passed else 1


def run(args, ws: Workspace) -> int:
    return watch(ws, args.id, interval=args.interval, timeout=args.timeout)
