"""Pick a device, describe the machine, seed every random generator.

    >>> import torch
    >>> from utils.device import get_device, seed_everything
    >>> seed_everything(0)
    >>> device = get_device()          # cuda > mps > cpu, or $LEARN_DEVICE
    >>> x = torch.randn(3, device=device)

The choice, in order of precedence:

1. the ``prefer`` argument, when given (``"cpu"``, ``"cuda"``, ``"cuda:1"``, ``"mps"``);
2. the environment variable ``LEARN_DEVICE`` (e.g. ``LEARN_DEVICE=cpu ./learn check``);
3. the best available: CUDA, then Apple MPS, then the CPU.

``"auto"`` (as an argument or in ``LEARN_DEVICE``) means "the best available".
A device that is asked for but absent is an error, not a silent fallback: a
run that you believe is on the GPU should not quietly take hours on the CPU.

Out of scope: multi-GPU placement, distributed setup (see the cs336 track).
"""

from __future__ import annotations

import importlib.metadata
import importlib.util
import os
import platform
import random
import sys
from typing import Any

import numpy as np
import torch
from rich.console import Console
from rich.table import Table

__all__ = ["DEVICE_ENV", "environment_summary", "get_device", "print_environment", "seed_everything"]

DEVICE_ENV = "LEARN_DEVICE"

console = Console(highlight=False)


def _mps_available() -> bool:
    mps = getattr(torch.backends, "mps", None)
    return mps is not None and bool(mps.is_available())


def _available() -> list[str]:
    """What this machine offers, e.g. ``['cuda:0', 'cuda:1', 'cpu']``."""
    names = []
    if torch.cuda.is_available():
        names += [f"cuda:{i}" for i in range(torch.cuda.device_count())]
    if _mps_available():
        names.append("mps")
    names.append("cpu")
    return names


def _best() -> torch.device:
    if torch.cuda.is_available():
        return torch.device("cuda")
    if _mps_available():
        return torch.device("mps")
    return torch.device("cpu")


def get_device(prefer: str | None = None) -> torch.device:
    """The device to run on: ``prefer`` if given, else ``$LEARN_DEVICE``, else the best available.

    Args:
        prefer: ``None`` or ``"auto"`` (no preference), ``"cpu"``, ``"cuda"``,
            ``"cuda:N"``, ``"mps"``.

    Returns:
        a ``torch.device``; ``"auto"`` gives ``cuda`` (no index), ``mps`` or ``cpu``.

    Raises:
        TypeError: ``prefer`` is not a string.
        ValueError: the request names an unknown device type, or a device this
            machine does not have; the message lists what is available and how
            to fix the request.
    """
    source = "get_device(prefer=...)"
    spec = prefer
    if spec is None:
        spec = os.environ.get(DEVICE_ENV, "").strip() or None
        source = f"the environment variable {DEVICE_ENV}"
    if spec is not None and not isinstance(spec, str):
        raise TypeError(f"get_device expects a device name such as 'cuda' or 'cpu', got {type(spec).__name__}")
    if spec is None or spec.strip().lower() == "auto":
        return _best()

    try:
        device = torch.device(spec.strip().lower())
    except RuntimeError:
        raise ValueError(
            f"{source} asks for {spec!r}, which is not a device name; "
            "use one of 'auto', 'cpu', 'cuda', 'cuda:N', 'mps'"
        ) from None

    available = _available()
    fix = f"available here: {', '.join(available)}. Ask for one of those, or set {DEVICE_ENV}=cpu (or auto)"
    if device.type == "cpu":
        return device
    if device.type == "cuda":
        if not torch.cuda.is_available():
            why = (
                f"torch {torch.__version__} is a CPU-only build (install a CUDA build of torch)"
                if torch.version.cuda is None
                else "no CUDA device or driver is visible (check nvidia-smi and CUDA_VISIBLE_DEVICES)"
            )
            raise ValueError(f"{source} asks for {spec!r}, but torch.cuda.is_available() is False: {why}; {fix}")
        if device.index is not None and device.index >= torch.cuda.device_count():
            raise ValueError(
                f"{source} asks for {spec!r}, but there are only {torch.cuda.device_count()} CUDA device(s); {fix}"
            )
        return device
    if device.type == "mps":
        if not _mps_available():
            raise ValueError(f"{source} asks for {spec!r}, but Apple MPS is not available; {fix}")
        return device
    raise ValueError(f"{source} asks for {spec!r}: device type {device.type!r} is not supported here; {fix}")


def _version(package: str) -> str | None:
    """An installed package's version without importing it (triton's import is slow)."""
    if importlib.util.find_spec(package) is None:
        return None
    try:
        return importlib.metadata.version(package)
    except importlib.metadata.PackageNotFoundError:
        return "unknown"


def environment_summary() -> dict[str, Any]:
    """The facts to paste into a bug report, as a dict.

    Keys: ``python, platform, torch, cuda_available, cuda_version, cudnn_version,
    cuda_devices (names), mps_available, cpu_count, torch_threads, numpy, triton
    (version or None), default_device``.
    """
    cuda = torch.cuda.is_available()
    return {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "torch": torch.__version__,
        "cuda_available": cuda,
        "cuda_version": torch.version.cuda,
        "cudnn_version": torch.backends.cudnn.version() if cuda else None,
        "cuda_devices": [torch.cuda.get_device_name(i) for i in range(torch.cuda.device_count())] if cuda else [],
        "mps_available": _mps_available(),
        "cpu_count": os.cpu_count(),
        "torch_threads": torch.get_num_threads(),
        "numpy": np.__version__,
        "triton": _version("triton"),
        "default_device": str(_best()),
    }


def print_environment() -> None:
    """Print ``environment_summary()`` as a table."""
    table = Table(title="environment", title_justify="left", show_header=False, box=None, padding=(0, 1))
    table.add_column(style="dim", no_wrap=True)
    table.add_column()
    for key, value in environment_summary().items():
        if isinstance(value, list):
            value = ", ".join(value) or "-"
        table.add_row(key, "-" if value is None else str(value))
    env = os.environ.get(DEVICE_ENV)
    if env:
        table.add_row(DEVICE_ENV, env)
    console.print(table)


def seed_everything(seed: int) -> None:
    """Seed Python's ``random``, NumPy's global generator and torch (CPU and every CUDA device).

    Also sets ``PYTHONHASHSEED``, which only affects interpreters started after
    this call (subprocesses, spawned DataLoader workers): the running
    interpreter fixed its string-hash seed when it started.

    For bitwise-reproducible GPU runs you additionally need
    ``torch.use_deterministic_algorithms(True)``; that can be slower and is
    left to the caller.

    Raises:
        TypeError: ``seed`` is not an int.
        ValueError: ``seed`` is outside ``0 .. 2**32 - 1`` (NumPy's limit).
    """
    if isinstance(seed, bool) or not isinstance(seed, int):
        raise TypeError(f"seed must be an int, got {type(seed).__name__}")
    if not 0 <= seed < 2**32:
        raise ValueError(f"seed must be in 0 .. 2**32 - 1 (NumPy's limit), got {seed}")
    os.environ["PYTHONHASHSEED"] = str(seed)
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)  # seeds the CPU generator and every CUDA device's
    if torch.cuda.is_available():
        torch.cuda.manual_seed_all(seed)


if __name__ == "__main__":
    print_environment()
    print("device:", get_device(sys.argv[1] if len(sys.argv) > 1 else None))
