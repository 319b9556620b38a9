"""``learn bench [NAME] [--quick] [ARGS...]``: run a benchmark, or list them.

Every benchmark module exposes ``main(argv) -> int`` with at least ``--quick``
and ``--out``; anything after NAME is passed on to it.
"""

from __future__ import annotations

import argparse
from importlib import import_module

from rich.table import Table

from curriculum.console import console
from curriculum.workspace import Workspace


def add_parser(sub) -> None:
    p = sub.add_parser("bench", help="run a benchmark (no name: list them)")
    p.add_argument("name", nargs="?", help="benchmark name, e.g. list-vs-deque")
    p.add_argument("args", nargs=argparse.REMAINDER, help="options for the benchmark, e.g. --quick")


def run(args, ws: Workspace) -> int:
    benches = ws.catalogue.benchmarks
    if not args.name:
        table = Table(show_edge=False, pad_edge=False)
        for col in ("name", "track", "what it compares"):
            table.add_column(col)
        for b in benches:
            table.add_row(f"[id]{b.name}[/]", b.track, f"{b.title}\n[muted]{b.description}[/]")
        console.print(table)
        console.print("[muted]Run one with `learn bench NAME` (add --quick for a smoke run).[/]")
        return 0
    bench = ws.catalogue.benchmark(args.name)
    module = import_module(bench.module)
    return int(module.main(list(args.args)) or 0)
