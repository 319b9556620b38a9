"""``learn dev ...``: the course's self-checks and generators, for course authors and CI.

    learn dev verify [--skip CHECK ...]   catalogue ↔ files, stubs, docs, lessons, grading
    learn dev sync-stubs [ID ...]         regenerate stubs from references
    learn dev readme                      regenerate the README roadmap and the lesson index
    learn dev smoke                       run every benchmark with --quick (CI)
"""

from __future__ import annotations

import time
from importlib import import_module

from rich.table import Table

from curriculum.console import console
from curriculum.fileio import atomic_write_text
from curriculum.roadmap import LESSON_INDEX, lesson_index, render_readme
from curriculum.stubs import write_stub
from curriculum.verify import CHECKS, verify
from curriculum.workspace import Workspace


def add_parser(sub) -> None:
    p = sub.add_parser("dev", help="course self-checks (authors, CI)")
    dev = p.add_subparsers(dest="dev_command", metavar="DEV_COMMAND", required=True)
    v = dev.add_parser("verify", help="check the whole course")
    v.add_argument("--skip", nargs="*", choices=CHECKS, default=[], help="checks to leave out")
    s = dev.add_parser("sync-stubs", help="regenerate stubs from the references")
    s.add_argument("ids", nargs="*", help="exercise ids (default: all)")
    dev.add_parser("readme", help="regenerate the README roadmap and the lesson index")
    dev.add_parser("smoke", help="run every benchmark with --quick")


def smoke(ws: Workspace) -> int:
    """Each benchmark's quick mode, one after another; 1 if any of them fails."""
    failed = []
    for bench in ws.catalogue.benchmarks:
        console.rule(f"bench {bench.name} --quick")
        start = time.perf_counter()
        try:
            code = int(import_module(bench.module).main(["--quick"]) or 0)
        except Exception as err:  # noqa: BLE001 - report every benchmark, then fail
            console.print(f"[fail]{bench.name} raised {type(err).__name__}: {err}[/]")
            code = 1
        if code:
            failed.append(bench.name)
        console.print(f"[muted]{bench.name}: exit {code} in {time.perf_counter() - start:.1f} s[/]")
    if failed:
        console.print(f"[fail]smoke: {len(failed)} benchmark(s) failed: {', '.join(failed)}[/]")
        return 1
    console.print(f"[ok]smoke: {len(ws.catalogue.benchmarks)} benchmark(s) ran[/]")
    return 0


def run(args, ws: Workspace) -> int:
    if args.dev_command == "sync-stubs":
        chosen = [ws.catalogue.exercise(i) for i in args.ids] or list(ws.catalogue.exercises)
        for ex in chosen:
            changed = write_stub(ex, ws.root)
            console.print(("[warn]wrote[/]     " if changed else "[muted]unchanged[/] ") + ex.exercise)
        return 0
    if args.dev_command == "smoke":
        return smoke(ws)
    if args.dev_command == "readme":
        readme = ws.root / "README.md"
        atomic_write_text(readme, render_readme(readme.read_text(encoding="utf-8"), ws.catalogue))
        atomic_write_text(ws.root / LESSON_INDEX, lesson_index(ws.catalogue))
        console.print(f"updated README.md and {LESSON_INDEX}")
        return 0
    start = time.perf_counter()
    stats: dict = {}
    with console.status("verifying …") as status:
        findings = verify(
            ws.root, skip=tuple(args.skip), progress=lambda what: status.update(f"verifying: {what}"), stats=stats
        )
    n = len(ws.catalogue.exercises)
    took = time.perf_counter() - start
    if stats:
        console.print(
            f"grading: {stats['tests']} tests ({stats['skipped']} skipped here) ran on the references and on the "
            f"untouched stubs [muted]({stats['seconds']['solution']} s and {stats['seconds']['pristine']} s, side by side)[/]"
        )
    if not findings:
        skipped = f" (skipped: {', '.join(args.skip)})" if args.skip else ""
        console.print(f"[ok]verify: all checks passed[/] for {n} exercises in {took:.0f} s{skipped}")
        return 0
    table = Table(show_edge=False, pad_edge=False, show_lines=True)
    for col in ("check", "where", "problem"):
        table.add_column(col)
    for f in findings:
        table.add_row(f.check, f"[id]{f.subject}[/]", f.message)
    console.print(table)
    console.print(f"[fail]verify: {len(findings)} problem{'s' if len(findings) != 1 else ''}[/] ({n} exercises, {took:.0f} s)")
    return 1
