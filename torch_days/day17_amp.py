"""Day 17: mixed precision — autocast, GradScaler, and what low precision loses.

- ``amp_train_step``: one training step with the forward pass under
  ``torch.autocast`` (bfloat16 on the CPU; float16 with a ``GradScaler``,
  the usual CUDA recipe, which also runs on the CPU) and the backward pass
  and the update outside it, on float32 master weights;
- ``autocast_output_dtypes`` and ``which_ops_stay_fp32``: run a model under
  autocast with a forward hook on each leaf module and report the dtype each
  one produced: the autocast policy, observed rather than memorised;
- ``sequential_sum`` and ``kahan_sum``: add many small numbers in a low
  precision, one rounding per addition, without and with compensation: why
  reductions accumulate in float32.

In scope: ``torch.autocast``, ``torch.amp.GradScaler``, the op policy, float
rounding in accumulation. Out of scope: ``model.half()`` (pure low-precision
training without master weights), float8, fused optimizers.

Run the demo: .venv/bin/python -m torch_days.day17_amp
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import torch
from torch import nn


def amp_train_step(
    model: nn.Module,
    batch: tuple[torch.Tensor, torch.Tensor],
    optimizer: torch.optim.Optimizer,
    *,
    loss_fn: Callable[[torch.Tensor, torch.Tensor], torch.Tensor],
    device: str | torch.device = "cpu",
    dtype: torch.dtype = torch.bfloat16,
    scaler: torch.amp.GradScaler | None = None,
) -> float:
    """One mixed-precision training step; returns the batch's loss as a float.

    The recipe, in order:

    1. ``optimizer.zero_grad()``; move ``x, y = batch`` to ``device``;
    2. forward pass and loss inside ``torch.autocast(device_type, dtype=dtype)``
       (``device_type`` is ``torch.device(device).type``): matmuls run in
       ``dtype``, the ops autocast keeps in float32 (losses among them) in
       float32; ``dtype=torch.float32`` means no autocast at all (the baseline);
    3. backward pass *outside* the autocast block (autograd already runs each
       op's backward in the dtype of its forward);
    4. the update: with ``scaler`` (required for ``float16``, whose gradients
       underflow to zero without one), ``scaler.scale(loss).backward()``,
       ``scaler.step(optimizer)`` (skipped by the scaler when a gradient is
       Inf/NaN) and ``scaler.update()``; without one, ``loss.backward()`` and
       ``optimizer.step()``.

    Parameters and their gradients stay float32: autocast casts copies of the
    weights for each op, it never changes the model.

    Args:
        model: a float32 model on ``device``.
        batch: ``(x, y)``.
        optimizer: an optimizer over ``model``'s parameters.
        loss_fn: ``loss_fn(model(x), y)``, a scalar.
        device: where the step runs (``"cpu"``, ``"cuda"``).
        dtype: ``torch.bfloat16``, ``torch.float16`` or ``torch.float32``.
        scaler: a ``torch.amp.GradScaler`` for ``device``; required for float16,
            optional otherwise.

    Returns:
        ``float(loss)``, the unscaled loss.

    Raises:
        ValueError: ``dtype`` is not one of the three above, or ``dtype`` is
            float16 and ``scaler`` is ``None``.

    Example:
        >>> model = nn.Linear(8, 3)
        >>> opt = torch.optim.SGD(model.parameters(), lr=0.1)
        >>> x, y = torch.randn(16, 8), torch.randint(0, 3, (16,))
        >>> loss = amp_train_step(model, (x, y), opt, loss_fn=nn.functional.cross_entropy)
        >>> model.weight.dtype, model.weight.grad.dtype
        (torch.float32, torch.float32)

    Edge cases the tests try: bfloat16 against torch's own autocast step and
    a float32 step, float32 (no autocast), float16 with a scaler whose first
    scale overflows (the step is skipped and the scale halves), float16
    without a scaler, float64 (``ValueError``), stale gradients, backward
    called outside autocast, a short training run that must converge.
    """
    # TODO: validate dtype and scaler; zero_grad; forward + loss under
    # torch.autocast(device_type=..., dtype=..., enabled=dtype != torch.float32);
    # backward and step outside it, through the scaler when there is one.
    raise NotImplementedError("torch-17: amp_train_step is not written yet")


def autocast_output_dtypes(
    model: nn.Module,
    x: torch.Tensor,
    *,
    device: str | torch.device = "cpu",
    dtype: torch.dtype = torch.bfloat16,
) -> dict[str, torch.dtype]:
    """The dtype each leaf module's output has when ``model(x)`` runs under autocast.

    Runs ``model(x)`` once under ``torch.no_grad()`` and
    ``torch.autocast(torch.device(device).type, dtype=dtype)``, with a forward
    hook on every leaf module (no children). For each leaf that returned a
    tensor (or a tuple/list whose first element is a tensor, like
    ``nn.MultiheadAttention`` or ``nn.GRU``), the result maps its name from
    ``named_modules()`` to that tensor's dtype, in the order the calls
    finished. A module called more than once keeps its first call's dtype;
    leaves never called are absent. Hooks are removed afterwards.

    Args:
        model: a float32 model on ``device``.
        x: its input.
        device: the autocast device.
        dtype: the autocast dtype (``torch.bfloat16`` or ``torch.float16``).

    Returns:
        ``{leaf name: output dtype}``.

    Example:
        >>> model = nn.Sequential(nn.Linear(4, 4), nn.Softmax(dim=-1))
        >>> autocast_output_dtypes(model, torch.randn(2, 4))     # on the CPU
        {'0': torch.bfloat16, '1': torch.bfloat16}

    Edge cases the tests try: every leaf compared with torch running the same
    modules by hand under autocast, nested names, a module reused twice, a
    tuple output, float16, a model whose leaves do not all run.
    """
    # TODO: the hooks of Day 15/16, plus `with torch.autocast(...)`. Record
    # only the first call of each module.
    raise NotImplementedError("torch-17: autocast_output_dtypes is not written yet")


def which_ops_stay_fp32(
    model: nn.Module,
    x: torch.Tensor,
    *,
    device: str | torch.device = "cpu",
    dtype: torch.dtype = torch.bfloat16,
) -> list[str]:
    """Names of the leaf modules whose output is float32 under autocast, in call order.

    ``[name for name, dt in autocast_output_dtypes(...).items() if dt == torch.float32]``.

    Example:
        >>> model = nn.Sequential(nn.Linear(4, 4), Cdist())     # Cdist: torch.cdist(x, x)
        >>> which_ops_stay_fp32(model, torch.randn(3, 4))
        ['1']
    """
    # TODO: one line on top of autocast_output_dtypes.
    raise NotImplementedError("torch-17: which_ops_stay_fp32 is not written yet")


def sequential_sum(values: torch.Tensor, *, dtype: torch.dtype) -> torch.Tensor:
    """The left-to-right running sum of ``values`` with every addition rounded to ``dtype``.

    ``values`` is first converted to ``dtype`` (each element rounded once);
    then ``acc = 0; acc = acc + v`` for each element in order, where ``acc``
    is a 0-d tensor of ``dtype``, so each step rounds to ``dtype``. This is
    what a naive accumulator in low precision does; ``values.sum()`` does
    *not* (torch accumulates float16/bfloat16 sums in float32 internally).

    Args:
        values: a 1-D tensor (any float dtype, any length, 0 included).
        dtype: the accumulator's dtype.

    Returns:
        a 0-d tensor of ``dtype``.

    Example:
        >>> sequential_sum(torch.full((4000,), 1e-4), dtype=torch.float16)
        tensor(0.2500, dtype=torch.float16)

    The true sum is 0.4: once ``acc`` reaches 0.25 the gap between float16
    numbers there (2**-12, about 2.4e-4) is more than twice 1e-4, so every
    further addition rounds back to 0.25.

    Edge cases the tests try: float16 against NumPy's float16 ``cumsum``, the
    hand-worked stalls (0.25 in float16, 0.03125 in bfloat16), float32,
    empty and one-element inputs, negative values.
    """
    # TODO: a Python loop over the elements, accumulating in a 0-d tensor of
    # `dtype`. Do not call .sum() or cumsum (they accumulate in float32).
    raise NotImplementedError("torch-17: sequential_sum is not written yet")


def kahan_sum(values: torch.Tensor, *, dtype: torch.dtype) -> torch.Tensor:
    """Compensated (Kahan) summation of ``values`` with every operation in ``dtype``.

    Like ``sequential_sum``, but a second accumulator ``c`` carries the
    rounding error of each addition into the next one::

        s = c = 0
        for v in values:
            y = v - c          # the new value, corrected by the error so far
            t = s + y          # the rounded sum
            c = (t - s) - y    # what the rounding lost (negated)
            s = t

    Every intermediate is a 0-d tensor of ``dtype``. The error stays near one
    rounding of the result instead of growing with the number of terms.

    Args:
        values: a 1-D tensor.
        dtype: the dtype of ``s``, ``c`` and every intermediate.

    Returns:
        a 0-d tensor of ``dtype``.

    Example:
        >>> kahan_sum(torch.full((4000,), 1e-4), dtype=torch.float16)
        tensor(0.4001, dtype=torch.float16)

    Edge cases the tests try: against ``math.fsum`` within two roundings of
    ``dtype``, float16 and bfloat16, empty and one-element inputs, values of
    mixed sign.
    """
    # TODO: the four lines above, in a loop, with 0-d tensors of `dtype`.
    raise NotImplementedError("torch-17: kahan_sum is not written yet")


class Cdist(nn.Module):
    """``torch.cdist(x, x)``: an op on the CPU autocast float32 list, as a module."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.cdist(x, x)


if __name__ == "__main__":
    torch.manual_seed(0)
    block = nn.Sequential(nn.Linear(8, 16), nn.GELU(), nn.LayerNorm(16), nn.Linear(16, 4), nn.Softmax(dim=-1), Cdist())
    print("output dtypes under CPU bfloat16 autocast:", autocast_output_dtypes(block, torch.randn(5, 8)))
    print("stay float32:", which_ops_stay_fp32(block, torch.randn(5, 8)))
    small = torch.full((4000,), 1e-4)
    for dt in (torch.float16, torch.bfloat16, torch.float32):
        print(dt, "sequential:", sequential_sum(small, dtype=dt).item(), "kahan:", kahan_sum(small, dtype=dt).item())
    model = nn.Linear(8, 3)
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    x, y = torch.randn(16, 8), torch.randint(0, 3, (16,))
    print("bf16 step loss:", amp_train_step(model, (x, y), opt, loss_fn=nn.functional.cross_entropy))
