"""``learn``: the learner's command line. A thin layer over importable functions.

    learn                      the dashboard: progress, the next exercise, streak
    learn list [TRACK] [--json]
    learn read ID              the lesson, rendered in the terminal
    learn check [ID] [--all]   grade an exercise (default: the next one)
    learn watch [ID]           re-grade on every save
    learn hint ID              the next hint level
    learn solution ID [--force]
    learn reset ID             restore the stub (your version is backed up)
    learn quiz [ID]            an interview quiz, with explanations
    learn drill [ID]           a timed drill with a countdown
    learn report               your mistake report (Markdown too)
    learn bench [NAME] [--quick]
    learn data [NAME]          download MNIST, CIFAR-10, TinyStories (checksum, resume)
    learn doctor               what is installed, and what to do about what is not
    learn dev verify|sync-stubs|readme   the course's self-checks (for authors and CI)

Each command lives in ``curriculum/commands/<name>.py`` with ``add_parser`` and ``run``.
"""

from __future__ import annotations

import argparse
import sys
from importlib import import_module

from curriculum.console import console

COMMANDS = ("list", "read", "check", "watch", "hint", "solution", "reset", "quiz", "drill", "report", "bench", "data", "doctor", "dev")
_MODULES = {name: name for name in COMMANDS} | {"list": "listing"}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="learn",
        description="A self-graded course from Python fundamentals to LLM systems. "
        "With no command: the dashboard.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMANDS:
        import_module(f"curriculum.commands.{_MODULES[name]}").add_parser(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    from curriculum.course import CatalogueError, UnknownIdError
    from curriculum.store import StoreError
    from curriculum.workspace import Workspace

    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv:  # the dashboard: keep this path free of argparse set-up and heavy imports
        from curriculum.commands import dashboard

        command, args = dashboard, None
    else:
        args = build_parser().parse_args(argv)
        if args.command is None:
            from curriculum.commands import dashboard

            command = dashboard
        else:
            command = import_module(f"curriculum.commands.{_MODULES[args.command]}")
    try:
        return int(command.run(args, Workspace.open()) or 0)
    except UnknownIdError as err:
        console.print(f"[fail]error:[/] {err}")
        if err.kind == "exercise":
            console.print("[muted]`learn list` shows every exercise id.[/]")
        return 2
    except (CatalogueError, StoreError) as err:
        console.print(f"[fail]error:[/] {err}")
        return 2
    except KeyboardInterrupt:
        console.print("[muted]interrupted[/]")
        return 130


if __name__ == "__main__":
    raise SystemExit(main())
