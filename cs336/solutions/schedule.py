"""CS336 component 14: the learning-rate schedule, linear warm-up then cosine decay.

- ``cosine_lr``: the learning rate at iteration ``t`` as a plain function of
  ``t``; the training loop writes it into each ``param_group["lr"]`` before
  ``optimizer.step()``.

In scope: the three phases (warm-up, cosine, floor), their boundaries, input
validation. Out of scope: ``torch.optim.lr_scheduler`` objects, restarts
(SGDR), other shapes (WSD, inverse square root).

Run the demo: .venv/bin/python -m cs336.schedule
"""

from __future__ import annotations

import math


def cosine_lr(t: float, lr_max: float, lr_min: float, warmup_iters: int, cosine_cycle_iters: int) -> float:
    """Learning rate at iteration ``t``: linear warm-up, cosine decay, then a floor.

    With ``T_w = warmup_iters`` and ``T_c = cosine_cycle_iters``::

        t <  T_w:          lr = t / T_w * lr_max
        T_w <= t <= T_c:   lr = lr_min + 0.5 * (1 + cos(pi * (t - T_w) / (T_c - T_w))) * (lr_max - lr_min)
        t >  T_c:          lr = lr_min

    So ``lr(0) = 0`` (when ``T_w > 0``), ``lr(T_w) = lr_max``,
    ``lr(T_c) = lr_min``, and the curve is continuous at both boundaries.
    ``T_c`` counts from iteration 0, warm-up included: the cosine phase lasts
    ``T_c - T_w`` iterations.

    Args:
        t: the iteration, ``>= 0`` (an int in training; floats are accepted).
        lr_max: the peak learning rate, reached at ``t = T_w``.
        lr_min: the floor, ``0 <= lr_min <= lr_max``.
        warmup_iters: ``T_w >= 0``; 0 means no warm-up.
        cosine_cycle_iters: ``T_c > T_w``.

    Returns:
        The learning rate as a Python float.

    Raises:
        ValueError: ``t < 0``, ``T_w < 0``, ``T_c <= T_w``, ``lr_min < 0`` or
            ``lr_min > lr_max``.

    Example:
        >>> [round(cosine_lr(t, 1.0, 0.1, 2, 6), 4) for t in range(8)]
        [0.0, 0.5, 1.0, 0.8682, 0.55, 0.2318, 0.1, 0.1]

    Edge cases the tests try: ``t = 0``, ``t = T_w``, ``t = T_c`` and just
    around them, ``T_w = 0``, ``lr_min = lr_max``, ``lr_min = 0``, t far
    past ``T_c``, invalid arguments.
    """
    # TODO: validate, then the three cases above, in that order (check
    # t < T_w first so that T_w = 0 never divides by zero).
    # BEGIN SOLUTION
    if t < 0:
        raise ValueError(f"iteration t must be >= 0, got {t}")
    if warmup_iters < 0:
        raise ValueError(f"warmup_iters must be >= 0, got {warmup_iters}")
    if cosine_cycle_iters <= warmup_iters:
        raise ValueError(
            f"cosine_cycle_iters ({cosine_cycle_iters}) must be greater than warmup_iters ({warmup_iters})"
        )
    if not 0.0 <= lr_min <= lr_max:
        raise ValueError(f"need 0 <= lr_min <= lr_max, got lr_min={lr_min}, lr_max={lr_max}")
    if t < warmup_iters:
        return t / warmup_iters * lr_max
    if t <= cosine_cycle_iters:
        progress = (t - warmup_iters) / (cosine_cycle_iters - warmup_iters)  # 0 -> 1
        return lr_min + 0.5 * (1.0 + math.cos(math.pi * progress)) * (lr_max - lr_min)
    return lr_min
    # END SOLUTION


if __name__ == "__main__":
    print([round(cosine_lr(t, 1.0, 0.1, 2, 6), 4) for t in range(8)])
