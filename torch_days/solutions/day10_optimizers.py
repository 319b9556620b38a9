"""Day 10: optimizers — SGD with momentum, Adam/AdamW, and gradient clipping.

- ``SGD``: momentum, Nesterov momentum and (L2) weight decay;
- ``Adam``: bias-corrected first and second moments, with L2 weight decay
  or AdamW's decoupled weight decay;
- ``clip_grad_norm``: scale all gradients together so their total norm is
  at most ``max_norm``.

Both optimizers subclass ``torch.optim.Optimizer``, so parameter groups,
``zero_grad``, ``state_dict``/``load_state_dict`` and learning-rate schedulers
work as with torch's own, and their trajectories must match ``torch.optim.SGD``,
``torch.optim.Adam`` and ``torch.optim.AdamW`` step for step.

In scope: the update rules, per-parameter state, parameters without a
gradient. Out of scope: dampening, ``maximize``, AMSGrad, sparse gradients,
fused/foreach kernels.

Run the demo: .venv/bin/python -m torch_days.solutions.day10_optimizers
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable

import torch


class SGD(torch.optim.Optimizer):
    """Stochastic gradient descent with optional momentum, Nesterov and weight decay.

    For each parameter ``p`` with gradient ``g`` (parameters whose ``.grad``
    is ``None`` are skipped entirely: no decay, no momentum)::

        g = g + weight_decay * p                    # L2 weight decay, if != 0
        if momentum != 0:
            buf = g                  on the first step (a copy)
            buf = momentum * buf + g afterwards
            g = g + momentum * buf   if nesterov else buf
        p = p - lr * g

    This is ``torch.optim.SGD`` with ``dampening=0``. The momentum buffer lives
    in ``self.state[p]["momentum_buffer"]`` (so ``state_dict`` saves it), and
    every hyperparameter is read from the parameter group at each step (so a
    learning-rate scheduler's changes take effect).

    Args:
        params: parameters or parameter groups (dicts), as for any torch optimizer.
        lr: learning rate, ``>= 0``.
        momentum: ``>= 0``; 0 disables the buffer.
        weight_decay: L2 penalty coefficient, ``>= 0``.
        nesterov: use Nesterov momentum (needs ``momentum > 0``).

    Raises:
        ValueError: a negative ``lr``, ``momentum`` or ``weight_decay``, or
            ``nesterov=True`` with ``momentum == 0``.

    Example:
        >>> w = torch.nn.Parameter(torch.tensor([1.0]))
        >>> opt = SGD([w], lr=0.1, momentum=0.9)
        >>> for _ in range(2):
        ...     opt.zero_grad()
        ...     (w ** 2).sum().backward()      # g = 2w
        ...     opt.step()
        >>> w                                 # 1 - 0.2 = 0.8; buf = 0.9*2 + 1.6 = 3.4; 0.8 - 0.34
        Parameter containing:
        tensor([0.4600], requires_grad=True)

    Edge cases the tests try: each option alone and together, two parameter
    groups with different settings, a StepLR scheduler, a parameter whose
    grad is None for some steps (``zero_grad(set_to_none=True)``) versus zero
    (``set_to_none=False``), ``step(closure)``, saving and restoring
    ``state_dict`` mid-training, invalid hyperparameters.
    """

    def __init__(
        self,
        params: Iterable[torch.Tensor] | Iterable[dict],
        lr: float = 1e-3,
        momentum: float = 0.0,
        weight_decay: float = 0.0,
        nesterov: bool = False,
    ):
        # TODO: validate, then super().__init__(params, defaults) with a dict
        # of the hyperparameters: the base class builds self.param_groups.
        # BEGIN SOLUTION
        if lr < 0:
            raise ValueError(f"learning rate must be >= 0, got {lr}")
        if momentum < 0:
            raise ValueError(f"momentum must be >= 0, got {momentum}")
        if weight_decay < 0:
            raise ValueError(f"weight_decay must be >= 0, got {weight_decay}")
        if nesterov and momentum == 0:
            raise ValueError("Nesterov momentum needs momentum > 0")
        defaults = {"lr": lr, "momentum": momentum, "weight_decay": weight_decay, "nesterov": nesterov}
        super().__init__(params, defaults)
        # END SOLUTION

    def step(self, closure: Callable[[], torch.Tensor] | None = None) -> torch.Tensor | None:
        """Update every parameter that has a gradient; return ``closure()``'s loss (or None).

        ``closure`` (optional) re-evaluates the model and returns the loss; it
        is called once, with gradients enabled, before the update.
        """
        # TODO: run the closure under torch.enable_grad(); do the updates under
        # torch.no_grad(), in place (p.add_(...)), group by group. Write the
        # rule yourself: do not hand the work to torch.optim.SGD or torch.optim._functional.
        # BEGIN SOLUTION
        loss = None
        if closure is not None:
            with torch.enable_grad():
                loss = closure()
        with torch.no_grad():
            for group in self.param_groups:
                lr, momentum = group["lr"], group["momentum"]
                weight_decay, nesterov = group["weight_decay"], group["nesterov"]
                for p in group["params"]:
                    if p.grad is None:
                        continue
                    g = p.grad
                    if weight_decay != 0:
                        g = g.add(p, alpha=weight_decay)  # a new tensor: p.grad stays as it was
                    if momentum != 0:
                        state = self.state[p]
                        buf = state.get("momentum_buffer")
                        if buf is None:
                            buf = state["momentum_buffer"] = g.clone()
                        else:
                            buf.mul_(momentum).add_(g)
                        g = g.add(buf, alpha=momentum) if nesterov else buf
                    p.add_(g, alpha=-lr)
        return loss
        # END SOLUTION


class Adam(torch.optim.Optimizer):
    """Adam, with L2 or decoupled (AdamW) weight decay.

    For each parameter ``p`` with gradient ``g`` (``None`` grads are skipped),
    at step ``t = 1, 2, ...`` (counted per parameter)::

        if weight_decay != 0:
            p = p * (1 - lr * weight_decay)    if decoupled_weight_decay   (AdamW)
            g = g + weight_decay * p           otherwise                   (L2, Adam)
        m = beta1 * m + (1 - beta1) * g
        v = beta2 * v + (1 - beta2) * g * g
        p = p - lr / (1 - beta1**t) * m / (sqrt(v) / sqrt(1 - beta2**t) + eps)

    ``m`` and ``v`` start at 0. Note where ``eps`` goes: *after* the square
    root and the bias correction, as in torch. The state lives in
    ``self.state[p]`` (``"step"``, ``"exp_avg"``, ``"exp_avg_sq"``);
    hyperparameters are read from the group at every step.

    Args:
        params: parameters or parameter groups.
        lr: learning rate, ``>= 0``.
        betas: ``(beta1, beta2)``, each in ``[0, 1)``.
        eps: ``>= 0``.
        weight_decay: ``>= 0``.
        decoupled_weight_decay: AdamW's rule instead of L2 (matches
            ``torch.optim.AdamW`` with the same ``weight_decay``).

    Raises:
        ValueError: an out-of-range hyperparameter.

    Example:
        >>> w = torch.nn.Parameter(torch.tensor([1.0, -1.0]))
        >>> opt = Adam([w], lr=0.1)
        >>> (w ** 2).sum().backward()
        >>> opt.step()                          # the first step moves each weight by about lr
        >>> w
        Parameter containing:
        tensor([ 0.9000, -0.9000], requires_grad=True)

    Edge cases the tests try: defaults, other betas, a large ``eps`` (0.1),
    L2 and decoupled weight decay, parameter groups, a StepLR scheduler,
    grads that are None for some steps, ``state_dict`` round trips,
    invalid hyperparameters.
    """

    def __init__(
        self,
        params: Iterable[torch.Tensor] | Iterable[dict],
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0.0,
        *,
        decoupled_weight_decay: bool = False,
    ):
        # TODO: validate, then super().__init__(params, defaults).
        # BEGIN SOLUTION
        if lr < 0:
            raise ValueError(f"learning rate must be >= 0, got {lr}")
        if eps < 0:
            raise ValueError(f"eps must be >= 0, got {eps}")
        if not all(0.0 <= b < 1.0 for b in betas) or len(betas) != 2:
            raise ValueError(f"betas must be two numbers in [0, 1), got {betas}")
        if weight_decay < 0:
            raise ValueError(f"weight_decay must be >= 0, got {weight_decay}")
        defaults = {
            "lr": lr, "betas": tuple(betas), "eps": eps,
            "weight_decay": weight_decay, "decoupled_weight_decay": decoupled_weight_decay,
        }
        super().__init__(params, defaults)
        # END SOLUTION

    def step(self, closure: Callable[[], torch.Tensor] | None = None) -> torch.Tensor | None:
        """Update every parameter that has a gradient; return ``closure()``'s loss (or None)."""
        # TODO: initialise the state lazily (the first time a parameter has a
        # gradient); count steps per parameter; update m and v in place. Do not
        # hand the work to torch.optim.Adam/AdamW or torch.optim._functional.
        # BEGIN SOLUTION
        loss = None
        if closure is not None:
            with torch.enable_grad():
                loss = closure()
        with torch.no_grad():
            for group in self.param_groups:
                lr, (beta1, beta2), eps = group["lr"], group["betas"], group["eps"]
                weight_decay, decoupled = group["weight_decay"], group["decoupled_weight_decay"]
                for p in group["params"]:
                    if p.grad is None:
                        continue
                    g = p.grad
                    state = self.state[p]
                    if not state:
                        state["step"] = 0
                        state["exp_avg"] = torch.zeros_like(p)  # m
                        state["exp_avg_sq"] = torch.zeros_like(p)  # v
                    state["step"] += 1
                    t = state["step"]
                    if weight_decay != 0:
                        if decoupled:
                            p.mul_(1 - lr * weight_decay)
                        else:
                            g = g.add(p, alpha=weight_decay)
                    m, v = state["exp_avg"], state["exp_avg_sq"]
                    m.mul_(beta1).add_(g, alpha=1 - beta1)
                    v.mul_(beta2).addcmul_(g, g, value=1 - beta2)
                    bias1 = 1 - beta1**t
                    bias2 = 1 - beta2**t
                    denom = (v.sqrt() / math.sqrt(bias2)).add_(eps)
                    p.addcdiv_(m, denom, value=-lr / bias1)
        return loss
        # END SOLUTION


def clip_grad_norm(
    parameters: torch.Tensor | Iterable[torch.Tensor],
    max_norm: float,
    norm_type: float = 2.0,
    *,
    error_if_nonfinite: bool = False,
) -> torch.Tensor:
    """Scale the gradients in place so that their total norm is at most ``max_norm``.

    The total norm treats all gradients as one long vector: the ``norm_type``
    norm of the per-parameter norms (for ``inf``, the largest absolute
    value). Then every gradient is multiplied by
    ``min(1, max_norm / (total + 1e-6))`` (the ``1e-6`` guards against
    dividing by 0, exactly as ``torch.nn.utils.clip_grad_norm_``).

    Args:
        parameters: one tensor, or an iterable of tensors — possibly a
            one-shot generator such as ``model.parameters()``. Tensors whose
            ``.grad`` is ``None`` are ignored.
        max_norm: the largest allowed total norm.
        norm_type: ``p`` of the p-norm (``1.0``, ``2.0``, ``3.0``, ...) or ``float("inf")``.
        error_if_nonfinite: raise instead of scaling when the total norm is
            ``nan`` or ``inf``. When False, the gradients are scaled anyway
            (and become ``nan``), as torch does.

    Returns:
        the total norm *before* clipping, a 0-d tensor (``torch.tensor(0.0)``
        when no parameter has a gradient).

    Raises:
        RuntimeError: the total norm is not finite and ``error_if_nonfinite`` is True.

    Example:
        >>> w = torch.nn.Parameter(torch.zeros(2))
        >>> w.grad = torch.tensor([3.0, 4.0])
        >>> clip_grad_norm([w], max_norm=1.0)
        tensor(5.)
        >>> w.grad                               # scaled by 1 / (5 + 1e-6)
        tensor([0.6000, 0.8000])

    Edge cases the tests try: norm types 1, 2, 3 and inf; a total below
    ``max_norm`` (no change); parameters with ``grad=None``; a generator; a
    single tensor; no gradients at all; ``nan``/``inf`` gradients with and
    without ``error_if_nonfinite``; every device.
    """
    # TODO: materialise the iterable once (list(...)); compute per-parameter
    # norms with torch.linalg.vector_norm, then the norm of those; scale each
    # grad in place with grad.mul_. Do not call torch.nn.utils.clip_grad_norm_.
    # BEGIN SOLUTION
    if isinstance(parameters, torch.Tensor):
        parameters = [parameters]
    grads = [p.grad for p in parameters if p.grad is not None]  # iterates a generator once
    if not grads:
        return torch.tensor(0.0)
    norm_type = float(norm_type)
    device = grads[0].device
    per_param = torch.stack([torch.linalg.vector_norm(g.detach(), norm_type).to(device) for g in grads])
    total = torch.linalg.vector_norm(per_param, norm_type)
    if error_if_nonfinite and not bool(torch.isfinite(total)):
        raise RuntimeError(f"the total norm of order {norm_type} of the gradients is {total.item()}: cannot clip")
    scale = torch.clamp(max_norm / (total + 1e-6), max=1.0)
    for g in grads:
        g.detach().mul_(scale.to(g.device))
    return total
    # END SOLUTION


if __name__ == "__main__":
    torch.manual_seed(0)
    model = torch.nn.Linear(3, 1)
    reference = torch.nn.Linear(3, 1)
    reference.load_state_dict(model.state_dict())
    mine, theirs = Adam(model.parameters(), lr=0.1), torch.optim.Adam(reference.parameters(), lr=0.1)
    x, y = torch.randn(16, 3), torch.randn(16, 1)
    for _ in range(5):
        for net, opt in ((model, mine), (reference, theirs)):
            opt.zero_grad()
            torch.nn.functional.mse_loss(net(x), y).backward()
            opt.step()
    print("max |difference| after 5 Adam steps:", (model.weight - reference.weight).abs().max().item())
    w = torch.nn.Parameter(torch.zeros(2))
    w.grad = torch.tensor([3.0, 4.0])
    print(clip_grad_norm([w], max_norm=1.0), w.grad)
