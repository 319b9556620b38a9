"""Grading sys-01: a benchmarking harness, FLOP and parameter counts, memory accounting.

Oracles: the ``statistics`` module; a fake clock advanced by a fake workload
of known phase durations (no wall-clock thresholds anywhere); an event log
for the order of sync and clock calls; ``sum(p.numel())`` of the real model
and ``torch.utils.flop_counter.FlopCounterMode``; a custom ``autograd.Function``
that saves tensors of known sizes.
"""

from __future__ import annotations

import statistics

import pytest
import torch
from torch import nn
from torch.utils.flop_counter import FlopCounterMode

from cs336.solutions.cross_entropy import cross_entropy
from cs336.solutions.transformer_lm import TransformerLM
from curriculum.grading.testing import device_params, expect_equal, expect_float, expect_raises, expect_true

pytestmark = pytest.mark.exercise("sys-01")

DEVICES = device_params()

# ---------------------------------------------------------------- summarize


@pytest.mark.parametrize("samples", [[5.0], [2.0, 1.0], [3.0, 1.0, 2.0, 10.0], [4.0, 4.0, 4.0], [0.5, 9.0, 0.4, 0.6, 0.5, 0.7, 100.0]])
def test_summarize_matches_statistics(ex, samples):
    s = ex.summarize(samples)
    call = f"summarize({samples})"
    q1, q3 = (samples[0], samples[0]) if len(samples) == 1 else statistics.quantiles(samples, n=4, method="inclusive")[::2]
    expect_equal(tuple(s.samples), tuple(samples), call=f"{call}.samples", hint="keep the samples in the order measured")
    expect_float(s.median, statistics.median(samples), call=f"{call}.median", hint="the median, not the mean")
    expect_float(s.q1, q1, call=f"{call}.q1", hint="statistics.quantiles(samples, n=4, method='inclusive')[0]")
    expect_float(s.q3, q3, call=f"{call}.q3", hint="statistics.quantiles(samples, n=4, method='inclusive')[2]")
    expect_float(s.iqr, q3 - q1, call=f"{call}.iqr")
    expect_float(s.minimum, min(samples), call=f"{call}.minimum")
    expect_float(s.maximum, max(samples), call=f"{call}.maximum")


def test_summarize_rejects_no_samples(ex):
    expect_raises(ValueError, ex.summarize, [], call="summarize([])", hint="a summary of nothing is an error, not 0")


# ---------------------------------------------------------------- make_sync


@pytest.mark.parametrize("device", ["cuda", "cuda:0", torch.device("cuda", 0)], ids=str)
def test_make_sync_synchronizes_cuda(ex, monkeypatch, device):
    calls = []
    monkeypatch.setattr(torch.cuda, "synchronize", lambda *a, **k: calls.append(a))
    sync = ex.make_sync(device)
    expect_equal(len(calls), 0, call=f"make_sync({device!r})", hint="return a function; do not sync while building it")
    sync()
    sync()
    expect_equal(len(calls), 2, call=f"calls to torch.cuda.synchronize after make_sync({device!r}) was called twice",
                 hint="on CUDA the returned function must call torch.cuda.synchronize each time")


@pytest.mark.parametrize("device", ["cpu", torch.device("cpu")], ids=str)
def test_make_sync_is_a_no_op_on_cpu(ex, monkeypatch, device):
    def forbidden(*a, **k):
        raise AssertionError("torch.cuda.synchronize called for a CPU device")

    monkeypatch.setattr(torch.cuda, "synchronize", forbidden)
    sync = ex.make_sync(device)
    expect_true(callable(sync), message=f"make_sync({device!r}) returned {sync!r}, not a function")
    expect_equal(sync(), None, call=f"make_sync({device!r})()", hint="on CPU there is nothing to wait for")


# ---------------------------------------------------------------- time_training_step with a fake clock


class FakeClock:
    """A clock that only moves when the fake workload says so, and logs every read."""

    def __init__(self, log):
        self.t = 0.0
        self.log = log

    def advance(self, seconds):
        self.t += seconds

    def __call__(self):
        self.log.append("clock")
        return self.t


class SlowBackward(torch.autograd.Function):
    """Identity whose backward costs ``cost()`` fake seconds."""

    @staticmethod
    def forward(ctx, x, clock, cost):
        ctx.clock, ctx.cost = clock, cost
        return x.clone()

    @staticmethod
    def backward(ctx, grad):
        ctx.clock.advance(ctx.cost())
        ctx.clock.log.append("backward")
        return grad, None, None


class FakeModel(nn.Module):
    """Forward costs ``costs['forward'][step]``; backward ``costs['backward'][step]`` (fake seconds)."""

    def __init__(self, clock, costs):
        super().__init__()
        self.w = nn.Parameter(torch.ones(3))
        self.clock, self.costs, self.step = clock, costs, -1

    def forward(self, x):
        self.step += 1
        self.clock.advance(self.costs["forward"][self.step])
        self.clock.log.append("forward")
        step = self.step
        return SlowBackward.apply(self.w * x, self.clock, lambda: self.costs["backward"][step])


class FakeSGD(torch.optim.SGD):
    def __init__(self, params, clock, costs, model):
        super().__init__(params, lr=0.0)
        self.clock, self.costs, self.model = clock, costs, model

    def step(self, closure=None):
        self.clock.advance(self.costs["optimizer"][self.model.step])
        self.clock.log.append("step")
        return super().step(closure)


def fake_loss(logits, targets):
    return (logits * targets).sum()


def fake_workload(warmup, repeats):
    """A fake model, optimizer and clock: warm-up phases cost 100/200/300 s, measured step i costs
    1 + i (forward), 10 + 2i (backward) and 0.25 (i + 1) (optimizer) fake seconds."""
    log = []
    clock = FakeClock(log)
    n = warmup + repeats
    costs = {
        "forward": [100.0] * warmup + [1.0 + i for i in range(repeats)],
        "backward": [200.0] * warmup + [10.0 + 2 * i for i in range(repeats)],
        "optimizer": [300.0] * warmup + [0.25 * (i + 1) for i in range(repeats)],
    }
    assert all(len(v) == n for v in costs.values())
    model = FakeModel(clock, costs)
    opt = FakeSGD(model.parameters(), clock, costs, model)
    x = torch.ones(3)
    return log, clock, costs, model, opt, x


@pytest.mark.parametrize("warmup,repeats", [(2, 3), (0, 1), (3, 1), (1, 6)])
def test_phases_are_timed_separately_and_warmup_is_excluded(ex, warmup, repeats):
    log, clock, costs, model, opt, x = fake_workload(warmup, repeats)
    call = f"time_training_step(fake workload, warmup={warmup}, repeats={repeats}, clock=fake, sync=fake)"
    result = ex.time_training_step(model, x, x, fake_loss, opt, warmup=warmup, repeats=repeats,
                                   clock=clock, sync=lambda: log.append("sync"))
    expect_equal(model.step + 1, warmup + repeats, call=f"{call}: number of forward passes",
                 hint="run warmup + repeats steps in total")
    for phase in ("forward", "backward", "optimizer"):
        want = costs[phase][warmup:]
        got = getattr(result, phase)
        expect_equal([float(s) for s in got.samples], want, call=f"{call}.{phase}.samples",
                     hint="read the clock right before and right after each phase; drop the warm-up steps "
                          "(100 s and more here) and keep the measured ones in order")
        expect_float(got.median, statistics.median(want), call=f"{call}.{phase}.median")


def test_every_clock_read_follows_a_sync(ex):
    log, clock, costs, model, opt, x = fake_workload(1, 2)
    ex.time_training_step(model, x, x, fake_loss, opt, warmup=1, repeats=2, clock=clock, sync=lambda: log.append("sync"))
    reads = [i for i, e in enumerate(log) if e == "clock"]
    expect_true(len(reads) >= 2 * 3 * 2, message=f"only {len(reads)} clock reads for 3 steps of 3 phases; log: {log}",
                hint="read the clock around every phase of every step")
    bad = [i for i in reads if i == 0 or log[i - 1] != "sync"]
    expect_true(not bad, message=f"clock read not immediately preceded by sync() at log positions {bad}; log: {log}",
                hint="on CUDA the work is queued asynchronously: call sync() right before every clock read")


def test_default_sync_on_cpu_never_touches_cuda(ex, monkeypatch):
    def forbidden(*a, **k):
        raise AssertionError("torch.cuda.synchronize called while timing CPU tensors")

    monkeypatch.setattr(torch.cuda, "synchronize", forbidden)
    log, clock, costs, model, opt, x = fake_workload(1, 2)
    result = ex.time_training_step(model, x, x, fake_loss, opt, warmup=1, repeats=2, clock=clock)
    expect_equal([float(s) for s in result.backward.samples], [10.0, 12.0], call="backward samples with the default sync",
                 hint="the default sync is make_sync(inputs.device)")


@pytest.mark.parametrize("warmup,repeats", [(-1, 3), (0, 0)])
def test_time_training_step_rejects_bad_counts(ex, warmup, repeats):
    log, clock, costs, model, opt, x = fake_workload(1, 1)
    expect_raises(ValueError, ex.time_training_step, model, x, x, fake_loss, opt, warmup=warmup, repeats=repeats,
                  clock=clock, sync=lambda: None, call=f"time_training_step(..., warmup={warmup}, repeats={repeats})")


@pytest.mark.parametrize("device", DEVICES)
def test_time_training_step_trains_the_real_model(ex, device):
    torch.manual_seed(0)
    lm = TransformerLM(50, 8, 16, 1, 2, 32, 10000.0, device=device)
    x = torch.randint(0, 50, (2, 8), device=device)
    before = lm.lm_head.weight.detach().clone()
    result = ex.time_training_step(lm, x, x, cross_entropy, torch.optim.SGD(lm.parameters(), lr=0.1), warmup=1, repeats=2)
    expect_equal(len(result.forward.samples), 2, call="len(result.forward.samples) with repeats=2")
    expect_true(all(s >= 0 for p in ("forward", "backward", "optimizer") for s in getattr(result, p).samples),
                message="negative durations: read the clock after the phase, subtract the earlier read")
    expect_true(not torch.equal(before, lm.lm_head.weight.detach()), message="the optimizer never changed the weights",
                hint="call optimizer.step() after loss.backward()")


# ---------------------------------------------------------------- parameter and FLOP counts

# (vocab, d_model, layers, heads, d_ff, batch, seq)
SIZES = [(50, 16, 1, 2, 32, 2, 8), (100, 32, 2, 4, 64, 4, 16), (37, 24, 3, 3, 40, 1, 1), (64, 16, 0, 2, 48, 3, 5)]


@pytest.mark.parametrize("vocab,d,layers,heads,d_ff,batch,seq", SIZES)
def test_parameter_count_matches_the_model(ex, vocab, d, layers, heads, d_ff, batch, seq):
    lm = TransformerLM(vocab, max(seq, 2), d, layers, heads, d_ff, 10000.0)
    expect_equal(ex.lm_parameter_count(vocab, d, layers, d_ff), sum(p.numel() for p in lm.parameters()),
                 call=f"lm_parameter_count(vocab_size={vocab}, d_model={d}, num_layers={layers}, d_ff={d_ff})",
                 hint="embedding and lm_head are separate; per block 4 d^2 + 3 d d_ff + 2 d; plus the final norm")


@pytest.mark.parametrize("vocab,d,layers,heads,d_ff,batch,seq", SIZES)
def test_forward_flops_match_flop_counter(ex, vocab, d, layers, heads, d_ff, batch, seq):
    lm = TransformerLM(vocab, max(seq, 2), d, layers, heads, d_ff, 10000.0)
    x = torch.randint(0, vocab, (batch, seq), generator=torch.Generator().manual_seed(1))
    with FlopCounterMode(display=False) as counter, torch.no_grad():
        lm(x)
    expect_equal(ex.lm_forward_flops(vocab, d, layers, d_ff, batch, seq), counter.get_total_flops(),
                 call=f"lm_forward_flops(vocab_size={vocab}, d_model={d}, num_layers={layers}, d_ff={d_ff}, batch={batch}, seq={seq})",
                 hint="2*m*k*n per product: 4 projections, Q K^T and weights @ V (seq^2 terms), 3 SwiGLU matrices, the LM head")


def test_forward_flops_hand_count(ex):
    # vocab 10, d 4, one layer, d_ff 8, one sequence of 2 tokens:
    # projections 4*2*2*16 = 256, attention 2*2*1*4*4 = 64, ffn 3*2*2*4*8 = 384, head 2*2*4*10 = 160
    expect_equal(ex.lm_forward_flops(10, 4, 1, 8, 1, 2), 256 + 64 + 384 + 160,
                 call="lm_forward_flops(vocab_size=10, d_model=4, num_layers=1, d_ff=8, batch=1, seq=2)")


# ---------------------------------------------------------------- memory


class SaveKnown(torch.autograd.Function):
    """Saves the tensors it is given (plus x), returns x * 2."""

    @staticmethod
    def forward(ctx, x, *extra):
        ctx.save_for_backward(x, *extra)
        return x * 2

    @staticmethod
    def backward(ctx, grad):
        return (grad * 2,) + (None,) * (len(ctx.saved_tensors) - 1)


class KnownSaver(nn.Module):
    """Saves: its input, a float64 buffer of 10 (80 B), the same buffer again, a view of a 100-float32 tensor (400 B),
    and its own parameter (excluded)."""

    def __init__(self):
        super().__init__()
        self.w = nn.Parameter(torch.zeros(1000))
        self.b64 = torch.zeros(10, dtype=torch.float64)
        self.big = torch.zeros(100)

    def forward(self, x):
        return SaveKnown.apply(x, self.b64, self.b64, self.big[10:20], self.w)


@pytest.mark.parametrize("n,dtype", [(250, torch.float32), (8, torch.float16), (1, torch.float64)], ids=["250xf32", "8xf16", "1xf64"])
def test_saved_activation_bytes_counts_known_storages(ex, n, dtype):
    x = torch.zeros(n, dtype=dtype, requires_grad=True)
    want = n * x.element_size() + 80 + 400
    got = ex.saved_activation_bytes(KnownSaver(), x, None, lambda out, _: out.sum())
    expect_equal(got, want, call=f"saved_activation_bytes(model saving x ({n} x {dtype}), a 10-float64 buffer twice, "
                                 "a view of a 100-float32 tensor, a parameter)",
                 hint="count each storage once (untyped_storage().nbytes(), keyed by data_ptr), "
                      "the whole storage behind a view, and skip the model's parameters")


def test_saved_activation_bytes_is_zero_without_grad(ex):
    lm = TransformerLM(50, 8, 16, 1, 2, 32, 10000.0).requires_grad_(False)
    x = torch.randint(0, 50, (2, 8))
    expect_equal(ex.saved_activation_bytes(lm, x, x, cross_entropy), 0,
                 call="saved_activation_bytes(frozen model, ...)", hint="nothing requires grad: autograd saves nothing")


def test_saved_activation_bytes_grows_with_the_batch(ex):
    torch.manual_seed(0)
    lm = TransformerLM(50, 8, 16, 1, 2, 32, 10000.0)
    small, large = (ex.saved_activation_bytes(lm, x, x, cross_entropy)
                    for x in (torch.randint(0, 50, (2, 8)), torch.randint(0, 50, (8, 8))))
    expect_true(small > 0 and 3 * small < large <= 4 * small + 4096,
                message=f"saved bytes for batch 2: {small}, batch 8: {large}; activations should grow about 4x",
                hint="activations scale with batch * seq; parameters must not be counted")


def test_peak_memory_rejects_cpu(ex):
    lm = TransformerLM(50, 8, 16, 1, 2, 32, 10000.0)
    x = torch.randint(0, 50, (2, 8))
    expect_raises(ValueError, ex.peak_memory_by_phase, lm, x, x, cross_entropy, torch.optim.SGD(lm.parameters(), lr=0.1),
                  call="peak_memory_by_phase(..., CPU tensors)", hint="the CUDA allocator statistics do not exist on CPU")


def test_peak_memory_resets_before_and_reads_after_each_phase(ex, monkeypatch):
    log, clock, costs, model, opt, x = fake_workload(0, 1)
    readings = iter([111, 222, 333])
    monkeypatch.setattr(torch.cuda, "reset_peak_memory_stats", lambda *a, **k: log.append("reset"))
    monkeypatch.setattr(torch.cuda, "max_memory_allocated", lambda *a, **k: log.append("read") or next(readings))
    monkeypatch.setattr(torch.cuda, "synchronize", lambda *a, **k: None)
    got = ex.peak_memory_by_phase(model, x, x, fake_loss, opt, device="cuda")
    events = [e for e in log if e in ("reset", "read", "forward", "backward", "step")]
    want = ["reset", "forward", "read", "reset", "backward", "read", "reset", "step", "read"]
    expect_equal(events, want, call="order of torch.cuda calls and phases in peak_memory_by_phase",
                 hint="reset_peak_memory_stats right before a phase, max_memory_allocated right after it")
    expect_equal(got, {"forward": 111, "backward": 222, "optimizer": 333}, call="peak_memory_by_phase(...) result")


@pytest.mark.parametrize("device", [p for p in DEVICES if p.id == "cuda"])
def test_peak_memory_on_a_real_gpu(ex, device):
    torch.manual_seed(0)
    lm = TransformerLM(500, 64, 64, 2, 4, 128, 10000.0, device=device)
    x = torch.randint(0, 500, (8, 64), device=device)
    saved = ex.saved_activation_bytes(lm, x, x, cross_entropy)
    params = sum(p.numel() * p.element_size() for p in lm.parameters())
    peaks = ex.peak_memory_by_phase(lm, x, x, cross_entropy, torch.optim.AdamW(lm.parameters()))
    expect_true(peaks["forward"] >= params + saved, message=f"forward peak {peaks['forward']} < params {params} + saved {saved}")
    expect_true(peaks["optimizer"] >= 3 * params, message=f"optimizer peak {peaks['optimizer']} < params + grads + moments")
