"""Day 21: an automated pre-flight checklist for a training setup.

``run_checklist(model, batch, loss_fn, optimizer)`` runs the checks of this
week before the first real step and returns one ``Finding`` per problem
(an empty list for a healthy setup). The checks, in the order they run:

==============  ================================================================
name            the problem it reports
==============  ================================================================
``device``      parameters, buffers and the batch are not all on one device
``train_mode``  the model or one of its submodules is in eval mode
``data_norm``   a floating-point input far from mean 0 / std 1
``nan``         a NaN or Inf in the inputs, the parameters, the output, the
                loss or the gradients
``init_loss``   classification: the first loss is far from ``ln(num_classes)``
``grad_flow``   a trainable parameter that gets no gradient, or an all-zero one
``optimizer``   a trainable parameter the optimizer does not update
``overfit``     a copy of the setup cannot overfit this one batch
==============  ================================================================

The checklist never changes the caller's objects: the overfitting runs on a
deep copy of the model and the optimizer, and the gradients, the parameters
and the modes of the original are as they were.

In scope: the checks above, cheap enough to run before every training run.
Out of scope: fixing anything; checks over many batches (label balance,
leakage between splits: Day 20).

Run the demo: .venv/bin/python -m torch_days.day21_checklist
"""

from __future__ import annotations

import copy
import math
from collections.abc import Callable
from dataclasses import dataclass

import torch
from torch import nn

CHECKS = ("device", "train_mode", "data_norm", "nan", "init_loss", "grad_flow", "optimizer", "overfit")


@dataclass(frozen=True)
class Finding:
    """One problem: ``check`` is one of ``CHECKS``, ``message`` says what is wrong (English)."""

    check: str
    message: str


def _nonfinite(t: torch.Tensor) -> bool:
    return t.is_floating_point() and not bool(torch.isfinite(t).all())


def run_checklist(
    model: nn.Module,
    batch: tuple[torch.Tensor, torch.Tensor],
    loss_fn: Callable[[torch.Tensor, torch.Tensor], torch.Tensor],
    optimizer: torch.optim.Optimizer,
    *,
    num_classes: int | None = None,
    init_tolerance: float = 0.25,
    overfit_steps: int = 100,
    overfit_ratio: float = 0.2,
) -> list[Finding]:
    """Run the pre-flight checks on one batch; return the problems found, in ``CHECKS`` order.

    The checks (``x, y = batch``; ``params`` are the parameters with
    ``requires_grad=True``):

    1. ``device``: every parameter, buffer, ``x`` and ``y`` share one device.
       If not, stop here: nothing else can run. (Only this finding is returned.)
    2. ``train_mode``: ``model.training`` and every submodule's ``training``
       are ``True``; the message names the modules in eval mode.
    3. ``data_norm``: if ``x`` is floating point with more than one element and
       finite, ``|x.mean()| > 1`` or ``x.std()`` outside ``[0.1, 10]``.

    Checks 4 to 8 run on ``model_copy, opt_copy = copy.deepcopy((model, optimizer))``,
    copied *together* so that the copied optimizer holds the copied
    parameters, with the copy in training mode and its gradients cleared:

    4. ``nan``: a NaN/Inf in ``x``, in a parameter, in ``model_copy(x)``, in the
       loss or in a gradient after one forward and backward pass. After this
       finding, checks 5 to 8 are skipped: their numbers would be meaningless.
    5. ``init_loss``: only when ``num_classes`` is given: that first loss
       ``L0`` must satisfy ``|L0 - ln(num_classes)| <= init_tolerance * ln(num_classes)``
       (a classifier that knows nothing predicts uniformly).
    6. ``grad_flow``: every name in ``params`` whose ``.grad`` is ``None`` or
       all zeros after that backward pass (the message lists them).
    7. ``optimizer``: every name in ``params`` not in any of the optimizer's
       ``param_groups`` (compared by identity).
    8. ``overfit``: ``overfit_steps`` more steps (zero_grad, forward,
       backward, step) on this one batch; then, in eval mode under
       ``torch.no_grad()``, the loss must be ``<= overfit_ratio * L0``.
       Skipped (no finding) when ``overfit_steps == 0``.

    Afterwards the original model's parameters, gradients (``None`` stays
    ``None``), training modes and the optimizer's state are unchanged.

    Args:
        model: the model, as it will be trained.
        batch: ``(x, y)``, one batch of training data.
        loss_fn: ``loss_fn(model(x), y)``, a scalar.
        optimizer: the optimizer, as it will be used.
        num_classes: the number of classes for a classification loss, or
            ``None`` to skip ``init_loss``.
        init_tolerance: the allowed relative distance of ``L0`` from ``ln(C)``.
        overfit_steps: steps of the overfitting test, ``>= 0``.
        overfit_ratio: how far the loss must fall, in ``(0, 1)``.

    Returns:
        the findings, at most one per check, in ``CHECKS`` order; ``[]`` when
        the setup looks healthy.

    Raises:
        ValueError: ``overfit_steps < 0``, ``overfit_ratio`` outside ``(0, 1)``,
            ``init_tolerance <= 0`` or ``num_classes < 2``.

    Example:
        >>> model = nn.Sequential(nn.Linear(64, 32), nn.ReLU(), nn.Linear(32, 10))
        >>> opt = torch.optim.Adam(model.parameters(), lr=1e-2)
        >>> run_checklist(model, (x, y), nn.functional.cross_entropy, opt, num_classes=10)
        []
        >>> model.eval()
        >>> [f.check for f in run_checklist(model, (x, y), nn.functional.cross_entropy, opt, num_classes=10)]
        ['train_mode']

    Edge cases the tests try: a healthy setup (no finding), then one planted
    problem at a time: a parameter on the meta device, a submodule in eval
    mode, raw pixels 0..16, a NaN in the batch, a NaN weight, a last layer
    scaled by 100, a branch cut by ``detach``, a layer left out of the
    optimizer, a learning rate of 0; and that nothing of the caller's changed.
    """
    # TODO: follow the numbered list. Read the original for checks 1-3; run
    # checks 4-8 on copy.deepcopy((model, optimizer)): one call, one memo, so
    # the copied optimizer points at the copied parameters and the caller's
    # grads, BatchNorm buffers and optimizer state are never touched.
    raise NotImplementedError("torch-21: run_checklist is not written yet")


if __name__ == "__main__":
    from sklearn.datasets import load_digits

    digits = load_digits()
    x = torch.tensor(digits.data[:64], dtype=torch.float32)
    y = torch.tensor(digits.target[:64])
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(64, 32), nn.ReLU(), nn.Linear(32, 10))
    opt = torch.optim.Adam(model.parameters(), lr=1e-2)
    loss_fn = nn.functional.cross_entropy
    print("raw pixels:", run_checklist(model, (x, y), loss_fn, opt, num_classes=10))
    x = (x - x.mean(dim=0)) / x.std(dim=0).clamp_min(1e-3)
    print("standardised:", run_checklist(model, (x, y), loss_fn, opt, num_classes=10))
