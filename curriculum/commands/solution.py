"""``learn solution ID``: the reference, once the exercise has passed (or with ``--force``)."""

from __future__ import annotations

from rich.syntax import Syntax

from curriculum.console import console
from curriculum.workspace import Workspace


def add_parser(sub) -> None:
    p = sub.add_parser("solution", help="show the reference after you pass")
    p.add_argument("id", help="exercise id")
    p.add_argument("--force", action="store_true", help="show it before passing (spoils the exercise)")


def run(args, ws: Workspace) -> int:
    ex = ws.catalogue.exercise(args.id)
    if not args.force and not ws.store.ever_passed(ex.id):
        console.print(
            f"[warn]{ex.id} has not passed yet.[/] The reference opens after [cmd]learn check {ex.id}[/] passes; "
            f"try [cmd]learn hint {ex.id}[/] first, or add [cmd]--force[/] to look anyway."
        )
        return 1
    source = (ws.root / ex.solution).read_text(encoding="utf-8")
    console.print(f"[muted]{ex.solution}[/]")
    console.print(Syntax(source, "python", line_numbers=True, theme="monokai"))
    nxt = ws.next_exercise(after=ex)
    if nxt is not None:
        console.print(f"Next: [id]{nxt.id}[/] {nxt.title} — [cmd]learn read {nxt.id}[/]")
    return 0
