"""Day 5: einsum — index notation for matmuls, attention scores, outer products and traces.

Four functions:

- ``einsum_attention_scores``: ``q k^T / sqrt(d)`` for any batch and head dims;
- ``einsum_outer``: batched outer products;
- ``einsum_trace``: batched traces (a repeated index inside one operand);
- ``parse_einsum_shape``: the output shape of an einsum, computed from the
  equation and the operand shapes alone, with the errors torch would raise.

The first three must call ``torch.einsum`` (the tests count the calls); the
fourth must not touch tensors at all.

In scope: einsum syntax (explicit and implicit output, ``...``, repeated
indices, size-1 broadcasting of labels). Out of scope: contraction-order
optimisation (``opt_einsum``), sublist syntax ``einsum(a, [0, 1], ...)``.

Run the demo: .venv/bin/python -m torch_days.day05_einsum
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import torch


def einsum_attention_scores(q: torch.Tensor, k: torch.Tensor) -> torch.Tensor:
    """Scaled dot-product scores ``q @ k.transpose(-2, -1) / sqrt(d)`` with one ``torch.einsum``.

    ``out[..., i, j] = sum_d q[..., i, d] * k[..., j, d] / sqrt(d)``: how much
    query ``i`` attends to key ``j``, before the softmax.

    Args:
        q: ``(*, Tq, d)`` queries, e.g. ``(B, H, Tq, d)``.
        k: ``(*, Tk, d)`` keys; the leading dims broadcast with ``q``'s.

    Returns:
        ``(*, Tq, Tk)``; differentiable in ``q`` and ``k``.

    Raises:
        ValueError: fewer than 2 dims, or ``q`` and ``k`` have different ``d``.

    Example:
        >>> q = torch.tensor([[1.0, 0.0], [0.0, 2.0]])      # (Tq=2, d=2)
        >>> k = torch.tensor([[1.0, 1.0]])                  # (Tk=1, d=2)
        >>> einsum_attention_scores(q, k)                   # [[1, 2]] / sqrt(2)
        tensor([[0.7071],
                [1.4142]])

    Edge cases the tests try: no batch dims, ``(B, H, T, d)``, ``Tq != Tk``,
    ``d == 1``, broadcast batch dims, an empty batch, gradients, a ``d``
    mismatch, that ``torch.einsum`` is called.
    """
    # TODO: one torch.einsum with an ellipsis for the batch dims: "...id,...jd->...ij".
    # Scale by 1 / math.sqrt(d). Do not use @, matmul or transpose.
    # BEGIN SOLUTION
    if q.ndim < 2 or k.ndim < 2:
        raise ValueError(f"q and k must be (*, T, d), got shapes {tuple(q.shape)} and {tuple(k.shape)}")
    d = q.shape[-1]
    if k.shape[-1] != d:
        raise ValueError(f"q and k must have the same d, got {d} and {k.shape[-1]}")
    return torch.einsum("...id,...jd->...ij", q, k) / math.sqrt(d)  # (*, Tq, Tk)
    # END SOLUTION


def einsum_outer(u: torch.Tensor, v: torch.Tensor) -> torch.Tensor:
    """Batched outer products with one ``torch.einsum``: ``out[..., i, j] = u[..., i] * v[..., j]``.

    Args:
        u: ``(*, M)``.
        v: ``(*, N)``; the leading dims broadcast with ``u``'s.

    Returns:
        ``(*, M, N)``; differentiable.

    Raises:
        ValueError: ``u`` or ``v`` is 0-d.

    Example:
        >>> einsum_outer(torch.tensor([1, 2]), torch.tensor([10, 20, 30]))
        tensor([[10, 20, 30],
                [20, 40, 60]])

    Edge cases the tests try: plain vectors, a batch, broadcast batch dims,
    ``M == 1``, an empty ``N``, integers, gradients, 0-d inputs, that
    ``torch.einsum`` is called.
    """
    # TODO: "...i,...j->...ij". Do not use unsqueeze/None tricks or torch.outer.
    # BEGIN SOLUTION
    if u.ndim < 1 or v.ndim < 1:
        raise ValueError(f"u and v must have at least 1 dim, got shapes {tuple(u.shape)} and {tuple(v.shape)}")
    return torch.einsum("...i,...j->...ij", u, v)  # (*, M, N)
    # END SOLUTION


def einsum_trace(x: torch.Tensor) -> torch.Tensor:
    """Batched traces with one ``torch.einsum``: ``out[...] = sum_i x[..., i, i]``.

    Args:
        x: ``(*, N, N)`` square matrices.

    Returns:
        ``(*)``; a 0-d tensor for a single matrix; differentiable.

    Raises:
        ValueError: fewer than 2 dims, or the last two dims differ.

    Example:
        >>> einsum_trace(torch.tensor([[1, 2], [3, 4]]))
        tensor(5)

    Edge cases the tests try: a single matrix, a batch of matrices, ``N == 1``,
    ``N == 0`` (trace 0), integers, gradients (the identity), a non-square
    input, that ``torch.einsum`` is called.
    """
    # TODO: a label repeated inside one operand takes the diagonal: "...ii->...".
    # Do not use torch.trace, torch.diagonal or a loop.
    # BEGIN SOLUTION
    if x.ndim < 2 or x.shape[-1] != x.shape[-2]:
        raise ValueError(f"x must be (*, N, N), got shape {tuple(x.shape)}")
    return torch.einsum("...ii->...", x)  # (*)
    # END SOLUTION


def parse_einsum_shape(spec: str, *shapes: Sequence[int]) -> tuple[int, ...]:
    """The shape ``torch.einsum(spec, *operands)`` returns, from the shapes alone.

    The equation, as torch reads it:

    - ``spec`` is ``"in1,in2,...->out"`` or, without ``->``, just the inputs
      (implicit mode). Spaces are ignored. Labels are ASCII letters
      (``a-z``, ``A-Z``: case matters); each input may contain one ``...``.
    - Each input has one label per dim of its operand; with ``...`` it has at
      most that many labels and the ``...`` stands for the remaining dims
      (possibly none), in the middle of the labels where it is written.
    - A label repeated inside one input takes a diagonal: those dims must have
      equal sizes.
    - Across inputs, dims with the same label must have the same size, or one
      of them is 1 and stretches (like broadcasting). The ``...`` dims of all
      inputs broadcast together by the usual rule.
    - Explicit output: each label at most once and present in some input;
      ``...`` may appear once (the broadcast ``...`` shape goes there; if the
      output has no ``...``, those dims are summed).
    - Implicit output: the broadcast ``...`` dims first, then the labels that
      appear exactly once in the whole equation, sorted with ``A-Z`` before
      ``a-z``.

    Args:
        spec: the einsum equation.
        *shapes: one shape (tuple of ints ``>= 0``) per operand.

    Returns:
        the output shape as a tuple of ints.

    Raises:
        ValueError: any equation torch would reject: a character that is not
            a letter, ``,``, ``...`` or ``->``; a second ``...`` in one term;
            the number of inputs differs from the number of shapes; a label
            count that does not fit the operand's dims; unequal sizes for a
            label repeated in one input; sizes that do not broadcast; an output
            label that is repeated or missing from the inputs.

    Example:
        >>> parse_einsum_shape("bij,bjk->bik", (8, 2, 3), (8, 3, 4))
        (8, 2, 4)
        >>> parse_einsum_shape("ba,ac", (2, 3), (3, 4))      # implicit: "ba,ac->bc"
        (2, 4)
        >>> parse_einsum_shape("...ij,jk", (5, 1, 2, 3), (3, 4))
        (5, 1, 2, 4)
        >>> parse_einsum_shape("ii->i", (3, 3))
        (3,)

    Edge cases the tests try: matmul, batched matmul, attention, outer
    product, trace, diagonal, sum to a scalar, transposes, implicit mode with
    mixed case, ``...`` at the start, middle and end, ``...`` covering no dims,
    size-1 labels stretching, sizes of 0, and every error above; random
    equations checked against ``torch.einsum`` on meta tensors (Hypothesis).
    """
    # TODO: strip spaces; split off "->"; split the inputs on ","; for each
    # input, map its labels to dims (left of "..." from the start, right of it
    # from the end); collect each label's size (check diagonals, stretch 1s);
    # broadcast the "..." parts; build the output. Work on the shapes only:
    # do not create tensors or call torch.einsum.
    # BEGIN SOLUTION
    spec = spec.replace(" ", "")
    if "->" in spec:
        lhs, out_term = spec.split("->", 1)
        explicit = True
    else:
        lhs, out_term, explicit = spec, "", False
    terms = lhs.split(",")
    if len(terms) != len(shapes):
        raise ValueError(f"the equation has {len(terms)} input(s) but {len(shapes)} shape(s) were given")

    label_size: dict[str, int] = {}
    label_count: dict[str, int] = {}
    ellipsis_shapes: list[tuple[int, ...]] = []
    for n, (term, shape) in enumerate(zip(terms, shapes)):
        shape = tuple(shape)
        labels = _split_term(term, f"input {n}")
        has_ellipsis = "..." in labels
        named = [lab for lab in labels if lab != "..."]
        if len(named) > len(shape) or (not has_ellipsis and len(named) != len(shape)):
            raise ValueError(f"input {n} ({term!r}) has {len(named)} label(s) for a shape of {len(shape)} dim(s) {shape}")
        if has_ellipsis:
            cut = labels.index("...")
            n_ell = len(shape) - len(named)
            ellipsis_shapes.append(shape[cut : cut + n_ell])
            sizes = list(shape[:cut]) + list(shape[cut + n_ell :])
        else:
            sizes = list(shape)
        seen_here: dict[str, int] = {}
        for label, size in zip(named, sizes):
            if label in seen_here:  # a diagonal: sizes must match exactly
                if seen_here[label] != size:
                    raise ValueError(f"label {label!r} is repeated in input {n} with sizes {seen_here[label]} and {size}")
                label_count[label] += 1
                continue
            seen_here[label] = size
            label_count[label] = label_count.get(label, 0) + 1
            have = label_size.get(label)
            if have is None or have == 1:
                label_size[label] = size
            elif size != 1 and size != have:
                raise ValueError(f"label {label!r} has size {size} in input {n} but {have} elsewhere")

    ellipsis = _broadcast(ellipsis_shapes)
    if explicit:
        out_labels = _split_term(out_term, "the output")
        named = [lab for lab in out_labels if lab != "..."]
        if len(set(named)) != len(named):
            raise ValueError(f"a label appears more than once in the output {out_term!r}")
        for label in named:
            if label not in label_size:
                raise ValueError(f"output label {label!r} does not appear in any input")
    else:
        once = sorted(lab for lab, c in label_count.items() if c == 1)  # ASCII order: A-Z before a-z
        out_labels = ["...", *once]
    result: list[int] = []
    for label in out_labels:
        result.extend(ellipsis if label == "..." else (label_size[label],))
    return tuple(result)
    # END SOLUTION


# BEGIN SOLUTION
def _split_term(term: str, where: str) -> list[str]:
    """``"b...ij"`` -> ``["b", "...", "i", "j"]``; rejects bad characters and a second ``...``."""
    labels: list[str] = []
    i = 0
    while i < len(term):
        if term.startswith("...", i):
            if "..." in labels:
                raise ValueError(f"{where} ({term!r}) has more than one '...'")
            labels.append("...")
            i += 3
        elif term[i].isascii() and term[i].isalpha():
            labels.append(term[i])
            i += 1
        else:
            raise ValueError(f"{where} ({term!r}) has the invalid character {term[i]!r}: labels are ASCII letters")
    return labels


def _broadcast(shapes: list[tuple[int, ...]]) -> tuple[int, ...]:
    """Right-aligned broadcasting of the ``...`` parts."""
    ndim = max((len(s) for s in shapes), default=0)
    result = [1] * ndim
    for shape in shapes:
        for i, size in enumerate(reversed(shape), start=1):
            if result[-i] == 1:
                result[-i] = size
            elif size != 1 and size != result[-i]:
                raise ValueError(f"the '...' dims do not broadcast: size {result[-i]} against {size}")
    return tuple(result)


# END SOLUTION


if __name__ == "__main__":
    q = torch.tensor([[1.0, 0.0], [0.0, 2.0]])
    print(einsum_attention_scores(q, torch.tensor([[1.0, 1.0]])))
    print(einsum_outer(torch.tensor([1, 2]), torch.tensor([10, 20, 30])))
    print(einsum_trace(torch.tensor([[1, 2], [3, 4]])))
    print(parse_einsum_shape("bij,bjk->bik", (8, 2, 3), (8, 3, 4)), parse_einsum_shape("ba,ac", (2, 3), (3, 4)))
