"""Day 8: autograd — a scalar reverse-mode engine, and what torch's does for you.

Three pieces:

- ``Value``: a scalar that records the operations applied to it (a tape of
  nodes, each with the local derivatives towards its inputs) and runs reverse
  mode over that graph in ``backward()``: a topological order, then the chain
  rule from the output back to the leaves. The tests build the same random
  expressions with ``Value`` and with float64 torch tensors and compare values
  and gradients.
- ``accumulate_grads``: gradient accumulation over micro-batches whose
  gradient equals the gradient of one big batch.
- ``frozen_grad_report``: after a backward pass, which parameters are frozen,
  never reached by the loss, all-zero, non-finite, or fine.

In scope: reverse-mode AD on scalars, gradient accumulation, the ``.grad`` of
parameters. Out of scope: tensors in the engine, higher-order gradients,
BatchNorm-style layers whose output depends on the whole batch.

Run the demo: .venv/bin/python -m torch_days.solutions.day08_autograd
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

import torch
from torch import nn

# ---------------------------------------------------------------- the engine


class Value:
    """A scalar that remembers how it was computed, for reverse-mode autodiff.

    Each ``Value`` made by an operation keeps its inputs in ``_prev`` and the
    local derivative of its result towards each input in ``_local_grads``
    (aligned with ``_prev``). An input used twice appears twice: ``a * a`` has
    ``_prev == (a, a)`` and ``_local_grads == (a.data, a.data)``. A ``Value``
    built by hand (or from a Python number) is a leaf: no inputs.

    Supported: ``+ - * /`` with Values or Python numbers on either side, unary
    ``-``, ``** n`` for an ``int`` exponent ``n`` (negative and zero included),
    ``tanh()``, ``relu()``, ``exp()``, ``log()``.

    Conventions (torch's, so the tests can compare):

    - ``relu`` has derivative 0 at exactly 0;
    - ``x ** 0`` is 1 with derivative 0 everywhere, ``x = 0`` included;
    - ``log`` of a non-positive number and ``0 ** -n`` raise like ``math``
      does (``ValueError``, ``ZeroDivisionError``);
    - an operand that is neither a ``Value`` nor an ``int``/``float`` gives
      ``NotImplemented`` (so Python raises ``TypeError``); so does a
      non-``int`` exponent (``x ** 0.5``, ``x ** Value(2)``, ``x ** True``).

    Example:
        >>> a, b = Value(2.0), Value(-3.0)
        >>> c = a * b + a.tanh()
        >>> c.backward()
        >>> round(c.data, 4), round(a.grad, 4), b.grad
        (-5.036, -2.9293, 2.0)
    """

    def __init__(self, data: float, _children: tuple[Value, ...] = (), _op: str = "", _local_grads: tuple[float, ...] = ()):
        self.data = float(data)
        self.grad = 0.0  # d(output)/d(self), summed over every backward() call
        self._prev = tuple(_children)  # the inputs of the operation that made this Value
        self._op = _op  # for printing only: "+", "*", "tanh", ...
        self._local_grads = tuple(float(g) for g in _local_grads)  # d(self)/d(input), aligned with _prev

    def __repr__(self) -> str:
        return f"Value(data={self.data:.6g}, grad={self.grad:.6g})"

    # ------------------------------------------------------------ arithmetic

    def __add__(self, other: Value | float) -> Value:
        # TODO: wrap a Python number in Value; d(a+b)/da = 1, d(a+b)/db = 1.
        raise NotImplementedError("torch-08: __add__ is not written yet")

    def __radd__(self, other: float) -> Value:
        # TODO: `3 + v` lands here (int.__add__ gave up): addition commutes.
        raise NotImplementedError("torch-08: __radd__ is not written yet")

    def __mul__(self, other: Value | float) -> Value:
        # TODO: d(a*b)/da = b, d(a*b)/db = a (the data, at the time of the product).
        raise NotImplementedError("torch-08: __mul__ is not written yet")

    def __rmul__(self, other: float) -> Value:
        # TODO: `3 * v`.
        raise NotImplementedError("torch-08: __rmul__ is not written yet")

    def __neg__(self) -> Value:
        # TODO: one input, local derivative -1.
        raise NotImplementedError("torch-08: __neg__ is not written yet")

    def __sub__(self, other: Value | float) -> Value:
        # TODO: build it from + and unary -.
        raise NotImplementedError("torch-08: __sub__ is not written yet")

    def __rsub__(self, other: float) -> Value:
        # TODO: `3 - v` is other - self, not self - other.
        raise NotImplementedError("torch-08: __rsub__ is not written yet")

    def __truediv__(self, other: Value | float) -> Value:
        # TODO: a / b = a * b ** -1.
        raise NotImplementedError("torch-08: __truediv__ is not written yet")

    def __rtruediv__(self, other: float) -> Value:
        # TODO: `1 / v` is other * self ** -1.
        raise NotImplementedError("torch-08: __rtruediv__ is not written yet")

    def __pow__(self, n: int) -> Value:
        # TODO: int exponents only (return NotImplemented otherwise, bool
        # included); d(x**n)/dx = n * x**(n-1), but exactly 0 when n == 0
        # (the formula would divide by zero at x = 0).
        raise NotImplementedError("torch-08: __pow__ is not written yet")

    # ------------------------------------------------------------ functions

    def tanh(self) -> Value:
        # TODO: use math.tanh (exp(2x) overflows for large x); d tanh(x)/dx = 1 - tanh(x)**2.
        raise NotImplementedError("torch-08: tanh is not written yet")

    def relu(self) -> Value:
        # TODO: max(x, 0); derivative 1 where x > 0, else 0 (0 at x == 0, like torch).
        raise NotImplementedError("torch-08: relu is not written yet")

    def exp(self) -> Value:
        # TODO: d exp(x)/dx = exp(x).
        raise NotImplementedError("torch-08: exp is not written yet")

    def log(self) -> Value:
        # TODO: natural log with math.log (ValueError for x <= 0); d log(x)/dx = 1/x.
        raise NotImplementedError("torch-08: log is not written yet")

    # ------------------------------------------------------------ reverse mode

    def backward(self) -> None:
        """Add d(self)/d(v) to ``v.grad`` for every ``v`` in the graph that made ``self``.

        Like torch, gradients *accumulate*: two calls leave every ``.grad``
        (inner nodes included) at twice the gradient. ``self.grad`` grows by 1.

        Every node is processed once, after every node that uses it (a reverse
        topological order), so a node used twice receives both contributions
        before it passes its own gradient on.

        Edge cases the tests try: a node used twice (``a * a``, ``a + a``), a
        diamond (``b = a + 1; c = b * b``), a leaf as the output, a constant
        on either side, ``backward()`` called twice, a chain 10 000 operations
        deep (do not recurse: Python's recursion limit is about 1000), a
        ladder ``x1 = x0 + x0, x2 = x1 + x1, ...`` whose number of paths
        doubles at every step (visit each node once, not each path).
        """
        # TODO: 1) an iterative depth-first search that lists each node once,
        # inputs before users; 2) a dict node -> gradient of this call, seeded
        # with {self: 1.0}, filled by walking that list backwards and adding
        # local_grad * gradient(node) to each input; 3) add each node's
        # gradient to node.grad. Do not reuse node.grad as the running sum:
        # after a first backward() it already holds old gradients.
        raise NotImplementedError("torch-08: backward is not written yet")



# ---------------------------------------------------------------- torch's autograd


def accumulate_grads(
    model: nn.Module,
    batches: Sequence[tuple[torch.Tensor, torch.Tensor]],
    loss_fn: Callable[[torch.Tensor, torch.Tensor], torch.Tensor],
) -> float:
    """Fill every parameter's ``.grad`` with the gradient of the loss over *all* samples.

    ``loss_fn(model(x), y)`` returns the *mean* loss of one micro-batch. The
    result must equal the gradient of ``loss_fn(model(cat(xs)), cat(ys))``,
    the mean over all ``N`` samples, even when the micro-batches have
    different sizes: weight micro-batch ``i`` (``n_i`` samples) by
    ``n_i / N``, not by ``1 / len(batches)``.

    Existing gradients are discarded first (``model.zero_grad()``); frozen
    parameters (``requires_grad=False``) keep ``grad is None``. Call
    ``backward()`` once per micro-batch, so that only one micro-batch's graph
    is alive at a time (that is the point of accumulating: the memory of a
    small batch, the gradient of a big one).

    Args:
        model: a module whose output for a sample does not depend on the other
            samples of its batch (no BatchNorm in training mode).
        batches: a sequence of ``(x, y)`` pairs with ``x.shape[0] == y.shape[0]``;
            micro-batches with 0 samples are skipped.
        loss_fn: e.g. ``nn.MSELoss()`` or ``F.cross_entropy`` (mean reduction).

    Returns:
        the mean loss over all ``N`` samples, as a Python float.

    Raises:
        ValueError: the batches hold no sample at all.

    Example:
        >>> model = nn.Linear(3, 1).double()
        >>> x, y = torch.randn(5, 3, dtype=torch.float64), torch.randn(5, 1, dtype=torch.float64)
        >>> loss = accumulate_grads(model, [(x[:4], y[:4]), (x[4:], y[4:])], nn.MSELoss())
        >>> # model.weight.grad now equals the gradient of nn.MSELoss()(model(x), y)

    Edge cases the tests try: equal and unequal micro-batch sizes, one
    micro-batch, a micro-batch of one sample, empty micro-batches, no sample
    at all, stale gradients left from before, a frozen layer, MSE and
    cross-entropy losses.
    """
    # TODO: count N first, zero the grads, then for each non-empty micro-batch
    # scale its mean loss by n_i / N and call backward() on it right away.
    # Keep the running loss as a float (loss.item()), not as a tensor that
    # would keep every graph alive.
    raise NotImplementedError("torch-08: accumulate_grads is not written yet")


REPORT_STATUSES = ("frozen", "missing", "nonfinite", "zero", "ok")


def frozen_grad_report(model: nn.Module) -> dict[str, str]:
    """After a backward pass, say for each parameter what its gradient looks like.

    One entry per ``model.named_parameters()`` (same names, same order), whose
    value is the first of these that applies:

    - ``"frozen"``: ``requires_grad`` is False (a stale ``.grad`` does not matter);
    - ``"missing"``: ``.grad is None``: the loss never reached it (an unused
      layer, a ``.detach()`` or ``torch.no_grad()`` in the forward pass, or
      no backward yet);
    - ``"nonfinite"``: some gradient element is ``nan`` or ``inf``;
    - ``"zero"``: every element is exactly 0 (e.g. behind a dead ReLU, or
      after ``zero_grad(set_to_none=False)``);
    - ``"ok"``: anything else.

    Args:
        model: any module.

    Returns:
        ``{name: status}`` with statuses from ``REPORT_STATUSES``.

    Example:
        >>> model = nn.Sequential(nn.Linear(2, 2), nn.Linear(2, 1))
        >>> model[0].requires_grad_(False)
        >>> model(torch.ones(1, 2)).sum().backward()
        >>> frozen_grad_report(model)
        {'0.weight': 'frozen', '0.bias': 'frozen', '1.weight': 'ok', '1.bias': 'ok'}

    Edge cases the tests try: no backward yet, a frozen layer with a stale
    gradient, an unused layer, a layer before a ``.detach()``, a dead ReLU,
    a ``nan`` gradient, a model with no parameters (``{}``).
    """
    # TODO: walk model.named_parameters() and test the cases in the order above.
    raise NotImplementedError("torch-08: frozen_grad_report is not written yet")


if __name__ == "__main__":
    a, b = Value(2.0), Value(-3.0)
    c = a * b + a.tanh()
    c.backward()
    print(c, a, b)
    ta = torch.tensor(2.0, dtype=torch.float64, requires_grad=True)
    tb = torch.tensor(-3.0, dtype=torch.float64, requires_grad=True)
    (ta * tb + ta.tanh()).backward()
    print("torch:", ta.grad.item(), tb.grad.item())

    model = nn.Sequential(nn.Linear(2, 2), nn.Linear(2, 1))
    model[0].requires_grad_(False)
    model(torch.ones(1, 2)).sum().backward()
    print(frozen_grad_report(model))
