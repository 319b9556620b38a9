"""Project 4: early stopping, and keeping the best model.

Training longer lowers the training loss; past some epoch the validation loss
turns back up (the model starts to memorise). Early stopping watches the
validation metric, remembers the best epoch's weights, stops once the metric
has failed to improve ``patience`` times in a row, and puts the best weights
back.

- ``EarlyStopping``: the bookkeeping (best value, best epoch, a *copy* of the
  best weights, the count of bad epochs) with ``step`` and ``restore``;
- ``fit``: a small epoch loop that takes the training and evaluation steps as
  functions, so it works for any model and data.

In scope: the stopping rule (``patience``, ``min_delta``, ``mode``), NaN
metrics, copying a ``state_dict`` correctly. Out of scope: checkpoint files
on disk (day 13), learning-rate schedules, restoring the optimizer's state.

Run the demo: .venv/bin/python -m torch_days.solutions.p04_early_stopping
"""

from __future__ import annotations

import math
from typing import Callable

import torch
from torch import nn

MODES = ("min", "max")


class EarlyStopping:
    """Decide, one epoch at a time, whether training should stop; keep the best weights.

    Call ``step(value, model)`` once per epoch with the validation metric.
    Epochs are counted from 0 by the calls to ``step``. The value *improves*
    when, for ``mode="min"`` (a loss), ``value < best_value - min_delta``, or,
    for ``mode="max"`` (an accuracy), ``value > best_value + min_delta``. The
    first finite value always improves; a NaN never does.

    On an improvement: ``best_value``, ``best_epoch`` are updated,
    ``bad_epochs`` is reset to 0, and, when a model is given, ``best_state``
    becomes a copy of its ``state_dict()`` (parameters *and* buffers such as
    batch-norm statistics). Otherwise ``bad_epochs`` grows by 1, and once it
    reaches ``patience``, ``should_stop`` becomes True (and stays True).

    The copy matters: ``model.state_dict()`` returns the live tensors, so
    keeping it without ``.clone()`` "saves" weights that keep changing.

    Attributes:
        patience, min_delta, mode: the settings.
        best_value: the best metric so far (``None`` before the first improvement).
        best_epoch: the epoch of ``best_value`` (``None`` likewise).
        bad_epochs: epochs since the last improvement.
        should_stop: True once ``bad_epochs >= patience``.
        best_state: a detached copy of the best epoch's ``state_dict``, or ``None``.

    Example:
        >>> stopper = EarlyStopping(patience=2)
        >>> [stopper.step(v) for v in [1.0, 0.8, 0.85, 0.9]]
        [False, False, False, True]
        >>> stopper.best_epoch, stopper.best_value
        (1, 0.8)

    Edge cases the tests try: hand-made curves (a plateau, a second dip, a
    rise at once), ``min_delta``, ``mode="max"``, NaN values, ``patience=1``,
    a curve that never stops, random curves against a brute-force rule,
    weights changed in place after they were saved, bad settings.
    """

    def __init__(self, *, patience: int, min_delta: float = 0.0, mode: str = "min"):
        # TODO: validate (patience an int >= 1, min_delta >= 0, mode in MODES)
        # and set every attribute listed in the class docstring.
        raise NotImplementedError("torch-p04: __init__ is not written yet")

    def step(self, value: float, model: nn.Module | None = None) -> bool:
        """Record this epoch's metric; return True when training should stop.

        Args:
            value: the validation metric (a float; a 0-d tensor is accepted too).
            model: if given, its weights are copied when ``value`` improves.

        Returns:
            ``should_stop``.
        """
        # TODO: decide "improved" by the rule in the class docstring (NaN never
        # improves); copy the state_dict with .detach().clone() per tensor.
        raise NotImplementedError("torch-p04: step is not written yet")

    def restore(self, model: nn.Module) -> None:
        """Load the best weights back into ``model``.

        Raises:
            RuntimeError: no weights were saved yet (no improvement seen with a model).
        """
        # TODO: model.load_state_dict(...) with the saved copy.
        raise NotImplementedError("torch-p04: restore is not written yet")


def fit(
    model: nn.Module,
    train_epoch: Callable[[nn.Module, int], float],
    evaluate: Callable[[nn.Module], float],
    *,
    max_epochs: int,
    stopper: EarlyStopping,
    restore_best: bool = True,
) -> dict:
    """Run up to ``max_epochs`` epochs with early stopping; return the history.

    Epoch ``e`` (from 0): ``train_loss = train_epoch(model, e)``, then
    ``val = evaluate(model)``, then ``stopper.step(val, model)``; stop right
    after the epoch where ``step`` returns True. Then, if ``restore_best`` and
    the stopper saved weights, ``stopper.restore(model)``.

    Args:
        model: the model, trained in place.
        train_epoch: trains one epoch and returns its mean training loss.
        evaluate: returns the validation metric of the model as it is.
        max_epochs: ``>= 1``.
        stopper: a fresh ``EarlyStopping``.
        restore_best: load the best weights at the end.

    Returns:
        ``{"train_loss": [...], "val": [...], "best_epoch": int | None,
        "stopped_epoch": int | None}``: one entry per epoch run; ``stopped_epoch``
        is the epoch where the stopper fired, ``None`` if ``max_epochs`` ran out first.

    Raises:
        ValueError: ``max_epochs < 1``.

    Example:
        >>> curve = iter([0.9, 0.5, 0.6, 0.7, 0.8])
        >>> history = fit(nn.Linear(1, 1), lambda m, e: 0.0, lambda m: next(curve),
        ...               max_epochs=5, stopper=EarlyStopping(patience=2))
        >>> history["val"], history["best_epoch"], history["stopped_epoch"]
        ([0.9, 0.5, 0.6, 0.7], 1, 3)

    Edge cases the tests try: a scripted curve (``train_epoch`` called exactly
    once per epoch, with the epoch number), the weights restored to the best
    epoch's, ``restore_best=False``, a curve that never stops, a real model
    overfitting a small training set.
    """
    # TODO: one loop; the stopper does the bookkeeping.
    raise NotImplementedError("torch-p04: fit is not written yet")


if __name__ == "__main__":
    import torch.nn.functional as F
    from sklearn.datasets import load_digits

    digits = load_digits()
    x_all = torch.tensor(digits.data / 16.0, dtype=torch.float32)
    y_all = torch.tensor(digits.target)
    x_train, y_train, x_val, y_val = x_all[:60], y_all[:60], x_all[1000:1400], y_all[1000:1400]
    torch.manual_seed(0)
    net = nn.Sequential(nn.Linear(64, 256), nn.ReLU(), nn.Linear(256, 10))
    opt = torch.optim.Adam(net.parameters(), lr=1e-2)

    def one_epoch(m: nn.Module, epoch: int) -> float:
        m.train()
        loss = F.cross_entropy(m(x_train), y_train)
        opt.zero_grad()
        loss.backward()
        opt.step()
        return loss.item()

    def val_loss(m: nn.Module) -> float:
        m.eval()
        with torch.no_grad():
            return F.cross_entropy(m(x_val), y_val).item()

    hist = fit(net, one_epoch, val_loss, max_epochs=200, stopper=EarlyStopping(patience=10))
    print(f"stopped at epoch {hist['stopped_epoch']}, best epoch {hist['best_epoch']} "
          f"(val loss {min(hist['val']):.4f}); after restore: {val_loss(net):.4f}")
