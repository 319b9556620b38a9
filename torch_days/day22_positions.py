"""Day 22: telling a Transformer where each token is — three positional schemes.

Attention is blind to order: permute the tokens and the outputs permute with
them. Position has to be put in by hand, and this module does it three ways:

- ``sinusoidal_positions``: the fixed table of "Attention Is All You Need",
  sin at even columns and cos at odd ones, added to the token embeddings;
- ``LearnedPositional``: a trainable ``(max_len, d_model)`` table (GPT-2's
  choice), added to the input, with an ``offset`` for generation with a cache;
- ``apply_rotary``: rotary position embedding (RoPE), which rotates each pair
  of features of a query or key by an angle proportional to its position, so
  that a dot product ``q_m . k_n`` depends only on ``m - n``.

In scope: the formulas, their dtypes, shapes with leading batch dimensions,
and the properties that make each scheme work. Out of scope: attention itself
(Day 23), ALiBi, RoPE scaling tricks for long contexts (NTK, YaRN).

Run the demo: .venv/bin/python -m torch_days.day22_positions
"""

from __future__ import annotations

import torch
from torch import nn


def sinusoidal_positions(
    seq_len: int,
    d_model: int,
    *,
    base: float = 10000.0,
    dtype: torch.dtype = torch.float32,
    device: str | torch.device = "cpu",
) -> torch.Tensor:
    """The fixed sinusoidal position table, ``(seq_len, d_model)``.

    For position ``pos`` and pair index ``i`` (``0 <= i < d_model // 2``), with
    the frequency ``w_i = base ** (-2 * i / d_model)``::

        PE[pos, 2 * i]     = sin(pos * w_i)
        PE[pos, 2 * i + 1] = cos(pos * w_i)

    Pair 0 turns fastest (one radian per position); the last pair slowest.
    The angles ``pos * w_i`` are computed in float64 and only the finished
    table is cast to ``dtype``: in float32, ``pos * w_i`` for ``pos`` in the
    thousands has already lost the digits that ``sin`` needs.

    Args:
        seq_len: number of positions, ``>= 0``.
        d_model: number of features, even and ``> 0``.
        base: the wavelength scale (10000 in the paper), ``> 0``.
        dtype: a floating dtype for the result.
        device: where the table lives.

    Returns:
        a ``(seq_len, d_model)`` tensor of ``dtype`` on ``device``.

    Raises:
        ValueError: ``seq_len < 0``, ``d_model`` odd or ``<= 0``, ``base <= 0``.

    Example:
        >>> sinusoidal_positions(2, 4)
        tensor([[0.0000, 1.0000, 0.0000, 1.0000],
                [0.8415, 0.5403, 0.0100, 0.9999]])

    Edge cases the tests try: ``seq_len`` 0 and 1, ``d_model`` 2, 2048
    positions in float32 (angles must not be computed in float32), float64
    and bfloat16 results, ``base`` other than 10000, odd ``d_model``.
    """
    # TODO: build positions (seq_len, 1) and frequencies (1, d_model // 2) in
    # float64, multiply (broadcasting), then interleave sin and cos so that
    # column 2i is sin and column 2i+1 is cos. No Python loop over positions.
    raise NotImplementedError("torch-22: sinusoidal_positions is not written yet")


class LearnedPositional(nn.Module):
    """A trainable position table added to the input: ``x + weight[offset : offset + seq]``.

    ``weight`` is an ``nn.Parameter`` of shape ``(max_len, d_model)``, drawn
    from ``N(0, 0.02**2)`` at construction (GPT-2's initialisation). It must be
    a registered parameter named ``weight`` so that optimisers, ``.to()`` and
    ``state_dict()`` see it.

    ``forward(x, offset=0)`` takes ``x`` of shape ``(..., seq, d_model)`` (any
    number of leading batch dimensions, including none) and returns
    ``x + weight[offset : offset + seq]`` broadcast over the leading
    dimensions. ``offset`` is the position of ``x``'s first token: when
    generating one token at a time, the new token sits at position
    ``offset = tokens so far``.

    Args:
        max_len: the number of positions the table holds, ``> 0``.
        d_model: the feature size, ``> 0``.

    Raises:
        ValueError: (in ``__init__``) ``max_len`` or ``d_model`` ``<= 0``;
            (in ``forward``) ``x.shape[-1] != d_model``, ``offset < 0`` or
            ``offset + seq > max_len`` — the message names ``max_len``.

    Example:
        >>> pe = LearnedPositional(max_len=16, d_model=8)
        >>> pe(torch.zeros(2, 5, 8)).shape
        torch.Size([2, 5, 8])
        >>> torch.equal(pe(torch.zeros(3, 8), offset=4), pe.weight[4:7])
        True

    Edge cases the tests try: no batch dimension, two batch dimensions,
    ``seq`` equal to ``max_len``, ``seq`` 0, an ``offset``, positions past
    ``max_len``, the gradient of ``weight`` (rows outside the window get 0,
    rows inside get the sum over the batch), the initial standard deviation.
    """

    def __init__(self, max_len: int, d_model: int) -> None:
        super().__init__()
        # TODO: validate, then register self.weight = nn.Parameter(...) with
        # values from N(0, 0.02**2) (torch.randn(...) * 0.02, or nn.init.normal_).
        raise NotImplementedError("torch-22: __init__ is not written yet")

    def forward(self, x: torch.Tensor, offset: int = 0) -> torch.Tensor:
        # TODO: slice the rows offset .. offset + seq and add them; broadcasting
        # over the leading dimensions does the rest. Check the limits first.
        raise NotImplementedError("torch-22: forward is not written yet")


def apply_rotary(x: torch.Tensor, positions: torch.Tensor, base: float = 10000.0) -> torch.Tensor:
    """Rotary position embedding (RoPE) with interleaved pairs.

    ``x`` has shape ``(..., seq, d)`` with ``d`` even. Features ``2i`` and
    ``2i + 1`` form pair ``i``; at position ``p`` the pair is rotated by the
    angle ``p * w_i`` with ``w_i = base ** (-2 * i / d)``::

        out[..., 2i]     = x[..., 2i] * cos(p w_i) - x[..., 2i+1] * sin(p w_i)
        out[..., 2i + 1] = x[..., 2i] * sin(p w_i) + x[..., 2i+1] * cos(p w_i)

    Read as complex numbers ``z_i = x[2i] + 1j * x[2i+1]``, that is
    ``z_i * exp(1j * p * w_i)``. Because every pair is only rotated, norms are
    kept, and for a query at position ``m`` and a key at position ``n`` the dot
    product ``rot(q, m) . rot(k, n)`` depends on ``m - n`` alone.

    Angles are computed in float64 and their cos/sin cast to ``x.dtype``; the
    result has ``x``'s shape, dtype and device, and ``x`` is not modified.
    The function is differentiable in ``x``.

    Args:
        x: ``(..., seq, d)``, a floating dtype, ``d`` even.
        positions: ``(seq,)`` integer or float positions (or any shape that
            broadcasts against ``x.shape[:-1]``, e.g. ``(batch, seq)``).
        base: ``> 0``.

    Returns:
        the rotated tensor, ``(..., seq, d)`` (the broadcast shape, if
        ``positions`` carries extra leading dimensions).

    Raises:
        ValueError: ``d`` odd, or ``positions`` does not broadcast against
            ``x.shape[:-1]``.

    Example:
        >>> x = torch.tensor([[1.0, 0.0, 1.0, 0.0]])
        >>> apply_rotary(x, torch.tensor([1]), base=10000.0)
        tensor([[0.5403, 0.8415, 0.9999, 0.0100]])

    Edge cases the tests try: position 0 (identity), ``seq`` 1, leading
    batch dimensions, per-row positions ``(batch, seq)``, float64 and float32,
    positions in the thousands, odd ``d``, gradients.
    """
    # TODO: angles = positions[..., None] * freqs, shape (..., seq, d/2);
    # split x into even and odd features (x[..., 0::2], x[..., 1::2]), rotate,
    # and interleave the two halves back with torch.stack(..., -1).flatten(-2).
    # Do not write into x.
    raise NotImplementedError("torch-22: apply_rotary is not written yet")


if __name__ == "__main__":
    print(sinusoidal_positions(2, 4))
    pe = LearnedPositional(max_len=16, d_model=8)
    print(pe(torch.zeros(2, 5, 8)).shape)
    print(apply_rotary(torch.tensor([[1.0, 0.0, 1.0, 0.0]]), torch.tensor([1])))
