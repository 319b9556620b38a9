"""``learn`` with no command: per-track progress, the next exercise, recent attempts, streak.

Reads the progress store only (it never re-runs tests), so it opens fast.
"""

from __future__ import annotations

from datetime import datetime

from rich.progress_bar import ProgressBar
from rich.table import Table

from curriculum.console import console
from curriculum.workspace import Workspace


def run(args, ws: Workspace) -> int:
    cat = ws.catalogue
    statuses = ws.statuses()
    table = Table(title="Your progress", title_justify="left", show_edge=False, pad_edge=False)
    table.add_column("track", no_wrap=True)
    table.add_column("progress", width=32)
    table.add_column("passed", justify="right")
    table.add_column("failing", justify="right")
    for track in cat.tracks:
        ids = [ex.id for ex in cat.exercises if ex.track == track.id]
        done = sum(statuses[i] == "passed" for i in ids)
        failing = sum(statuses[i] == "failing" for i in ids)
        label = track.title_zh or track.title
        if not ids:
            table.add_row(label, "[muted]coming soon[/]", "-", "-")
            continue
        table.add_row(label, ProgressBar(total=len(ids), completed=done, width=30), f"{done}/{len(ids)}", str(failing))
    console.print(table)

    nxt = ws.next_exercise()
    console.print()
    if nxt is None:
        console.print("[ok]Every exercise has passed.[/] `learn bench` lists the benchmarks to explore.")
    else:
        console.print(f"Next: [id]{nxt.id}[/] {nxt.title} [muted]({nxt.title_zh}, ~{nxt.minutes} min)[/]")
        console.print(f"  read the lesson: [cmd]learn read {nxt.id}[/]    edit: [path]{nxt.exercise}[/]    grade: [cmd]learn check {nxt.id}[/]")

    recent = ws.store.attempts(limit=5)
    if recent:
        console.print()
        console.print("Recent attempts:")
        for a in recent:
            mark = "[ok]pass[/]" if a.passed else "[fail]fail[/]"
            when = datetime.fromtimestamp(a.started_at).strftime("%m-%d %H:%M")
            console.print(f"  {when}  {mark}  [id]{a.exercise_id}[/]  {a.n_passed} passed, {a.n_failed} failed  [muted]{a.kind}[/]")
    streak = ws.store.streak()
    console.print()
    console.print(f"Streak: [bold]{streak}[/] day{'s' if streak != 1 else ''}" + ("  — one exercise a day keeps it going" if streak else ""))
    console.print("[muted]`learn --help` lists all commands.[/]")
    return 0
