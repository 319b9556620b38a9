"""CS336 component 13: AdamW, written as a ``torch.optim.Optimizer``.

- ``AdamW``: Adam's per-coordinate step sizes (first and second moment
  estimates with bias correction) plus *decoupled* weight decay, matching
  ``torch.optim.AdamW`` update for update.

In scope: parameter groups with their own hyperparameters, per-parameter
state (``step``, ``exp_avg``, ``exp_avg_sq``) that survives a
``state_dict()`` / ``load_state_dict()`` round trip, parameters without a
gradient, the optional ``closure``. Out of scope: AMSGrad, ``maximize``,
sparse gradients, fused / foreach kernels, a learning-rate schedule (that is
component 14).

Run the demo: .venv/bin/python -m cs336.adamw
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable

import torch


class AdamW(torch.optim.Optimizer):
    """Adam with decoupled weight decay (Loshchilov & Hutter, 2019).

    For every parameter ``p`` with gradient ``g``, at step ``t = 1, 2, ...``
    (``lr``, ``(b1, b2)``, ``eps``, ``wd`` taken from the parameter's group)::

        p   <- p - lr * wd * p                   # decoupled decay, before the Adam step
        m   <- b1 * m + (1 - b1) * g             # exp_avg,    starts at 0
        v   <- b2 * v + (1 - b2) * g * g         # exp_avg_sq, starts at 0
        m_hat_scale = 1 / (1 - b1 ** t)
        denom = sqrt(v) / sqrt(1 - b2 ** t) + eps
        p   <- p - lr * m_hat_scale * m / denom

    This is exactly ``torch.optim.AdamW``'s arithmetic (note where ``eps`` sits:
    added after the bias correction of ``sqrt(v)``), so trajectories agree to
    rounding in float64.

    State per parameter, created on its first step: ``state[p]["step"]`` (an
    int), ``state[p]["exp_avg"]`` and ``state[p]["exp_avg_sq"]`` (tensors
    like ``p``). Keeping everything in ``self.state`` and ``param_groups``
    is what makes ``state_dict()`` / ``load_state_dict()`` work for free.

    Args:
        params: an iterable of parameters, or of dicts (parameter groups) with
            a ``"params"`` key and optional per-group hyperparameters.
        lr: learning rate, ``>= 0``.
        betas: ``(b1, b2)``, each in ``[0, 1)``.
        eps: added to the denominator, ``>= 0``.
        weight_decay: decoupled decay coefficient ``wd``, ``>= 0``.

    Raises:
        ValueError: any hyperparameter outside its range (the message names it).

    Example:
        >>> p = torch.nn.Parameter(torch.tensor([1.0]))
        >>> opt = AdamW([p], lr=0.1, weight_decay=0.0)
        >>> p.grad = torch.tensor([5.0]); opt.step()
        >>> p            # the first Adam step moves by ~lr whatever the gradient's size
        Parameter containing:
        tensor([0.9000], requires_grad=True)

    Edge cases the tests try: >= 10 steps on a small float64 model against
    ``torch.optim.AdamW``, two groups with different ``lr`` and
    ``weight_decay``, a parameter whose ``grad`` is ``None`` (left alone, no
    state), ``weight_decay=0``, ``betas=(0, 0)``, a ``state_dict`` round trip
    halfway through training, invalid hyperparameters.
    """

    def __init__(
        self,
        params: Iterable[torch.nn.Parameter] | Iterable[dict],
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0.01,
    ) -> None:
        # TODO: validate every hyperparameter (ValueError naming it), then
        # super().__init__(params, defaults) with defaults a dict of them.
        raise NotImplementedError("cs336-13: __init__ is not written yet")

    @torch.no_grad()
    def step(self, closure: Callable[[], torch.Tensor] | None = None) -> torch.Tensor | None:
        """Apply one AdamW update to every parameter that has a gradient.

        Args:
            closure: optional; re-evaluates the model and returns the loss
                (called with gradients enabled, before the update).

        Returns:
            The closure's loss, or ``None`` without a closure.
        """
        # TODO: for each group, for each p with p.grad not None: create the
        # state on first use, then apply the update in the class docstring in
        # place (p.mul_, exp_avg.mul_().add_(), ...). Do not call
        # torch.optim.AdamW or torch.optim.Adam, nor torch.optim._functional.
        raise NotImplementedError("cs336-13: step is not written yet")


if __name__ == "__main__":
    p = torch.nn.Parameter(torch.tensor([1.0]))
    opt = AdamW([p], lr=0.1, weight_decay=0.0)
    p.grad = torch.tensor([5.0])
    opt.step()
    print(p)
