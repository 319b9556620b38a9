"""Independent oracles for the CS336 grading suites, assembled from PyTorch built-ins only.

Nothing here imports the course's own code: RoPE is a complex multiplication,
RMSNorm is ``nn.RMSNorm``, attention is ``F.scaled_dot_product_attention``.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

PROJ = ("q_proj", "k_proj", "v_proj", "output_proj")


def complex_rope(x: torch.Tensor, positions: torch.Tensor, theta: float) -> torch.Tensor:
    """x (..., seq, d): the pair (x[2k], x[2k+1]) as a complex number times exp(i * pos * theta^(-2k/d)), in float64."""
    d = x.shape[-1]
    freqs = theta ** (-torch.arange(0, d, 2, dtype=torch.float64) / d)  # (d/2,)
    angles = positions.to(torch.float64).unsqueeze(-1) * freqs.to(x.device)  # (..., seq, d/2)
    z = torch.view_as_complex(x.to(torch.float64).reshape(*x.shape[:-1], d // 2, 2).contiguous())
    return torch.view_as_real(z * torch.polar(torch.ones_like(angles), angles)).flatten(-2).to(x.dtype)


def rms_norm(x: torch.Tensor, weight: torch.Tensor) -> torch.Tensor:
    """nn.RMSNorm(eps=1e-5) whose gain is ``weight`` (an nn.Parameter, so its gradient lands there)."""
    norm = nn.RMSNorm(x.shape[-1], eps=1e-5, device=x.device, dtype=x.dtype)
    norm.weight = weight
    return norm(x)


def mha(x, w, num_heads, theta, positions=None):
    """Causal multi-head self-attention. x (..., seq, d_model); w: {"q_proj": (d_model, d_model), ...};
    positions (..., seq) or None for 0..seq-1; theta None means no RoPE."""
    seq, d_model = x.shape[-2:]

    def heads(t):  # (..., seq, d_model) -> (..., heads, seq, d_head): head h is slice h of the last dim
        return t.unflatten(-1, (num_heads, d_model // num_heads)).transpose(-3, -2)

    q, k, v = (heads(F.linear(x, w[n])) for n in PROJ[:3])
    if theta is not None:
        pos = torch.arange(seq, device=x.device) if positions is None else positions
        q, k = complex_rope(q, pos.unsqueeze(-2), theta), complex_rope(k, pos.unsqueeze(-2), theta)
    out = F.scaled_dot_product_attention(q, k, v, is_causal=True)
    return F.linear(out.transpose(-3, -2).flatten(-2), w["output_proj"])


def block(x, p, num_heads, theta, positions=None):
    """The pre-norm block; p maps the block's parameter names (``attn.q_proj.weight``, ``ln1.weight``, ...) to tensors."""
    attn = {n: p[f"attn.{n}.weight"] for n in PROJ}
    x = x + mha(rms_norm(x, p["ln1.weight"]), attn, num_heads, theta, positions)
    h = rms_norm(x, p["ln2.weight"])
    return x + F.linear(F.silu(F.linear(h, p["ffn.w1.weight"])) * F.linear(h, p["ffn.w3.weight"]), p["ffn.w2.weight"])


def lm(token_ids, p, num_layers, num_heads, theta):
    """The whole LM; p maps the model's parameter names to tensors. Returns logits (..., seq, vocab)."""
    x = F.embedding(token_ids, p["token_embeddings.weight"])
    for i in range(num_layers):
        prefix = f"layers.{i}."
        x = block(x, {n[len(prefix):]: t for n, t in p.items() if n.startswith(prefix)}, num_heads, theta)
    return F.linear(rms_norm(x, p["ln_final.weight"]), p["lm_head.weight"])
