"""Grading torch-17: amp_train_step, autocast_output_dtypes / which_ops_stay_fp32, sequential_sum, kahan_sum.

Oracles: torch itself (the same step written out with ``torch.autocast`` and
``GradScaler``; each module called by hand under autocast to see its output
dtype), a float32 step for the size of the low-precision error, NumPy's
float16 ``cumsum`` for the sequential float16 sum, hand-worked stalls
(0.25 in float16, 0.03125 in bfloat16) and ``math.fsum`` for the exact sum.
"""

from __future__ import annotations

import copy
import math

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from torch import nn

from curriculum.grading.testing import device_params, expect_close, expect_equal, expect_float, expect_raises, expect_true

pytestmark = pytest.mark.exercise("torch-17")

DEVICES = device_params()


def _problem(seed: int = 0, n: int = 32):
    g = torch.Generator().manual_seed(seed)
    torch.manual_seed(seed)
    model = nn.Sequential(nn.Linear(12, 32), nn.GELU(), nn.LayerNorm(32), nn.Linear(32, 5))
    x = torch.randn(n, 12, generator=g)
    y = torch.randint(0, 5, (n,), generator=g)
    return model, x, y


def torch_amp_step(model, x, y, opt, *, device_type, dtype, scaler=None):
    """The recipe written out with torch's own API: the oracle."""
    opt.zero_grad()
    with torch.autocast(device_type=device_type, dtype=dtype):
        loss = F.cross_entropy(model(x), y)
    if scaler is None:
        loss.backward()
        opt.step()
    else:
        scaler.scale(loss).backward()
        scaler.step(opt)
        scaler.update()
    return loss.item()


# ---------------------------------------------------------------- amp_train_step


@pytest.mark.parametrize("device", DEVICES)
def test_amp_step_bfloat16_matches_torch_autocast(ex, device):
    model, x, y = _problem()
    model = model.to(device)
    x, y = x.to(device), y.to(device)
    ref = copy.deepcopy(model)
    opt = torch.optim.AdamW(model.parameters(), lr=1e-2)
    ref_opt = torch.optim.AdamW(ref.parameters(), lr=1e-2)
    for step in range(3):
        want = torch_amp_step(ref, x, y, ref_opt, device_type=torch.device(device).type, dtype=torch.bfloat16)
        got = ex.amp_train_step(model, (x, y), opt, loss_fn=F.cross_entropy, device=device, dtype=torch.bfloat16)
        call = f"amp_train_step(model, batch, AdamW, device={device!r}, dtype=torch.bfloat16) step {step + 1}"
        expect_float(got, want, call=call, rel=1e-6, abs=1e-6,
                     hint="forward AND loss inside torch.autocast(device_type, dtype=torch.bfloat16); return float(loss)")
        for (name, p), q in zip(model.named_parameters(), ref.parameters()):
            expect_close(p.detach(), q.detach(), what=f"{call}: parameter {name}", rtol=1e-5, atol=1e-6,
                         hint="zero_grad, forward under autocast, backward and step outside it")
    for name, p in model.named_parameters():
        expect_equal(p.dtype, torch.float32, call=f"model.{name}.dtype after amp_train_step",
                     hint="autocast never changes the parameters: do not call model.to(bfloat16) or .half()")
        expect_equal(p.grad.dtype, torch.float32, call=f"model.{name}.grad.dtype after amp_train_step",
                     hint="gradients of float32 parameters are float32")


def test_amp_step_bfloat16_is_close_to_a_float32_step(ex):
    model, x, y = _problem(1)
    ref = copy.deepcopy(model)
    lr = 0.1
    opt = torch.optim.SGD(model.parameters(), lr=lr)
    ref_opt = torch.optim.SGD(ref.parameters(), lr=lr)
    ref_opt.zero_grad()
    want = F.cross_entropy(ref(x), y)
    want.backward()
    ref_opt.step()
    got = ex.amp_train_step(model, (x, y), opt, loss_fn=F.cross_entropy, dtype=torch.bfloat16)
    expect_float(got, want.item(), call="amp_train_step(..., dtype=torch.bfloat16) against a float32 step", rel=2e-2,
                 hint="bfloat16 keeps about 3 significant digits: the loss should agree to ~1%")
    for (name, p), q in zip(model.named_parameters(), ref.parameters()):
        # bfloat16 rounding changes the update by about 1%: compare updates at that scale
        update = (p.detach() - q.detach()).abs().max().item()
        scale = lr * q.grad.abs().max().item()
        expect_true(update <= 0.05 * scale + 1e-6,
                    message=f"after amp_train_step(dtype=bfloat16), parameter {name} differs from a float32 step by {update:.3g} "
                            f"(the float32 update is up to {scale:.3g})",
                    hint="only the forward runs in bfloat16; the update itself is float32")


def test_amp_step_float32_means_no_autocast(ex):
    model, x, y = _problem(2)
    ref = copy.deepcopy(model)
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    ref_opt = torch.optim.SGD(ref.parameters(), lr=0.1)
    ref_opt.zero_grad()
    want = F.cross_entropy(ref(x), y)
    want.backward()
    ref_opt.step()
    got = ex.amp_train_step(model, (x, y), opt, loss_fn=F.cross_entropy, dtype=torch.float32)
    expect_float(got, want.item(), call="amp_train_step(..., dtype=torch.float32)", rel=1e-6)
    for (name, p), q in zip(model.named_parameters(), ref.parameters()):
        expect_close(p.detach(), q.detach(), what=f"amp_train_step(dtype=float32): parameter {name}", rtol=1e-6, atol=1e-7,
                     hint="dtype=torch.float32 is the plain float32 step: autocast(enabled=False)")


@pytest.mark.parametrize("device", DEVICES)
def test_amp_step_float16_with_grad_scaler(ex, device):
    model, x, y = _problem(3)
    model = model.to(device)
    x, y = x.to(device), y.to(device)
    ref = copy.deepcopy(model)
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    ref_opt = torch.optim.SGD(ref.parameters(), lr=0.1)
    device_type = torch.device(device).type
    scaler = torch.amp.GradScaler(device_type, init_scale=2.0**10)
    ref_scaler = torch.amp.GradScaler(device_type, init_scale=2.0**10)
    for step in range(3):
        want = torch_amp_step(ref, x, y, ref_opt, device_type=device_type, dtype=torch.float16, scaler=ref_scaler)
        got = ex.amp_train_step(model, (x, y), opt, loss_fn=F.cross_entropy, device=device, dtype=torch.float16, scaler=scaler)
        call = f"amp_train_step(..., dtype=torch.float16, scaler=GradScaler(init_scale=1024)) step {step + 1}"
        expect_float(got, want, call=call, rel=1e-5, abs=1e-6, hint="return the UNSCALED loss")
        for (name, p), q in zip(model.named_parameters(), ref.parameters()):
            expect_close(p.detach(), q.detach(), what=f"{call}: parameter {name}", rtol=1e-5, atol=1e-6,
                         hint="scaler.scale(loss).backward(); scaler.step(optimizer); scaler.update()")
    expect_float(scaler.get_scale(), ref_scaler.get_scale(), call="scaler.get_scale() after three steps",
                 hint="call scaler.update() once per step")


def test_amp_step_float16_skips_the_step_when_the_scaled_gradients_overflow(ex):
    model, x, y = _problem(4)
    before = [p.detach().clone() for p in model.parameters()]
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    scaler = torch.amp.GradScaler("cpu", init_scale=2.0**24)  # loss * 2^24 overflows float16 (max 65504)
    ex.amp_train_step(model, (x, y), opt, loss_fn=F.cross_entropy, dtype=torch.float16, scaler=scaler)
    unchanged = all(torch.equal(p.detach(), b) for p, b in zip(model.parameters(), before))
    expect_true(unchanged, message="after a float16 step whose scaled gradients overflowed, the parameters changed",
                hint="let scaler.step(optimizer) do the step: it skips it when a gradient is Inf/NaN")
    expect_float(scaler.get_scale(), 2.0**23, call="scaler.get_scale() after an overflowing step (init 2**24)",
                 hint="scaler.update() halves the scale after an overflow")


def test_amp_step_validates_dtype_and_scaler(ex):
    model, x, y = _problem(5)
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    expect_raises(ValueError, ex.amp_train_step, model, (x, y), opt, loss_fn=F.cross_entropy, dtype=torch.float16,
                  call="amp_train_step(..., dtype=torch.float16, scaler=None)",
                  hint="float16 gradients underflow without loss scaling: require a GradScaler")
    expect_raises(ValueError, ex.amp_train_step, model, (x, y), opt, loss_fn=F.cross_entropy, dtype=torch.float64,
                  call="amp_train_step(..., dtype=torch.float64)")


def test_amp_step_clears_stale_gradients_and_backprops_outside_autocast(ex, monkeypatch):
    model, x, y = _problem(6)
    for p in model.parameters():
        p.grad = torch.full_like(p, 50.0)
    ref = copy.deepcopy(model)
    ref_opt = torch.optim.SGD(ref.parameters(), lr=0.1)
    torch_amp_step(ref, x, y, ref_opt, device_type="cpu", dtype=torch.bfloat16)

    states = []
    original = torch.Tensor.backward

    def spy(self, *args, **kwargs):
        states.append(torch.is_autocast_enabled("cpu"))
        return original(self, *args, **kwargs)

    monkeypatch.setattr(torch.Tensor, "backward", spy)
    ex.amp_train_step(model, (x, y), torch.optim.SGD(model.parameters(), lr=0.1), loss_fn=F.cross_entropy)
    monkeypatch.undo()
    expect_equal(states, [False], call="autocast enabled during each loss.backward() call",
                 hint="call backward once, after the `with torch.autocast(...)` block has ended")
    for (name, p), q in zip(model.named_parameters(), ref.parameters()):
        expect_close(p.detach(), q.detach(), what=f"parameter {name} after a step with stale gradients", rtol=1e-5, atol=1e-6,
                     hint="optimizer.zero_grad() first")


@pytest.mark.slow
def test_amp_step_bfloat16_training_converges(ex):
    from sklearn.datasets import load_digits

    digits = load_digits()
    x = torch.tensor(digits.data[:256], dtype=torch.float32) / 16
    y = torch.tensor(digits.target[:256])
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(64, 32), nn.ReLU(), nn.Linear(32, 10))
    opt = torch.optim.Adam(model.parameters(), lr=3e-2)
    first = last = None
    for step in range(60):
        last = ex.amp_train_step(model, (x, y), opt, loss_fn=F.cross_entropy, dtype=torch.bfloat16)
        first = last if first is None else first
    expect_true(last < 0.1, message=f"bfloat16 training on 256 digits: loss {first:.3f} -> {last:.3f} after 60 Adam steps "
                                    "(expected below 0.1)", hint="each call must be a full step: zero_grad, forward, backward, step")


# ---------------------------------------------------------------- autocast_output_dtypes / which_ops_stay_fp32


class Cdist(nn.Module):
    def forward(self, x):
        return torch.cdist(x, x)


class Prod(nn.Module):
    def forward(self, x):
        return x.prod(dim=-1, keepdim=True)


class Block(nn.Module):
    """A block whose leaves cover the autocast categories; ``rnn`` returns a tuple, ``lin`` runs twice."""

    def __init__(self):
        super().__init__()
        self.embed = nn.Linear(6, 8)
        self.rnn = nn.GRU(8, 8, batch_first=True)  # a leaf returning (out, h)
        self.mlp = nn.Sequential(nn.Linear(8, 8), nn.GELU(), nn.LayerNorm(8))
        self.lin = nn.Linear(8, 8)
        self.dist = Cdist()
        self.prod = Prod()
        self.softmax = nn.Softmax(dim=-1)
        self.never = nn.Linear(8, 8)

    def forward(self, x):  # x: (B, T, 6)
        h = self.embed(x)
        h = self.rnn(h)[0]
        h = self.lin(self.lin(self.mlp(h)))
        return self.softmax(self.dist(h)) + self.prod(h)


def by_hand(block: Block, x: torch.Tensor, device_type: str, dtype: torch.dtype) -> dict[str, torch.dtype]:
    """Each leaf's output dtype, computed by calling the leaves one by one under torch.autocast."""
    out = {}
    with torch.no_grad(), torch.autocast(device_type=device_type, dtype=dtype):
        h = block.embed(x)
        out["embed"] = h.dtype
        h = block.rnn(h)[0]
        out["rnn"] = h.dtype
        h = block.mlp[0](h)
        out["mlp.0"] = h.dtype
        h = block.mlp[1](h)
        out["mlp.1"] = h.dtype
        h = block.mlp[2](h)
        out["mlp.2"] = h.dtype
        h1 = block.lin(h)
        out["lin"] = h1.dtype
        h = block.lin(h1)
        d = block.dist(h)
        out["dist"] = d.dtype
        out["softmax"] = block.softmax(d).dtype
        out["prod"] = block.prod(h).dtype
    return out


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("dtype", [torch.bfloat16, torch.float16], ids=["bf16", "fp16"])
def test_autocast_output_dtypes_match_torch(ex, device, dtype):
    torch.manual_seed(0)
    block = Block().to(device)
    x = torch.randn(2, 3, 6, device=device)
    device_type = torch.device(device).type
    expected = by_hand(block, x, device_type, dtype)
    got = ex.autocast_output_dtypes(block, x, device=device, dtype=dtype)
    expect_equal(dict(got) if isinstance(got, dict) else got, expected,
                 call=f"autocast_output_dtypes(<Block>, x, device={device!r}, dtype={dtype})",
                 hint="hook every leaf module, run the forward under torch.autocast, record each leaf's first output "
                      "dtype (the first element for a tuple); leaves that never run are absent")
    expect_equal(list(got), ["embed", "rnn", "mlp.0", "mlp.1", "mlp.2", "lin", "dist", "softmax", "prod"],
                 call="the order of autocast_output_dtypes(...)", hint="insert names in the order the calls finish")
    leftovers = [n for n, m in block.named_modules() if m._forward_hooks]
    expect_equal(leftovers, [], call="modules still holding hooks afterwards")
    expect_true(not torch.is_autocast_enabled(device_type), message="autocast is still enabled after autocast_output_dtypes")


def test_autocast_policy_facts_on_cpu(ex):
    """Facts of the CPU bfloat16 policy that do not change between releases."""
    torch.manual_seed(0)
    got = ex.autocast_output_dtypes(Block(), torch.randn(2, 3, 6))
    expect_equal(got.get("embed"), torch.bfloat16, call="autocast_output_dtypes(...)['embed'] (an nn.Linear)",
                 hint="linear/matmul are on autocast's lower-precision list")
    expect_equal(got.get("dist"), torch.float32, call="autocast_output_dtypes(...)['dist'] (torch.cdist)",
                 hint="cdist is on the CPU float32 list")


def test_which_ops_stay_fp32(ex):
    torch.manual_seed(0)
    block = Block()
    x = torch.randn(2, 3, 6)
    dtypes = by_hand(block, x, "cpu", torch.bfloat16)
    expected = [name for name, dt in dtypes.items() if dt == torch.float32]
    got = ex.which_ops_stay_fp32(block, x)
    expect_equal(got, expected, call="which_ops_stay_fp32(<Block>, x)",
                 hint="the names whose autocast output dtype is torch.float32, in call order")
    expect_true("dist" in got and "embed" not in got, message=f"which_ops_stay_fp32 gave {got}: cdist should stay float32, "
                "an nn.Linear should not")


# ---------------------------------------------------------------- sequential_sum / kahan_sum


def test_sequential_sum_float16_matches_numpy(ex):
    g = torch.Generator().manual_seed(0)
    values = torch.rand(3000, generator=g) * 0.01
    got = ex.sequential_sum(values, dtype=torch.float16)
    expected = np.cumsum(values.numpy().astype(np.float16), dtype=np.float16)[-1]  # one float16 rounding per step
    expect_equal(got.dtype, torch.float16, call="sequential_sum(values, dtype=torch.float16).dtype")
    expect_equal(got.item(), float(expected), call="sequential_sum(<3000 values in [0, 0.01)>, dtype=torch.float16)",
                 hint="accumulate in a 0-d float16 tensor, one addition at a time; .sum() accumulates in float32")


@pytest.mark.parametrize(
    "dtype,n,expected",
    [
        (torch.float16, 4000, 0.25),  # spacing above 0.25 is 2**-12 = 2.4e-4 > 2 * 1e-4
        (torch.bfloat16, 4000, 0.03125),  # spacing above 2**-5 is 2**-12 as well
        (torch.float16, 1000, None),  # below the stall: about 0.1
    ],
)
def test_sequential_sum_stalls_where_the_spacing_exceeds_twice_the_term(ex, dtype, n, expected):
    values = torch.full((n,), 1e-4)
    got = ex.sequential_sum(values, dtype=dtype)
    call = f"sequential_sum(torch.full(({n},), 1e-4), dtype={dtype})"
    if expected is None:
        expect_float(got.item(), n * 1e-4, call=call, rel=0.25, hint="before the stall the sum still grows")
    else:
        expect_float(got.item(), expected, call=call, rel=0, abs=0,
                     hint=f"the running sum gets stuck at {expected}: adding 1e-4 rounds back to the same number")


def test_sequential_sum_float32_and_edges(ex):
    expect_float(ex.sequential_sum(torch.full((4000,), 1e-4), dtype=torch.float32).item(), 0.4,
                 call="sequential_sum(torch.full((4000,), 1e-4), dtype=torch.float32)", rel=1e-4)
    empty = ex.sequential_sum(torch.empty(0), dtype=torch.float16)
    expect_true(isinstance(empty, torch.Tensor) and empty.shape == () and empty.dtype == torch.float16 and empty.item() == 0,
                message=f"sequential_sum(torch.empty(0), dtype=torch.float16) gave {empty!r}, expected a 0-d float16 zero")
    one = ex.sequential_sum(torch.tensor([0.1]), dtype=torch.float16)
    expect_equal(one.item(), torch.tensor(0.1, dtype=torch.float16).item(), call="sequential_sum(torch.tensor([0.1]), dtype=float16)",
                 hint="convert the values to dtype first")
    mixed = ex.sequential_sum(torch.tensor([3.0, -1.5, -1.5, 2.0]), dtype=torch.bfloat16)
    expect_equal(mixed.item(), 2.0, call="sequential_sum(torch.tensor([3.0, -1.5, -1.5, 2.0]), dtype=bfloat16)")


@pytest.mark.parametrize("dtype,eps", [(torch.float16, 2.0**-11), (torch.bfloat16, 2.0**-8)], ids=["fp16", "bf16"])
@pytest.mark.parametrize("case", ["constant", "uniform", "mixed_sign"])
def test_kahan_sum_is_within_two_roundings_of_fsum(ex, dtype, eps, case):
    g = torch.Generator().manual_seed(7)
    values = {
        "constant": torch.full((3000,), 1e-4),
        "uniform": torch.rand(3000, generator=g) * 0.01,
        "mixed_sign": torch.rand(3000, generator=g) * 0.01 - 0.003,
    }[case].to(dtype)
    exact = math.fsum(values.double().tolist())  # the exact sum of the rounded terms
    got = ex.kahan_sum(values, dtype=dtype)
    expect_equal(got.dtype, dtype, call=f"kahan_sum(<{case}>, dtype={dtype}).dtype")
    abs_sum = math.fsum(abs(v) for v in values.double().tolist())
    tol = 2 * eps * abs(exact) + 3000 * eps * eps * abs_sum
    expect_float(got.item(), exact, call=f"kahan_sum(<3000 {case} values>, dtype={dtype})", rel=0, abs=tol,
                 hint="y = v - c; t = s + y; c = (t - s) - y; s = t, every step a 0-d tensor of dtype")
    naive_error = abs(ex.sequential_sum(values, dtype=dtype).item() - exact)
    expect_true(abs(got.item() - exact) <= naive_error,
                message=f"kahan_sum(<{case}>) is further from the exact sum than sequential_sum")


def test_kahan_sum_edges(ex):
    empty = ex.kahan_sum(torch.empty(0), dtype=torch.bfloat16)
    expect_true(isinstance(empty, torch.Tensor) and empty.shape == () and empty.dtype == torch.bfloat16 and empty.item() == 0,
                message=f"kahan_sum(torch.empty(0), dtype=torch.bfloat16) gave {empty!r}, expected a 0-d bfloat16 zero")
    one = ex.kahan_sum(torch.tensor([0.1]), dtype=torch.float16)
    expect_equal(one.item(), torch.tensor(0.1, dtype=torch.float16).item(), call="kahan_sum(torch.tensor([0.1]), dtype=float16)")
