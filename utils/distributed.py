"""Joining the process group that ``torchrun`` describes, on CPUs (gloo) or GPUs (NCCL).

    from utils.distributed import init_from_torchrun, run_main
    rank, world_size, device = init_from_torchrun()      # under: torchrun --nproc_per_node=2 -m ...
    if __name__ == "__main__":
        run_main(main)      # started without torchrun: one line saying how to start it, exit status 2

``torchrun`` starts one process per rank and gives each, in its environment,
``RANK``, ``WORLD_SIZE``, ``LOCAL_RANK`` (the rank on this machine: which GPU
to use), ``MASTER_ADDR`` and ``MASTER_PORT`` (where rank 0 listens). The
backend is NCCL when CUDA is present, gloo otherwise, unless
``LEARN_DIST_BACKEND`` says which (``LEARN_DIST_BACKEND=gloo`` runs the CPU
path on a GPU machine). With NCCL each process uses the GPU ``cuda:LOCAL_RANK``.

The grading tests do not use this: they start their own processes with
``curriculum.grading.distributed.run_ranks`` (free port, deadline, clear
errors). This is for the exercises' ``main()`` demos and your own scripts.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable

BACKENDS = ("gloo", "nccl")


class NotUnderTorchrun(RuntimeError):
    """The process was not started by torchrun: its rendezvous variables are missing."""


def init_from_torchrun(backend: str | None = None):
    """Initialise the default process group from torchrun's environment; return ``(rank, world_size, device)``.

    Args:
        backend: ``"gloo"`` or ``"nccl"``; ``None``: ``$LEARN_DIST_BACKEND``, else NCCL when CUDA is
            available and gloo otherwise.

    Raises:
        NotUnderTorchrun: not started by torchrun (no ``RANK``/``WORLD_SIZE``/... in the environment).
        RuntimeError: NCCL asked for without CUDA.
        ValueError: an unknown backend name.
    """
    import torch
    import torch.distributed as dist

    missing = [k for k in ("RANK", "WORLD_SIZE", "MASTER_ADDR", "MASTER_PORT") if k not in os.environ]
    if missing:
        module = getattr(sys.modules.get("__main__"), "__spec__", None)
        name = module.name if module is not None else "cs336.sys08_ddp_naive"
        raise NotUnderTorchrun(
            f"{', '.join(missing)} not set: this runs one process per rank, started by torchrun, e.g. "
            f"`.venv/bin/torchrun --nproc_per_node=2 -m {name}`"
        )
    backend = backend or os.environ.get("LEARN_DIST_BACKEND") or ("nccl" if torch.cuda.is_available() else "gloo")
    if backend not in BACKENDS:
        raise ValueError(f"backend must be one of {BACKENDS}, got {backend!r}")
    local_rank = int(os.environ.get("LOCAL_RANK", 0))
    if backend == "nccl":
        if not torch.cuda.is_available():
            raise RuntimeError("the NCCL backend needs CUDA; use gloo on a CPU (LEARN_DIST_BACKEND=gloo)")
        torch.cuda.set_device(local_rank)
        device = torch.device("cuda", local_rank)
    else:
        device = torch.device("cpu")
    dist.init_process_group(backend)
    return dist.get_rank(), dist.get_world_size(), device


def run_main(main: Callable[[], object]) -> None:
    """Call ``main()``; when the process was not started by torchrun, print how to start it and exit with 2."""
    try:
        main()
    except NotUnderTorchrun as err:
        print(f"error: {err}", file=sys.stderr)
        raise SystemExit(2) from None
