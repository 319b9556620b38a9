"""``learn hint ID``: the next hint level each time it is asked."""

from __future__ import annotations

from rich.panel import Panel

from curriculum.console import console
from curriculum.workspace import Workspace


def add_parser(sub) -> None:
    p = sub.add_parser("hint", help="the next hint for an exercise")
    p.add_argument("id", nargs="?", help="exercise id (default: the next one)")


def run(args, ws: Workspace) -> int:
    ex = ws.resolve(args.id)
    total = len(ex.hints)
    already = ws.store.hint_level(ex.id)
    level = ws.store.next_hint_level(ex.id, total)
    for i in range(level):
        shown = i < already and i != level - 1
        body = f"[muted]{ex.hints[i]}[/]" if shown else ex.hints[i]
        console.print(Panel(body, title=f"hint {i + 1}/{total} · {ex.id}", title_align="left", expand=False))
    if already >= total:
        console.print(f"[muted]That was the last hint. When the tests pass, `learn solution {ex.id}` shows the reference.[/]")
    else:
        console.print(f"[muted]Ask again for hint {level + 1}.[/]" if level < total else "[muted]No more hints after this one.[/]")
    return 0
