"""Day 16: memory and batch size — measure activations, search a batch size, accumulate.

Three tools for the day a batch does not fit:

- ``activation_bytes``: the bytes of every activation one forward pass
  produces, summed with forward hooks on the leaf modules (the estimate that
  explains why memory grows linearly with the batch size);
- ``largest_batch_that_fits``: the largest batch size whose cost stays within
  a budget, found with a doubling phase and a binary search (about
  ``2 * log2(answer)`` cost evaluations, not ``answer``);
- ``accumulated_step``: one optimizer step over a batch processed as
  ``micro_batches`` smaller pieces, giving the same update as one step over
  the whole batch.

In scope: forward hooks, the cost model "parameters + activations", binary
search over a monotone cost, gradient accumulation. Out of scope: optimizer
state and gradient memory in the estimate (the lesson counts them by hand),
activation checkpointing, CUDA allocator details (``cuda_peak_bytes`` shows
the measured counterpart on a GPU).

Run the demo: .venv/bin/python -m torch_days.day16_memory
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import torch
from torch import nn


def _tensor_bytes(value: Any) -> int:
    """Bytes of every tensor inside ``value`` (tensors or nested tuples/lists/dicts)."""
    if isinstance(value, torch.Tensor):
        return value.numel() * value.element_size()
    if isinstance(value, (tuple, list)):
        return sum(_tensor_bytes(v) for v in value)
    if isinstance(value, dict):
        return sum(_tensor_bytes(v) for v in value.values())
    return 0


def _device_of(model: nn.Module) -> torch.device:
    for t in model.parameters():
        return t.device
    for t in model.buffers():
        return t.device
    return torch.device("cpu")


def activation_bytes(model: nn.Module, input_shape: Sequence[int], *, dtype: torch.dtype = torch.float32) -> int:
    """Bytes of the activations one forward pass of ``model`` produces.

    Runs ``model`` once on ``torch.zeros(input_shape, dtype=dtype)`` (on the
    device of the model's first parameter or buffer, the CPU if it has none)
    under ``torch.no_grad()``, with a forward hook on every *leaf* module (a
    module with no children). The result is the sum, over every call of a
    leaf module, of ``numel() * element_size()`` of each tensor in its output
    (outputs may be nested tuples/lists/dicts). Containers are not hooked:
    their output is a leaf's output counted already. The input itself is not
    counted. A module called twice counts twice (two activations); an
    in-place module (``nn.ReLU(inplace=True)``) counts like any other
    (the estimate ignores that it reuses its input's memory).

    Hooks are removed before returning, also when the forward raises.

    Args:
        model: any ``nn.Module``.
        input_shape: the full input shape, batch dimension included, e.g.
            ``(32, 784)``.
        dtype: the input's dtype (``torch.long`` for token ids).

    Returns:
        the number of bytes, an ``int``.

    Example:
        >>> mlp = nn.Sequential(nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 10))
        >>> activation_bytes(mlp, (32, 784))   # (32*256 + 32*256 + 32*10) * 4
        66816

    Edge cases the tests try: batch size 1 and 0, float64 and bfloat16
    models, a module reused twice, an LSTM (tuple output), an Embedding with
    ``dtype=torch.long``, a model with no leaf module called (``0``).
    """
    # TODO: hook the modules whose next(module.children(), None) is None;
    # add up numel() * element_size() of every output tensor. Do not count
    # containers (that would count every activation twice).
    raise NotImplementedError("torch-16: activation_bytes is not written yet")


def parameter_bytes(model: nn.Module) -> int:
    """Bytes of the model's parameters and buffers (each shared tensor once)."""
    return sum(t.numel() * t.element_size() for t in (*model.parameters(), *model.buffers()))


def largest_batch_that_fits(
    model: nn.Module,
    sample_shape: Sequence[int],
    budget_bytes: int,
    *,
    cost: Callable[[int], int] | None = None,
    max_batch: int = 1 << 16,
) -> int:
    """The largest batch size ``b`` in ``[0, max_batch]`` with ``cost(b) <= budget_bytes``.

    ``cost(b)`` is the memory a batch of ``b`` samples needs and must not
    decrease as ``b`` grows. By default it is the estimate
    ``parameter_bytes(model) + activation_bytes(model, (b, *sample_shape))``;
    on a GPU you would pass a measured cost instead (see ``cuda_peak_bytes``).

    The search never calls ``cost`` with a batch size above ``max_batch``,
    nor with ``b < 1``. It doubles ``b`` (1, 2, 4, ...) until the cost exceeds
    the budget or ``max_batch`` is reached, then binary-searches between the
    last size that fit and the first that did not: about ``2 * log2(answer)``
    calls to ``cost``, each a real forward pass.

    Args:
        model: the model (used only by the default cost).
        sample_shape: the shape of one sample, without the batch dimension.
        budget_bytes: the memory available, ``>= 0``.
        cost: ``cost(batch_size) -> bytes``; ``None`` for the hook estimate.
        max_batch: the largest batch size worth trying, ``>= 1``.

    Returns:
        the batch size; ``0`` if even ``cost(1)`` is over the budget.

    Raises:
        ValueError: ``budget_bytes < 0`` or ``max_batch < 1``.

    Example:
        >>> largest_batch_that_fits(nn.Identity(), (), 1000, cost=lambda b: 100 + 30 * b)
        30

    Edge cases the tests try: nothing fits (0), exactly ``max_batch`` fits,
    a budget equal to a cost (it fits), a step-shaped cost, answers of 1, 2,
    powers of two and one off them, the number of ``cost`` calls, the default
    cost against hand-computed bytes for an MLP.
    """
    # TODO: validate, then a doubling phase and a binary search. Keep the
    # invariant: cost(lo) fits (lo may be 0), cost(hi) does not (or hi > max_batch).
    raise NotImplementedError("torch-16: largest_batch_that_fits is not written yet")


def cuda_peak_bytes(model: nn.Module, input_shape: Sequence[int], *, dtype: torch.dtype = torch.float32) -> int:
    """Measured peak CUDA memory of one forward + backward pass (a GPU-only cost).

    Resets the peak counter, runs ``model(x).float().sum().backward()`` on
    ``torch.zeros(input_shape)`` on the model's device and returns
    ``torch.cuda.max_memory_allocated``; gradients are cleared afterwards.
    Use it as ``cost=lambda b: cuda_peak_bytes(model, (b, *shape))``.
    """
    device = _device_of(model)
    if device.type != "cuda":
        raise ValueError(f"cuda_peak_bytes needs a model on a CUDA device, got {device}")
    model.zero_grad(set_to_none=True)
    torch.cuda.synchronize(device)
    torch.cuda.reset_peak_memory_stats(device)
    out = model(torch.zeros(tuple(input_shape), dtype=dtype, device=device))
    out.float().sum().backward()
    torch.cuda.synchronize(device)
    peak = torch.cuda.max_memory_allocated(device)
    model.zero_grad(set_to_none=True)
    return int(peak)


def accumulated_step(
    model: nn.Module,
    batch: tuple[torch.Tensor, torch.Tensor],
    micro_batches: int,
    *,
    loss_fn: Callable[[torch.Tensor, torch.Tensor], torch.Tensor],
    optimizer: torch.optim.Optimizer,
) -> float:
    """One optimizer step over ``batch``, computed as ``micro_batches`` pieces.

    Splits ``x, y = batch`` along dimension 0 into ``micro_batches`` pieces
    the way ``torch.tensor_split`` does (sizes differ by at most one, the
    larger ones first), and for each piece runs the forward pass, the loss
    and ``backward()`` at once, so only one piece's graph is alive at a time.
    ``loss_fn`` returns the *mean* loss of a piece; piece ``i`` with ``n_i``
    of the ``N`` samples is weighted by ``n_i / N``, so the accumulated
    gradient is the gradient of the mean loss over the whole batch. Then one
    ``optimizer.step()``.

    The gradients are cleared first (``optimizer.zero_grad()``), so stale
    gradients do not leak in. For a model whose output for a sample does not
    depend on the other samples (no BatchNorm in training mode), the new
    parameters equal those of one plain step on the whole batch, up to
    floating-point rounding.

    Args:
        model: the model being trained.
        batch: ``(x, y)`` with ``x.shape[0] == y.shape[0] == N``.
        micro_batches: the number of pieces, ``1 <= micro_batches <= N``.
        loss_fn: e.g. ``F.cross_entropy`` or ``nn.MSELoss()`` (mean reduction).
        optimizer: an optimizer over the model's parameters.

    Returns:
        the mean loss over the whole batch, as a Python float.

    Raises:
        ValueError: ``micro_batches < 1``, ``micro_batches > N``, or ``x`` and
            ``y`` disagree on ``N``.

    Example:
        >>> model = nn.Linear(3, 1)
        >>> opt = torch.optim.SGD(model.parameters(), lr=0.1)
        >>> x, y = torch.randn(10, 3), torch.randn(10, 1)
        >>> loss = accumulated_step(model, (x, y), 3, loss_fn=nn.MSELoss(), optimizer=opt)   # pieces of 4, 3, 3

    Edge cases the tests try: 1 piece, ``N`` pieces of one sample, uneven
    pieces (10 into 3), SGD with momentum and AdamW, stale gradients, the
    number of forward passes and optimizer steps, bad counts (``ValueError``).
    """
    # TODO: validate; optimizer.zero_grad(); for each piece of
    # zip(x.tensor_split(k), y.tensor_split(k)): (loss * n_i / N).backward();
    # one optimizer.step(). Do not call backward once on the sum of all pieces'
    # losses: that keeps every piece's graph in memory, the thing accumulation avoids.
    raise NotImplementedError("torch-16: accumulated_step is not written yet")


if __name__ == "__main__":
    mlp = nn.Sequential(nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 10))
    print("activation bytes, batch 32:", activation_bytes(mlp, (32, 784)))
    print("parameter bytes:", parameter_bytes(mlp))
    print("largest batch within 4 MB:", largest_batch_that_fits(mlp, (784,), 4_000_000))
    torch.manual_seed(0)
    opt = torch.optim.SGD(mlp.parameters(), lr=0.1)
    x, y = torch.randn(64, 784), torch.randint(0, 10, (64,))
    print("loss:", accumulated_step(mlp, (x, y), 4, loss_fn=nn.functional.cross_entropy, optimizer=opt))
