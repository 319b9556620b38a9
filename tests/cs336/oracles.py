"""Independent oracles for the CS336 grading suites, assembled from PyTorch built-ins only.

Nothing here imports the course's own code: RoPE is a complex multiplication,
RMSNorm is ``nn.RMSNorm``, attention is ``F.scaled_dot_product_attention``.
"""

from __future__ import annotations

import math

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


def attention_with_lse(q, k, v, is_causal):
    """Materialised attention in the inputs' dtype: ``(o, lse)`` with lse = logsumexp of the scaled scores.

    q (..., n_q, d), k and v (..., n_k, d); causal means query i sees keys j <= i. The oracle of the
    FlashAttention-2 suites (call it on float64 copies for a reference to a few ulps of float32).
    """
    s = q @ k.transpose(-2, -1) / math.sqrt(q.shape[-1])  # (..., n_q, n_k)
    if is_causal:
        keep = torch.ones(s.shape[-2:], dtype=torch.bool, device=s.device).tril()
        s = s.masked_fill(~keep, float("-inf"))
    return torch.softmax(s, dim=-1) @ v, torch.logsumexp(s, dim=-1)


# Shapes the FlashAttention-2 suites try: (leading dims, n_queries, n_keys, d, q_tile, k_tile, is_causal).
# Sizes that are not multiples of the tiles, q_tile != k_tile, one query, a sequence shorter than a tile.
FLASH_CASES = [
    ((2,), 100, 100, 16, 32, 32, False),
    ((2,), 100, 100, 16, 32, 32, True),
    ((1,), 70, 45, 64, 16, 64, False),
    ((2,), 64, 64, 64, 64, 64, True),
    ((3,), 37, 37, 16, 16, 32, True),
    ((2,), 37, 37, 16, 32, 16, True),
    ((1,), 1, 50, 16, 16, 16, False),
    ((2,), 5, 5, 16, 64, 64, True),
    ((2, 3), 20, 20, 16, 16, 16, True),
]


def flash_case_id(case) -> str:
    lead, n_q, n_k, d, qt, kt, causal = case
    return f"{'x'.join(map(str, lead))}-q{n_q}-k{n_k}-d{d}-t{qt}x{kt}-{'causal' if causal else 'full'}"


def op_output_shapes(fn, *args, **kwargs) -> list[tuple[str, tuple[int, ...]]]:
    """Call ``fn`` and return ``(op, shape)`` for every tensor any aten op produced meanwhile.

    A ``TorchDispatchMode`` sees every op, so this proves what a function never allocates
    (an (n, n) score matrix) and how much work it does (tiles skipped under a causal mask).
    """
    from torch.utils._python_dispatch import TorchDispatchMode
    from torch.utils._pytree import tree_flatten

    shapes: list[tuple[str, tuple[int, ...]]] = []

    class Recorder(TorchDispatchMode):
        def __torch_dispatch__(self, func, types, args=(), kwargs=None):
            out = func(*args, **(kwargs or {}))
            shapes.extend((str(func), tuple(t.shape)) for t in tree_flatten(out)[0] if isinstance(t, torch.Tensor))
            return out

    with Recorder():
        fn(*args, **kwargs)
    return shapes
