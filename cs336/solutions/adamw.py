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
        # BEGIN SOLUTION
        if not lr >= 0.0:
            raise ValueError(f"invalid lr {lr!r}: must be >= 0")
        if not eps >= 0.0:
            raise ValueError(f"invalid eps {eps!r}: must be >= 0")
        if len(betas) != 2 or not all(0.0 <= b < 1.0 for b in betas):
            raise ValueError(f"invalid betas {betas!r}: need two values, each in [0, 1)")
        if not weight_decay >= 0.0:
            raise ValueError(f"invalid weight_decay {weight_decay!r}: must be >= 0")
        defaults = {"lr": lr, "betas": tuple(betas), "eps": eps, "weight_decay": weight_decay}
        super().__init__(params, defaults)
        # END SOLUTION

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
        # BEGIN SOLUTION
        loss = None
        if closure is not None:
            with torch.enable_grad():
                loss = closure()
        for group in self.param_groups:
            lr, (beta1, beta2) = group["lr"], group["betas"]
            eps, weight_decay = group["eps"], group["weight_decay"]
            for p in group["params"]:
                if p.grad is None:
                    continue
                grad = p.grad
                state = self.state[p]
                if not state:  # first step of this parameter
                    state["step"] = 0
                    state["exp_avg"] = torch.zeros_like(p)
                    state["exp_avg_sq"] = torch.zeros_like(p)
                state["step"] += 1
                t = state["step"]
                exp_avg, exp_avg_sq = state["exp_avg"], state["exp_avg_sq"]

                p.mul_(1.0 - lr * weight_decay)  # decoupled weight decay
                exp_avg.mul_(beta1).add_(grad, alpha=1.0 - beta1)  # m
                exp_avg_sq.mul_(beta2).addcmul_(grad, grad, value=1.0 - beta2)  # v
                step_size = lr / (1.0 - beta1**t)
                denom = exp_avg_sq.sqrt() / math.sqrt(1.0 - beta2**t) + eps
                p.addcdiv_(exp_avg, denom, value=-step_size)
        return loss
        # END SOLUTION


if __name__ == "__main__":
    p = torch.nn.Parameter(torch.tensor([1.0]))
    opt = AdamW([p], lr=0.1, weight_decay=0.0)
    p.grad = torch.tensor([5.0])
    opt.step()
    print(p)
