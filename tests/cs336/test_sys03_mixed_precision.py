"""Grading sys-03: low-precision accumulation and what torch.autocast runs in which dtype.

Oracles: numpy's float32 / float16 arithmetic, with bfloat16 emulated by
rounding float32 bit patterns to their upper 16 bits (round to nearest even);
hand-known values of summing 0.01 a thousand times; torch.autocast's
documented behaviour (matmuls in the low dtype; on CPU ``cross_entropy`` /
``log_softmax`` in float32; parameters and gradients stay float32).
"""

from __future__ import annotations

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from torch import nn

from cs336.solutions.cross_entropy import cross_entropy
from cs336.solutions.transformer_lm import TransformerLM
from curriculum.grading.testing import device_params, expect_equal, expect_float, expect_raises, expect_true

pytestmark = pytest.mark.exercise("sys-03")

DEVICES = device_params()
F32, F16, BF16 = torch.float32, torch.float16, torch.bfloat16
DTYPES = [F32, F16, BF16]

# ---------------------------------------------------------------- accumulation


def round_to_bf16(x) -> np.float32:
    """Round a float32 to the nearest bfloat16 (ties to even), returned as a float32."""
    bits = int(np.array(x, dtype=np.float32).view(np.uint32))
    bits = (bits + 0x7FFF + ((bits >> 16) & 1)) & 0xFFFF0000
    return np.array(bits, dtype=np.uint32).view(np.float32)[()]


ROUND = {F32: np.float32, F16: lambda v: np.float32(np.float16(np.float32(v))), BF16: round_to_bf16}


def numpy_accumulate(value, n, dtype, acc_dtype):
    """Each add computed in float32 (exact for these magnitudes) and rounded to the accumulator's format."""
    x = ROUND[dtype](np.float32(value))
    acc = np.float32(0.0)
    for _ in range(n):
        acc = ROUND[acc_dtype](np.float32(acc) + np.float32(x))
    return float(acc)


KNOWN = [  # summing 0.01 a thousand times: the numbers every mixed-precision talk shows
    (F32, None, 10.000133514404297),
    (F16, None, 9.953125),
    (BF16, None, 4.0),
    (F16, F32, 10.00213623046875),
    (BF16, F32, 10.009765625),
]


@pytest.mark.parametrize("dtype,acc,want", KNOWN, ids=lambda v: str(v).replace("torch.", ""))
def test_accumulate_known_values(ex, dtype, acc, want):
    expect_float(ex.accumulate(0.01, 1000, dtype=dtype, accumulator_dtype=acc), want, rel=0, abs=0,
                 call=f"accumulate(0.01, 1000, dtype={dtype}, accumulator_dtype={acc})",
                 hint="add one at a time into a 0-d accumulator tensor; a reduction like torch.sum accumulates in float32")


@pytest.mark.parametrize("value", [0.01, -0.3, 1 / 3], ids=["0.01", "-0.3", "1/3"])
@pytest.mark.parametrize("acc", DTYPES, ids=lambda d: "acc-" + str(d).replace("torch.", ""))
@pytest.mark.parametrize("dtype", DTYPES, ids=lambda d: str(d).replace("torch.", ""))
def test_accumulate_matches_numpy(ex, dtype, acc, value):
    n = 300
    expect_float(ex.accumulate(value, n, dtype=dtype, accumulator_dtype=acc), numpy_accumulate(value, n, dtype, acc),
                 rel=0, abs=0, call=f"accumulate({value!r}, {n}, dtype={dtype}, accumulator_dtype={acc})",
                 hint="the addend is rounded to dtype once; every partial sum is rounded to the accumulator dtype")


@pytest.mark.parametrize("dtype", DTYPES, ids=lambda d: str(d).replace("torch.", ""))
def test_accumulate_zero_and_one_step(ex, dtype):
    expect_float(ex.accumulate(0.01, 0, dtype=dtype), 0.0, rel=0, abs=0, call=f"accumulate(0.01, 0, dtype={dtype})")
    expect_float(ex.accumulate(0.01, 1, dtype=dtype), float(ROUND[dtype](np.float32(0.01))), rel=0, abs=0,
                 call=f"accumulate(0.01, 1, dtype={dtype})", hint="one add: 0.01 rounded to dtype")


def test_accumulate_rejects_negative_n(ex):
    expect_raises(ValueError, ex.accumulate, 0.01, -1, dtype=F32, call="accumulate(0.01, -1, dtype=torch.float32)")


# ---------------------------------------------------------------- the dispatch-mode recorder


def test_recorder_sees_matmul_add_and_tuple_outputs(ex):
    a = torch.ones(2, 3, dtype=BF16)
    b = torch.ones(3, 2, dtype=BF16)
    with ex.OutputDtypeRecorder() as rec:
        c = a @ b
        k = torch.tensor([1, 2]) + 3
        values, idx = torch.max(torch.tensor([[1.0, 5.0], [7.0, 2.0]]), dim=0)
        s = torch.ones(2) + torch.ones(2)
        s16 = torch.ones(2, dtype=BF16) + 1
    got = {op: rec.dtypes.get(op) for op in ("aten.mm", "aten.max", "aten.add")}
    want = {"aten.mm": {BF16}, "aten.max": {F32, torch.int64}, "aten.add": {torch.int64, F32, BF16}}
    expect_equal(got, want, call="OutputDtypeRecorder().dtypes after a bf16 matmul, an int add, torch.max(x, dim=0), a float32 and a bf16 add",
                 hint="key by str(func.overloadpacket); record every tensor of a tuple result; keep a set per operator")
    expect_equal([c.dtype, k.tolist(), values.tolist(), idx.tolist(), s.tolist(), s16.dtype],
                 [BF16, [4, 5], [7.0, 5.0], [1, 0], [2.0, 2.0], BF16],
                 call="results computed while recording", hint="return func(*args, **kwargs) unchanged")


# ---------------------------------------------------------------- autocast on a model


def mlp_workload(device):
    torch.manual_seed(0)
    net = nn.Sequential(nn.Linear(8, 16), nn.ReLU(), nn.Linear(16, 5)).to(device)
    x = torch.randn(4, 8, device=device)
    y = torch.tensor([0, 1, 2, 3], device=device)
    return net, x, y


@pytest.mark.parametrize("device", DEVICES)
def test_autocast_report_on_linear_layers(ex, device):
    net, x, y = mlp_workload(device)
    report = ex.autocast_report(net, x, y, F.cross_entropy, dtype=BF16)
    call = f"autocast_report(Linear-ReLU-Linear on {device}, F.cross_entropy, dtype=bfloat16)"
    ops = report.op_output_dtypes
    expect_equal(ops.get("aten.addmm"), {BF16}, call=f"{call}.op_output_dtypes['aten.addmm']",
                 hint="record inside torch.autocast: the linear layers' addmm runs in bfloat16")
    expect_equal(ops.get("aten._log_softmax"), {F32}, call=f"{call}.op_output_dtypes['aten._log_softmax']",
                 hint="autocast runs cross_entropy's log_softmax in float32 (it is on the float32 list)")
    expect_equal((report.logits_dtype, report.loss_dtype), (BF16, F32), call=f"{call}: (logits_dtype, loss_dtype)")
    expect_equal((report.parameter_dtypes, report.gradient_dtypes), ({F32}, {F32}), call=f"{call}: (parameter_dtypes, gradient_dtypes)",
                 hint="autocast casts copies of the weights; parameters and their gradients stay float32")
    backward_ops = sorted({"aten.mm", "aten.threshold_backward"} & set(ops))
    expect_equal(backward_ops, [], call=f"backward operators found in {call}.op_output_dtypes",
                 hint="record the forward and the loss only; call loss.backward() after leaving the recorder")


@pytest.mark.parametrize("device", DEVICES)
def test_autocast_is_off_afterwards_and_grads_are_fresh(ex, device):
    net, x, y = mlp_workload(device)
    for p in net.parameters():
        p.grad = torch.full_like(p, 1e6)
    ex.autocast_report(net, x, y, F.cross_entropy, dtype=BF16)
    expect_true(not torch.is_autocast_enabled(torch.device(device).type),
                message="autocast is still enabled after autocast_report returned", hint="use torch.autocast as a with-block")
    with torch.enable_grad():
        net.zero_grad(set_to_none=True)
        with torch.autocast(device_type=torch.device(device).type, dtype=BF16):
            loss = F.cross_entropy(net(x), y)
        loss.backward()
    want = [p.grad.clone() for p in net.parameters()]
    net2, _, _ = mlp_workload(device)
    for p in net2.parameters():
        p.grad = torch.full_like(p, 1e6)
    ex.autocast_report(net2, x, y, F.cross_entropy, dtype=BF16)
    worst = max(float((p.grad - w).abs().max()) for p, w in zip(net2.parameters(), want))
    expect_true(worst < 1e-3, message=f"gradients differ from one clean autocast step by up to {worst:g}",
                hint="model.zero_grad(set_to_none=True) before the step: old gradients must not be added to")


@pytest.mark.parametrize("device", DEVICES)
def test_autocast_report_on_the_transformer_lm(ex, device):
    torch.manual_seed(0)
    lm = TransformerLM(64, 16, 32, 2, 4, 64, 10000.0, device=device)
    x = torch.randint(0, 64, (2, 16), device=device)
    report = ex.autocast_report(lm, x, x, cross_entropy, dtype=BF16)
    call = f"autocast_report(TransformerLM on {device}, hand-written cross_entropy, dtype=bfloat16)"
    ops = report.op_output_dtypes
    got = {op: ops.get(op) for op in ("aten.mm", "aten.bmm", "aten.pow")}
    expect_equal(got, {"aten.mm": {BF16}, "aten.bmm": {BF16}, "aten.pow": {F32}}, call=f"{call}: dtypes of mm, bmm, pow",
                 hint="linear layers and attention products run in bfloat16; RMSNorm upcasts to float32 before x.pow(2)")
    # CPU autocast leaves exp/log/sum alone, so the hand-written loss stays bf16; CUDA's float32 list has them.
    loss_dtype = BF16 if torch.device(device).type == "cpu" else F32
    expect_equal((report.logits_dtype, report.loss_dtype, report.parameter_dtypes, report.gradient_dtypes),
                 (BF16, loss_dtype, {F32}, {F32}), call=f"{call}: (logits, loss, parameter, gradient dtypes)",
                 hint="report the dtypes autocast really produced: logits.dtype and loss.dtype as computed, "
                      "parameters and gradients from model.parameters() after backward")
