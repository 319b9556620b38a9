"""The one rich console every command prints through."""

from __future__ import annotations

import os

from rich.console import Console
from rich.theme import Theme

THEME = Theme(
    {
        "ok": "bold green",
        "fail": "bold red",
        "warn": "yellow",
        "muted": "dim",
        "id": "bold cyan",
        "path": "magenta",
        "cmd": "bold",
    }
)

console = Console(theme=THEME, highlight=False, soft_wrap=False, width=int(os.environ["LEARN_WIDTH"]) if os.environ.get("LEARN_WIDTH") else None)
