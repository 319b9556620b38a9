"""cs336-07: rotary positional embeddings (RoPE).

RoPE encodes a token's position by rotating its query and key vectors: the
interleaved pair ``(x[2i], x[2i+1])`` at position ``p`` turns by the angle
``p * theta ** (-2i / d_k)``. A dot product of a rotated query and a rotated
key then depends only on the *difference* of their positions.

In scope: the cos/sin tables (precomputed up to ``max_seq_len``), the
rotation of interleaved pairs, explicit ``token_positions``. Out of scope:
the "half split" layout some libraries use, scaling tricks for long context.

Run the demo: .venv/bin/python -m cs336.rope
"""

from __future__ import annotations

import torch
from torch import nn


class RotaryPositionalEmbedding(nn.Module):
    """Rotate interleaved pairs of the last dimension by position-dependent angles.

    For ``k = 0 .. d_k/2 - 1`` and a position ``p``, with
    ``angle = p * theta ** (-2k / d_k)``::

        y[2k]   = x[2k] * cos(angle) - x[2k+1] * sin(angle)
        y[2k+1] = x[2k] * sin(angle) + x[2k+1] * cos(angle)

    Shapes: ``x (..., seq, d_k)``, ``token_positions (..., seq)`` of integers,
    broadcastable against ``x.shape[:-1]`` (e.g. ``(seq,)`` for every batch
    row); returns ``(..., seq, d_k)`` in ``x``'s dtype. Positions need not be
    contiguous or sorted; each must be in ``0 .. max_seq_len - 1``.

    The cos and sin tables, ``(max_seq_len, d_k // 2)``, are computed once in
    ``__init__`` and kept as non-persistent buffers (``register_buffer(...,
    persistent=False)``): they move with ``.to(device)`` but are not saved in
    the ``state_dict``, and the module has no parameters.

    Args:
        theta: the base, e.g. ``10000.0``.
        d_k: size of the last dimension; must be even.
        max_seq_len: number of positions to precompute.
        device: where to build the tables.

    Raises:
        ValueError: ``d_k`` is odd.

    Example:
        >>> rope = RotaryPositionalEmbedding(10000.0, d_k=2, max_seq_len=4)
        >>> rope(torch.tensor([[1.0, 0.0]]), torch.tensor([1]))   # turn by 1 radian
        tensor([[0.5403, 0.8415]])

    Edge cases the tests try: position 0 (identity), no batch dimension,
    two batch dimensions with positions shared across them, non-contiguous
    positions such as ``[5, 0, 17, 3]``, ``d_k = 2``, float64, odd ``d_k``,
    gradients.
    """

    def __init__(self, theta: float, d_k: int, max_seq_len: int, device: torch.device | str | None = None) -> None:
        super().__init__()
        # TODO: check d_k; build angles (max_seq_len, d_k // 2) in float32 (or float64) as the outer
        # product of positions and frequencies theta ** (-2k / d_k); register cos and sin buffers.
        # BEGIN SOLUTION
        if d_k % 2 != 0:
            raise ValueError(f"d_k must be even to form (x[2k], x[2k+1]) pairs, got {d_k}")
        k = torch.arange(d_k // 2, device=device, dtype=torch.float64)
        inv_freq = theta ** (-2.0 * k / d_k)  # (d_k/2,)
        positions = torch.arange(max_seq_len, device=device, dtype=torch.float64)
        angles = torch.outer(positions, inv_freq)  # (max_seq_len, d_k/2)
        self.register_buffer("cos", angles.cos().float(), persistent=False)
        self.register_buffer("sin", angles.sin().float(), persistent=False)
        # END SOLUTION

    def forward(self, x: torch.Tensor, token_positions: torch.Tensor) -> torch.Tensor:
        """``x (..., seq, d_k)``, ``token_positions (..., seq)`` -> ``(..., seq, d_k)``."""
        # TODO: look up cos/sin rows at token_positions, rotate the even/odd pairs, interleave
        # them back (torch.stack(..., dim=-1).flatten(-2)). No Python loop over positions.
        # BEGIN SOLUTION
        cos = self.cos[token_positions].to(x.dtype)  # (..., seq, d_k/2)
        sin = self.sin[token_positions].to(x.dtype)
        x_even, x_odd = x[..., 0::2], x[..., 1::2]  # (..., seq, d_k/2) each
        y_even = x_even * cos - x_odd * sin
        y_odd = x_even * sin + x_odd * cos
        return torch.stack((y_even, y_odd), dim=-1).flatten(-2)  # (..., seq, d_k)
        # END SOLUTION


if __name__ == "__main__":
    rope = RotaryPositionalEmbedding(10000.0, d_k=2, max_seq_len=4)
    print(rope(torch.tensor([[1.0, 0.0]]), torch.tensor([1])))
