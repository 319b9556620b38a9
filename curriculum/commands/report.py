"""``learn report``: the mistake report from the progress store, on screen and as Markdown.

    learn report                      writes .learn/report.md and prints a summary
    learn report --out my-report.md
"""

from __future__ import annotations

from pathlib import Path

from rich.markdown import Markdown

from curriculum.console import console
from curriculum.fileio import atomic_write_text
from curriculum.report import build_report, to_markdown
from curriculum.workspace import Workspace


def add_parser(sub) -> None:
    p = sub.add_parser("report", help="your mistake report (also saved as Markdown)")
    p.add_argument("--out", type=Path, help="where to write the Markdown (default: .learn/report.md)")


def run(args, ws: Workspace) -> int:
    report = build_report(ws.store.attempts(), ws.catalogue)
    text = to_markdown(report)
    out = args.out or ws.root / ".learn" / "report.md"
    atomic_write_text(out, text)
    console.print(Markdown(text))
    console.print(f"\n[muted]saved to {out}[/]")
    return 0
