"""Day 15: NaN and exploding loss — find where the first bad number appears.

Three tools for the moment a loss prints ``nan``:

- ``first_bad_layer``: run one forward pass with a forward hook on every
  module and name the first module whose output holds a NaN or an Inf;
- ``find_nan_source``: run a forward and backward pass under
  ``torch.autograd.detect_anomaly`` and name the backward function
  (``"SqrtBackward0"``, ``"LogBackward0"``, ...) that first produced a NaN
  gradient;
- ``grad_norms``: the L2 norm of every parameter's gradient, the number to
  watch when a loss explodes.

In scope: forward hooks, anomaly mode, gradient norms. Out of scope: fixing
the model (the lesson shows the usual fixes: ``log_softmax``, a smaller
learning rate, normalisation, ``clip_grad_norm_``), mixed precision (Day 17).

Run the demo: .venv/bin/python -m torch_days.day15_nan
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Callable
from typing import Any

import torch
from torch import nn


def _tensors_in(value: Any) -> list[torch.Tensor]:
    """Every tensor inside ``value`` (a tensor, or tuples/lists/dicts of them, nested)."""
    if isinstance(value, torch.Tensor):
        return [value]
    if isinstance(value, (tuple, list)):
        return [t for item in value for t in _tensors_in(item)]
    if isinstance(value, dict):
        return [t for item in value.values() for t in _tensors_in(item)]
    return []


def has_nonfinite(value: Any) -> bool:
    """True if any tensor inside ``value`` holds a NaN, +Inf or -Inf.

    ``value`` may be a tensor or nested tuples/lists/dicts of tensors (what a
    module's forward returns, e.g. an LSTM's ``(out, (h, c))``); anything that
    is not a tensor is ignored, and integer tensors are always finite.

    Example:
        >>> has_nonfinite((torch.ones(2), {"h": torch.tensor([float("inf")])}))
        True
    """
    return any(not bool(torch.isfinite(t).all()) for t in _tensors_in(value))


def first_bad_layer(model: nn.Module, x: torch.Tensor) -> str | None:
    """The name of the first module whose output contains a NaN or an Inf.

    Runs ``model(x)`` once, without recording a graph (``torch.no_grad``), with
    a forward hook on every module of ``model.named_modules()``, the model
    itself included (its name is ``""``). A forward hook fires when its module
    *finishes*, so the first bad output belongs to the innermost module that
    made it: for ``nn.Sequential(a, Log(), b)`` with a ``log(0)`` in ``Log``,
    the answer is ``"1"``, not ``""``. A NaN made by a functional op inside a
    parent's ``forward`` (``torch.log(h)`` between two submodules) is first
    seen in the output of the next module that finishes.

    Every hook is removed before returning, also when the forward raises. The
    model's train/eval mode is not changed.

    Args:
        model: any ``nn.Module``; outputs may be tensors or nested
            tuples/lists/dicts of tensors.
        x: the input batch, already on the model's device.

    Returns:
        the module's name as in ``named_modules()`` (e.g. ``"encoder.2"``), or
        ``None`` when every output is finite. A module called twice is named
        as soon as one of its calls is bad.

    Raises:
        ValueError: ``x`` itself contains a NaN or an Inf (no layer is to
            blame: check the data pipeline).

    Example:
        >>> model = nn.Sequential(nn.Linear(2, 2), nn.ReLU(), Log())   # Log: torch.log
        >>> first_bad_layer(model, torch.randn(4, 2))   # some ReLU outputs are 0 -> log(0) = -inf
        '2'

    Edge cases the tests try: no bad layer (``None``), a bad layer nested two
    containers deep, an Inf later "repaired" by ``nan_to_num`` (the model's
    final output is finite), a module reused twice, a tuple-returning module,
    a model in eval mode, a NaN in the input (``ValueError``), a forward that
    raises (hooks still removed).
    """
    # TODO: register_forward_hook on every module from model.named_modules();
    # the hook records the first name whose output is not finite (use
    # has_nonfinite). Remove the handles in a finally block.
    # BEGIN SOLUTION
    if has_nonfinite(x):
        raise ValueError("the input x already contains NaN or Inf: check the data, not the model")
    found: list[str] = []

    def make_hook(name: str):
        def hook(module: nn.Module, inputs: Any, output: Any) -> None:
            if not found and has_nonfinite(output):
                found.append(name)

        return hook

    handles = [module.register_forward_hook(make_hook(name)) for name, module in model.named_modules()]
    try:
        with torch.no_grad():
            model(x)
    finally:
        for handle in handles:
            handle.remove()
    return found[0] if found else None
    # END SOLUTION


_ANOMALY = re.compile(r"Function '(\w+)' returned nan values")


def find_nan_source(compute_loss: Callable[[], torch.Tensor]) -> str | None:
    """The backward function that first produced a NaN gradient, or ``None``.

    Calls ``compute_loss()`` (which runs the forward pass and returns a scalar
    loss) and ``loss.backward()``, both inside
    ``torch.autograd.detect_anomaly()``. Anomaly mode checks the output of
    every backward function and raises a ``RuntimeError`` such as
    ``Function 'SqrtBackward0' returned nan values in its 0th output.``; this
    function returns that name. Running the forward inside anomaly mode too
    makes torch record where each op was created (its warning points at the
    line of your forward pass); those warnings are silenced here.

    Anomaly mode is switched off again afterwards, also when an error escapes.
    The backward pass accumulates into ``.grad`` as usual.

    Args:
        compute_loss: a function of no arguments returning a 0-d tensor that
            requires grad.

    Returns:
        the backward node's class name (``type(t.grad_fn).__name__`` of the
        tensor whose backward went wrong, e.g. ``"LogBackward0"``), or ``None``
        if the backward pass finished without a NaN.

    Raises:
        RuntimeError: any other error from the forward or backward pass
            (re-raised unchanged).

    Example:
        >>> x = torch.zeros(3, requires_grad=True)
        >>> find_nan_source(lambda: (torch.sqrt(x) * 0).sum())   # 0 * (1 / (2 * sqrt(0))) = 0 * inf
        'SqrtBackward0'

    Edge cases the tests try: sqrt(0), log(0) hidden behind ``torch.where``,
    a division 0/0 in the backward of ``x / x.norm()``, a clean loss
    (``None``), an unrelated error (re-raised), anomaly mode left on.
    """
    # TODO: wrap the forward and backward in `with torch.autograd.detect_anomaly():`,
    # catch RuntimeError and pull the function name out of its message
    # (re-raise errors that are not about NaN). Silence the warnings anomaly mode prints.
    # BEGIN SOLUTION
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            with torch.autograd.detect_anomaly():
                loss = compute_loss()
                loss.backward()
        except RuntimeError as err:
            match = _ANOMALY.search(str(err))
            if match is None:
                raise
            return match.group(1)
    return None
    # END SOLUTION


def grad_norms(model: nn.Module) -> dict[str, float | None]:
    """The L2 norm of each parameter's gradient, by parameter name.

    Keys are the names from ``model.named_parameters()`` of the parameters
    with ``requires_grad=True``, in that order (a tied parameter appears once,
    under its first name). The value is ``||p.grad||_2`` as a Python float,
    computed in float64 so that large gradients do not overflow the squares
    (a float32 gradient of 1e20s has a finite norm), or ``None`` when
    ``p.grad is None`` (the parameter was not reached by ``backward``). NaN
    and Inf gradients give ``nan`` and ``inf``.

    The sum of the squares of the values is the square of the total norm that
    ``torch.nn.utils.clip_grad_norm_`` reports.

    Args:
        model: any ``nn.Module``, after ``loss.backward()``.

    Returns:
        ``{name: norm or None}``.

    Example:
        >>> lin = nn.Linear(2, 1)
        >>> lin(torch.ones(1, 2)).sum().backward()
        >>> grad_norms(lin)
        {'weight': 1.4142135623730951, 'bias': 1.0}

    Edge cases the tests try: before any backward (all ``None``), a frozen
    parameter (left out), an unused layer (``None``), tied weights, a NaN and
    an Inf gradient, float32 gradients near 1e20, float16/bfloat16 gradients.
    """
    # TODO: loop over named_parameters(); skip frozen ones; torch.linalg.vector_norm
    # of p.grad in float64, then float(...).
    # BEGIN SOLUTION
    norms: dict[str, float | None] = {}
    for name, p in model.named_parameters():
        if not p.requires_grad:
            continue
        norms[name] = None if p.grad is None else float(torch.linalg.vector_norm(p.grad.detach().double()))
    return norms
    # END SOLUTION


class Log(nn.Module):
    """``torch.log`` as a module: a planted ``log(0)`` for the demos and tests."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.log(x)


if __name__ == "__main__":
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), Log(), nn.Linear(8, 1))
    print("first bad layer:", first_bad_layer(model, torch.randn(16, 4)))
    w = torch.zeros(3, requires_grad=True)
    print("NaN source:", find_nan_source(lambda: (torch.sqrt(w) * 0).sum()))
    lin = nn.Linear(2, 1)
    lin(torch.ones(1, 2)).sum().backward()
    print("grad norms:", grad_norms(lin))
