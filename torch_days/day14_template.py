"""Day 14: the training template the rest of the course uses.

Week 2 in one file: a training loop that is correct before it is clever.

- ``train_one_epoch``: ``model.train()``, then per batch ``zero_grad`` →
  forward → loss → ``backward`` → ``step``; returns the mean loss per sample;
- ``evaluate``: ``model.eval()`` and ``torch.no_grad()``; the mean loss per
  sample and the accuracy over a whole loader;
- ``fit``: epochs of both, with LR scheduling, early stopping on the
  validation loss, the best weights kept (and saved) and restored at the
  end, and one log record per epoch, collected in a ``History``.

Every loader yields ``(inputs, targets)`` pairs; batches are moved to the
model's device. ``loss_fn(outputs, targets)`` returns the *mean* loss of a
batch (PyTorch's default ``reduction="mean"``).

In scope: one device, one process, per-epoch scheduling. Out of scope: mixed
precision, gradient accumulation and clipping, per-step schedulers (a later
day adds them), distributed training.

Run the demo: .venv/bin/python -m torch_days.solutions.day14_template
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import torch
from torch import Tensor, nn

LOG_KEYS = ("epoch", "train_loss", "val_loss", "val_accuracy", "lr")


@dataclass
class History:
    """What ``fit`` did, epoch by epoch.

    Attributes:
        records: one dict per epoch that ran, with the keys of ``LOG_KEYS``:
            ``epoch`` (0-based int), ``train_loss`` and ``val_loss`` (mean per
            sample), ``val_accuracy`` (``nan`` when it does not apply) and ``lr``
            (the first parameter group's learning rate *during* that epoch).
        best_epoch: the epoch with the lowest validation loss (the first one on
            a tie), or ``None`` if no epoch had a finite loss.
        best_val_loss: that loss (``inf`` if none).
        stopped_early: ``True`` when early stopping ended the run before ``epochs``.
    """

    records: list[dict[str, float]] = field(default_factory=list)
    best_epoch: int | None = None
    best_val_loss: float = math.inf
    stopped_early: bool = False

    def column(self, key: str) -> list[float]:
        """One key over all epochs: ``history.column("val_loss") -> [0.9, 0.5, ...]``."""
        return [record[key] for record in self.records]


def train_one_epoch(
    model: nn.Module,
    loader: Iterable[tuple[Tensor, Tensor]],
    *,
    optimizer: torch.optim.Optimizer,
    loss_fn: Callable[[Tensor, Tensor], Tensor],
) -> float:
    """One pass over ``loader`` in training mode; returns the mean loss per sample.

    Puts the model in training mode (``model.train()``), then for each batch:
    move it to the model's device, ``optimizer.zero_grad()`` *before* the
    backward pass (gradients left over from earlier code must not leak into
    the first step), forward, ``loss_fn``, ``backward``, ``optimizer.step()``.

    The returned value weighs each batch's mean loss by its size (the number
    of targets along dimension 0), so a smaller last batch counts for what it
    is: ``sum(loss_b * n_b) / sum(n_b)``.

    Raises:
        ValueError: the loader yields no batch.

    Example:
        >>> model = nn.Linear(3, 2)
        >>> data = [(torch.randn(4, 3), torch.tensor([0, 1, 1, 0]))]
        >>> opt = torch.optim.SGD(model.parameters(), lr=0.1)
        >>> loss = train_one_epoch(model, data, optimizer=opt, loss_fn=nn.functional.cross_entropy)
        >>> isinstance(loss, float)
        True

    Edge cases the tests try: batches of 4, 4 and 2, stale gradients set
    before the call, a momentum optimizer (compared with a loop written out by
    hand), a model on every available device fed CPU batches, an empty loader.
    """
    # TODO: the five lines of a training step, plus the bookkeeping for the
    # mean. Read the device from the model's parameters.
    raise NotImplementedError("torch-14: train_one_epoch is not written yet")


def evaluate(
    model: nn.Module,
    loader: Iterable[tuple[Tensor, Tensor]],
    loss_fn: Callable[[Tensor, Tensor], Tensor],
) -> dict[str, float]:
    """The mean loss per sample and the accuracy of ``model`` over ``loader``.

    Runs in evaluation mode (``model.eval()``: dropout off, BatchNorm uses its
    running statistics) under ``torch.no_grad()`` (no graph, no ``.grad``).
    Afterwards every module's ``training`` flag is what it was before, module
    by module (as in Day 11: a model in training mode with a frozen BatchNorm
    gets exactly that back), even when the loader or the model raises.

    Returns:
        ``{"loss": sum(loss_b * n_b) / sum(n_b), "accuracy": a}`` where ``n_b``
        is the batch's size along dimension 0. ``a`` is the fraction of
        target positions where ``outputs.argmax(-1) == targets``, counted when
        the targets are integers and ``outputs.shape[:-1] == targets.shape``
        (class logits ``(B, C)`` with targets ``(B,)``, or ``(B, T, V)`` with
        ``(B, T)``); otherwise (regression) ``nan``.

    Raises:
        ValueError: the loader yields no batch.

    Example:
        >>> model = nn.Linear(2, 2)
        >>> with torch.no_grad():
        ...     _ = model.weight.copy_(torch.eye(2)), model.bias.zero_()
        >>> data = [(torch.tensor([[1.0, 0.0], [0.0, 1.0], [1.0, 0.0]]), torch.tensor([0, 1, 1]))]
        >>> evaluate(model, data, nn.functional.cross_entropy)["accuracy"]
        0.6666666666666666

    Edge cases the tests try: uneven batches (compared with one full-batch
    ``F.cross_entropy``), dropout, a spy that records the mode and
    ``torch.is_grad_enabled()``, train / eval / mixed modes restored, no
    ``.grad`` created, regression targets (accuracy ``nan``), logits
    ``(B, T, V)``, every available device, an empty loader.
    """
    # TODO: remember every module's training flag, switch to eval, loop under
    # torch.no_grad(), and restore the flags in a `finally`.
    raise NotImplementedError("torch-14: evaluate is not written yet")


def fit(
    model: nn.Module,
    train_loader: Iterable[tuple[Tensor, Tensor]],
    val_loader: Iterable[tuple[Tensor, Tensor]],
    *,
    optimizer: torch.optim.Optimizer,
    loss_fn: Callable[[Tensor, Tensor], Tensor],
    epochs: int,
    scheduler: torch.optim.lr_scheduler.LRScheduler | torch.optim.lr_scheduler.ReduceLROnPlateau | None = None,
    patience: int | None = None,
    checkpoint_path: str | os.PathLike | None = None,
    log: Callable[[dict[str, float]], None] | None = None,
) -> History:
    """Train for up to ``epochs`` epochs; keep, save and finally restore the best weights.

    Each epoch, in this order:

    1. read the learning rate (``optimizer.param_groups[0]["lr"]``);
    2. ``train_one_epoch`` on ``train_loader``;
    3. ``evaluate`` on ``val_loader`` (exactly once per epoch);
    4. if the validation loss is *strictly* lower than the best so far (``nan``
       never is), remember this epoch and a copy of ``model.state_dict()``
       (cloned tensors: the state dict's tensors *are* the live parameters),
       and, with ``checkpoint_path``, save ``{"model": <that copy>, "epoch":
       epoch, "val_loss": loss}`` there atomically (temporary file, then
       ``os.replace``); it loads with ``torch.load(weights_only=True)``;
    5. append the record to ``History.records`` and call ``log(record)``;
    6. step the scheduler once: ``scheduler.step(val_loss)`` for
       ``ReduceLROnPlateau``, ``scheduler.step()`` for the others;
    7. with ``patience``, stop when the last ``patience`` epochs brought no
       improvement.

    At the end the best weights are loaded back into ``model`` (if an epoch
    improved at all) and the model is left in evaluation mode.

    Args:
        model, optimizer, loss_fn: as in ``train_one_epoch``.
        train_loader, val_loader: iterables of ``(inputs, targets)``; a
            ``DataLoader`` reshuffles on each pass.
        epochs: the most epochs to run, ``>= 1``.
        scheduler: stepped once per epoch, after validation.
        patience: epochs without improvement before stopping, ``>= 1``; ``None``
            never stops early.
        checkpoint_path: where to save the best weights, or ``None``.
        log: called once per epoch with the epoch's record (a dict with the
            keys of ``LOG_KEYS``).

    Returns:
        a ``History``.

    Raises:
        ValueError: ``epochs < 1`` or ``patience < 1``.

    Example:
        >>> history = fit(model, train_loader, val_loader, optimizer=opt,   # doctest: +SKIP
        ...               loss_fn=F.cross_entropy, epochs=20, patience=3)
        >>> history.best_epoch, history.column("val_loss")                  # doctest: +SKIP
        (6, [0.61, 0.34, ...])

    Edge cases the tests try: an MLP on digits (> 90 % validation accuracy),
    scripted validation losses (plateaus, ties, ``nan``, steady improvement)
    with and without patience, a learning rate that drops to 0, ``StepLR`` and
    ``ReduceLROnPlateau`` against torch's own schedule, the weights and the
    checkpoint of the best epoch, a spy optimizer, dropout in validation,
    ``epochs=0``, ``patience=0``.
    """
    # TODO: write the loop with train_one_epoch and evaluate. Copy the best
    # state with {k: v.detach().clone() for k, v in model.state_dict().items()}.
    raise NotImplementedError("torch-14: fit is not written yet")


if __name__ == "__main__":
    from sklearn.datasets import load_digits
    from torch.utils.data import DataLoader, TensorDataset

    digits = load_digits()
    x = torch.from_numpy(digits.data / 16.0).float()  # (1797, 64)
    y = torch.from_numpy(digits.target).long()
    train_set, val_set = TensorDataset(x[:1437], y[:1437]), TensorDataset(x[1437:], y[1437:])
    torch.manual_seed(0)
    net = nn.Sequential(nn.Linear(64, 64), nn.ReLU(), nn.Dropout(0.1), nn.Linear(64, 10))
    opt = torch.optim.Adam(net.parameters(), lr=3e-3)
    result = fit(
        net,
        DataLoader(train_set, batch_size=64, shuffle=True, generator=torch.Generator().manual_seed(0)),
        DataLoader(val_set, batch_size=256),
        optimizer=opt,
        loss_fn=nn.functional.cross_entropy,
        epochs=15,
        scheduler=torch.optim.lr_scheduler.StepLR(opt, step_size=5, gamma=0.5),
        patience=3,
        log=lambda r: print(f"epoch {r['epoch']:2d}  train {r['train_loss']:.3f}  val {r['val_loss']:.3f}  "
                            f"acc {r['val_accuracy']:.3f}  lr {r['lr']:.4f}"),
    )
    print("best epoch:", result.best_epoch, "stopped early:", result.stopped_early)
