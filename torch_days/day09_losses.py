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
    raise NotImplementedError("torch-09: cross_entropy is not written yet")


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
    raise NotImplementedError("torch-09: bce_with_logits is not written yet")


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
    raise NotImplementedError("torch-09: check_loss_inputs is not written yet")



if __name__ == "__main__":
    logits = torch.tensor([[2.0, 0.0, -1.0], [0.5, 0.5, 0.5]])
    print(cross_entropy(logits, torch.tensor([0, 2])), F.cross_entropy(logits, torch.tensor([0, 2])))
    print(bce_with_logits(torch.tensor([100.0, -100.0, 0.0]), torch.tensor([0.0, 1.0, 1.0]), reduction="none"))
    print(check_loss_inputs(logits, torch.tensor([0, 2])))
    try:
        check_loss_inputs(logits.softmax(1), torch.tensor([0, 2]))
    except ValueError as err:
        print("ValueError:", err)
