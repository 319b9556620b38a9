"""``learn check [ID]``: grade one exercise (default: the next one) and explain the result.

Exit code 0 when every test passed, 1 otherwise (2 for an unknown id).
"""

from __future__ import annotations

from rich.panel import Panel
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from curriculum.console import console
from curriculum.course import Exercise
from curriculum.grading.runner import DEFAULT_TEST_TIMEOUT, Grade, grade
from curriculum.workspace import Workspace


def add_parser(sub) -> None:
    p = sub.add_parser("check", help="grade an exercise")
    p.add_argument("id", nargs="?", help="exercise id (default: the next one)")
    p.add_argument("--all", action="store_true", help="grade every exercise (rebuilds your status)")
    p.add_argument("--timeout", type=float, default=DEFAULT_TEST_TIMEOUT, help="seconds per test (default %(default)s)")


def grade_and_record(ws: Workspace, ex: Exercise, *, kind: str = "check", timeout: float = DEFAULT_TEST_TIMEOUT, skip_slow: bool = False) -> Grade:
    result = grade(ex, ws.root, impl="learner", test_timeout=timeout, skip_slow=skip_slow)
    first = result.first_failure
    ws.store.record_attempt(
        ex.id,
        passed=result.passed,
        duration=result.duration,
        n_passed=result.n_passed,
        n_failed=result.n_failed,
        first_failure=first.nodeid if first else result.problem,
        kind=kind,
        started=result.problem != "not_started",
    )
    return result


def show(ws: Workspace, result: Grade) -> None:
    ex = result.exercise
    if result.passed:
        skipped = f", {result.n_skipped} skipped" if result.n_skipped else ""
        console.print(f"[ok]✔ {ex.id} passed[/] — all {result.n_passed} tests{skipped} in {result.duration:.1f} s. 恭喜！")
        console.print(f"  See the reference: [cmd]learn solution {ex.id}[/]")
        nxt = ws.next_exercise(after=ex)
        if nxt is not None:
            console.print(f"  Next: [id]{nxt.id}[/] {nxt.title} — [cmd]learn read {nxt.id}[/]")
        else:
            console.print("  That was the last open exercise. Well done.")
        return
    console.print(f"[fail]✘ {ex.id}[/] {result.summary}")
    if result.detail:
        console.print(Panel(result.detail, border_style="red", expand=False))
    if result.location is not None and result.problem not in ("not_started",):
        code = f"  [muted]{result.location.code}[/]" if result.location.code else ""
        console.print(f"  your code: [path]{result.location}[/]{code}")
    if result.problem in ("crash", "no_tests") and not result.detail:
        console.print(f"  run [cmd]pytest {ex.tests}[/] to see the full output")
    console.print(f"  Stuck? [cmd]learn hint {ex.id}[/]    The lesson: [cmd]learn read {ex.id}[/]")


def run_all(ws: Workspace, timeout: float) -> int:
    results: list[Grade] = []
    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), console=console, transient=True) as bar:
        task = bar.add_task("grading", total=len(ws.catalogue.exercises))
        for ex in ws.catalogue.exercises:
            bar.update(task, description=f"grading {ex.id}")
            results.append(grade_and_record(ws, ex, timeout=timeout))
            bar.advance(task)
    table = Table(show_edge=False, pad_edge=False)
    for col in ("id", "result", "tests"):
        table.add_column(col)
    for r in results:
        mark = "[ok]passed[/]" if r.passed else ("[muted]not started[/]" if r.problem == "not_started" else "[fail]failing[/]")
        table.add_row(f"[id]{r.exercise.id}[/]", mark, f"{r.n_passed} passed, {r.n_failed} failed")
    console.print(table)
    return 0 if all(r.passed for r in results) else 1


def run(args, ws: Workspace) -> int:
    if args.all:
        return run_all(ws, args.timeout)
    ex = ws.resolve(args.id)
    with console.status(f"grading {ex.id} …"):
        result = grade_and_record(ws, ex, timeout=args.timeout)
    show(ws, result)
    return 0 if result.passed else 1
