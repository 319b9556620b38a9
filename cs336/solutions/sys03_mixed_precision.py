"""sys-03: mixed precision — what low-precision accumulation loses, and what autocast really does.

- ``accumulate``: add ``value`` to a running sum ``n`` times, the addend in one
  dtype and the accumulator in another (the classic: 0.01 a thousand times);
- ``OutputDtypeRecorder``: a ``TorchDispatchMode`` that records the dtype of
  every tensor each aten operator returns;
- ``autocast_report``: one forward + loss under ``torch.autocast`` (recorded),
  then backward outside it; reports the dtypes of operator outputs, logits,
  loss, parameters and gradients.

In scope: float32 / float16 / bfloat16 on CPU (and CUDA when present), the
autocast operator lists as documented. Out of scope: loss scaling
(``GradScaler``; bfloat16 does not need it), fp8, pure low-precision
training with float32 master weights.

Run the demo: .venv/bin/python -m cs336.sys03_mixed_precision
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import torch
from torch import nn
from torch.utils._python_dispatch import TorchDispatchMode

from cs336.solutions.cross_entropy import cross_entropy
from cs336.solutions.transformer_lm import TransformerLM

LossFn = Callable[[torch.Tensor, torch.Tensor], torch.Tensor]


def accumulate(value: float, n: int, *, dtype: torch.dtype, accumulator_dtype: torch.dtype | None = None) -> float:
    """Add ``value`` (stored in ``dtype``) to a zero accumulator of ``accumulator_dtype``, ``n`` times, one add at a time.

    Each step is ``acc = acc + x`` with ``x = torch.tensor(value, dtype=dtype)``;
    the sum is computed in the accumulator's dtype (``x`` is converted) and
    rounded to it after every add. ``accumulator_dtype`` defaults to ``dtype``.

    Example (0.01 is not exactly representable in any binary format)::

        >>> accumulate(0.01, 1000, dtype=torch.float32)
        10.000133514404297
        >>> accumulate(0.01, 1000, dtype=torch.float16)
        9.953125
        >>> accumulate(0.01, 1000, dtype=torch.bfloat16)          # stuck: 4 + 0.01 rounds back to 4
        4.0
        >>> accumulate(0.01, 1000, dtype=torch.float16, accumulator_dtype=torch.float32)
        10.00213623046875

    Raises:
        ValueError: ``n < 0``.

    Edge cases the tests try: ``n = 0`` (0.0), ``n = 1`` (``value`` rounded to
    ``dtype``), every pair of the three dtypes, a negative value, ``n < 0``.
    Do not call ``sum``/``torch.sum``/``cumsum``: reductions may accumulate in
    a wider type than their inputs, which hides exactly what we want to see.
    """
    # TODO: a 0-d accumulator tensor and a 0-d addend tensor; a Python loop of in-place adds; return .item().
    # BEGIN SOLUTION
    if n < 0:
        raise ValueError(f"n must be >= 0, got {n}")
    acc = torch.zeros((), dtype=accumulator_dtype or dtype)
    x = torch.tensor(value, dtype=dtype)
    for _ in range(n):
        acc += x  # computed in acc.dtype, rounded to acc.dtype
    return acc.item()
    # END SOLUTION


class OutputDtypeRecorder(TorchDispatchMode):
    """While active, records ``{"aten.<op>": {dtypes of the tensors it returned}}`` in ``self.dtypes``.

    ``__torch_dispatch__`` sees every aten operator after autocast has made
    its casts, so the recorded dtype is the one the operator really computed
    in. Keys are ``str(func.overloadpacket)``, e.g. ``"aten.mm"``; operators
    returning a tuple or list (``torch.max(x, dim)``) record every tensor in it;
    non-tensor results record nothing (the key is still created).

    Example:
        >>> with OutputDtypeRecorder() as rec:
        ...     torch.ones(2, 2, dtype=torch.bfloat16) @ torch.ones(2, 2, dtype=torch.bfloat16)
        >>> rec.dtypes["aten.mm"]
        {torch.bfloat16}

    Edge cases the tests try: a matmul, an integer add, an operator returning
    (values, indices), two dtypes for one operator, nested calls recorded once each.
    """

    def __init__(self) -> None:
        super().__init__()
        self.dtypes: dict[str, set[torch.dtype]] = {}

    def __torch_dispatch__(self, func, types, args=(), kwargs=None):
        # TODO: run func(*args, **(kwargs or {})); add the dtype of every tensor in the result
        # (a tensor, or a tuple/list of them) to self.dtypes[str(func.overloadpacket)]; return the result.
        # BEGIN SOLUTION
        out = func(*args, **(kwargs or {}))
        seen = self.dtypes.setdefault(str(func.overloadpacket), set())
        for item in out if isinstance(out, (tuple, list)) else (out,):
            if isinstance(item, torch.Tensor):
                seen.add(item.dtype)
        return out
        # END SOLUTION


@dataclass
class AutocastReport:
    """What ran in which precision during one autocast training step."""

    op_output_dtypes: dict[str, set[torch.dtype]]  # forward + loss only, e.g. {"aten.mm": {torch.bfloat16}}
    logits_dtype: torch.dtype
    loss_dtype: torch.dtype
    parameter_dtypes: set[torch.dtype]
    gradient_dtypes: set[torch.dtype]


def autocast_report(
    model: nn.Module,
    inputs: torch.Tensor,
    targets: torch.Tensor,
    loss_fn: LossFn,
    *,
    dtype: torch.dtype = torch.bfloat16,
) -> AutocastReport:
    """Run ``logits = model(inputs); loss = loss_fn(logits, targets)`` under autocast, recorded; then backward.

    Autocast runs on ``inputs.device.type`` with ``dtype``; the forward and the
    loss run inside both ``torch.autocast`` and an ``OutputDtypeRecorder``.
    ``model.zero_grad(set_to_none=True)`` first, and ``loss.backward()``
    *outside* the autocast block (backward ops run in the dtypes their forward
    chose; autocast is not needed there).

    Returns:
        ``AutocastReport``: recorded operator dtypes, ``logits.dtype``,
        ``loss.dtype``, the set of parameter dtypes and the set of gradient dtypes.

    Example (CPU, bfloat16, the LM of cs336-11 and its hand-written cross-entropy):
        >>> r = autocast_report(lm, x, x, cross_entropy)
        >>> r.op_output_dtypes["aten.mm"], r.logits_dtype, r.parameter_dtypes, r.gradient_dtypes
        ({torch.bfloat16}, torch.bfloat16, {torch.float32}, {torch.float32})

    Edge cases the tests try: an ``nn.Linear`` model with ``F.cross_entropy``
    (autocast runs the loss in float32 on CPU), the LM whose RMSNorm upcasts,
    backward ops not recorded, autocast switched off afterwards.
    """
    # TODO: zero_grad; `with torch.autocast(device_type=..., dtype=dtype), OutputDtypeRecorder() as rec:`
    # forward and loss; leave the block; backward; collect the dtypes into an AutocastReport.
    # BEGIN SOLUTION
    model.zero_grad(set_to_none=True)
    with torch.autocast(device_type=inputs.device.type, dtype=dtype), OutputDtypeRecorder() as rec:
        logits = model(inputs)
        loss = loss_fn(logits, targets)
    loss.backward()
    params = list(model.parameters())
    return AutocastReport(
        op_output_dtypes=rec.dtypes,
        logits_dtype=logits.dtype,
        loss_dtype=loss.dtype,
        parameter_dtypes={p.dtype for p in params},
        gradient_dtypes={p.grad.dtype for p in params if p.grad is not None},
    )
    # END SOLUTION


if __name__ == "__main__":
    for dt, acc in ((torch.float32, None), (torch.float16, None), (torch.bfloat16, None),
                    (torch.float16, torch.float32), (torch.bfloat16, torch.float32)):
        print(f"0.01 x 1000 in {str(dt):15s} accumulator {str(acc or dt):15s} -> {accumulate(0.01, 1000, dtype=dt, accumulator_dtype=acc)!r}")
    torch.manual_seed(0)
    lm = TransformerLM(100, 16, 32, 2, 4, 64, 10000.0)
    x = torch.randint(0, 100, (2, 16))
    report = autocast_report(lm, x, x, cross_entropy)
    for op, dtypes in sorted(report.op_output_dtypes.items()):
        print(f"{op:22s} {sorted(str(d) for d in dtypes)}")
    print("logits", report.logits_dtype, "loss", report.loss_dtype,
          "params", report.parameter_dtypes, "grads", report.gradient_dtypes)
