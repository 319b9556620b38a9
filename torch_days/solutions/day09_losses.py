"""Day 9: what a loss function expects — logits, class indices, probabilities.

Three functions:

- ``cross_entropy``: ``F.cross_entropy`` rebuilt from ``log_softmax``, with
  class-index targets (``ignore_index``) and class-probability targets,
  K-dimensional inputs ``(N, C, d1, ..., dK)``, the three reductions and
  label smoothing;
- ``bce_with_logits``: binary cross-entropy on raw scores, stable at
  ``|x| = 1000`` in float32, with ``pos_weight`` for imbalanced labels;
- ``check_loss_inputs``: the errors torch does not raise (softmaxed
  "logits", 1-based labels, one-hot integer targets) and clearer ones for
  those it does (float indices, the class dimension in the wrong place).

In scope: the formulas, the shape and dtype conventions of ``nn.CrossEntropyLoss``
and ``nn.BCEWithLogitsLoss``. Out of scope: per-class ``weight``, NLLLoss on
its own, focal and other losses.

Run the demo: .venv/bin/python -m torch_days.solutions.day09_losses
"""

from __future__ import annotations

import torch
import torch.nn.functional as F

REDUCTIONS = ("mean", "sum", "none")


def cross_entropy(
    logits: torch.Tensor,
    target: torch.Tensor,
    *,
    ignore_index: int = -100,
    reduction: str = "mean",
    label_smoothing: float = 0.0,
) -> torch.Tensor:
    """Cross-entropy between raw scores and targets, as ``F.cross_entropy`` computes it.

    The class dimension is dim 1 (dim 0 for unbatched ``(C,)`` logits).
    ``logp = log_softmax(logits, dim=1)``; two kinds of target:

    - class indices, any integer dtype (not bool), shape ``(N, d1, ..., dK)``
      (``()`` for unbatched logits): ``loss = -logp[n, target[n], ...]``.
      Positions whose target equals ``ignore_index`` contribute 0 and are not
      counted by ``"mean"``, which divides by the number of positions that
      are *not* ignored. With every position ignored, ``"mean"`` is ``0/0 =
      nan`` (as in torch) and the gradient is all zeros;
    - class probabilities, a float tensor of the same shape as ``logits``:
      ``loss = -(target * logp).sum(dim=1)``; ``"mean"`` divides by
      ``N * d1 * ... * dK``; ``ignore_index`` plays no part.

    Label smoothing ``ε`` mixes the target with the uniform distribution over
    the ``C`` classes: for indices,
    ``loss = (1 - ε) * nll + ε * (-logp.mean(dim=1))`` (ignored positions
    still contribute 0); for probabilities, ``target = (1 - ε) * target + ε / C``.

    Args:
        logits: ``(N, C)``, ``(N, C, d1, ..., dK)`` or ``(C,)`` raw scores (float).
        target: class indices or class probabilities, as above.
        ignore_index: an index target value to skip (e.g. the padding id).
        reduction: ``"mean"``, ``"sum"`` or ``"none"`` (shape ``(N, d1, ..., dK)``).
        label_smoothing: ``ε`` in ``[0, 1]``.

    Returns:
        a 0-d tensor, or the per-position losses for ``reduction="none"``;
        differentiable with respect to ``logits`` (and float targets).

    Raises:
        ValueError: unknown ``reduction``, ``label_smoothing`` outside [0, 1],
            ``logits`` with no class dimension (0-d), or a target of the wrong shape.
        TypeError: integer ``logits``, or a bool target.
        IndexError: a class index outside ``[0, C)`` that is not ``ignore_index``.

    Example:
        >>> logits = torch.tensor([[2.0, 0.0, -1.0], [0.5, 0.5, 0.5]])
        >>> cross_entropy(logits, torch.tensor([0, 2]))
        tensor(0.6342)
        >>> cross_entropy(logits, torch.tensor([0, -100]), reduction="none")
        tensor([0.1698, 0.0000])

    Edge cases the tests try: index and probability targets, int32/uint8
    indices, ``(N, C, d1)`` and ``(N, C, d1, d2)`` inputs, unbatched ``(C,)``,
    ``ignore_index`` (the default and a real class id such as 0), every
    position ignored, label smoothing with and without ignored positions,
    one sample, large logits (1e4), an empty batch, gradients, every device.
    """
    # TODO: use log_softmax (never log(softmax(x))). For index targets gather
    # the target class; replace ignored positions by a valid class before
    # gather, then zero them. Do not call F.cross_entropy, F.nll_loss or
    # nn.CrossEntropyLoss.
    # BEGIN SOLUTION
    if reduction not in REDUCTIONS:
        raise ValueError(f"reduction must be one of {REDUCTIONS}, got {reduction!r}")
    if not 0.0 <= label_smoothing <= 1.0:
        raise ValueError(f"label_smoothing must be in [0, 1], got {label_smoothing}")
    if not logits.is_floating_point():
        raise TypeError(f"logits must be a float tensor of raw scores, got {logits.dtype}")
    if logits.dim() == 0:
        raise ValueError("logits need a class dimension: shape (C,), (N, C) or (N, C, d1, ...)")
    unbatched = logits.dim() == 1
    if unbatched:
        logits, target = logits.unsqueeze(0), target.unsqueeze(0)
    n_classes = logits.shape[1]
    logp = logits.log_softmax(dim=1)  # (N, C, *d)

    if target.is_floating_point():
        if target.shape != logits.shape:
            raise ValueError(f"probability targets must have the logits' shape {tuple(logits.shape)}, got {tuple(target.shape)}")
        if label_smoothing > 0:
            target = target * (1.0 - label_smoothing) + label_smoothing / n_classes
        loss = -(target * logp).sum(dim=1)  # (N, *d)
        count = loss.new_tensor(float(loss.numel()))
    else:
        if target.dtype == torch.bool or target.is_complex():
            raise TypeError(f"class indices must be an integer tensor, got {target.dtype}")
        index_shape = logits.shape[:1] + logits.shape[2:]
        if target.shape != index_shape:
            raise ValueError(f"class-index targets must have shape {tuple(index_shape)}, got {tuple(target.shape)}")
        keep = target != ignore_index  # (N, *d) bool
        safe = torch.where(keep, target, torch.zeros_like(target)).long()  # ignored -> class 0, zeroed below
        if bool(((safe < 0) | (safe >= n_classes)).any()):
            bad = target[keep & ((target < 0) | (target >= n_classes))][0].item()
            raise IndexError(f"target {bad} is out of bounds for {n_classes} classes")
        loss = -logp.gather(1, safe.unsqueeze(1)).squeeze(1)  # (N, *d)
        if label_smoothing > 0:
            loss = (1.0 - label_smoothing) * loss + label_smoothing * -logp.mean(dim=1)
        loss = loss.masked_fill(~keep, 0.0)
        count = keep.sum().to(loss.dtype)  # 0 when every position is ignored: mean is nan, like torch

    if reduction == "none":
        return loss.squeeze(0) if unbatched else loss
    if reduction == "sum":
        return loss.sum()
    return loss.sum() / count
    # END SOLUTION


def bce_with_logits(
    logits: torch.Tensor,
    target: torch.Tensor,
    *,
    pos_weight: torch.Tensor | None = None,
    reduction: str = "mean",
) -> torch.Tensor:
    """Binary cross-entropy on raw scores, as ``F.binary_cross_entropy_with_logits`` computes it.

    For a score ``x`` and a label ``y`` in ``[0, 1]`` (soft labels allowed),
    with ``p = pos_weight`` (1 when ``None``)::

        loss = -(p * y * log(sigmoid(x)) + (1 - y) * log(1 - sigmoid(x)))
             = (1 - y) * x - (1 + (p - 1) * y) * logsigmoid(x)

    The second form is what to compute: ``sigmoid(100.0)`` is exactly ``1.0``
    in float32, so ``log(1 - sigmoid(x))`` is ``-inf`` there. The result must
    be finite and correct for ``|x|`` up to at least 1000 in float32, and its
    gradient must equal torch's, ``p``-weighted ``sigmoid(x) - y``, at every
    ``x`` — *including* ``x = 0``: a formula pieced together from
    ``max(x, 0)`` and ``|x|`` is right in value but gets the slope at 0 wrong
    under autograd (it picks one one-sided slope at each kink, and the picks
    do not add up to the true slope); ``F.logsigmoid`` and ``F.softplus`` are
    smooth and safe.

    Args:
        logits: any shape, float.
        target: the same shape, float (0./1. or soft labels).
        pos_weight: weight of the positive term, broadcast against
            ``logits`` (e.g. shape ``(C,)`` for ``(N, C)`` logits: one weight per
            label); > 1 raises recall on rare positives.
        reduction: ``"mean"`` (of all elements), ``"sum"`` or ``"none"``.

    Returns:
        a 0-d tensor, or a tensor of ``logits``' shape for ``"none"``.

    Raises:
        TypeError: an integer or bool ``target`` (the message says ``target.float()``).
        ValueError: ``target.shape != logits.shape``, or an unknown ``reduction``.

    Example:
        >>> bce_with_logits(torch.tensor([100.0, -100.0, 0.0]), torch.tensor([0.0, 1.0, 1.0]), reduction="none")
        tensor([100.0000, 100.0000,   0.6931])

    Edge cases the tests try: ``x = ±100`` and ``±1000`` in float32, ``x = 0``,
    soft labels, ``pos_weight`` of shape ``(C,)``, ``(N, C)`` and ``(N, C, L)``
    inputs, an empty tensor (mean is nan), an integer target, a ``(N, 1)``
    versus ``(N,)`` shape mismatch, gradients, every device.
    """
    # TODO: use F.logsigmoid (or F.softplus). Do not call
    # F.binary_cross_entropy_with_logits, F.binary_cross_entropy, nn.BCE*Loss,
    # and never log(sigmoid(x)).
    # BEGIN SOLUTION
    if reduction not in REDUCTIONS:
        raise ValueError(f"reduction must be one of {REDUCTIONS}, got {reduction!r}")
    if not target.is_floating_point():
        raise TypeError(f"bce_with_logits needs float targets (0./1. or soft labels), got {target.dtype}: use target.float()")
    if target.shape != logits.shape:
        raise ValueError(f"target shape {tuple(target.shape)} must equal logits shape {tuple(logits.shape)}")
    log_p = F.logsigmoid(logits)  # log(sigmoid(x)), stable for any x
    if pos_weight is None:
        loss = (1 - target) * logits - log_p
    else:
        loss = (1 - target) * logits - (1 + (pos_weight - 1) * target) * log_p
    if reduction == "none":
        return loss
    return loss.sum() if reduction == "sum" else loss.mean()
    # END SOLUTION


def check_loss_inputs(logits: torch.Tensor, target: torch.Tensor, *, ignore_index: int = -100) -> str:
    """Check ``(logits, target)`` for cross-entropy and say which kind of target it is.

    Returns ``"indices"`` or ``"probabilities"`` when the pair is fine. For
    the common mistakes it raises, with a message that names the fix (the
    tests look for the word in quotes):

    - ``logits`` or ``target`` not a tensor: TypeError, ``"Tensor"``;
    - integer ``logits`` (argmax predictions?): TypeError, ``"float"``;
    - 0-d ``logits``: ValueError, ``"class"``;
    - fewer than 2 classes: ValueError, ``"bce_with_logits"``;
    - ``nan`` in ``logits``: ValueError, ``"nan"`` (``-inf``, used for masking, is fine);
    - ``logits`` already softmaxed (every value in [0, 1] and every slice
      along the class dimension sums to 1 within 1e-3): ValueError, ``"softmax"``;
    - a bool or complex target, or integers other than int64/uint8 (the
      dtypes ``F.cross_entropy`` accepts for indices): TypeError, ``"long"``;
    - a float target shaped like class indices: TypeError, ``"long"``;
    - a float target shaped like ``logits`` that is not a distribution
      (a value outside [0, 1], or a slice not summing to 1 within 1e-3): ValueError, ``"sum to 1"``;
    - an integer target shaped like ``logits`` (one-hot): ValueError, ``"argmax"``;
    - an integer ``(N, T)`` target for ``(N, T, C)`` logits (classes last,
      as a language model produces them): ValueError, ``"transpose"``;
    - an integer target with an extra trailing dimension of size 1, e.g.
      ``(N, 1)`` for ``(N, C)`` logits: ValueError, ``"squeeze"``;
    - any other integer target shape: ValueError, ``"shape"``;
    - an index outside ``[0, C)`` that is not ``ignore_index``: ValueError,
      ``"[0, C)"`` (and, when the largest index is exactly ``C``, a hint
      about labels counted from 1).

    The checks run in this order. An empty batch is never "softmaxed". The
    class dimension is dim 1 (dim 0 for unbatched ``(C,)`` logits); log-softmax
    output is fine (``log_softmax`` of it changes nothing). Where ``T == C``
    an ``(N, T, C)`` mix-up cannot be told from a correct call: accept it.

    Args:
        logits: ``(C,)``, ``(N, C)`` or ``(N, C, d1, ..., dK)``.
        target: what would be passed to ``F.cross_entropy``.
        ignore_index: the index value that marks positions to skip.

    Returns:
        ``"indices"`` or ``"probabilities"``.

    Example:
        >>> check_loss_inputs(torch.randn(4, 3), torch.tensor([0, 2, 1, -100]))
        'indices'
        >>> check_loss_inputs(torch.randn(4, 3).softmax(1), torch.tensor([0, 2, 1, 1]))
        Traceback (most recent call last):
        ...
        ValueError: logits look like probabilities (softmax output): ...

    Edge cases the tests try: each mistake above, valid index/probability
    targets in 1-d, 2-d and 4-d, log-softmax output, ``ignore_index=0``
    among real classes, an empty batch, ``-inf`` logits (masking), 1-based
    labels (``max == C``).
    """
    # TODO: dtype checks first, then shapes, then values. Compare shapes with
    # logits.shape[:1] + logits.shape[2:] (the index shape). Use .all()/.any()
    # on boolean tensors and bool(...) to turn them into Python bools.
    # BEGIN SOLUTION
    if not isinstance(logits, torch.Tensor) or not isinstance(target, torch.Tensor):
        raise TypeError(f"logits and target must both be a torch.Tensor, got {type(logits).__name__} and {type(target).__name__}")
    if not logits.is_floating_point():
        raise TypeError(f"logits must be float raw scores, got {logits.dtype} (did you pass argmax predictions instead of the scores?)")
    if logits.dim() == 0:
        raise ValueError("logits need a class dimension: (C,), (N, C) or (N, C, d1, ...)")
    class_dim = 0 if logits.dim() == 1 else 1
    n_classes = logits.shape[class_dim]
    if n_classes < 2:
        raise ValueError(f"cross-entropy over {n_classes} class(es) is always 0: for a yes/no label use bce_with_logits on one score per sample")
    if bool(torch.isnan(logits).any()):
        raise ValueError("logits contain nan: the loss would be nan; look for the operation that produced it")
    if logits.numel() > 0 and _is_distribution(logits, class_dim):
        raise ValueError(
            "logits look like probabilities (softmax output): every value is in [0, 1] and each row sums to 1. "
            "cross_entropy applies log_softmax itself; pass the raw scores, without softmax"
        )

    index_shape = logits.shape[:1] + logits.shape[2:] if class_dim == 1 else torch.Size([])
    if target.is_floating_point():
        if target.shape == logits.shape:
            if not _is_distribution(target, class_dim):
                raise ValueError("probability targets must be non-negative and sum to 1 over the class dimension")
            return "probabilities"
        if target.shape == index_shape:
            raise TypeError(f"class indices must be torch.long, got {target.dtype}: use target.long()")
        raise ValueError(f"target shape {tuple(target.shape)} fits neither {tuple(index_shape)} (indices) nor {tuple(logits.shape)} (probabilities)")

    if target.dtype not in (torch.long, torch.uint8):  # bool, int32, complex, ...: F.cross_entropy refuses them
        raise TypeError(f"class indices must be torch.long, got {target.dtype}: use target.long()")
    if target.shape != index_shape:
        if target.shape == logits.shape:
            raise ValueError("integer targets shaped like the logits look one-hot: pass target.argmax(1) (indices) or target.float() (probabilities)")
        if logits.dim() >= 3 and target.shape == logits.shape[:-1]:
            raise ValueError(
                f"the class dimension must be dim 1: for {tuple(logits.shape)} (N, T, C) logits use "
                "logits.transpose(1, -1), or flatten to (N*T, C) and (N*T,)"
            )
        if target.shape == index_shape + (1,):
            raise ValueError(f"target has an extra dimension of size 1: use target.squeeze(-1) to get shape {tuple(index_shape)}")
        raise ValueError(f"target shape {tuple(target.shape)} should be {tuple(index_shape)} (class indices)")
    used = target[target != ignore_index]
    if used.numel() and bool(((used < 0) | (used >= n_classes)).any()):
        low, high = int(used.min()), int(used.max())
        one_based = " (labels counted from 1? subtract 1)" if high == n_classes else ""
        raise ValueError(f"class indices must be in [0, C) = [0, {n_classes}), got values from {low} to {high}{one_based}")
    return "indices"
    # END SOLUTION


# BEGIN SOLUTION
def _is_distribution(x: torch.Tensor, dim: int, tol: float = 1e-3) -> bool:
    """Every value in [0, 1] and every slice along ``dim`` sums to 1 (within ``tol``)."""
    in_range = bool(((x >= 0) & (x <= 1)).all())
    return in_range and bool(((x.sum(dim=dim) - 1).abs() <= tol).all())


# END SOLUTION

if __name__ == "__main__":
    logits = torch.tensor([[2.0, 0.0, -1.0], [0.5, 0.5, 0.5]])
    print(cross_entropy(logits, torch.tensor([0, 2])), F.cross_entropy(logits, torch.tensor([0, 2])))
    print(bce_with_logits(torch.tensor([100.0, -100.0, 0.0]), torch.tensor([0.0, 1.0, 1.0]), reduction="none"))
    print(check_loss_inputs(logits, torch.tensor([0, 2])))
    try:
        check_loss_inputs(logits.softmax(1), torch.tensor([0, 2]))
    except ValueError as err:
        print("ValueError:", err)
