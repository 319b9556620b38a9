"""``learn read ID``: the lesson rendered in the terminal."""

from __future__ import annotations

from rich.markdown import Markdown

from curriculum.console import console
from curriculum.workspace import Workspace


def add_parser(sub) -> None:
    p = sub.add_parser("read", help="read an exercise's lesson")
    p.add_argument("id", nargs="?", help="exercise id (default: the next one)")
    p.add_argument("--plain", action="store_true", help="print the Markdown source instead of rendering it")


def run(args, ws: Workspace) -> int:
    ex = ws.resolve(args.id)
    path = ws.root / ex.lesson
    if not path.is_file():
        console.print(f"[fail]error:[/] the lesson file {ex.lesson} is missing")
        return 1
    text = path.read_text(encoding="utf-8")
    if args.plain:
        print(text)
    else:
        console.print(Markdown(text, code_theme="monokai"))
    console.print()
    console.print(f"Edit [path]{ex.exercise}[/], then [cmd]learn check {ex.id}[/] (or [cmd]learn watch {ex.id}[/]).")
    return 0
