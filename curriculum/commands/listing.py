"""``learn list [TRACK] [--json]``: the catalogue with each exercise's status."""

from __future__ import annotations

import json

from rich.table import Table

from curriculum.console import console
from curriculum.workspace import Workspace

STATUS_STYLE = {"passed": "[ok]passed[/]", "failing": "[fail]failing[/]", "not_started": "[muted]not started[/]"}


def add_parser(sub) -> None:
    p = sub.add_parser("list", help="the exercises and their status")
    p.add_argument("track", nargs="?", help="python_gym, torch_days, cs336 or rag")
    p.add_argument("--json", action="store_true", help="print a JSON array instead of a table")


def rows(ws: Workspace, track: str | None = None) -> list[dict]:
    exercises = ws.catalogue.in_track(track) if track else list(ws.catalogue.exercises)
    statuses = ws.statuses()
    return [
        {
            "id": ex.id,
            "track": ex.track,
            "day": ex.day,
            "title": ex.title,
            "title_zh": ex.title_zh,
            "status": statuses[ex.id],
            "lesson": ex.lesson,
            "exercise": ex.exercise,
            "solution": ex.solution,
            "tests": ex.tests,
            "requires": list(ex.requires),
            "minutes": ex.minutes,
            "difficulty": ex.difficulty,
        }
        for ex in exercises
    ]


def run(args, ws: Workspace) -> int:
    data = rows(ws, args.track)
    if args.json:
        print(json.dumps(data, ensure_ascii=False, indent=2))
        return 0
    table = Table(show_edge=False, pad_edge=False)
    table.add_column("id", no_wrap=True)
    table.add_column("day", justify="right")
    table.add_column("status", no_wrap=True)
    table.add_column("exercise")
    for r in data:
        table.add_row(f"[id]{r['id']}[/]", str(r["day"]), STATUS_STYLE[r["status"]], r["title_zh"] or r["title"])
    console.print(table)
    console.print("[muted]`learn read ID` opens a lesson; `learn list --json` has the English titles and file paths.[/]")
    return 0
