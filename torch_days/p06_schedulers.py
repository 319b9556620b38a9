"""Project 6: learning-rate schedules, written as functions and compared.

A schedule is a function from the step number to a learning rate. Two of
them by formula, then the machinery to use and compare them:

- ``warmup_cosine``: a linear warm-up from 0, then a half cosine down to
  ``min_lr`` (the schedule of most Transformer training runs);
- ``step_decay``: multiply by ``gamma`` every ``step_size`` steps (classic CNN training);
- ``train_with_schedule``: mini-batch training of a small MLP on the digits
  with SGD + momentum, setting the learning rate from a schedule before every step;
- ``compare_schedules``: the same run for several schedules;
- ``plot_lr_curves``: a PNG with the learning-rate curves (and the losses).

torch's own schedulers (``LinearLR``, ``CosineAnnealingLR``, ``SequentialLR``,
``StepLR``) compute the same numbers; the tests use them as the oracle. A plain
function has two advantages: it is stateless (any step can be asked, e.g. on
resuming) and it is trivially plotted.

In scope: the formulas, the order "set lr, then optimizer.step()", plotting
with matplotlib's object API. Out of scope: per-parameter-group schedules,
``ReduceLROnPlateau``, one-cycle.

Run the demo: .venv/bin/python -m torch_days.solutions.p06_schedulers
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Callable

import torch
import torch.nn.functional as F
from torch import nn


def warmup_cosine(step: int, *, warmup: int, total: int, base_lr: float, min_lr: float = 0.0) -> float:
    """Linear warm-up to ``base_lr``, then cosine decay to ``min_lr`` at step ``total``.

    - ``0 <= step < warmup``: ``base_lr * step / warmup`` (starts at 0);
    - ``warmup <= step <= total``: with ``t = (step - warmup) / (total - warmup)``,
      ``min_lr + (base_lr - min_lr) * (1 + cos(pi * t)) / 2``;
    - ``step > total``: ``min_lr`` (training ran past the plan: stay at the floor).

    ``warmup=0`` is a plain cosine from ``base_lr``. The values equal torch's
    ``SequentialLR([LinearLR(start_factor≈0, total_iters=warmup),
    CosineAnnealingLR(T_max=total - warmup, eta_min=min_lr)], milestones=[warmup])``
    read before each ``scheduler.step()``.

    Args:
        step: the optimizer step about to be taken, ``>= 0``.
        warmup: warm-up steps, ``0 <= warmup < total``.
        total: the step at which ``min_lr`` is reached.
        base_lr: the peak, ``> 0``.
        min_lr: the floor, ``0 <= min_lr <= base_lr``.

    Returns:
        the learning rate, a float.

    Raises:
        ValueError: any argument out of its range (negative step, ``warmup >= total``, ...).

    Example:
        >>> [round(warmup_cosine(s, warmup=2, total=6, base_lr=1.0), 3) for s in range(8)]
        [0.0, 0.5, 1.0, 0.854, 0.5, 0.146, 0.0, 0.0]

    Edge cases the tests try: against torch's schedulers for several settings,
    ``warmup=0`` and ``1``, ``min_lr > 0``, ``min_lr == base_lr``, steps past
    ``total``, bad arguments, and properties (monotone pieces, within bounds).
    """
    # TODO: check the arguments, then the three pieces. Use math.cos and math.pi.
    raise NotImplementedError("torch-p06: warmup_cosine is not written yet")


def step_decay(step: int, *, step_size: int, gamma: float, base_lr: float) -> float:
    """``base_lr * gamma ** (step // step_size)``, as ``torch.optim.lr_scheduler.StepLR``.

    Args:
        step: ``>= 0``; step_size: ``>= 1``; gamma: ``0 < gamma <= 1``; base_lr: ``> 0``.

    Returns:
        the learning rate, a float.

    Raises:
        ValueError: any argument out of its range.

    Example:
        >>> [step_decay(s, step_size=2, gamma=0.5, base_lr=1.0) for s in range(5)]
        [1.0, 1.0, 0.5, 0.5, 0.25]

    Edge cases the tests try: against ``StepLR``, ``step_size=1``,
    ``gamma=1`` (constant), bad arguments.
    """
    # TODO: integer division decides how many decays have happened.
    raise NotImplementedError("torch-p06: step_decay is not written yet")


def _digits() -> tuple[torch.Tensor, torch.Tensor]:
    from sklearn.datasets import load_digits

    digits = load_digits()
    return torch.tensor(digits.data / 16.0, dtype=torch.float32), torch.tensor(digits.target, dtype=torch.int64)


def train_with_schedule(
    schedule: Callable[[int], float], *, steps: int, seed: int = 0, batch_size: int = 32, momentum: float = 0.9
) -> dict:
    """Mini-batch training of a small MLP on the digits, with the learning rate from ``schedule``.

    The set-up is fixed, so that runs differ only in their schedule:

    - data: ``load_digits()``, pixels ``/ 16`` as ``(1797, 64)`` float32, labels int64;
    - ``torch.manual_seed(seed)``, then
      ``model = nn.Sequential(nn.Linear(64, 64), nn.ReLU(), nn.Linear(64, 10))``;
    - ``torch.optim.SGD(model.parameters(), lr=0.0, momentum=momentum)``: the
      rate given here never matters, it is overwritten before every step;
    - ``g = torch.Generator().manual_seed(seed)``; an epoch is
      ``n // batch_size`` steps (the remainder is dropped); at each step ``k``
      with ``k % steps_per_epoch == 0`` draw ``perm = torch.randperm(n, generator=g)``;
      step ``k`` uses ``perm[j * batch_size:(j + 1) * batch_size]`` with ``j = k % steps_per_epoch``.

    Step ``k`` (``0 <= k < steps``): set ``group["lr"] = schedule(k)`` for every
    parameter group, compute ``F.cross_entropy`` on the batch, ``zero_grad``,
    ``backward``, ``optimizer.step()``. ``schedule`` is called exactly once per
    step, with ``k = 0, 1, ..., steps - 1`` in order.

    Args:
        schedule: step -> learning rate.
        steps: ``>= 1``.
        seed: the seed of the initial weights and of the batch order.
        batch_size: ``1 <= batch_size <= 1797``.
        momentum: SGD momentum.

    Returns:
        ``{"lrs": [...], "losses": [...], "final_loss": float}``: the rate used
        and the batch loss (before the update) at each step, then the loss on
        all 1797 images after the last step (under ``torch.no_grad()``).

    Raises:
        ValueError: ``steps < 1`` or a bad ``batch_size``.

    Example:
        >>> run = train_with_schedule(lambda k: 0.1, steps=100)
        >>> run["lrs"][:2], run["final_loss"] < run["losses"][0]
        ([0.1, 0.1], True)

    Edge cases the tests try: the same losses as a run driven by torch's
    ``StepLR`` and ``SequentialLR`` (so the rate is applied at the right step),
    the schedule's calls in order, one step, a run longer than an epoch.
    """
    # TODO: the lr of step k must be in place *before* optimizer.step() of
    # step k. Keep the losses as tensors; convert once at the end.
    raise NotImplementedError("torch-p06: train_with_schedule is not written yet")


def compare_schedules(schedules: dict[str, Callable[[int], float]], *, steps: int, seed: int = 0) -> dict[str, dict]:
    """``train_with_schedule`` for each named schedule, with the same ``steps`` and ``seed``.

    Returns:
        name -> the run's ``{"lrs", "losses", "final_loss"}``, in ``schedules``' order.

    Example:
        >>> runs = compare_schedules({"constant": lambda k: 0.1, "decay": lambda k: 0.1 * 0.99 ** k}, steps=20)
        >>> list(runs), len(runs["decay"]["lrs"])
        (['constant', 'decay'], 20)
    """
    # TODO: one call of train_with_schedule per schedule.
    raise NotImplementedError("torch-p06: compare_schedules is not written yet")


def plot_lr_curves(curves: dict[str, list[float]], path: str | Path, *, losses: dict[str, list[float]] | None = None) -> Path:
    """Write a PNG: one line per schedule (x: step, y: learning rate), and a loss panel if ``losses`` is given.

    Uses matplotlib's object API on the non-interactive Agg backend
    (``matplotlib.figure.Figure``, or ``pyplot`` with ``plt.close(fig)``) so
    that no window opens and no figure is left open afterwards. The learning
    rates go in one panel with a legend; with ``losses``, a second panel shows
    each run's loss against the step (log scale on y). Parent folders are
    created.

    Args:
        curves: name -> learning rates per step (at least one curve, none empty).
        path: the PNG to write.
        losses: name -> losses per step, optional.

    Returns:
        ``Path(path)``.

    Raises:
        ValueError: no curves, or an empty curve.

    Example:
        >>> out = plot_lr_curves({"cosine": [warmup_cosine(s, warmup=10, total=100, base_lr=0.1) for s in range(120)]},
        ...                      "/tmp/lr.png")
        >>> out.read_bytes()[:8] == b"\\x89PNG\\r\\n\\x1a\\n"
        True

    Edge cases the tests try: the PNG signature and a readable, non-blank
    image, with and without ``losses``, a folder that does not exist yet, no
    figure left open, no curves.
    """
    # TODO: from matplotlib.figure import Figure; fig = Figure(figsize=...);
    # ax = fig.add_subplot(...); ax.plot(...); fig.savefig(path, format="png").
    raise NotImplementedError("torch-p06: plot_lr_curves is not written yet")


if __name__ == "__main__":
    total_steps, peak = 300, 0.4
    plans = {
        f"constant {peak}": lambda k: peak,
        "step decay": lambda k: step_decay(k, step_size=75, gamma=0.3, base_lr=peak),
        "warmup + cosine": lambda k: warmup_cosine(k, warmup=30, total=total_steps, base_lr=peak),
    }
    results = compare_schedules(plans, steps=total_steps)
    for label, run in results.items():
        print(f"{label:<16} loss on all images after training: {run['final_loss']:.4f}")
    out_path = plot_lr_curves({k: v["lrs"] for k, v in results.items()}, "lr_curves.png",
                              losses={k: v["losses"] for k, v in results.items()})
    print(f"wrote {out_path}")
