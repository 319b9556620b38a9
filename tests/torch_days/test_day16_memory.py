"""Grading torch-16: activation_bytes, largest_batch_that_fits, accumulated_step.

Oracles: bytes computed by hand from the layer shapes (written out in each
case), a linear scan over batch sizes for the search, and one plain
optimizer step on the whole batch (torch.optim on a deep copy) for the
accumulated step, compared parameter by parameter.
"""

from __future__ import annotations

import copy

import pytest
import torch
import torch.nn.functional as F
from torch import nn

from curriculum.grading.testing import device_params, expect_close, expect_equal, expect_float, expect_raises, expect_true

pytestmark = pytest.mark.exercise("torch-16")

DEVICES = device_params()


class Twice(nn.Module):
    def __init__(self):
        super().__init__()
        self.lin = nn.Linear(6, 6)

    def forward(self, x):
        return self.lin(self.lin(x))


class LastStep(nn.Module):
    def forward(self, pair):
        out, _ = pair
        return out[:, -1]


class NoLeafCalled(nn.Module):
    def __init__(self):
        super().__init__()
        self.unused = nn.Linear(3, 3)

    def forward(self, x):
        return x * 2


# (label, model builder, input shape, input dtype, expected bytes written out by hand)
BYTE_CASES = [
    ("mlp_batch32", lambda: nn.Sequential(nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 10)), (32, 784), torch.float32,
     (32 * 256 + 32 * 256 + 32 * 10) * 4),
    ("mlp_batch1", lambda: nn.Sequential(nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 10)), (1, 784), torch.float32,
     (256 + 256 + 10) * 4),
    ("mlp_batch0", lambda: nn.Sequential(nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 10)), (0, 784), torch.float32, 0),
    ("nested_containers", lambda: nn.Sequential(nn.Sequential(nn.Linear(8, 16), nn.GELU()), nn.Sequential(nn.Linear(16, 4))),
     (5, 8), torch.float32, (5 * 16 + 5 * 16 + 5 * 4) * 4),
    ("float64", lambda: nn.Sequential(nn.Linear(10, 20), nn.Tanh()).double(), (3, 10), torch.float64, (3 * 20 * 2) * 8),
    ("bfloat16", lambda: nn.Sequential(nn.Linear(10, 20), nn.ReLU()).to(torch.bfloat16), (4, 10), torch.bfloat16,
     (4 * 20 * 2) * 2),
    ("reused_module", lambda: Twice(), (7, 6), torch.float32, (7 * 6 * 2) * 4),
    ("lstm_tuple_output", lambda: nn.Sequential(nn.LSTM(4, 5, batch_first=True), LastStep()), (2, 3, 4), torch.float32,
     # LSTM returns out (2, 3, 5) and (h, c), each (1, 2, 5); LastStep returns (2, 5)
     (2 * 3 * 5 + 2 * (1 * 2 * 5) + 2 * 5) * 4),
    ("embedding_long_input", lambda: nn.Sequential(nn.Embedding(100, 8), nn.Flatten(), nn.Linear(24, 2)), (4, 3), torch.long,
     (4 * 3 * 8 + 4 * 24 + 4 * 2) * 4),
    ("no_leaf_called", lambda: NoLeafCalled(), (2, 3), torch.float32, 0),
    ("conv", lambda: nn.Sequential(nn.Conv2d(1, 4, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2)), (2, 1, 8, 8), torch.float32,
     (2 * 4 * 8 * 8 * 2 + 2 * 4 * 4 * 4) * 4),
]


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("label,build,shape,dtype,expected", BYTE_CASES, ids=[c[0] for c in BYTE_CASES])
def test_activation_bytes_matches_hand_computed(ex, device, label, build, shape, dtype, expected):
    torch.manual_seed(0)
    model = build().to(device)
    got = ex.activation_bytes(model, shape, dtype=dtype)
    expect_equal(got, expected, call=f"activation_bytes(<{label}>, {shape}, dtype={dtype})",
                 hint="hook the LEAF modules only (containers would count every activation twice), add numel() * "
                      "element_size() of every tensor in each output (tuples too), and count each call")
    expect_true(type(got) is int, message=f"activation_bytes returned a {type(got).__name__}, expected int")
    leftovers = [n for n, m in model.named_modules() if m._forward_hooks]
    expect_equal(leftovers, [], call=f"modules still holding hooks after activation_bytes(<{label}>)",
                 hint="remove every handle in a finally block")


def test_activation_bytes_grows_linearly_with_the_batch(ex):
    model = nn.Sequential(nn.Linear(20, 30), nn.ReLU(), nn.Linear(30, 5))
    per_sample = (30 + 30 + 5) * 4
    for b in (1, 2, 7, 64):
        expect_equal(ex.activation_bytes(model, (b, 20)), b * per_sample, call=f"activation_bytes(mlp, ({b}, 20))",
                     hint="activations scale with the batch size: b * (30 + 30 + 5) * 4 bytes")


# ---------------------------------------------------------------- largest_batch_that_fits


def linear_scan(cost, budget, max_batch):
    best = 0
    for b in range(1, max_batch + 1):
        if cost(b) <= budget:
            best = b
        else:
            break
    return best


class CountingCost:
    def __init__(self, fn, max_batch):
        self.fn, self.max_batch, self.calls = fn, max_batch, []

    def __call__(self, b):
        self.calls.append(b)
        return self.fn(b)


COSTS = {
    "affine": lambda b: 100 + 30 * b,
    "steps_of_8": lambda b: 1000 * ((b + 7) // 8),  # an allocator that rounds up to 8 samples
    "quadratic": lambda b: b * b,  # attention-like growth
}


@pytest.mark.parametrize("name", list(COSTS))
@pytest.mark.parametrize("budget", [0, 99, 130, 131, 1000, 1024, 4096, 4097, 30_000, 10**9])
def test_largest_batch_matches_a_linear_scan(ex, name, budget):
    max_batch = 5000
    cost = CountingCost(COSTS[name], max_batch)
    got = ex.largest_batch_that_fits(nn.Identity(), (), budget, cost=cost, max_batch=max_batch)
    expected = linear_scan(COSTS[name], budget, max_batch)
    expect_equal(got, expected, call=f"largest_batch_that_fits(..., budget_bytes={budget}, cost=<{name}>, max_batch={max_batch})",
                 hint="largest b with cost(b) <= budget (a cost equal to the budget fits); 0 if even b=1 does not fit")
    out_of_range = [b for b in cost.calls if not 1 <= b <= max_batch]
    expect_equal(out_of_range, [], call="batch sizes outside [1, max_batch] passed to cost",
                 hint="never ask for b=0 or b > max_batch")
    limit = 2 * max(expected, 1).bit_length() + 2
    expect_true(len(cost.calls) <= limit,
                message=f"largest_batch_that_fits called cost {len(cost.calls)} times for an answer of {expected} "
                        f"(at most {limit} expected): {cost.calls[:12]}...",
                hint="double b until it no longer fits, then binary-search between the last fit and the first miss")


@pytest.mark.parametrize("answer", [1, 2, 3, 31, 32, 33, 1000])
def test_largest_batch_exact_answers(ex, answer):
    budget = 7 * answer
    got = ex.largest_batch_that_fits(nn.Identity(), (), budget, cost=lambda b: 7 * b, max_batch=10**6)
    expect_equal(got, answer, call=f"largest_batch_that_fits(..., budget_bytes={budget}, cost=lambda b: 7 * b)")


@pytest.mark.parametrize("max_batch", [1, 5, 64, 100])
def test_largest_batch_respects_max_batch(ex, max_batch):
    cost = CountingCost(lambda b: b, max_batch)
    got = ex.largest_batch_that_fits(nn.Identity(), (), 10**9, cost=cost, max_batch=max_batch)
    expect_equal(got, max_batch, call=f"largest_batch_that_fits(..., huge budget, max_batch={max_batch})",
                 hint="when everything fits, the answer is max_batch itself")
    expect_true(max(cost.calls) <= max_batch, message=f"cost was called with {max(cost.calls)} > max_batch={max_batch}",
                hint="clamp the doubling at max_batch")


def test_largest_batch_default_cost_uses_parameters_and_activations(ex):
    mlp = nn.Sequential(nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 10))
    params = (784 * 256 + 256 + 256 * 10 + 10) * 4
    per_sample = (256 + 256 + 10) * 4
    for b in (1, 7, 100):
        budget = params + b * per_sample
        got = ex.largest_batch_that_fits(mlp, (784,), budget)
        expect_equal(got, b, call=f"largest_batch_that_fits(mlp, (784,), params + {b} * per-sample activations)",
                     hint="the default cost is parameter_bytes(model) + activation_bytes(model, (b, *sample_shape))")
    expect_equal(ex.largest_batch_that_fits(mlp, (784,), params - 1), 0,
                 call="largest_batch_that_fits(mlp, (784,), less than the parameters)")


@pytest.mark.parametrize("budget,max_batch", [(-1, 10), (10, 0), (10, -3)])
def test_largest_batch_rejects_bad_arguments(ex, budget, max_batch):
    expect_raises(ValueError, ex.largest_batch_that_fits, nn.Identity(), (), budget, cost=lambda b: b, max_batch=max_batch,
                  call=f"largest_batch_that_fits(..., budget_bytes={budget}, max_batch={max_batch})")


# ---------------------------------------------------------------- accumulated_step


def _regression(seed: int, n: int):
    g = torch.Generator().manual_seed(seed)
    return torch.randn(n, 6, generator=g, dtype=torch.float64), torch.randn(n, 2, generator=g, dtype=torch.float64)


OPTIMIZERS = {
    "sgd": lambda params: torch.optim.SGD(params, lr=0.1),
    "sgd_momentum": lambda params: torch.optim.SGD(params, lr=0.05, momentum=0.9),
    "adamw": lambda params: torch.optim.AdamW(params, lr=1e-2, weight_decay=0.1),
}


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("opt_name", list(OPTIMIZERS))
@pytest.mark.parametrize("n,k", [(10, 1), (10, 3), (10, 10), (12, 4), (7, 2)])
def test_accumulated_step_equals_one_full_batch_step(ex, device, opt_name, n, k):
    if device == "mps":
        pytest.skip("float64 is not supported on MPS")
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(6, 5), nn.Tanh(), nn.Linear(5, 2)).double().to(device)
    x, y = (t.to(device) for t in _regression(1, n))
    # two steps, so that momentum and Adam's moments are exercised
    reference = copy.deepcopy(model)
    ref_opt = OPTIMIZERS[opt_name](reference.parameters())
    opt = OPTIMIZERS[opt_name](model.parameters())
    for step in range(2):
        ref_opt.zero_grad()
        ref_loss = F.mse_loss(reference(x), y)
        ref_loss.backward()
        ref_opt.step()
        got = ex.accumulated_step(model, (x, y), k, loss_fn=F.mse_loss, optimizer=opt)
        call = f"accumulated_step(model, (x[{n}], y[{n}]), {k}, loss_fn=F.mse_loss, optimizer=<{opt_name}>) step {step + 1}"
        expect_float(got, ref_loss.item(), call=call, rel=1e-9, abs=1e-12,
                     hint="return the mean loss over the whole batch: the sum of each piece's loss * n_i / N")
        for (name, p), q in zip(model.named_parameters(), reference.parameters()):
            expect_close(p.detach(), q.detach(), what=f"{call}: parameter {name}", rtol=1e-9, atol=1e-12,
                         hint="weight each piece's mean loss by n_i / N (not 1 / k), backward each piece, step once")


def test_accumulated_step_clears_stale_gradients_and_steps_once(ex):
    torch.manual_seed(0)
    model = nn.Linear(6, 2).double()
    x, y = _regression(2, 9)
    for p in model.parameters():
        p.grad = torch.full_like(p, 100.0)  # left over from somewhere else
    reference = copy.deepcopy(model)
    ref_opt = torch.optim.SGD(reference.parameters(), lr=0.1)
    ref_opt.zero_grad()
    F.mse_loss(reference(x), y).backward()
    ref_opt.step()

    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    steps, forwards = [], []
    handle_step = opt.register_step_pre_hook(lambda *a: steps.append(1))
    handle_fwd = model.register_forward_hook(lambda m, i, o: forwards.append(i[0].shape[0]))
    ex.accumulated_step(model, (x, y), 3, loss_fn=F.mse_loss, optimizer=opt)
    handle_step.remove()
    handle_fwd.remove()
    expect_equal(len(steps), 1, call="optimizer.step() calls in accumulated_step(..., micro_batches=3)",
                 hint="accumulate all pieces, then step once")
    expect_equal(forwards, [3, 3, 3], call="forward passes (piece sizes) in accumulated_step(x[9], micro_batches=3)",
                 hint="one forward per piece: x.tensor_split(micro_batches)")
    for (name, p), q in zip(model.named_parameters(), reference.parameters()):
        expect_close(p.detach(), q.detach(), what=f"parameter {name} after a step with stale gradients", rtol=1e-9, atol=1e-12,
                     hint="call optimizer.zero_grad() first")


def test_accumulated_step_uneven_piece_sizes(ex):
    model = nn.Linear(6, 2).double()
    sizes = []
    handle = model.register_forward_hook(lambda m, i, o: sizes.append(i[0].shape[0]))
    x, y = _regression(3, 10)
    ex.accumulated_step(model, (x, y), 3, loss_fn=F.mse_loss, optimizer=torch.optim.SGD(model.parameters(), lr=0.1))
    handle.remove()
    expect_equal(sizes, [4, 3, 3], call="piece sizes for 10 samples in 3 micro-batches",
                 hint="torch.tensor_split: sizes differ by at most one, the larger ones first")


@pytest.mark.parametrize("k", [0, -1, 11])
def test_accumulated_step_rejects_bad_counts(ex, k):
    model = nn.Linear(6, 2).double()
    x, y = _regression(4, 10)
    expect_raises(ValueError, ex.accumulated_step, model, (x, y), k, loss_fn=F.mse_loss,
                  optimizer=torch.optim.SGD(model.parameters(), lr=0.1),
                  call=f"accumulated_step(model, (x[10], y[10]), {k}, ...)", hint="need 1 <= micro_batches <= N")


def test_accumulated_step_rejects_mismatched_batch(ex):
    model = nn.Linear(6, 2).double()
    x, y = _regression(5, 10)
    expect_raises(ValueError, ex.accumulated_step, model, (x, y[:8]), 2, loss_fn=F.mse_loss,
                  optimizer=torch.optim.SGD(model.parameters(), lr=0.1),
                  call="accumulated_step(model, (x[10], y[8]), 2, ...)")
