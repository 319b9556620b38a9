"""cs336-06: the SwiGLU feed-forward network of LLaMA-style Transformers.

- ``silu(x) = x * sigmoid(x)``;
- ``SwiGLU``: ``W2(silu(W1 x) * W3 x)``, three bias-free ``Linear`` layers from
  cs336-04 (your own), with ``W1, W3: (d_ff, d_model)`` and ``W2: (d_model, d_ff)``.

In scope: the gated MLP and its shapes. Out of scope: choosing ``d_ff``
(callers pass it; ``8/3 * d_model`` rounded to a multiple of 64 is the usual
choice), dropout.

Run the demo: .venv/bin/python -m cs336.swiglu
"""

from __future__ import annotations

import torch
from torch import nn

from cs336.solutions.linear_embedding import Linear


def silu(x: torch.Tensor) -> torch.Tensor:
    """SiLU (also called swish): ``x * sigmoid(x)``, elementwise, same shape and dtype.

    Example:
        >>> silu(torch.tensor([0.0, 1.0, -1.0]))
        tensor([ 0.0000,  0.7311, -0.2689])

    Edge cases the tests try: an empty tensor, large positive and negative
    inputs (±100: no NaN), float64, gradients.
    """
    # TODO: torch.sigmoid is allowed; F.silu and nn.SiLU are not.
    # BEGIN SOLUTION
    return x * torch.sigmoid(x)
    # END SOLUTION


class SwiGLU(nn.Module):
    """Gated feed-forward block ``w2(silu(w1(x)) * w3(x))``.

    Shapes: ``x (..., d_model) -> (..., d_model)``; hidden ``(..., d_ff)``.
    Submodules (the tests copy weights into them by these names):
    ``w1 = Linear(d_model, d_ff)``, ``w2 = Linear(d_ff, d_model)``,
    ``w3 = Linear(d_model, d_ff)``, so ``w1.weight`` is ``(d_ff, d_model)``.

    Args:
        d_model: model width.
        d_ff: hidden width (use it as given).
        device, dtype: passed to the three ``Linear`` layers.

    Example:
        >>> ffn = SwiGLU(d_model=8, d_ff=24)
        >>> ffn.w1.weight.shape, ffn(torch.ones(2, 3, 8)).shape
        (torch.Size([24, 8]), torch.Size([2, 3, 8]))

    Edge cases the tests try: no batch dimension, two batch dimensions,
    ``d_ff`` not a multiple of ``d_model``, float64, gradients of the input
    and of all three weights, exactly three parameters.
    """

    def __init__(self, d_model: int, d_ff: int, device: torch.device | str | None = None,
                 dtype: torch.dtype | None = None) -> None:
        super().__init__()
        # TODO: three Linear layers (your own, imported above) named w1, w2, w3; no biases.
        # BEGIN SOLUTION
        self.w1 = Linear(d_model, d_ff, device=device, dtype=dtype)  # (d_ff, d_model)
        self.w2 = Linear(d_ff, d_model, device=device, dtype=dtype)  # (d_model, d_ff)
        self.w3 = Linear(d_model, d_ff, device=device, dtype=dtype)  # (d_ff, d_model)
        # END SOLUTION

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """``x (..., d_model) -> (..., d_model)``."""
        # TODO: gate = silu(w1 x); value = w3 x; return w2(gate * value). Use your silu.
        # BEGIN SOLUTION
        return self.w2(silu(self.w1(x)) * self.w3(x))  # (..., d_ff) -> (..., d_model)
        # END SOLUTION


if __name__ == "__main__":
    print(silu(torch.tensor([0.0, 1.0, -1.0])))
    print(SwiGLU(8, 24)(torch.ones(2, 3, 8)).shape)
