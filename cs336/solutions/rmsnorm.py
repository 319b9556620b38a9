"""cs336-05: RMSNorm, the normalisation of LLaMA-style Transformers.

``RMSNorm(x) = x / sqrt(mean(x²) + eps) * g`` over the last dimension, with a
learned gain ``g`` (initialised to ones) and no bias, no mean subtraction.
Computed in float32 whatever the input dtype, and cast back.

In scope: the formula, the upcast, the ``weight`` parameter, leading batch
dimensions. Out of scope: LayerNorm, fused kernels.

Run the demo: .venv/bin/python -m cs336.rmsnorm
"""

from __future__ import annotations

import torch
from torch import nn


class RMSNorm(nn.Module):
    """Root-mean-square normalisation over the last dimension.

    Shapes: ``x (..., d_model) -> (..., d_model)``, same dtype as ``x``;
    ``weight`` (the gain ``g``) is ``(d_model,)``, initialised to ones.

    ``y = x / sqrt(mean(x**2, dim=-1) + eps) * weight``, where the mean, the
    square root and the product are computed in float32 (an input in
    bfloat16 or float16 is upcast first) and the result is cast back to the
    input's dtype. float64 input stays float64.

    Args:
        d_model: size of the last dimension.
        eps: added inside the square root; default ``1e-5``.
        device: where to create ``weight``.
        dtype: dtype of ``weight``.

    Example:
        >>> norm = RMSNorm(2)
        >>> norm(torch.tensor([[3.0, 4.0]]))   # rms = sqrt(12.5)
        tensor([[0.8485, 1.1314]], grad_fn=<...>)

    Edge cases the tests try: no batch dimension, two batch dimensions,
    an all-zero row (gives zeros, not NaN), a non-default eps, a trained
    (non-one) weight, bfloat16 input, gradients of input and weight.
    """

    def __init__(self, d_model: int, eps: float = 1e-5, device: torch.device | str | None = None,
                 dtype: torch.dtype | None = None) -> None:
        super().__init__()
        # TODO: keep eps; self.weight = nn.Parameter(torch.ones(d_model, device=device, dtype=dtype)).
        # BEGIN SOLUTION
        self.eps = eps
        self.weight = nn.Parameter(torch.ones(d_model, device=device, dtype=dtype))  # (d_model,)
        # END SOLUTION

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """``x (..., d_model) -> (..., d_model)`` in ``x.dtype``."""
        # TODO: upcast to float32 (keep float64 as is), normalise by the root mean square of the
        # last dimension, multiply by the weight, cast back. Do not call nn.RMSNorm or F.rms_norm.
        # BEGIN SOLUTION
        in_dtype = x.dtype
        work = x if in_dtype == torch.float64 else x.float()
        rms = torch.sqrt(work.pow(2).mean(dim=-1, keepdim=True) + self.eps)  # (..., 1)
        return (work / rms * self.weight.to(work.dtype)).to(in_dtype)
        # END SOLUTION


if __name__ == "__main__":
    print(RMSNorm(2)(torch.tensor([[3.0, 4.0]])))
