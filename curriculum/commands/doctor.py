"""``learn doctor``: what this machine has for the course, and what to do about what it lacks."""

from __future__ import annotations

import importlib.util
import os
import platform
import sys

from rich.table import Table

from curriculum.console import console
from curriculum.workspace import Workspace

# (import name, what needs it, how to get it)
OPTIONAL = (
    ("triton", "cs336 FlashAttention-2 kernel (interpreted on CPU with TRITON_INTERPRET=1)", "pip install triton (Linux; comes with CUDA builds of torch)"),
    ("tiktoken", "cs336 tokenizer comparisons", "pip install tiktoken"),
    ("tokenizers", "cs336 BPE benchmark (HF tokenizers)", "pip install tokenizers"),
    ("regex", "cs336 GPT-2 pretokenisation pattern", "pip install regex"),
    ("sklearn", "torch_days data sets (digits, iris, diabetes)", "pip install scikit-learn"),
    ("pandas", "python_gym NumPy/pandas basics", "pip install pandas"),
    ("chromadb", "rag track vector store", "pip install chromadb"),
)


def _version(module: str) -> str | None:
    if importlib.util.find_spec(module) is None:
        return None
    try:
        from importlib.metadata import version

        dist = {"sklearn": "scikit-learn"}.get(module, module)
        return version(dist)
    except Exception:  # noqa: BLE001 - any metadata problem just means "present, version unknown"
        return "installed"


def add_parser(sub) -> None:
    sub.add_parser("doctor", help="check Python, torch, CUDA/MPS, Triton and optional tools")


def rows(ws: Workspace) -> list[tuple[str, str, str, str]]:
    """(item, state, detail, advice) with state one of ok, warn, missing."""
    out: list[tuple[str, str, str, str]] = []
    py_ok = sys.version_info >= (3, 11)
    out.append(("python", "ok" if py_ok else "missing", platform.python_version(), "" if py_ok else "use Python 3.11 or newer"))
    in_venv = sys.prefix != sys.base_prefix
    out.append(("virtual env", "ok" if in_venv else "warn", sys.prefix, "" if in_venv else "run ./learn from the workspace root; it sets up .venv"))
    try:
        import torch
    except ImportError:
        out.append(("torch", "missing", "not installed", "./learn installs torch==2.13.0; see README for CUDA builds"))
    else:
        pinned = torch.__version__.split("+")[0] == "2.13.0"
        out.append(("torch", "ok" if pinned else "warn", torch.__version__, "" if pinned else "the course is tested with torch 2.13.0"))
        if torch.cuda.is_available():
            names = ", ".join(torch.cuda.get_device_name(i) for i in range(torch.cuda.device_count()))
            out.append(("CUDA", "ok", f"{torch.version.cuda} · {names}", ""))
        else:
            build = "CPU-only build" if torch.version.cuda is None else f"built for CUDA {torch.version.cuda}, no device visible"
            out.append(("CUDA", "warn", build, "CUDA tests are skipped; for a GPU install a CUDA build of torch 2.13.0 (README)"))
        mps = getattr(torch.backends, "mps", None)
        out.append(("MPS", "ok" if mps is not None and mps.is_available() else "warn", "available" if mps is not None and mps.is_available() else "not available", ""))
        out.append(("threads", "ok", f"{torch.get_num_threads()} torch threads, {os.cpu_count()} CPUs", ""))
    interpret = os.environ.get("TRITON_INTERPRET") == "1"
    for module, purpose, fix in OPTIONAL:
        version = _version(module)
        detail = version or "not installed"
        if module == "triton" and version:
            detail += " · interpreter mode (TRITON_INTERPRET=1)" if interpret else " · compiled mode (needs a GPU)"
        out.append((module, "ok" if version else "warn", detail, "" if version else f"{fix} — for {purpose}"))
    store = ws.root / ".learn" / "progress.sqlite3"
    out.append(("progress store", "ok", str(store.relative_to(ws.root)) + ("" if store.exists() else " (created on first check)"), ""))
    return out


def run(args, ws: Workspace) -> int:
    table = Table(show_edge=False, pad_edge=False)
    for col in ("", "item", "found", "what to do"):
        table.add_column(col)
    marks = {"ok": "[ok]✔[/]", "warn": "[warn]•[/]", "missing": "[fail]✘[/]"}
    results = rows(ws)
    for item, state, detail, advice in results:
        table.add_row(marks[state], item, detail, advice)
    console.print(table)
    missing = [r for r in results if r[1] == "missing"]
    if missing:
        console.print(f"[fail]{len(missing)} required item(s) missing.[/]")
        return 1
    console.print("[ok]Ready.[/] Optional items marked • are needed only by later tracks.")
    return 0
