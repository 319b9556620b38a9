"""``learn drill ID``: a timed set of problems with a countdown, graded at the end or on demand.

While the countdown runs, work in your editor; in the terminal press Enter to
grade now, or type q and Enter to finish early. When time is up the drill is
graded one last time, and the score and the time you used are recorded
(kind ``drill``; `learn report` shows them).

    learn drill                  list the drills
    learn drill gym-13           start the 60-minute drill of Day 13
    learn drill gym-13 --minutes 20
"""

from __future__ import annotations

import ast
import queue
import sys
import threading
import time
from typing import Callable

from rich.live import Live
from rich.text import Text

from curriculum.commands.check import show
from curriculum.console import console
from curriculum.course import Exercise
from curriculum.grading.runner import Grade, grade
from curriculum.workspace import Workspace


def add_parser(sub) -> None:
    p = sub.add_parser("drill", help="a timed drill with a countdown")
    p.add_argument("id", nargs="?", help="drill id (no id: list the drills)")
    p.add_argument("--minutes", type=float, help="override the drill's time limit")


def problems(ws: Workspace, ex: Exercise) -> list[str]:
    """Public functions and classes of the drill's module, in file order."""
    tree = ast.parse((ws.root / ex.solution).read_text(encoding="utf-8"))
    return [
        node.name
        for node in tree.body
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and not node.name.startswith("_")
    ]


def format_clock(seconds: float) -> str:
    """``format_clock(3725) -> '1:02:05'``; ``format_clock(65) -> '01:05'``."""
    seconds = max(int(seconds + 0.999), 0)
    h, rest = divmod(seconds, 3600)
    m, s = divmod(rest, 60)
    return f"{h}:{m:02d}:{s:02d}" if h else f"{m:02d}:{s:02d}"


def _stdin_lines() -> "queue.Queue[str | None]":
    lines: "queue.Queue[str | None]" = queue.Queue()

    def pump() -> None:
        for line in sys.stdin:
            lines.put(line)
        lines.put(None)  # end of input: finish the drill

    threading.Thread(target=pump, daemon=True).start()
    return lines


def run_drill(
    ws: Workspace,
    ex: Exercise,
    *,
    minutes: float,
    lines: "queue.Queue[str | None]",
    clock: Callable[[], float] = time.monotonic,
    refresh: float = 0.5,
) -> Grade:
    """Run the countdown until time is up or the learner finishes; grade, record and return the final grade."""
    start = clock()
    deadline = start + minutes * 60

    def banner() -> Text:
        left = deadline - clock()
        style = "bold red" if left < 300 else "bold"
        return Text.assemble(("⏱ ", ""), (format_clock(left), style), (f" left · Enter: grade now · q: finish · {ex.exercise}", "dim"))

    with Live(banner(), console=console, refresh_per_second=4, transient=True) as live:
        while clock() < deadline:
            try:
                line = lines.get(timeout=refresh)
            except queue.Empty:
                live.update(banner())
                continue
            if line is None or line.strip().lower() == "q":
                break
            result = grade(ex, ws.root, impl="learner")
            console.print(f"[muted]{format_clock(clock() - start)} in:[/] {result.n_passed} passed, {result.n_failed} failed")
            if result.passed:
                console.print("[ok]Everything passes.[/] Press q and Enter to finish, or keep polishing.")
            live.update(banner())
    used = min(clock(), deadline) - start
    final = grade(ex, ws.root, impl="learner")
    ws.store.record_attempt(
        ex.id, passed=final.passed, duration=used, n_passed=final.n_passed, n_failed=final.n_failed,
        first_failure=final.first_failure.nodeid if final.first_failure else final.problem, kind="drill",
        started=final.problem != "not_started",
    )  # fmt: skip
    total = final.n_passed + final.n_failed
    console.rule("drill over")
    console.print(f"Score: [bold]{final.n_passed}/{total}[/] tests in {format_clock(used)} (limit {format_clock(minutes * 60)})")
    show(ws, final)
    return final


def run(args, ws: Workspace) -> int:
    drills = [ex for ex in ws.catalogue.exercises if ex.drill_minutes > 0]
    if not args.id:
        if not drills:
            console.print("No drills yet.")
        for ex in drills:
            console.print(f"  [id]{ex.id}[/]  {ex.title_zh or ex.title} · {ex.drill_minutes} min")
        return 0
    ex = ws.catalogue.exercise(args.id)
    if ex.drill_minutes <= 0:
        console.print(f"[fail]error:[/] {ex.id} is not a timed drill. Drills: {', '.join(d.id for d in drills) or 'none yet'}")
        return 2
    minutes = args.minutes if args.minutes is not None else ex.drill_minutes
    if minutes <= 0:
        console.print("[fail]error:[/] --minutes must be positive")
        return 2
    console.print(f"[bold]{ex.title}[/] · {ex.title_zh} · {format_clock(minutes * 60)}")
    console.print(f"Problems in [path]{ex.exercise}[/]: " + ", ".join(f"[bold]{p}[/]" for p in problems(ws, ex)))
    console.print("Press Enter to grade at any time; q then Enter to finish. Good luck!")
    final = run_drill(ws, ex, minutes=minutes, lines=_stdin_lines())
    return 0 if final.passed else 1
