"""CS336 component 12: the cross-entropy loss of a language model, from logits.

- ``cross_entropy``: the mean over every position of ``-log softmax(logits)[target]``,
  written with the log-sum-exp trick so that logits of 1e4 neither overflow
  nor underflow.

In scope: any number of leading dimensions (batch, sequence), integer targets,
numerical stability, a gradient that autograd derives from the formula.
Out of scope: label smoothing, ``ignore_index`` / padding masks, class weights,
``reduction="sum"`` (``F.cross_entropy`` has all of these).

Run the demo: .venv/bin/python -m cs336.cross_entropy
"""

from __future__ import annotations

import torch


def cross_entropy(logits: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
    """Mean negative log-likelihood of ``targets`` under ``softmax(logits)``.

    For one position with logits ``o`` (vocab entries) and target ``y``::

        loss = -log(exp(o[y]) / sum_j exp(o[j])) = logsumexp(o) - o[y]
             = log(sum_j exp(o[j] - m)) - (o[y] - m)      with m = max_j o[j]

    The second form is the one to compute: after subtracting the row maximum
    the largest exponent is ``exp(0) = 1``, so nothing overflows, and the sum
    is at least 1, so its log is finite.

    Shapes (``...`` is any number of leading dimensions, including none)::

        logits: (..., vocab)   floating
        targets: (...)         integer class ids in [0, vocab)
        returns: ()            a 0-d tensor, the mean over all positions

    Args:
        logits: unnormalised scores; float32 or float64, may require grad.
        targets: the id of the correct token at each position.

    Returns:
        A scalar tensor of ``logits.dtype`` on ``logits.device``; backward
        through it gives ``(softmax(logits) - one_hot(targets)) / N``.

    Raises:
        TypeError: ``targets`` is not an integer tensor (e.g. float ids).
        ValueError: ``targets.shape != logits.shape[:-1]``, there are no
            positions at all, or a target lies outside ``[0, vocab)``.

    Example:
        >>> cross_entropy(torch.tensor([[0.0, 0.0], [1e4, -1e4]]), torch.tensor([0, 0]))
        tensor(0.3466)

    (``log 2 / 2``: the first row is a coin flip, the second is certain.)

    Edge cases the tests try: no leading dimension (one position), two
    leading dimensions, vocab of 1, logits of +-1e4 in float32, a target
    whose logit is -1e4, float and bool targets, mismatched shapes,
    out-of-range targets, gradients.
    """
    # TODO: subtract the per-row max (detached is fine), log of the sum of
    # exp, pick the target's logit with gather, average. Do not call
    # F.cross_entropy, F.nll_loss, F.log_softmax, torch.log_softmax or
    # torch.logsumexp (the tests replace them with functions that fail).
    # BEGIN SOLUTION
    if targets.dtype == torch.bool or targets.dtype.is_floating_point or targets.dtype.is_complex:
        raise TypeError(f"targets must be an integer tensor of class ids, got {targets.dtype}; use targets.long()")
    if logits.dim() == 0 or targets.shape != logits.shape[:-1]:
        raise ValueError(
            f"targets must have shape logits.shape[:-1]: logits {tuple(logits.shape)}, targets {tuple(targets.shape)}"
        )
    if targets.numel() == 0:
        raise ValueError("cross_entropy of zero positions is undefined (the mean of nothing)")
    vocab = logits.shape[-1]
    if bool((targets < 0).any()) or bool((targets >= vocab).any()):
        raise ValueError(f"every target must lie in [0, {vocab}), got min {int(targets.min())}, max {int(targets.max())}")

    m = logits.amax(dim=-1, keepdim=True).detach()  # (..., 1); a constant shift, no gradient needed
    shifted = logits - m  # (..., vocab), every entry <= 0
    log_sum = shifted.exp().sum(dim=-1).log()  # (...,), log of a number in [1, vocab]
    target_logit = shifted.gather(-1, targets.unsqueeze(-1)).squeeze(-1)  # (...,)
    return (log_sum - target_logit).mean()
    # END SOLUTION


if __name__ == "__main__":
    print(cross_entropy(torch.tensor([[0.0, 0.0], [1e4, -1e4]]), torch.tensor([0, 0])))
