"""Grading torch-26: count_parameters, attention_flops, kv_cache_bytes.

Oracles: hand-worked values (each written out as the arithmetic that gives
it); for the FLOPs, ``torch.utils.flop_counter.FlopCounterMode`` counting the
matrix products of an attention layer written with explicit matmuls; for the
cache, the ``nbytes`` of a real (``meta``-device) cache tensor of the same
shape and dtype.
"""

from __future__ import annotations

import pytest
import torch
from torch import nn
from torch.utils.flop_counter import FlopCounterMode

from curriculum.grading.testing import expect_equal, expect_raises

pytestmark = pytest.mark.exercise("torch-26")


# ---------------------------------------------------------------- count_parameters


def tied_lm() -> nn.Module:
    emb, head = nn.Embedding(50, 8), nn.Linear(8, 50, bias=False)
    head.weight = emb.weight
    return nn.ModuleDict({"emb": emb, "head": head})


def frozen_mlp() -> nn.Module:
    mlp = nn.Sequential(nn.Linear(4, 3), nn.ReLU(), nn.Linear(3, 2))
    mlp[0].requires_grad_(False)
    return mlp


# (name, model factory, trainable_only, expected: the arithmetic)
COUNT_CASES = [
    ("Linear(10, 5)", lambda: nn.Linear(10, 5), False, 10 * 5 + 5),
    ("Linear(10, 5, bias=False)", lambda: nn.Linear(10, 5, bias=False), False, 10 * 5),
    ("Embedding(100, 16)", lambda: nn.Embedding(100, 16), False, 100 * 16),
    ("LayerNorm(8)", lambda: nn.LayerNorm(8), False, 8 + 8),
    ("BatchNorm1d(6) (buffers do not count)", lambda: nn.BatchNorm1d(6), False, 6 + 6),
    ("ReLU()", lambda: nn.ReLU(), False, 0),
    ("MultiheadAttention(16, 4)", lambda: nn.MultiheadAttention(16, 4), False, 3 * 16 * 16 + 3 * 16 + 16 * 16 + 16),
    ("tied embedding and head", tied_lm, False, 50 * 8),
    ("Linear(4,3)-ReLU-Linear(3,2)", frozen_mlp, False, (4 * 3 + 3) + (3 * 2 + 2)),
    ("... with the first Linear frozen", frozen_mlp, True, 3 * 2 + 2),
    ("Conv2d(3, 8, 3)", lambda: nn.Conv2d(3, 8, 3), True, 8 * 3 * 3 * 3 + 8),
]


@pytest.mark.parametrize("name,factory,trainable_only,expected", COUNT_CASES, ids=[c[0] for c in COUNT_CASES])
def test_count_parameters_matches_hand_counts(ex, name, factory, trainable_only, expected):
    got = ex.count_parameters(factory(), trainable_only=trainable_only)
    expect_equal(got, expected, call=f"count_parameters(<{name}>, trainable_only={trainable_only})",
                 hint="sum p.numel() over model.parameters() (each shared tensor once); skip requires_grad=False only when asked")
    expect_equal(type(got), int, call=f"type(count_parameters(<{name}>))")


# ---------------------------------------------------------------- attention_flops


def counted_attention_flops(seq: int, d_model: int, n_heads: int) -> int:
    """FlopCounterMode's count for attention written with explicit products (no fused kernel)."""
    x = torch.randn(1, seq, d_model)
    w_qkv, w_out = torch.randn(3 * d_model, d_model), torch.randn(d_model, d_model)
    with FlopCounterMode(display=False) as counter:
        q, k, v = (x @ w_qkv.T).chunk(3, dim=-1)
        q, k, v = (t.reshape(1, seq, n_heads, -1).transpose(1, 2) for t in (q, k, v))  # (1, nh, T, hd)
        weights = (q @ k.transpose(-2, -1) / (d_model // n_heads) ** 0.5).softmax(-1)
        y = (weights @ v).transpose(1, 2).reshape(1, seq, d_model) @ w_out.T
    return counter.get_total_flops()


@pytest.mark.parametrize("seq,d_model,n_heads", [(1, 8, 2), (10, 64, 4), (10, 64, 1), (7, 16, 16), (33, 48, 6)])
def test_attention_flops_match_a_flop_counter(ex, seq, d_model, n_heads):
    expect_equal(ex.attention_flops(seq, d_model, n_heads), counted_attention_flops(seq, d_model, n_heads),
                 call=f"attention_flops({seq}, {d_model}, {n_heads})",
                 hint="(m, k) @ (k, n) costs 2*m*k*n; four projections of d x d and two seq x seq x d products")


@pytest.mark.parametrize(
    "seq,d_model,n_heads,expected",
    [
        (0, 64, 4, 0),
        (1, 1, 1, 8 * 1 * 1 + 4 * 1 * 1),
        (10, 64, 4, 8 * 10 * 64**2 + 4 * 10**2 * 64),  # 327680 + 25600
        (2048, 4096, 32, 8 * 2048 * 4096**2 + 4 * 2048**2 * 4096),  # a 7B-sized layer: about 3.4e11
    ],
)
def test_attention_flops_hand_worked(ex, seq, d_model, n_heads, expected):
    expect_equal(ex.attention_flops(seq, d_model, n_heads), expected, call=f"attention_flops({seq}, {d_model}, {n_heads})",
                 hint="8 * seq * d**2 (projections) + 4 * seq**2 * d (scores and mixing); heads do not change it")


@pytest.mark.parametrize("args", [(10, 64, 3), (10, 0, 1), (10, 64, 0), (-1, 64, 4)])
def test_attention_flops_rejects_bad_sizes(ex, args):
    expect_raises(ValueError, lambda: ex.attention_flops(*args), call=f"attention_flops{args}")


# ---------------------------------------------------------------- kv_cache_bytes

# (n_layers, n_kv_heads, head_dim, seq_len, batch, dtype, expected: the arithmetic)
KV_CASES = [
    (32, 32, 128, 4096, 1, torch.float16, 2 * 32 * 1 * 4096 * 32 * 128 * 2),  # 7B, MHA: 2 GiB
    (32, 8, 128, 8192, 1, torch.bfloat16, 2 * 32 * 1 * 8192 * 8 * 128 * 2),  # 8B with GQA (8 KV heads): 1 GiB
    (12, 12, 64, 1024, 8, torch.float32, 2 * 12 * 8 * 1024 * 12 * 64 * 4),  # GPT-2 small, a batch of 8
    (2, 4, 16, 100, 3, torch.int8, 2 * 2 * 3 * 100 * 4 * 16 * 1),
    (4, 2, 8, 10, 1, torch.float8_e4m3fn, 2 * 4 * 1 * 10 * 2 * 8 * 1),
    (4, 2, 8, 0, 5, torch.float16, 0),
]


@pytest.mark.parametrize("n_layers,n_kv_heads,head_dim,seq_len,batch,dtype,expected", KV_CASES)
def test_kv_cache_bytes(ex, n_layers, n_kv_heads, head_dim, seq_len, batch, dtype, expected):
    call = f"kv_cache_bytes({n_layers}, {n_kv_heads}, {head_dim}, {seq_len}, batch={batch}, dtype={dtype})"
    got = ex.kv_cache_bytes(n_layers, n_kv_heads, head_dim, seq_len, batch=batch, dtype=dtype)
    expect_equal(got, expected, call=call, hint="2 (K and V) * layers * batch * tokens * kv heads * head_dim * bytes per element")
    cache = torch.empty(n_layers, 2, batch, n_kv_heads, seq_len, head_dim, dtype=dtype, device="meta")
    expect_equal(got, cache.nbytes, call=f"{call} vs the nbytes of a cache tensor of that shape")


@pytest.mark.parametrize("args,kwargs", [((0, 8, 64, 10), {}), ((2, 8, 64, -1), {}), ((2, 8, 64, 10), {"batch": -2})])
def test_kv_cache_bytes_rejects_bad_sizes(ex, args, kwargs):
    expect_raises(ValueError, lambda: ex.kv_cache_bytes(*args, **kwargs), call=f"kv_cache_bytes{args} {kwargs}")
