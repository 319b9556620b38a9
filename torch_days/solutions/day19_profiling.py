"""Day 19: profiling — find where a training step spends its time, then fix it.

- ``slow_step``: a deliberately slow training step, given: a Python loop
  over the batch (one forward pass per sample), ``.item()`` inside the loop
  (a host sync per sample on a GPU), a tensor rebuilt from a Python list on
  every call and copied to the device, and a round trip through the CPU for
  the accuracy;
- ``profile_step``: run a function under ``torch.profiler`` and return the
  top ops by *self* CPU time;
- ``fast_step``: the same computation, fixed: one batched forward pass, no
  ``.item()``, the constant built once per device, everything on the device.

Both steps return the same loss, accuracy and gradients. The speed-up is shown
in the lesson and measured by a benchmark, never asserted in a test; the
tests check the structure instead (forward calls, ``.item()`` calls, tensors
built from Python data).

In scope: ``torch.profiler.profile``, ``key_averages``, reading a profile,
vectorising a step. Out of scope: CUDA kernels in the profile (the same code
with ``ProfilerActivity.CUDA``), ``torch.compile``, memory profiling.

Run the demo: .venv/bin/python -m torch_days.day19_profiling
"""

from __future__ import annotations

from collections.abc import Callable

import torch
import torch.nn.functional as F
from torch import nn
from torch.profiler import ProfilerActivity, profile

# Per-class loss weights (10 classes): the classes the model confuses most count more.
CLASS_WEIGHTS = [1.0, 1.0, 1.2, 1.2, 1.0, 1.1, 1.0, 1.0, 1.5, 1.3]


def slow_step(model: nn.Module, x: torch.Tensor, y: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """The slow reference: class-weighted cross-entropy, its gradients, and the accuracy.

    Clears the gradients, computes the weighted mean cross-entropy
    ``sum_i w[y_i] * ce_i / sum_i w[y_i]`` (exactly
    ``F.cross_entropy(model(x), y, weight=w)``), calls ``backward`` and
    returns ``(loss, accuracy)`` as 0-d float32 tensors (detached). Slow on
    purpose, see the module docstring.
    """
    model.zero_grad(set_to_none=True)
    weights = torch.tensor(CLASS_WEIGHTS).to(x.device)  # rebuilt and copied on every call
    weighted, total_weight, correct = [], 0.0, 0
    for i in range(x.shape[0]):  # one forward pass per sample
        logits = model(x[i : i + 1])  # (1, C)
        label = int(y[i].item())  # host sync
        w = weights[label]
        weighted.append(w * F.cross_entropy(logits, y[i : i + 1]))
        total_weight += w.item()  # host sync
        correct += int(logits.argmax(dim=1).cpu().item() == label)  # device -> host copy, host sync
    loss = torch.stack(weighted).sum() / total_weight
    loss.backward()
    accuracy = torch.tensor(correct / x.shape[0]).to(x.device)
    return loss.detach(), accuracy


def profile_step(fn: Callable[[], object], *, top: int = 10) -> list[tuple[str, float]]:
    """Profile one call of ``fn()`` and return the ``top`` ops by self CPU time.

    Runs ``fn()`` once inside ``torch.profiler.profile(activities=[ProfilerActivity.CPU])``
    and reads ``prof.key_averages()``: one row per op name (``"aten::mm"``,
    ``"aten::addmm"``, ...; ``record_function`` labels appear too), each with
    ``self_cpu_time_total``, the microseconds spent in the op itself, not in
    the ops it called (``aten::linear`` calls ``aten::addmm``: the
    multiplication's time is addmm's self time, not linear's). Sorting by
    *total* time would put the wrappers first and hide the work.

    Args:
        fn: a function of no arguments (its result is ignored).
        top: how many rows to return, ``>= 0``.

    Returns:
        up to ``top`` pairs ``(op name, self CPU time in microseconds)``,
        largest first; ops with equal times keep the profiler's order.

    Raises:
        ValueError: ``top < 0``.
        any exception ``fn`` raises (the profiler is stopped first).

    Example:
        >>> a = torch.randn(256, 256)
        >>> profile_step(lambda: a @ a, top=1)
        [('aten::mm', 812.3)]

    Edge cases the tests try: a big matmul among cheap ops (``aten::mm``
    first), rows sorted by self time, ``top=0`` and ``top`` larger than the
    number of ops, names the profiler itself reports, ``top=-1``, a function
    that raises.
    """
    # TODO: with profile(activities=[ProfilerActivity.CPU]) as prof: fn();
    # then sort prof.key_averages() by self_cpu_time_total, largest first.
    # BEGIN SOLUTION
    if top < 0:
        raise ValueError(f"top must be >= 0, got {top}")
    with profile(activities=[ProfilerActivity.CPU]) as prof:
        fn()
    rows = [(event.key, float(event.self_cpu_time_total)) for event in prof.key_averages()]
    rows.sort(key=lambda row: row[1], reverse=True)  # stable: ties keep the profiler's order
    return rows[:top]
    # END SOLUTION


# BEGIN SOLUTION
_WEIGHTS: dict[torch.device, torch.Tensor] = {}


def _class_weights(device: torch.device) -> torch.Tensor:
    """CLASS_WEIGHTS as a tensor on ``device``, built once per device."""
    if device not in _WEIGHTS:
        _WEIGHTS[device] = torch.tensor(CLASS_WEIGHTS, device=device)
    return _WEIGHTS[device]


# END SOLUTION


def fast_step(model: nn.Module, x: torch.Tensor, y: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """``slow_step``, fixed: the same results, without its four slow habits.

    Computes the class-weighted mean cross-entropy of ``model(x)`` against
    ``y`` (weights ``CLASS_WEIGHTS[y_i]``, normalised by their sum, exactly
    ``F.cross_entropy(logits, y, weight=w)``), clears the gradients, calls
    ``backward`` and returns ``(loss, accuracy)`` as detached 0-d float32
    tensors on ``x``'s device; ``accuracy`` is the fraction of rows whose
    argmax equals ``y``. The parameters' gradients equal ``slow_step``'s.

    What the tests check, besides the values:

    - the model's forward runs once per call (one batched pass, no Python
      loop over the samples);
    - no ``Tensor.item()``, ``.tolist()`` or ``.cpu()`` call: the result
      stays on the device, the caller decides when to wait for it;
    - the class weights are not rebuilt from the Python list on every call
      (``torch.tensor``/``torch.as_tensor`` run at most once over several calls:
      build them once per device and keep them).

    Args:
        model: maps ``(N, D)`` to ``(N, 10)`` logits.
        x: ``(N, D)`` inputs, ``N >= 1``.
        y: ``(N,)`` int64 labels in ``[0, 10)``.

    Returns:
        ``(loss, accuracy)``, two 0-d float32 tensors.

    Example:
        >>> loss, acc = fast_step(model, x, y)
        >>> torch.allclose(loss, slow_step(model, x, y)[0])
        True

    Edge cases the tests try: one sample, a batch with every class, a batch
    of one class, gradients against ``slow_step`` and against
    ``F.cross_entropy(..., weight=...)``, several calls in a row (stale
    gradients), the structural checks above.
    """
    # TODO: one forward pass over the whole batch; F.cross_entropy(..., weight=w)
    # gives the weighted mean; accuracy with (argmax == y).float().mean().
    # Keep the weights tensor in a cache keyed by device (a module-level dict).
    # BEGIN SOLUTION
    model.zero_grad(set_to_none=True)
    logits = model(x)  # (N, C): one batched forward pass
    loss = F.cross_entropy(logits, y, weight=_class_weights(x.device))
    loss.backward()
    accuracy = (logits.detach().argmax(dim=1) == y).float().mean()
    return loss.detach(), accuracy
    # END SOLUTION


def make_demo(n: int = 256, d: int = 64, seed: int = 0) -> tuple[nn.Module, torch.Tensor, torch.Tensor]:
    """A small MLP and a batch for the demos: ``(model, x (n, d), y (n,))``."""
    g = torch.Generator().manual_seed(seed)
    torch.manual_seed(seed)
    model = nn.Sequential(nn.Linear(d, 128), nn.ReLU(), nn.Linear(128, 10))
    return model, torch.randn(n, d, generator=g), torch.randint(0, 10, (n,), generator=g)


if __name__ == "__main__":
    from utils.timing import time_block

    model, x, y = make_demo()
    for name, step in (("slow_step", slow_step), ("fast_step", fast_step)):
        step(model, x, y)  # warm-up
        with time_block(name):
            loss, acc = step(model, x, y)
        print(f"  loss {loss.item():.4f}, accuracy {acc.item():.3f}")
        for op, us in profile_step(lambda: step(model, x, y), top=5):
            print(f"  {op:<28} {us:10.0f} us")
