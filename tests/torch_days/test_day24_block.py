"""Grading torch-24: MultiHeadAttention, MLP, TransformerBlock.

Oracles: PyTorch's own layers given the same weights — ``nn.MultiheadAttention``
for the attention, ``nn.Linear`` + ``F.gelu`` for the MLP, and
``nn.TransformerEncoderLayer(batch_first=True, norm_first=..., activation="gelu")``
for the whole block — compared on outputs (eval mode, and in float64 training
mode with dropout 0) and on the gradients of the input and of every weight.
"""

from __future__ import annotations

import pytest
import torch
import torch.nn.functional as F
from torch import nn

from curriculum.grading.testing import device_params, expect_close, expect_equal, expect_raises, expect_true

pytestmark = pytest.mark.exercise("torch-24")

DEVICES = device_params()

MHA_PARAMS = ["in_proj.bias", "in_proj.weight", "out_proj.bias", "out_proj.weight"]
BLOCK_PARAMS = sorted(
    ["ln1.weight", "ln1.bias", "ln2.weight", "ln2.bias", "mlp.fc1.weight", "mlp.fc1.bias", "mlp.fc2.weight", "mlp.fc2.bias"]
    + [f"attn.{name}" for name in MHA_PARAMS]
)
# our name -> nn.TransformerEncoderLayer's name
TO_TORCH = {
    "attn.in_proj.weight": "self_attn.in_proj_weight", "attn.in_proj.bias": "self_attn.in_proj_bias",
    "attn.out_proj.weight": "self_attn.out_proj.weight", "attn.out_proj.bias": "self_attn.out_proj.bias",
    "mlp.fc1.weight": "linear1.weight", "mlp.fc1.bias": "linear1.bias",
    "mlp.fc2.weight": "linear2.weight", "mlp.fc2.bias": "linear2.bias",
    "ln1.weight": "norm1.weight", "ln1.bias": "norm1.bias", "ln2.weight": "norm2.weight", "ln2.bias": "norm2.bias",
}


def skip_float64_on_mps(device: str, dtype: torch.dtype) -> None:
    if device == "mps" and dtype == torch.float64:
        pytest.skip("MPS has no float64")


def check_names(module: nn.Module, expected: list[str], what: str) -> None:
    names = sorted(name for name, _ in module.named_parameters())
    expect_equal(names, expected, call=f"sorted parameter names of {what}",
                 hint="the names are part of the contract: the tests copy these weights into PyTorch's layers")


def randomise(module: nn.Module, seed: int) -> None:
    """Non-trivial weights everywhere (LayerNorm starts at 1/0, which would hide a swapped weight and bias)."""
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for p in module.parameters():
            p.copy_(torch.randn(p.shape, generator=g, dtype=p.dtype) * 0.3)


def causal_mask(seq: int, device) -> torch.Tensor:
    return torch.ones(seq, seq, dtype=torch.bool, device=device).triu(1)  # True = not allowed (PyTorch's layers)


def compare_grads(mine: nn.Module, theirs: nn.Module, name_map: dict[str, str], what: str, tol: float) -> None:
    their_params = dict(theirs.named_parameters())
    for name, p in mine.named_parameters():
        expect_true(p.grad is not None, message=f"{what}: {name} received no gradient",
                    hint="every parameter must take part in forward (check you use in_proj's bias and both LayerNorms)")
        expect_close(p.grad, their_params[name_map[name]].grad, what=f"{name}.grad after {what}", rtol=tol, atol=tol)


# ---------------------------------------------------------------- MultiHeadAttention

MHA_CASES = [  # (d_model, n_heads, causal, leading dims, seq)
    (16, 4, False, (3,), 7),
    (16, 4, True, (3,), 7),
    (12, 1, True, (2,), 5),
    (8, 8, False, (2,), 4),  # head_dim 1
    (16, 2, True, (), 6),  # no batch dimension
    (16, 2, True, (2, 3), 5),  # two batch dimensions
    (24, 3, True, (4,), 1),
]


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("dtype", [torch.float64, torch.float32], ids=["float64", "float32"])
@pytest.mark.parametrize("d_model,n_heads,causal,lead,seq", MHA_CASES)
def test_multi_head_attention_matches_nn_multihead_attention(ex, device, dtype, d_model, n_heads, causal, lead, seq):
    skip_float64_on_mps(device, dtype)
    torch.manual_seed(24)
    mine = ex.MultiHeadAttention(d_model, n_heads, causal=causal)
    check_names(mine, MHA_PARAMS, f"MultiHeadAttention({d_model}, {n_heads})")
    randomise(mine, seed=d_model + n_heads)
    theirs = nn.MultiheadAttention(d_model, n_heads, batch_first=True)
    with torch.no_grad():
        theirs.in_proj_weight.copy_(mine.in_proj.weight)
        theirs.in_proj_bias.copy_(mine.in_proj.bias)
        theirs.out_proj.weight.copy_(mine.out_proj.weight)
        theirs.out_proj.bias.copy_(mine.out_proj.bias)
    mine, theirs = mine.to(device, dtype), theirs.to(device, dtype)

    x = torch.randn(*lead, seq, d_model, generator=torch.Generator().manual_seed(1), dtype=dtype).to(device)
    x_mine, x_theirs = x.clone().requires_grad_(True), x.clone().requires_grad_(True)
    call = f"MultiHeadAttention({d_model}, {n_heads}, causal={causal})(x of shape {tuple(x.shape)}) in {dtype}"
    out = mine(x_mine)
    flat = x_theirs.reshape(-1, seq, d_model)  # nn.MultiheadAttention takes (batch, seq, d) only
    want, _ = theirs(flat, flat, flat, attn_mask=causal_mask(seq, device) if causal else None, need_weights=False)
    want = want.reshape(*lead, seq, d_model)
    tol = 1e-10 if dtype == torch.float64 else 1e-5
    expect_close(out, want, what=call, rtol=tol, atol=tol,
                 hint="split q, k, v with chunk(3, -1); head h owns features h*hd:(h+1)*hd; scale by 1/sqrt(head_dim), not 1/sqrt(d_model)")
    g = torch.randn(want.shape, generator=torch.Generator().manual_seed(2), dtype=dtype).to(device)
    (out * g).sum().backward()
    (want * g).sum().backward()
    expect_close(x_mine.grad, x_theirs.grad, what=f"x.grad after {call}", rtol=tol * 10, atol=tol * 10)
    compare_grads(mine, theirs, {"in_proj.weight": "in_proj_weight", "in_proj.bias": "in_proj_bias",
                                 "out_proj.weight": "out_proj.weight", "out_proj.bias": "out_proj.bias"}, call, tol * 10)


def test_multi_head_attention_is_causal_when_asked(ex):
    torch.manual_seed(0)
    mha = ex.MultiHeadAttention(16, 4, causal=True).double()
    x = torch.randn(2, 6, 16, dtype=torch.float64)
    changed = x.clone()
    changed[:, 4:] += 10.0  # change the future of position 3
    a, b = mha(x), mha(changed)
    expect_close(a[:, :4], b[:, :4], what="MultiHeadAttention(causal=True): outputs 0..3 after changing inputs 4..5",
                 rtol=0, atol=1e-12, hint="with causal=True, position i must not see positions > i")
    expect_true(not torch.allclose(a[:, 4:], b[:, 4:]), message="changing inputs 4..5 should change outputs 4..5")


@pytest.mark.parametrize("d_model,n_heads", [(10, 4), (8, 0), (0, 2)])
def test_multi_head_attention_rejects_bad_sizes(ex, d_model, n_heads):
    expect_raises(ValueError, lambda: ex.MultiHeadAttention(d_model, n_heads), call=f"MultiHeadAttention({d_model}, {n_heads})",
                  hint="d_model must be a positive multiple of n_heads")


# ---------------------------------------------------------------- MLP


def test_mlp_matches_linear_gelu_linear(ex):
    torch.manual_seed(3)
    mlp = ex.MLP(8, 32).double()
    check_names(mlp, ["fc1.bias", "fc1.weight", "fc2.bias", "fc2.weight"], "MLP(8, 32)")
    x = torch.randn(2, 3, 5, 8, dtype=torch.float64)
    want = F.linear(F.gelu(F.linear(x, mlp.fc1.weight, mlp.fc1.bias)), mlp.fc2.weight, mlp.fc2.bias)
    expect_close(mlp(x), want, what="MLP(8, 32)(x of shape (2, 3, 5, 8))", rtol=1e-12, atol=1e-12,
                 hint="fc2(gelu(fc1(x))) with the exact GELU (F.gelu's default, not approximate='tanh')")


# ---------------------------------------------------------------- TransformerBlock


def block_pair(ex, d_model, n_heads, d_ff, norm_first, causal, dropout=0.0, seed=0):
    torch.manual_seed(seed)
    mine = ex.TransformerBlock(d_model, n_heads, d_ff, dropout=dropout, norm_first=norm_first, causal=causal)
    check_names(mine, BLOCK_PARAMS, f"TransformerBlock({d_model}, {n_heads}, {d_ff})")
    randomise(mine, seed=seed + 1)
    theirs = nn.TransformerEncoderLayer(d_model, n_heads, d_ff, dropout=dropout, activation="gelu",
                                        batch_first=True, norm_first=norm_first)
    their_params = dict(theirs.named_parameters())
    with torch.no_grad():
        for name, p in mine.named_parameters():
            their_params[TO_TORCH[name]].copy_(p)
    return mine, theirs


def run_theirs(theirs, x, causal):
    seq, d = x.shape[-2], x.shape[-1]
    flat = x.reshape(-1, seq, d)
    mask = causal_mask(seq, x.device) if causal else None
    return theirs(flat, src_mask=mask, is_causal=causal).reshape(x.shape)


BLOCK_CASES = [  # (norm_first, causal, leading dims, seq)
    (True, True, (3,), 8),
    (True, False, (3,), 8),
    (False, True, (2,), 6),
    (False, False, (2,), 6),
    (True, True, (), 5),
    (True, True, (2, 2), 4),
    (False, True, (1,), 1),
]


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("norm_first,causal,lead,seq", BLOCK_CASES)
def test_block_matches_transformer_encoder_layer_in_eval_mode(ex, device, norm_first, causal, lead, seq):
    mine, theirs = block_pair(ex, 16, 4, 48, norm_first, causal, dropout=0.1)
    mine, theirs = mine.to(device).eval(), theirs.to(device).eval()
    x = torch.randn(*lead, seq, 16, generator=torch.Generator().manual_seed(4)).to(device)
    call = f"TransformerBlock(16, 4, 48, dropout=0.1, norm_first={norm_first}, causal={causal}).eval()(x of shape {tuple(x.shape)})"
    with torch.no_grad():
        got, want = mine(x), run_theirs(theirs, x, causal)
    expect_close(got, want, what=call, rtol=2e-5, atol=2e-5,
                 hint="pre-norm: x + attn(ln1(x)), then + mlp(ln2(x)); post-norm: ln1(x + attn(x)), then ln2(x + mlp(x)); "
                      "in eval mode every dropout is off")


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("norm_first,causal", [(True, True), (False, True), (True, False), (False, False)])
def test_block_gradients_match_in_float64(ex, device, norm_first, causal):
    skip_float64_on_mps(device, torch.float64)
    mine, theirs = block_pair(ex, 12, 3, 20, norm_first, causal, dropout=0.0, seed=5)
    mine, theirs = mine.to(device, torch.float64).train(), theirs.to(device, torch.float64).train()
    x = torch.randn(3, 7, 12, generator=torch.Generator().manual_seed(6), dtype=torch.float64).to(device)
    x_mine, x_theirs = x.clone().requires_grad_(True), x.clone().requires_grad_(True)
    call = f"TransformerBlock(12, 3, 20, dropout=0.0, norm_first={norm_first}, causal={causal}) in float64"
    out, want = mine(x_mine), run_theirs(theirs, x_theirs, causal)
    expect_close(out, want, what=call, rtol=1e-10, atol=1e-10)
    g = torch.randn(out.shape, generator=torch.Generator().manual_seed(7), dtype=torch.float64).to(device)
    (out * g).sum().backward()
    (want * g).sum().backward()
    expect_close(x_mine.grad, x_theirs.grad, what=f"x.grad after {call}", rtol=1e-9, atol=1e-9)
    compare_grads(mine, theirs, TO_TORCH, call, 1e-9)


def test_block_dropout_is_active_only_in_training(ex):
    mine, _ = block_pair(ex, 16, 4, 48, True, True, dropout=0.5, seed=8)
    x = torch.randn(2, 6, 16, generator=torch.Generator().manual_seed(9))
    mine.train()
    torch.manual_seed(1)
    a = mine(x)
    b = mine(x)
    expect_true(not torch.allclose(a, b), message="TransformerBlock(dropout=0.5) in train mode gave the same output twice",
                hint="apply nn.Dropout to each sub-layer's output before the residual add")
    mine.eval()
    expect_close(mine(x), mine(x), what="TransformerBlock(dropout=0.5).eval() called twice", rtol=0, atol=0)
    no_dropout, _ = block_pair(ex, 16, 4, 48, True, True, dropout=0.0, seed=8)
    expect_close(mine(x), no_dropout.eval()(x), what="TransformerBlock(dropout=0.5).eval() vs the same weights with dropout=0.0",
                 rtol=1e-6, atol=1e-6, hint="in eval mode dropout must be the identity (nn.Dropout / F.sdpa with dropout_p=0)")


def test_block_is_built_from_your_own_layers(ex):
    block = ex.TransformerBlock(16, 4, 64)
    borrowed = [type(m).__name__ for m in block.modules() if isinstance(m, (nn.MultiheadAttention, nn.TransformerEncoderLayer))]
    expect_equal(borrowed, [], call="built-in attention layers inside TransformerBlock(16, 4, 64)",
                 hint="write the block from your MultiHeadAttention and MLP; PyTorch's layers are the oracle here")
    n = sum(p.numel() for p in block.parameters())
    expect_equal(n, 2 * 2 * 16 + (16 * 48 + 48) + (16 * 16 + 16) + (16 * 64 + 64) + (64 * 16 + 16),
                 call="number of parameters of TransformerBlock(16, 4, 64)",
                 hint="2 LayerNorms (2d each), in_proj (3d*d + 3d), out_proj (d*d + d), fc1 (d*d_ff + d_ff), fc2 (d_ff*d + d)")


def test_post_norm_output_is_normalised(ex):
    block = ex.TransformerBlock(32, 4, 64, norm_first=False)  # fresh LayerNorms: weight 1, bias 0
    x = torch.randn(3, 5, 32, generator=torch.Generator().manual_seed(10)) * 7 + 3
    out = block(x).detach()
    expect_close(out.mean(-1), torch.zeros(3, 5), what="TransformerBlock(norm_first=False) output: mean over features",
                 rtol=0, atol=1e-5, hint="post-norm ends with ln2(x + mlp(x)), so every position is normalised")
    expect_close(out.var(-1, unbiased=False), torch.ones(3, 5), what="TransformerBlock(norm_first=False) output: variance over features",
                 rtol=0, atol=1e-3)
