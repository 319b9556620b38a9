"""Grading cs336-12: cross_entropy.

Oracle: ``F.cross_entropy`` on the flattened tensors (values and gradients
via autograd), and hand-worked values (log 2, log vocab, 2e4) for the
stability cases.
"""

from __future__ import annotations

import math

import pytest
import torch
import torch.nn.functional as F

from curriculum.grading.testing import device_params, expect_close, expect_raises, expect_true

pytestmark = pytest.mark.exercise("cs336-12")

DEVICES = device_params()
TOL = {torch.float64: 1e-12, torch.float32: 1e-5}


def skip_float64_on_mps(device: str, dtype: torch.dtype) -> None:
    if device == "mps" and dtype == torch.float64:
        pytest.skip("MPS has no float64")


def oracle(logits: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
    return F.cross_entropy(logits.reshape(-1, logits.shape[-1]), targets.reshape(-1))


# (leading dims, vocab, logit scale)
CASES = [((), 7, 1.0), ((5,), 11, 1.0), ((2, 3), 13, 3.0), ((4, 8), 50, 10.0), ((3,), 1, 1.0)]


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("dtype", [torch.float64, torch.float32], ids=["float64", "float32"])
@pytest.mark.parametrize("lead,vocab,scale", CASES, ids=lambda c: str(c))
def test_cross_entropy_matches_the_builtin_values_and_gradients(ex, device, dtype, lead, vocab, scale):
    skip_float64_on_mps(device, dtype)
    g = torch.Generator().manual_seed(12)
    logits = (torch.randn(*lead, vocab, generator=g, dtype=torch.float64) * scale).to(dtype).to(device)
    targets = torch.randint(0, vocab, lead, generator=g).to(device)
    call = f"cross_entropy(logits {(*lead, vocab)} {dtype}, targets {lead})"
    mine = logits.clone().requires_grad_(True)
    theirs = logits.clone().requires_grad_(True)
    got = ex.cross_entropy(mine, targets)
    want = oracle(theirs, targets)
    tol = TOL[dtype]
    expect_close(got, want, what=call, rtol=tol, atol=tol,
                 hint="loss = mean over positions of logsumexp(logits) - logits[target]; return a 0-d tensor")
    got.backward()
    want.backward()
    expect_true(mine.grad is not None, message=f"{call}: no gradient reached logits",
                hint="build the loss from differentiable torch ops; only the row max may be detached")
    expect_close(mine.grad, theirs.grad, what=f"logits.grad after {call}", rtol=tol, atol=tol,
                 hint="the gradient is (softmax - one_hot) / N: average over all positions, do not sum")


@pytest.mark.parametrize("device", DEVICES)
def test_cross_entropy_is_stable_for_huge_logits_in_float32(ex, device):
    # rows: target has the huge logit (loss 0); target has the tiny one (loss 2e4); a tie (loss log 2)
    logits = torch.tensor([[1e4, -1e4], [1e4, -1e4], [1e4, 1e4]], device=device).requires_grad_(True)
    targets = torch.tensor([0, 1, 0], device=device)
    call = "cross_entropy([[1e4, -1e4], [1e4, -1e4], [1e4, 1e4]], targets=[0, 1, 0]) in float32"
    got = ex.cross_entropy(logits, targets)
    expect_true(bool(torch.isfinite(got)), message=f"{call} returned {got}",
                hint="exp(1e4) is inf in float32: subtract each row's max before exp; never take log(softmax) of a 0")
    want = torch.tensor((0.0 + 2e4 + math.log(2.0)) / 3, device=device)
    expect_close(got.detach(), want, what=call, rtol=1e-6, atol=1e-3,
                 hint="per row: logsumexp - target logit = 0, 2e4, log 2; then the mean")
    got.backward()
    expect_true(bool(torch.isfinite(logits.grad).all()), message=f"{call}: the gradient has inf or NaN: {logits.grad}")
    want_grad = torch.tensor([[0.0, 0.0], [1.0, -1.0], [-0.5, 0.5]], device=device) / 3
    expect_close(logits.grad, want_grad, what=f"logits.grad after {call}", rtol=1e-6, atol=1e-6,
                 hint="(softmax - one_hot) / N")


@pytest.mark.parametrize("device", DEVICES)
def test_cross_entropy_of_uniform_logits_is_log_vocab(ex, device):
    logits = torch.zeros(2, 3, 1000, dtype=torch.float64, device=device)
    targets = torch.arange(6, device=device).reshape(2, 3) * 100
    got = ex.cross_entropy(logits, targets)
    expect_close(got, torch.tensor(math.log(1000.0), dtype=torch.float64, device=device),
                 what="cross_entropy(zeros (2, 3, 1000), targets)", rtol=1e-12, atol=1e-12,
                 hint="a uniform guess over V tokens costs log V nats per token")


def test_cross_entropy_writes_its_own_log_sum_exp(ex, monkeypatch):
    def forbidden(*args, **kwargs):
        raise AssertionError("cross_entropy called a built-in loss / log_softmax / logsumexp; write the formula yourself")

    for owner, name in ((F, "cross_entropy"), (F, "nll_loss"), (F, "log_softmax"), (torch, "log_softmax"),
                        (torch, "logsumexp"), (torch.Tensor, "log_softmax"), (torch.Tensor, "logsumexp"),
                        (torch.special, "log_softmax"), (torch.special, "logsumexp")):
        monkeypatch.setattr(owner, name, forbidden)
    g = torch.Generator().manual_seed(3)
    logits = torch.randn(4, 6, generator=g, dtype=torch.float64)
    targets = torch.tensor([0, 5, 2, 2])
    got = ex.cross_entropy(logits, targets)
    monkeypatch.undo()
    expect_close(got, oracle(logits, targets), what="cross_entropy(logits (4, 6), targets)", rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize(
    "targets,error",
    [
        (torch.tensor([0.0, 1.0, 2.0]), TypeError),
        (torch.tensor([True, False, True]), TypeError),
        (torch.tensor([0, 1]), ValueError),
        (torch.tensor([[0, 1, 2]]), ValueError),
        (torch.tensor([0, 4, 1]), ValueError),
        (torch.tensor([0, -1, 1]), ValueError),
    ],
    ids=["float-targets", "bool-targets", "too-few", "extra-dim", "id-too-large", "negative-id"],
)
def test_cross_entropy_rejects_bad_targets(ex, targets, error):
    logits = torch.zeros(3, 4)
    expect_raises(error, ex.cross_entropy, logits, targets,
                  call=f"cross_entropy(logits (3, 4), targets={targets.tolist()} {targets.dtype})",
                  hint="targets: integer dtype, shape logits.shape[:-1], ids in [0, vocab)")


def test_cross_entropy_rejects_zero_positions(ex):
    expect_raises(ValueError, ex.cross_entropy, torch.zeros(0, 5), torch.zeros(0, dtype=torch.long),
                  call="cross_entropy(logits (0, 5), targets (0,))",
                  hint="the mean of no positions is undefined (F.cross_entropy returns nan)")
