"""CS336 component 15: gradient clipping by the global L2 norm.

- ``clip_grad_norm``: treat the gradients of all parameters as one long
  vector; if its L2 norm exceeds ``max_norm``, scale every gradient in place
  by the same factor so that the norm becomes (just under) ``max_norm``.

In scope: the global norm, in-place scaling, parameters without gradients,
any iterable of parameters (a generator such as ``model.parameters()``).
Out of scope: other norms (``norm_type``), per-parameter clipping,
clipping by value, non-finite norms (``error_if_nonfinite``).

Run the demo: .venv/bin/python -m cs336.clipping
"""

from __future__ import annotations

from collections.abc import Iterable

import torch

EPS = 1e-6  # added to the norm in the scale factor, as torch.nn.utils.clip_grad_norm_ does


def clip_grad_norm(parameters: Iterable[torch.nn.Parameter], max_norm: float) -> float:
    """Clip gradients in place so that their global L2 norm is at most ``max_norm``.

    ::

        total = sqrt(sum over params with a grad of sum(p.grad ** 2))
        if total > max_norm:
            every p.grad *= max_norm / (total + 1e-6)

    Parameters whose ``grad`` is ``None`` are skipped (a frozen layer, an
    unused embedding row block). When ``total <= max_norm`` the gradients
    are left exactly as they were.

    Args:
        parameters: any iterable of tensors, e.g. ``model.parameters()``
            (a generator: iterate it once only).
        max_norm: the largest allowed global norm, ``>= 0``.

    Returns:
        The total norm *before* clipping, as a Python float (0.0 when no
        parameter has a gradient).

    Raises:
        ValueError: ``max_norm < 0``.

    Example:
        >>> p = torch.nn.Parameter(torch.zeros(2)); p.grad = torch.tensor([3.0, 4.0])
        >>> clip_grad_norm([p], 1.0)
        5.0
        >>> p.grad     # 3/5 and 4/5, a hair smaller because of the 1e-6
        tensor([0.6000, 0.8000])

    Edge cases the tests try: a generator argument, parameters without
    grads, no grads at all, a norm below / equal to the limit (nothing
    changes), one parameter, several of different shapes, float64.
    """
    # TODO: materialise the parameters with a grad into a list first (a
    # generator can be read once); sum the squares of all grads; scale in
    # place with p.grad.mul_(...). Do not call torch.nn.utils.clip_grad_norm_,
    # clip_grads_with_norm_ or get_total_norm.
    raise NotImplementedError("cs336-15: clip_grad_norm is not written yet")


if __name__ == "__main__":
    p = torch.nn.Parameter(torch.zeros(2))
    p.grad = torch.tensor([3.0, 4.0])
    print(clip_grad_norm([p], 1.0), p.grad)
