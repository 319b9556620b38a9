"""``learn reset ID``: restore the pristine stub, keeping a timestamped backup of the learner's file.

The stub is regenerated from the reference, so a reset works even after the
learner has committed their own version to git.
"""

from __future__ import annotations

import shutil
import time
from pathlib import Path

from curriculum.console import console
from curriculum.course import Exercise
from curriculum.fileio import atomic_write_text
from curriculum.stubs import make_stub
from curriculum.workspace import Workspace


def add_parser(sub) -> None:
    p = sub.add_parser("reset", help="restore an exercise's stub (your version is backed up)")
    p.add_argument("id", help="exercise id")


def reset(ws: Workspace, ex: Exercise) -> tuple[bool, Path | None]:
    """Write the pristine stub; return (whether the file changed, the backup's path or None)."""
    target = ws.root / ex.exercise
    pristine = make_stub((ws.root / ex.solution).read_text(encoding="utf-8"), ex.id, filename=ex.solution)
    backup = None
    if target.exists():
        if target.read_text(encoding="utf-8", errors="replace") == pristine:
            return False, None
        stamp = time.strftime("%Y%m%d-%H%M%S")
        folder = ws.backups / ex.id
        folder.mkdir(parents=True, exist_ok=True)
        backup = folder / f"{stamp}-{target.name}"
        n = 1
        while backup.exists():
            backup = folder / f"{stamp}-{n}-{target.name}"
            n += 1
        shutil.copy2(target, backup)
    atomic_write_text(target, pristine)
    return True, backup


def run(args, ws: Workspace) -> int:
    ex = ws.catalogue.exercise(args.id)
    changed, backup = reset(ws, ex)
    if not changed:
        console.print(f"[path]{ex.exercise}[/] is already the untouched stub; nothing to do.")
    elif backup is None:
        console.print(f"Restored the missing [path]{ex.exercise}[/].")
    else:
        rel = backup.relative_to(ws.root)
        console.print(f"Restored [path]{ex.exercise}[/]. Your version is kept in [path]{rel}[/].")
    return 0
