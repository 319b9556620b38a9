"""Day 11: train() and eval() — what changes, and how to switch safely.

- ``evaluate``: loss and accuracy over a loader, in eval mode and without a
  graph, leaving every module's mode exactly as it found it;
- ``bn_running_stats_after``: the running mean and variance ``nn.BatchNorm1d``
  holds after seeing some batches in training mode, computed by hand;
- ``mc_dropout_predict``: Monte Carlo dropout — dropout on, everything else in
  eval mode — returning the mean and spread of several stochastic passes.

In scope: the ``training`` flag of every module, Dropout, BatchNorm running
statistics, ``torch.no_grad``. Out of scope: BatchNorm2d/3d (same rules, more
dims), SyncBatchNorm, calibration of uncertainty.

Run the demo: .venv/bin/python -m torch_days.solutions.day11_train_eval
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

import torch
from torch import nn

# The modules mc_dropout_predict keeps in training mode.
DROPOUT_TYPES = (nn.Dropout, nn.Dropout1d, nn.Dropout2d, nn.Dropout3d, nn.AlphaDropout, nn.FeatureAlphaDropout)


def evaluate(
    model: nn.Module,
    loader: Iterable[tuple[torch.Tensor, torch.Tensor]],
    loss_fn: Callable[[torch.Tensor, torch.Tensor], torch.Tensor],
) -> dict[str, float]:
    """Mean loss and accuracy of a classifier over every sample of ``loader``.

    During the evaluation every module is in eval mode (Dropout does nothing,
    BatchNorm uses — and does not update — its running statistics) and no
    graph is recorded (``torch.no_grad()``). Afterwards every module's
    ``training`` flag is what it was before, *module by module*: a model in
    training mode with a deliberately frozen BatchNorm (in eval mode) gets
    exactly that back, which ``model.train()`` would not do. The flags are
    restored even when the loader or the model raises.

    Each batch is moved to the device of the model's first parameter (CPU for
    a model without parameters).

    Args:
        model: a classifier mapping ``x`` of shape ``(B, ...)`` to logits ``(B, C)``.
        loader: an iterable of ``(x, y)`` batches (a ``DataLoader``, a list);
            ``y`` of shape ``(B,)`` holds class indices.
        loss_fn: returns the *mean* loss of a batch, e.g. ``F.cross_entropy``.

    Returns:
        ``{"loss": ..., "accuracy": ...}`` as floats: the loss averaged over
        samples (a batch of ``B`` samples weighs ``B``, so a short last batch
        counts less), and the fraction of samples whose ``argmax`` over dim 1
        equals ``y``.

    Raises:
        ValueError: the loader yields no sample (modes are restored first).

    Example:
        >>> model = nn.Sequential(nn.Linear(4, 3), nn.Dropout(0.5)).train()
        >>> data = [(torch.randn(5, 4), torch.randint(0, 3, (5,)))]
        >>> result = evaluate(model, data, nn.functional.cross_entropy)
        >>> sorted(result), model.training, model[1].training
        (['accuracy', 'loss'], True, True)

    Edge cases the tests try: a model in train mode, in eval mode, and mixed
    (a frozen BatchNorm); Dropout (two calls give identical results);
    BatchNorm running statistics (unchanged); a short last batch; a list
    instead of a DataLoader; a loader that raises half-way; an empty loader;
    the model on another device than the batches.
    """
    # TODO: remember {module: module.training} for every module in
    # model.modules(), call model.eval(), loop under torch.no_grad(), and
    # restore every flag in a finally block. Sum loss * batch size and the
    # number of correct predictions as Python numbers (.item()).
    # BEGIN SOLUTION
    modes = {module: module.training for module in model.modules()}
    first = next(model.parameters(), None)
    device = first.device if first is not None else torch.device("cpu")
    total_loss, correct, count = 0.0, 0, 0
    model.eval()
    try:
        with torch.no_grad():
            for x, y in loader:
                x, y = x.to(device), y.to(device)
                logits = model(x)  # (B, C)
                n = y.shape[0]
                total_loss += loss_fn(logits, y).item() * n  # the batch mean, weighted by its size
                correct += (logits.argmax(dim=1) == y).sum().item()
                count += n
    finally:
        for module, was_training in modes.items():
            module.training = was_training
    if count == 0:
        raise ValueError("evaluate got no sample: the loader is empty")
    return {"loss": total_loss / count, "accuracy": correct / count}
    # END SOLUTION


def bn_running_stats_after(
    batches: Sequence[torch.Tensor],
    momentum: float | None = 0.1,
) -> tuple[torch.Tensor, torch.Tensor]:
    """The ``(running_mean, running_var)`` of a fresh ``nn.BatchNorm1d(C, momentum=momentum)``
    after a forward pass in training mode on each batch, in order.

    A fresh layer starts with mean 0 and variance 1 per channel. Each batch
    ``x`` of shape ``(N, C)`` or ``(N, C, L)`` gives per-channel statistics
    over all dims but 1 (``n = N`` or ``N * L`` values per channel):

    - the batch mean;
    - the *unbiased* batch variance (divide by ``n - 1``). BatchNorm
      normalises the batch with the biased one (divide by ``n``) but stores
      the unbiased one — the usual surprise.

    Then ``running = (1 - w) * running + w * batch_stat`` with ``w = momentum``,
    or, when ``momentum is None``, ``w = 1 / k`` for the ``k``-th batch (a
    plain cumulative average). Note torch's "momentum" is the weight of the
    *new* value, the opposite of the optimizer's convention.

    Args:
        batches: tensors of shape ``(N, C)`` or ``(N, C, L)``, all with the same ``C``.
        momentum: in ``[0, 1]``, or ``None`` for the cumulative average.

    Returns:
        two ``(C,)`` tensors in the batches' dtype.

    Raises:
        ValueError: no batch, a batch that is not 2-d or 3-d, channel counts
            that differ, or a batch with a single value per channel (``n < 2``;
            ``nn.BatchNorm1d`` refuses it too).

    Example:
        >>> mean, var = bn_running_stats_after([torch.tensor([[0.0], [2.0]])], momentum=0.5)
        >>> mean, var          # batch mean 1, unbiased var 2: 0.5*0 + 0.5*1, 0.5*1 + 0.5*2
        (tensor([0.5000]), tensor([1.5000]))

    Edge cases the tests try: momentum 0.1, 0.5, 1.0 and None; ``(N, C)``
    and ``(N, C, L)``; batches of different sizes; batches of 2 samples;
    ``(1, C, L)`` (fine) and ``(1, C)`` (ValueError); float32 and float64.
    """
    # TODO: x.mean(dim=dims) and x.var(dim=dims, correction=1) with dims = (0,)
    # or (0, 2). Do not create an nn.BatchNorm1d.
    # BEGIN SOLUTION
    if len(batches) == 0:
        raise ValueError("bn_running_stats_after needs at least one batch")
    channels = batches[0].shape[1] if batches[0].dim() >= 2 else None
    mean = var = None
    for k, x in enumerate(batches, start=1):
        if x.dim() not in (2, 3):
            raise ValueError(f"batch {k} has shape {tuple(x.shape)}: expected (N, C) or (N, C, L)")
        if x.shape[1] != channels:
            raise ValueError(f"batch {k} has {x.shape[1]} channels, the first had {channels}")
        dims = (0,) if x.dim() == 2 else (0, 2)
        n = x.numel() // channels
        if n < 2:
            raise ValueError(f"batch {k} has {n} value per channel: BatchNorm needs more than 1 in training mode")
        if mean is None:
            mean = torch.zeros(channels, dtype=x.dtype, device=x.device)
            var = torch.ones(channels, dtype=x.dtype, device=x.device)
        w = momentum if momentum is not None else 1.0 / k
        mean = (1 - w) * mean + w * x.mean(dim=dims)
        var = (1 - w) * var + w * x.var(dim=dims, correction=1)  # unbiased: divide by n - 1
    return mean, var
    # END SOLUTION


def mc_dropout_predict(model: nn.Module, x: torch.Tensor, n_samples: int = 20) -> tuple[torch.Tensor, torch.Tensor]:
    """Monte Carlo dropout: the mean and spread of ``n_samples`` stochastic passes.

    During the passes, modules of the types in ``DROPOUT_TYPES`` are in
    training mode and every other module is in eval mode (BatchNorm uses its
    running statistics and does not update them); no graph is recorded.
    Afterwards every module's ``training`` flag is restored, as in ``evaluate``.

    The passes are ``n_samples`` separate calls ``model(x)``, one after the
    other (not one call on ``n_samples`` copies of ``x``), so after
    ``torch.manual_seed(s)`` the result is reproducible and equals what the
    same loop written by hand gives.

    Args:
        model: any module.
        x: the input batch, already on the model's device.
        n_samples: the number of passes, ``>= 2``.

    Returns:
        ``(mean, std)`` over the passes, each shaped like ``model(x)``;
        ``std`` is the unbiased standard deviation (``correction=1``).

    Raises:
        ValueError: ``n_samples < 2``.

    Example:
        >>> torch.manual_seed(0)
        >>> model = nn.Sequential(nn.Linear(3, 8), nn.ReLU(), nn.Dropout(0.5), nn.Linear(8, 1))
        >>> mean, std = mc_dropout_predict(model, torch.randn(4, 3), n_samples=50)
        >>> mean.shape, std.shape, bool((std > 0).all())
        (torch.Size([4, 1]), torch.Size([4, 1]), True)

    Edge cases the tests try: Dropout next to BatchNorm (checked per module
    during the passes), a model without dropout (std exactly 0, mean equal
    to the eval output), a model in train mode and in eval mode before the
    call, an identity-plus-Dropout model whose mean and std are known in
    closed form, ``n_samples`` 1 and 0 (ValueError).
    """
    # TODO: remember every module's flag, model.eval(), then .train() on the
    # dropout modules only; stack the outputs of the passes under
    # torch.no_grad(); restore the flags in a finally block.
    # BEGIN SOLUTION
    if n_samples < 2:
        raise ValueError(f"n_samples must be >= 2 to measure a spread, got {n_samples}")
    modes = {module: module.training for module in model.modules()}
    model.eval()
    for module in model.modules():
        if isinstance(module, DROPOUT_TYPES):
            module.train()
    try:
        with torch.no_grad():
            samples = torch.stack([model(x) for _ in range(n_samples)])  # (n_samples, *out)
    finally:
        for module, was_training in modes.items():
            module.training = was_training
    return samples.mean(dim=0), samples.std(dim=0, correction=1)
    # END SOLUTION


if __name__ == "__main__":
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(3, 8), nn.BatchNorm1d(8), nn.ReLU(), nn.Dropout(0.5), nn.Linear(8, 2))
    data = [(torch.randn(5, 3), torch.randint(0, 2, (5,))) for _ in range(3)]
    print(evaluate(model, data, nn.functional.cross_entropy), "training flag after:", model.training)
    print(bn_running_stats_after([torch.tensor([[0.0], [2.0]])], momentum=0.5))
    mean, std = mc_dropout_predict(model, torch.randn(2, 3), n_samples=50)
    print(mean, std, sep="\n")
