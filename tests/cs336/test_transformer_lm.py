"""Grading cs336-11: TransformerLM.

Oracle: the model assembled in tests/cs336/oracles.py from PyTorch built-ins —
``F.embedding``, ``nn.RMSNorm`` (eps 1e-5), ``F.linear``, ``F.silu``,
``F.scaled_dot_product_attention(is_causal=True)`` and complex-number RoPE —
run on a state dict loaded (strict) into the learner's model. Also: the
causal property, the parameter count by formula, the initial loss
(``F.cross_entropy`` ≈ log(vocab_size)) and the context-length check.
"""

from __future__ import annotations

import math

import pytest
import torch
import torch.nn.functional as F
from torch import nn

from curriculum.grading.testing import device_params, expect_close, expect_equal, expect_float, expect_raises, expect_true

import oracles

pytestmark = pytest.mark.exercise("cs336-11")

DEVICES = device_params()
TOL = {torch.float64: 1e-6, torch.float32: 1e-4}  # RoPE tables may be float32
THETA = 10000.0








def expected_shapes(vocab, d_model, num_layers, d_ff):
    sq = (d_model, d_model)
    out = {"token_embeddings.weight": (vocab, d_model), "ln_final.weight": (d_model,), "lm_head.weight": (vocab, d_model)}
    for i in range(num_layers):
        out |= {f"layers.{i}.{n}": s for n, s in [
            ("attn.q_proj.weight", sq), ("attn.k_proj.weight", sq), ("attn.v_proj.weight", sq), ("attn.output_proj.weight", sq),
            ("ln1.weight", (d_model,)), ("ln2.weight", (d_model,)),
            ("ffn.w1.weight", (d_ff, d_model)), ("ffn.w2.weight", (d_model, d_ff)), ("ffn.w3.weight", (d_ff, d_model))]}
    return out


def random_state_dict(shapes, dtype, device, seed):
    g = torch.Generator().manual_seed(seed)
    sd = {}
    for n, s in shapes.items():
        t = torch.randn(s, generator=g, dtype=torch.float64)
        if len(s) == 1:
            t = 1.0 + 0.2 * t  # norm gains near 1, all different
        elif n != "token_embeddings.weight":
            t = t / s[1] ** 0.5
        sd[n] = t.to(dtype).to(device)
    return sd


def make_lm(ex, cfg, device, dtype):
    return ex.TransformerLM(cfg["vocab"], cfg["ctx"], cfg["d_model"], cfg["layers"], cfg["heads"], cfg["d_ff"], THETA,
                            device=device, dtype=dtype)


def load(lm, sd, call):
    try:
        lm.load_state_dict(sd, strict=True)
    except RuntimeError as err:
        raise AssertionError(f"{call}.load_state_dict(state dict in the course's names, strict=True) failed:\n{err}\n"
                             "  hint: submodules token_embeddings, layers (nn.ModuleList of blocks), ln_final, lm_head; "
                             "RoPE tables must be non-persistent buffers") from None


# leading dims, seq, and the model sizes
CASES = [
    ((2,), 8, dict(vocab=50, ctx=8, d_model=16, layers=2, heads=4, d_ff=32)),  # seq == context_length
    ((), 1, dict(vocab=30, ctx=8, d_model=8, layers=1, heads=2, d_ff=24)),  # one token, no batch dimension
    ((2, 3), 5, dict(vocab=40, ctx=12, d_model=16, layers=3, heads=2, d_ff=40)),
]


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("dtype", [torch.float64, torch.float32], ids=["float64", "float32"])
@pytest.mark.parametrize("lead,seq,cfg", CASES)
def test_loaded_state_dict_matches_the_builtin_assembly(ex, device, dtype, lead, seq, cfg):
    call = f"TransformerLM({', '.join(f'{k}={v}' for k, v in cfg.items())}, {dtype})"
    lm = make_lm(ex, cfg, device, dtype)
    shapes = expected_shapes(cfg["vocab"], cfg["d_model"], cfg["layers"], cfg["d_ff"])
    expect_equal({n: tuple(p.shape) for n, p in lm.named_parameters()}, shapes, call=f"{{name: shape}} of {call}.named_parameters()",
                 hint="untied lm_head; blocks in self.layers = nn.ModuleList([...]); ln_final after the last block")
    sd = random_state_dict(shapes, dtype, device, seed=11)
    load(lm, sd, call)
    g = torch.Generator().manual_seed(12)
    ids = torch.randint(0, cfg["vocab"], (*lead, seq), generator=g)
    ids.view(-1)[0], ids.view(-1)[-1] = 0, cfg["vocab"] - 1  # the smallest and largest ids
    ids = ids.to(device)
    p2 = {n: nn.Parameter(t.clone()) for n, t in sd.items()}
    want = oracles.lm(ids, p2, cfg["layers"], cfg["heads"], THETA)
    got = lm(ids)
    tol = TOL[dtype]
    expect_close(got, want, what=f"{call}(token_ids of shape {tuple(ids.shape)})", rtol=tol, atol=tol,
                 hint="embed -> every block in order (positions 0..seq-1) -> ln_final -> lm_head; no softmax at the end")
    targets = torch.randint(0, cfg["vocab"], (*lead, seq), generator=g).to(device)
    F.cross_entropy(got.flatten(0, -2), targets.flatten()).backward()
    F.cross_entropy(want.flatten(0, -2), targets.flatten()).backward()
    for n, param in lm.named_parameters():
        expect_true(param.grad is not None, message=f"{call}: no gradient reached {n}")
        expect_close(param.grad, p2[n].grad, what=f"{n}.grad of the cross-entropy after {call}", rtol=tol * 10, atol=tol * 10)


@pytest.mark.parametrize("device", DEVICES)
def test_a_future_token_does_not_change_earlier_logits(ex, device):
    cfg = dict(vocab=40, ctx=10, d_model=16, layers=2, heads=4, d_ff=32)
    torch.manual_seed(0)
    lm = make_lm(ex, cfg, device, torch.float64)
    ids = torch.randint(0, 40, (3, 10), generator=torch.Generator().manual_seed(1)).to(device)
    changed = ids.clone()
    changed[:, 6] = (changed[:, 6] + 7) % 40
    with torch.no_grad():
        before, after = lm(ids), lm(changed)
    call = "TransformerLM(...) logits with token 6 of 10 changed"
    expect_close(after[:, :6], before[:, :6], what=f"{call}: positions 0..5", rtol=1e-12, atol=1e-12,
                 hint="every block's attention must be causal")
    expect_true(bool((after[:, 6:] - before[:, 6:]).abs().amax(dim=-1).min() > 1e-6),
                message=f"{call}: some logits at positions >= 6 did not change")


@pytest.mark.parametrize("cfg", [dict(vocab=50, ctx=8, d_model=16, layers=2, heads=4, d_ff=32),
                                 dict(vocab=100, ctx=16, d_model=24, layers=3, heads=3, d_ff=64)], ids=["small", "wider"])
def test_parameter_count_matches_the_formula(ex, cfg):
    lm = make_lm(ex, cfg, "cpu", torch.float32)
    V, d, L, d_ff = cfg["vocab"], cfg["d_model"], cfg["layers"], cfg["d_ff"]
    want = 2 * V * d + L * (4 * d * d + 3 * d * d_ff + 2 * d) + d
    expect_equal(sum(p.numel() for p in lm.parameters()), want,
                 call=f"number of parameters of TransformerLM({cfg})",
                 hint="2*V*d (embeddings + untied lm_head) + L*(4d² attention + 3*d*d_ff SwiGLU + 2d norms) + d (ln_final); no biases")


def test_initial_loss_is_about_log_vocab(ex):
    V, d = 512, 64
    torch.manual_seed(0)
    lm = ex.TransformerLM(V, 32, d, 2, 4, 128, THETA)
    std = lm.lm_head.weight.std().item()
    expect_float(std, math.sqrt(2 / (d + V)), call="lm_head.weight.std() at init", rel=0.1,
                 hint="lm_head is your Linear(d_model, vocab_size): std sqrt(2 / (d_in + d_out))")
    expect_float(lm.token_embeddings.weight.std().item(), 1.0, call="token_embeddings.weight.std() at init", rel=0.1)
    g = torch.Generator().manual_seed(1)
    ids, targets = torch.randint(0, V, (4, 32), generator=g), torch.randint(0, V, (4, 32), generator=g)
    with torch.no_grad():
        loss = F.cross_entropy(lm(ids).flatten(0, 1), targets.flatten()).item()
    expect_float(loss, math.log(V), call=f"cross-entropy of a fresh TransformerLM(vocab={V}) on random tokens", rel=0, abs=0.3,
                 hint="with the standard inits the logits are small, so the prediction is near uniform: loss ≈ log(vocab)")


@pytest.mark.parametrize("device", DEVICES)
def test_too_long_a_sequence_raises_value_error(ex, device):
    lm = ex.TransformerLM(20, 8, 8, 1, 2, 16, THETA, device=device)
    ids = torch.zeros(2, 9, dtype=torch.long, device=device)
    expect_raises(ValueError, lm, ids, call="TransformerLM(context_length=8)(token_ids of shape (2, 9))", match="8",
                  hint="check token_ids.shape[-1] <= context_length in forward and say both numbers in the message")
    expect_equal(tuple(lm(ids[:, :8]).shape), (2, 8, 20), call="TransformerLM(context_length=8)(token_ids of shape (2, 8))")
