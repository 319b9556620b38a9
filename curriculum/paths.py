"""Where things live: the workspace root and the learner's local state folder."""

from __future__ import annotations

import os
from pathlib import Path

ROOT_ENV = "LEARN_ROOT"


def workspace_root() -> Path:
    """The workspace root: ``$LEARN_ROOT`` if set, else the folder holding ``curriculum/``."""
    override = os.environ.get(ROOT_ENV)
    if override:
        return Path(override).resolve()
    return Path(__file__).resolve().parent.parent


def state_dir(root: Path | None = None) -> Path:
    """The git-ignored folder for progress, hint levels and backups: ``<root>/.learn``."""
    return (root or workspace_root()) / ".learn"
