"""Grading torch-19: profile_step and fast_step.

Oracles: ``F.cross_entropy(..., weight=...)`` and its gradients from
``torch.autograd.grad`` (plus the given ``slow_step``), the profiler's own
facts (``aten::mm`` does the work of a matmul; ``aten::linear`` only wraps
``aten::addmm``), and structural counts taken with hooks and patched
methods: forward calls, ``.item()``/``.tolist()``/``.cpu()`` calls, tensors
built from Python data. No test asserts a speed-up: the lesson measures it.
"""

from __future__ import annotations

import pytest
import torch
import torch.nn.functional as F
from torch import nn

from curriculum.grading.testing import device_params, expect_close, expect_equal, expect_raises, expect_true

pytestmark = pytest.mark.exercise("torch-19")

DEVICES = device_params()


def _setup(n: int, seed: int = 0, labels=None):
    g = torch.Generator().manual_seed(seed)
    torch.manual_seed(seed)
    model = nn.Sequential(nn.Linear(16, 24), nn.ReLU(), nn.Linear(24, 10))
    x = torch.randn(n, 16, generator=g)
    y = torch.randint(0, 10, (n,), generator=g) if labels is None else torch.tensor(labels)
    return model, x, y


def _grads(model):
    return [p.grad.detach().clone() for p in model.parameters()]


BATCHES = {
    "one_sample": dict(n=1),
    "every_class": dict(n=20, labels=list(range(10)) * 2),
    "one_class": dict(n=6, labels=[8] * 6),
    "random_64": dict(n=64),
}


# ---------------------------------------------------------------- fast_step: values


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("case", list(BATCHES))
def test_fast_step_matches_weighted_cross_entropy(ex, device, case):
    model, x, y = _setup(**BATCHES[case])
    model, x, y = model.to(device), x.to(device), y.to(device)
    weights = torch.tensor(ex.CLASS_WEIGHTS, device=device)
    logits = model(x)
    want_loss = F.cross_entropy(logits, y, weight=weights)
    want_grads = torch.autograd.grad(want_loss, list(model.parameters()))
    want_acc = (logits.argmax(dim=1) == y).float().mean()

    loss, acc = ex.fast_step(model, x, y)
    call = f"fast_step(model, x, y) on <{case}> ({device})"
    expect_close(loss, want_loss.detach(), what=f"{call} loss", rtol=1e-5, atol=1e-6,
                 hint="F.cross_entropy(logits, y, weight=w) is the weighted mean: sum w[y_i] ce_i / sum w[y_i]")
    expect_close(acc, want_acc, what=f"{call} accuracy", rtol=0, atol=1e-7,
                 hint="(logits.argmax(dim=1) == y).float().mean(), a 0-d float32 tensor")
    expect_true(loss.device.type == device and acc.device.type == device,
                message=f"{call} returned tensors on {loss.device} / {acc.device}, expected {device}",
                hint="keep the results on the device; the caller decides when to copy")
    expect_true(not loss.requires_grad, message=f"{call} returned a loss that still requires grad", hint="return loss.detach()")
    for (name, p), g in zip(model.named_parameters(), want_grads):
        expect_close(p.grad, g, what=f"{call} gradient of {name}", rtol=1e-5, atol=1e-6,
                     hint="clear the gradients, then one loss.backward()")


@pytest.mark.parametrize("case", list(BATCHES))
def test_fast_step_agrees_with_slow_step(ex, case):
    model, x, y = _setup(**BATCHES[case])
    slow_loss, slow_acc = ex.slow_step(model, x, y)
    slow_grads = _grads(model)
    fast_loss, fast_acc = ex.fast_step(model, x, y)
    expect_close(fast_loss, slow_loss, what=f"fast_step vs slow_step loss on <{case}>", rtol=1e-5, atol=1e-6)
    expect_close(fast_acc, slow_acc.float(), what=f"fast_step vs slow_step accuracy on <{case}>", rtol=0, atol=1e-6)
    for (name, p), g in zip(model.named_parameters(), slow_grads):
        expect_close(p.grad, g, what=f"fast_step vs slow_step gradient of {name} on <{case}>", rtol=1e-5, atol=1e-6,
                     hint="fast_step must compute the same weighted loss; stale gradients from slow_step must be cleared")


def test_fast_step_repeated_calls_do_not_accumulate(ex):
    model, x, y = _setup(12)
    ex.fast_step(model, x, y)
    first = _grads(model)
    ex.fast_step(model, x, y)
    for (name, p), g in zip(model.named_parameters(), first):
        expect_close(p.grad, g, what=f"gradient of {name} after the second fast_step call", rtol=1e-6, atol=1e-7,
                     hint="model.zero_grad() (or optimizer.zero_grad()) at the start of every call")


# ---------------------------------------------------------------- fast_step: structure


def test_fast_step_runs_one_forward_pass(ex):
    model, x, y = _setup(32)
    calls = []
    handle = model.register_forward_hook(lambda m, i, o: calls.append(tuple(i[0].shape)))
    for _ in range(3):
        ex.fast_step(model, x, y)
    handle.remove()
    expect_equal(calls, [(32, 16)] * 3, call="model forward calls (input shapes) over 3 fast_step calls on a batch of 32",
                 hint="one batched forward pass per step: no Python loop over the samples")


SYNC_METHODS = ("item", "tolist", "cpu", "numpy", "__bool__", "__int__", "__float__")


def test_fast_step_never_syncs_with_the_host(ex, monkeypatch):
    model, x, y = _setup(32)
    ex.fast_step(model, x, y)  # warm-up: a cache may be filled here
    counts = dict.fromkeys(SYNC_METHODS, 0)
    for name in SYNC_METHODS:
        original = getattr(torch.Tensor, name)

        def counting(self, *args, _name=name, _original=original, **kwargs):
            counts[_name] += 1
            return _original(self, *args, **kwargs)

        monkeypatch.setattr(torch.Tensor, name, counting)
    for _ in range(3):
        ex.fast_step(model, x, y)
    monkeypatch.undo()
    used = {name: n for name, n in counts.items() if n}
    expect_equal(used, {}, call="Tensor.item/.tolist/.cpu/.numpy/bool()/int()/float() calls in 3 fast_step calls",
                 hint="each of these waits for the device and copies to the host; return 0-d tensors instead")


def test_fast_step_does_not_rebuild_the_weights(ex, monkeypatch):
    model, x, y = _setup(32)
    built = []
    for name in ("tensor", "as_tensor", "from_numpy"):
        original = getattr(torch, name)

        def counting(*args, _name=name, _original=original, **kwargs):
            built.append(_name)
            return _original(*args, **kwargs)

        monkeypatch.setattr(torch, name, counting)
    for _ in range(4):
        ex.fast_step(model, x, y)
    monkeypatch.undo()
    expect_true(len(built) <= 1,
                message=f"4 fast_step calls built {len(built)} tensors from Python data ({built})",
                hint="build the class-weight tensor once per device and keep it (a module-level dict keyed by device)")


# ---------------------------------------------------------------- profile_step


A = torch.randn(192, 192, generator=torch.Generator().manual_seed(0))
SMALL = torch.ones(4)


def matmul_heavy():
    for _ in range(4):
        A @ A
    for _ in range(4):
        SMALL + 1


def test_profile_step_finds_the_matmul(ex):
    rows = ex.profile_step(matmul_heavy, top=5)
    expect_true(isinstance(rows, list) and rows and all(isinstance(r, tuple) and len(r) == 2 for r in rows),
                message=f"profile_step should return a non-empty list of (name, microseconds) pairs, got {rows!r}")
    expect_true(all(isinstance(name, str) and isinstance(us, float) for name, us in rows),
                message=f"each row should be (str, float), got {rows!r}", hint="(event.key, float(event.self_cpu_time_total))")
    expect_equal(rows[0][0], "aten::mm", call="profile_step(<four 192x192 matmuls and four tiny adds>)[0][0]",
                 hint="sort prof.key_averages() by self_cpu_time_total, largest first")
    times = [us for _, us in rows]
    expect_equal(times, sorted(times, reverse=True), call="the times of profile_step(...)",
                 hint="largest self time first")
    expect_true(len(rows) <= 5, message=f"profile_step(..., top=5) returned {len(rows)} rows")


def test_profile_step_sorts_by_self_time_not_total_time(ex):
    x = torch.randn(256, 192, generator=torch.Generator().manual_seed(1))
    w = torch.randn(160, 192, generator=torch.Generator().manual_seed(2))
    b = torch.zeros(160)

    def linear_heavy():
        for _ in range(4):
            F.linear(x, w, b)

    names = [name for name, _ in ex.profile_step(linear_heavy, top=100)]
    expect_true("aten::addmm" in names and "aten::linear" in names,
                message=f"profile_step(<F.linear x4>) should list aten::addmm and aten::linear, got {names}")
    expect_true(names.index("aten::addmm") < names.index("aten::linear"),
                message=f"profile_step ranked aten::linear above aten::addmm: {names}",
                hint="aten::linear's TOTAL time contains addmm; sort by self_cpu_time_total so the work shows first")


def test_profile_step_top_bounds(ex):
    everything = ex.profile_step(matmul_heavy, top=1000)
    names = [name for name, _ in everything]
    expect_true({"aten::mm", "aten::add"} <= set(names), message=f"profile_step(..., top=1000) should list every op, got {names}")
    expect_equal(len(names), len(set(names)), call="duplicate names in profile_step(...)",
                 hint="use key_averages(): one row per op name")
    expect_equal(ex.profile_step(matmul_heavy, top=0), [], call="profile_step(fn, top=0)")
    expect_raises(ValueError, ex.profile_step, matmul_heavy, top=-1, call="profile_step(fn, top=-1)")


class Boom(Exception):
    pass


def test_profile_step_propagates_errors_and_stops_the_profiler(ex):
    def explode():
        SMALL + 1
        raise Boom("from fn")

    expect_raises(Boom, ex.profile_step, explode, call="profile_step(<fn that raises>)",
                  hint="let the exception through (the `with profile(...)` block stops the profiler)")
    expect_true(not torch.autograd.profiler._is_profiler_enabled,
                message="the profiler is still running after profile_step raised", hint="use profile(...) as a context manager")
