"""Grading torch-27: TinyLM, the final check.

Oracles: a model assembled from PyTorch's built-in layers (``nn.Embedding``,
``nn.TransformerEncoderLayer(norm_first=True, activation="gelu")``,
``nn.LayerNorm``, ``nn.Linear``) given the same weights — logits, loss and
gradients must agree; the parameter count worked out by hand; ``log(V)`` for
the loss at initialisation; and properties: shapes for any batch and length
(Hypothesis), causality (changing a future token changes no earlier logit),
and memorising one small batch.
"""

from __future__ import annotations

import math

import pytest
import torch
import torch.nn.functional as F
from hypothesis import given, settings
from hypothesis import strategies as st
from torch import nn

from curriculum.grading.testing import device_params, expect_close, expect_equal, expect_raises, expect_true

pytestmark = pytest.mark.exercise("torch-27")

DEVICES = device_params()

BLOCK_TO_TORCH = {
    "attn.in_proj.weight": "self_attn.in_proj_weight", "attn.in_proj.bias": "self_attn.in_proj_bias",
    "attn.out_proj.weight": "self_attn.out_proj.weight", "attn.out_proj.bias": "self_attn.out_proj.bias",
    "mlp.fc1.weight": "linear1.weight", "mlp.fc1.bias": "linear1.bias",
    "mlp.fc2.weight": "linear2.weight", "mlp.fc2.bias": "linear2.bias",
    "ln1.weight": "norm1.weight", "ln1.bias": "norm1.bias", "ln2.weight": "norm2.weight", "ln2.bias": "norm2.bias",
}


def expected_shapes(V: int, C: int, L: int, ctx: int) -> dict[str, tuple[int, ...]]:
    shapes = {"tok_emb.weight": (V, C), "pos_emb.weight": (ctx, C), "ln_f.weight": (C,), "ln_f.bias": (C,), "head.weight": (V, C)}
    per_block = {
        "ln1.weight": (C,), "ln1.bias": (C,), "attn.in_proj.weight": (3 * C, C), "attn.in_proj.bias": (3 * C,),
        "attn.out_proj.weight": (C, C), "attn.out_proj.bias": (C,), "ln2.weight": (C,), "ln2.bias": (C,),
        "mlp.fc1.weight": (4 * C, C), "mlp.fc1.bias": (4 * C,), "mlp.fc2.weight": (C, 4 * C), "mlp.fc2.bias": (C,),
    }
    for i in range(L):
        shapes.update({f"blocks.{i}.{k}": v for k, v in per_block.items()})
    return shapes


class BuiltinLM(nn.Module):
    """The same architecture from PyTorch's own layers."""

    def __init__(self, V: int, C: int, nh: int, L: int, ctx: int):
        super().__init__()
        self.tok, self.pos = nn.Embedding(V, C), nn.Embedding(ctx, C)
        self.layers = nn.ModuleList(
            nn.TransformerEncoderLayer(C, nh, 4 * C, dropout=0.0, activation="gelu", batch_first=True, norm_first=True)
            for _ in range(L)
        )
        self.ln_f, self.head = nn.LayerNorm(C), nn.Linear(C, V, bias=False)

    def forward(self, idx):
        T = idx.shape[1]
        x = self.tok(idx) + self.pos(torch.arange(T, device=idx.device))
        mask = torch.ones(T, T, dtype=torch.bool, device=idx.device).triu(1)  # True = may not attend
        for layer in self.layers:
            x = layer(x, src_mask=mask, is_causal=True)
        return self.head(self.ln_f(x))


def their_name(name: str) -> str:
    top = {"tok_emb.weight": "tok.weight", "pos_emb.weight": "pos.weight", "ln_f.weight": "ln_f.weight",
           "ln_f.bias": "ln_f.bias", "head.weight": "head.weight"}
    if name in top:
        return top[name]
    _, i, rest = name.split(".", 2)
    return f"layers.{i}.{BLOCK_TO_TORCH[rest]}"


def build_pair(ex, V, C, nh, L, ctx, seed=0):
    torch.manual_seed(seed)
    mine = ex.TinyLM(V, C, nh, L, ctx)
    names = {n: tuple(p.shape) for n, p in mine.named_parameters()}
    expect_equal(names, expected_shapes(V, C, L, ctx), call=f"{{name: shape}} of TinyLM({V}, {C}, {nh}, {L}, {ctx}).named_parameters()",
                 hint="the names and shapes in the module docstring are the contract; head has no bias")
    g = torch.Generator().manual_seed(seed + 1)
    with torch.no_grad():  # random values everywhere, so that a swapped weight cannot hide behind a LayerNorm's 1s and 0s
        for p in mine.parameters():
            p.copy_(torch.randn(p.shape, generator=g) * 0.2)
    theirs = BuiltinLM(V, C, nh, L, ctx)
    their_params = dict(theirs.named_parameters())
    with torch.no_grad():
        for name, p in mine.named_parameters():
            their_params[their_name(name)].copy_(p)
    return mine, theirs


# ---------------------------------------------------------------- the architecture against PyTorch's layers


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("V,C,nh,L,ctx,B,T", [(11, 8, 2, 2, 6, 3, 6), (20, 12, 1, 1, 9, 2, 4), (16, 16, 4, 3, 5, 1, 1)])
def test_tiny_lm_matches_a_model_built_from_pytorch_layers(ex, device, V, C, nh, L, ctx, B, T):
    if device == "mps":
        pytest.skip("MPS has no float64")
    mine, theirs = build_pair(ex, V, C, nh, L, ctx)
    mine, theirs = mine.to(device, torch.float64), theirs.to(device, torch.float64)
    g = torch.Generator().manual_seed(2)
    idx = torch.randint(0, V, (B, T), generator=g).to(device)
    targets = torch.randint(0, V, (B, T), generator=g).to(device)
    call = f"TinyLM({V}, {C}, {nh}, {L}, {ctx})(idx {(B, T)}, targets) in float64"
    logits, loss = mine(idx, targets)
    want = theirs(idx)
    expect_close(logits, want, what=f"{call}: logits", rtol=1e-9, atol=1e-9,
                 hint="pre-norm blocks: x + attn(ln1(x)), x + mlp(ln2(x)); causal attention with scale 1/sqrt(head_dim); ln_f before head")
    want_loss = F.cross_entropy(want.reshape(-1, V), targets.reshape(-1))
    expect_close(loss, want_loss, what=f"{call}: loss", rtol=1e-9, atol=1e-9, hint="cross-entropy averaged over all B*T positions")
    loss.backward()
    want_loss.backward()
    their_params = dict(theirs.named_parameters())
    for name, p in mine.named_parameters():
        expect_true(p.grad is not None, message=f"{call}: {name} received no gradient")
        expect_close(p.grad, their_params[their_name(name)].grad, what=f"{name}.grad after {call}", rtol=1e-8, atol=1e-9)


@pytest.mark.parametrize(
    "V,C,nh,L,ctx,expected",
    [
        (65, 32, 4, 2, 16, 2 * 65 * 32 + 16 * 32 + 2 * (12 * 32**2 + 13 * 32) + 2 * 32),  # 30144
        (256, 64, 4, 1, 32, 2 * 256 * 64 + 32 * 64 + 1 * (12 * 64**2 + 13 * 64) + 2 * 64),  # 84928
        (11, 8, 1, 3, 5, 2 * 11 * 8 + 5 * 8 + 3 * (12 * 8**2 + 13 * 8) + 2 * 8),  # 2848
    ],
)
def test_tiny_lm_parameter_count(ex, V, C, nh, L, ctx, expected):
    model = ex.TinyLM(V, C, nh, L, ctx)
    got = sum(p.numel() for p in model.parameters())
    expect_equal(got, expected, call=f"number of parameters of TinyLM({V}, {C}, {nh}, {L}, {ctx})",
                 hint="2*V*C (tok_emb, head) + context*C + n_layers*(12*C**2 + 13*C) + 2*C (ln_f)")
    expect_equal(got, sum(p.numel() for p in BuiltinLM(V, C, nh, L, ctx).parameters()),
                 call="TinyLM's count vs the same model built from PyTorch's layers")


def test_tiny_lm_is_written_by_hand(ex):
    model = ex.TinyLM(11, 8, 2, 2, 6)
    borrowed = sorted({type(m).__name__ for m in model.modules()
                       if isinstance(m, (nn.MultiheadAttention, nn.TransformerEncoderLayer, nn.TransformerEncoder, nn.TransformerDecoderLayer))})
    expect_equal(borrowed, [], call="PyTorch Transformer layers inside TinyLM", hint="build attention from nn.Linear; the built-ins are the oracle")


# ---------------------------------------------------------------- shapes, causality, errors


@settings(max_examples=20)
@given(B=st.integers(1, 3), T=st.integers(1, 7), L=st.integers(1, 2))
def test_tiny_lm_shapes_for_any_batch_and_length(ex, B, T, L):
    V, C, ctx = 13, 8, 7
    torch.manual_seed(0)
    model = ex.TinyLM(V, C, 2, L, ctx)
    seen = []
    for i, block in enumerate(model.blocks):
        block.register_forward_hook(lambda m, args, out, i=i: seen.append((f"blocks[{i}]", tuple(out.shape))))
    model.ln_f.register_forward_hook(lambda m, args, out: seen.append(("ln_f", tuple(out.shape))))
    idx = torch.randint(0, V, (B, T))
    logits, loss = model(idx)
    expect_equal(tuple(logits.shape), (B, T, V), call=f"TinyLM(vocab={V}, d_model={C}, context={ctx})(idx of shape {(B, T)}).logits.shape")
    expect_true(loss is None, message="without targets the loss should be None")
    expect_equal(seen, [(f"blocks[{i}]", (B, T, C)) for i in range(L)] + [("ln_f", (B, T, C))],
                 call=f"(module, output shape) in forward order for idx of shape {(B, T)}",
                 hint="every block maps (B, T, C) to (B, T, C); ln_f runs once, after the last block")
    _, loss = model(idx, torch.randint(0, V, (B, T)))
    expect_equal(tuple(loss.shape), (), call=f"loss shape for idx of shape {(B, T)}", hint="F.cross_entropy's mean: a 0-d tensor")


@pytest.mark.parametrize("t", [0, 3, 7])
def test_tiny_lm_is_causal(ex, t):
    torch.manual_seed(1)
    model = ex.TinyLM(17, 16, 4, 2, 8).double()
    idx = torch.randint(0, 17, (2, 8), generator=torch.Generator().manual_seed(3))
    changed = idx.clone()
    changed[:, t] = (changed[:, t] + 5) % 17
    with torch.no_grad():
        a, _ = model(idx)
        b, _ = model(changed)
    expect_close(a[:, :t], b[:, :t], what=f"logits at positions < {t} after changing the token at position {t}", rtol=0, atol=1e-12,
                 hint="every attention must be causal (is_causal=True or a lower-triangular mask)")
    expect_true(not torch.allclose(a[:, t:], b[:, t:]), message=f"changing the token at position {t} should change the logits from position {t} on")


@pytest.mark.parametrize(
    "idx_shape,targets_shape",
    [((2, 9), None), ((8,), None), ((2, 0), None), ((2, 4, 1), None), ((2, 4), (2, 5)), ((2, 4), (8,))],
    ids=["too-long", "1-d", "empty", "3-d", "targets-longer", "targets-flat"],
)
def test_tiny_lm_rejects_bad_shapes_with_a_clear_message(ex, idx_shape, targets_shape):
    model = ex.TinyLM(10, 8, 2, 1, 8)
    idx = torch.zeros(idx_shape, dtype=torch.long)
    targets = None if targets_shape is None else torch.zeros(targets_shape, dtype=torch.long)
    bad = targets_shape or idx_shape
    err = expect_raises(ValueError, lambda: model(idx, targets), call=f"TinyLM(context=8)(idx {idx_shape}, targets {targets_shape})",
                        hint="check idx.dim() == 2, 1 <= T <= context and targets.shape == idx.shape before any computation")
    expect_true(str(tuple(bad)) in str(err), message=f"the ValueError should show the offending shape {tuple(bad)}; got: {err}")


# ---------------------------------------------------------------- initialisation and learning


@pytest.mark.parametrize("V,seed", [(65, 0), (256, 1)])
def test_tiny_lm_starts_near_log_vocab(ex, V, seed):
    torch.manual_seed(seed)
    model = ex.TinyLM(V, 32, 4, 2, 16)
    g = torch.Generator().manual_seed(seed)
    idx, targets = torch.randint(0, V, (8, 16), generator=g), torch.randint(0, V, (8, 16), generator=g)
    with torch.no_grad():
        _, loss = model(idx, targets)
    expect_true(abs(loss.item() - math.log(V)) < 0.1,
                message=f"the loss of a fresh TinyLM(vocab={V}) is {loss.item():.3f}; a near-uniform prediction gives log({V}) = {math.log(V):.3f}",
                hint="initialise Linear and Embedding weights from N(0, 0.02**2) and Linear biases to 0")
    weights = torch.cat([m.weight.flatten() for m in model.modules() if isinstance(m, (nn.Linear, nn.Embedding))])
    biases = torch.cat([m.bias.flatten() for m in model.modules() if isinstance(m, nn.Linear) and m.bias is not None])
    expect_true(abs(weights.std().item() - 0.02) < 0.002, message=f"Linear/Embedding weights have std {weights.std().item():.4f}; expected 0.02")
    expect_true(bool((biases == 0).all()), message="Linear biases should start at 0")


OVERFIT_STEPS = 60  # the reference is below 0.01 after 40


def test_tiny_lm_memorises_one_batch(ex):
    torch.manual_seed(0)
    model = ex.TinyLM(32, 32, 4, 2, 16)
    g = torch.Generator().manual_seed(0)
    idx, targets = torch.randint(0, 32, (2, 16), generator=g), torch.randint(0, 32, (2, 16), generator=g)
    opt = torch.optim.AdamW(model.parameters(), lr=1e-2)
    for _ in range(OVERFIT_STEPS):
        _, loss = model(idx, targets)
        opt.zero_grad()
        loss.backward()
        opt.step()
    expect_true(loss.item() < 0.05, message=f"after {OVERFIT_STEPS} AdamW steps on one batch of 2 x 16 random tokens the loss is {loss.item():.3f}; expected < 0.05",
                hint="a working model memorises one batch easily; check that every parameter gets a gradient and the loss uses the targets")

