"""Grading torch-11: evaluate, bn_running_stats_after, mc_dropout_predict.

Oracles: the same model evaluated by hand on the whole data set in eval mode
(loss and accuracy), ``nn.BatchNorm1d`` fed the same batches in training
mode (running statistics, float64, rtol=1e-12), the same MC-dropout loop
written by hand under the same seed, the closed-form mean and standard
deviation of inverted dropout, and module flags recorded by forward hooks.
"""

from __future__ import annotations

import copy

import pytest
import torch
import torch.nn.functional as F
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

from curriculum.grading.testing import device_params, expect_close, expect_equal, expect_float, expect_raises, expect_true

pytestmark = pytest.mark.exercise("torch-11")

DEVICES = device_params()


def skip_float64_on_mps(device: str) -> None:
    if device == "mps":
        pytest.skip("MPS has no float64")


class Probe(nn.Module):
    """An identity layer that records (training, grad enabled) at each call."""

    def __init__(self):
        super().__init__()
        self.calls: list[tuple[bool, bool]] = []

    def forward(self, x):
        self.calls.append((self.training, torch.is_grad_enabled()))
        return x


def make_model(device="cpu", *, warm: bool = True) -> nn.Sequential:
    """Linear -> BatchNorm -> ReLU -> Dropout -> Probe -> Linear, with running stats away from (0, 1)."""
    torch.manual_seed(11)
    model = nn.Sequential(nn.Linear(6, 16), nn.BatchNorm1d(16), nn.ReLU(), nn.Dropout(0.5), Probe(), nn.Linear(16, 3))
    if warm:
        model.train()
        with torch.no_grad():
            for _ in range(5):
                model(torch.randn(32, 6) * 2 + 1)  # moves BatchNorm's running statistics
    model[4].calls.clear()
    return model.to(device)


def make_data(n: int = 30, seed: int = 12):
    g = torch.Generator().manual_seed(seed)
    return torch.randn(n, 6, generator=g) * 2 + 1, torch.randint(0, 3, (n,), generator=g)


def flags(model: nn.Module) -> dict[str, bool]:
    return {name or "<root>": m.training for name, m in model.named_modules()}


def bn_state(model: nn.Module) -> dict[str, torch.Tensor]:
    return {k: v.clone() for k, v in model.state_dict().items() if "running" in k or "num_batches" in k}


def expect_same_state(before, after, call):
    for key in before:
        expect_true(torch.equal(before[key], after[key]),
                    message=f"{call} changed BatchNorm's {key}",
                    hint="in training mode every forward pass updates the running statistics: switch to eval first")


# ---------------------------------------------------------------- evaluate


def oracle_evaluate(model, x, y):
    twin = copy.deepcopy(model).eval()
    with torch.no_grad():
        logits = twin(x)
    return F.cross_entropy(logits, y).item(), int((logits.argmax(1) == y).sum()) / len(y)


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("loader_kind", ["DataLoader", "list"])
def test_evaluate_matches_the_whole_data_set_in_eval_mode(ex, device, loader_kind):
    model = make_model(device).train()
    x, y = make_data(30)
    want_loss, want_acc = oracle_evaluate(model, x.to(device), y.to(device))
    loader = DataLoader(TensorDataset(x, y), batch_size=7) if loader_kind == "DataLoader" else [
        (x[i : i + 7], y[i : i + 7]) for i in range(0, 30, 7)]  # 7, 7, 7, 7, 2
    call = f"evaluate(model, <{loader_kind}, batches of 7,7,7,7,2 on the CPU>, F.cross_entropy) with the model on {device}"
    got = ex.evaluate(model, loader, F.cross_entropy)
    expect_true(isinstance(got, dict) and set(got) == {"loss", "accuracy"},
                message=f"{call} should return {{'loss': ..., 'accuracy': ...}}, got {got!r}")
    expect_float(got["loss"], want_loss, call=f"{call}['loss']", rel=1e-5, abs=1e-6,
                 hint="eval mode (no dropout, running stats), and weight each batch's mean loss by its size")
    expect_float(got["accuracy"], want_acc, call=f"{call}['accuracy']", rel=0, abs=1e-9,
                 hint="count argmax(dim=1) == y over all samples, then divide by the number of samples")


@pytest.mark.parametrize(
    "setup",
    ["train", "eval", "train_with_frozen_bn", "eval_with_dropout_on"],
)
def test_evaluate_restores_every_module_flag(ex, setup):
    model = make_model()
    if setup == "train":
        model.train()
    elif setup == "eval":
        model.eval()
    elif setup == "train_with_frozen_bn":
        model.train()
        model[1].eval()  # a deliberately frozen BatchNorm
    else:
        model.eval()
        model[3].train()
    before = flags(model)
    x, y = make_data(12)
    ex.evaluate(model, [(x, y)], F.cross_entropy)
    expect_equal(flags(model), before, call=f"every module's .training after evaluate() on a model set up as {setup!r}",
                 hint="remember {module: module.training} for every module and put each one back; "
                 "model.train(was_training) would overwrite the children's own flags")


def test_evaluate_runs_in_eval_mode_without_grad(ex):
    model = make_model().train()
    x, y = make_data(14)
    ex.evaluate(model, [(x[:7], y[:7]), (x[7:], y[7:])], F.cross_entropy)
    expect_equal(model[4].calls, [(False, False), (False, False)],
                 call="(training, grad enabled) seen inside the model during evaluate(), per batch",
                 hint="call model.eval() and wrap the loop in torch.no_grad()")


def test_evaluate_is_deterministic_and_keeps_running_stats(ex):
    model = make_model().train()
    x, y = make_data(30)
    before = bn_state(model)
    first = ex.evaluate(model, [(x, y)], F.cross_entropy)
    second = ex.evaluate(model, [(x, y)], F.cross_entropy)
    expect_equal(second, first, call="evaluate() twice on the same data, a model with Dropout(0.5)",
                 hint="in eval mode Dropout is the identity, so two evaluations agree exactly")
    expect_same_state(before, bn_state(model), "evaluate()")


class DiskError(Exception):
    """What a broken loader raises (not a RuntimeError: NotImplementedError is one)."""


def test_evaluate_restores_flags_when_the_loader_raises(ex):
    model = make_model().train()
    before = flags(model)
    x, y = make_data(7)

    def broken_loader():
        yield x, y
        raise DiskError("disk read failed")

    expect_raises(DiskError, ex.evaluate, model, broken_loader(), F.cross_entropy,
                  call="evaluate(model, <a loader that raises after one batch>, F.cross_entropy)",
                  hint="let the loader's error through (do not swallow it)")
    expect_equal(flags(model), before, call="every module's .training after the loader raised",
                 hint="restore the flags in a finally: block")


def test_evaluate_empty_loader(ex):
    model = make_model().train()
    before = flags(model)
    expect_raises(ValueError, ex.evaluate, model, [], F.cross_entropy, call="evaluate(model, [], F.cross_entropy)",
                  hint="no sample means no mean loss")
    expect_equal(flags(model), before, call="every module's .training after evaluate() on an empty loader")


@pytest.mark.slow
def test_evaluate_during_real_training_on_digits(ex):
    """Train on scikit-learn's digits, evaluating after each epoch: training must go on in train mode."""
    from sklearn.datasets import load_digits

    digits = load_digits()
    x = torch.tensor(digits.data, dtype=torch.float32) / 16.0
    y = torch.tensor(digits.target)
    perm = torch.randperm(len(x), generator=torch.Generator().manual_seed(0))
    train_idx, test_idx = perm[:1400], perm[1400:]
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(64, 64), nn.BatchNorm1d(64), nn.ReLU(), nn.Dropout(0.2), nn.Linear(64, 10))
    opt = torch.optim.Adam(model.parameters(), lr=1e-2)
    train_loader = DataLoader(TensorDataset(x[train_idx], y[train_idx]), batch_size=64, shuffle=True,
                              generator=torch.Generator().manual_seed(1))
    test_loader = DataLoader(TensorDataset(x[test_idx], y[test_idx]), batch_size=100)
    model.train()
    for epoch in range(6):
        for xb, yb in train_loader:
            opt.zero_grad()
            F.cross_entropy(model(xb), yb).backward()
            opt.step()
        result = ex.evaluate(model, test_loader, F.cross_entropy)
        expect_true(model.training and model[3].training,
                    message=f"after evaluate() in epoch {epoch}, the model should be back in training mode")
    want_loss, want_acc = oracle_evaluate(model, x[test_idx], y[test_idx])
    expect_float(result["accuracy"], want_acc, call="evaluate(...)['accuracy'] on the 397 held-out digits", rel=0, abs=1e-9)
    expect_float(result["loss"], want_loss, call="evaluate(...)['loss'] on the 397 held-out digits", rel=1e-5, abs=1e-6)
    expect_true(result["accuracy"] > 0.9, message=f"held-out accuracy after 6 epochs: {result['accuracy']:.3f} (expected > 0.9)",
                hint="if evaluate leaves the model in eval mode, BatchNorm stops learning its statistics and dropout stops")


# ---------------------------------------------------------------- bn_running_stats_after


def torch_bn_stats(batches, momentum):
    bn = nn.BatchNorm1d(batches[0].shape[1], momentum=momentum).to(device=batches[0].device, dtype=batches[0].dtype).train()
    with torch.no_grad():
        for x in batches:
            bn(x)
    return bn.running_mean, bn.running_var


def make_batches(shapes, dtype=torch.float64, seed=13):
    g = torch.Generator().manual_seed(seed)
    return [torch.randn(shape, generator=g, dtype=dtype) * 3 + 2 for shape in shapes]


BN_SHAPES = {
    "(N, C) x3": [(8, 4), (8, 4), (8, 4)],
    "(N, C), sizes 16, 2, 5": [(16, 4), (2, 4), (5, 4)],
    "(N, C, L) x2": [(4, 3, 6), (4, 3, 6)],
    "(1, C, L)": [(1, 3, 5)],
    "one (N, C) batch": [(10, 5)],
}


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("momentum", [0.1, 0.5, 1.0, None], ids=lambda m: f"momentum={m}")
@pytest.mark.parametrize("case", list(BN_SHAPES))
def test_bn_running_stats_match_batchnorm1d(ex, device, case, momentum):
    skip_float64_on_mps(device)
    batches = [b.to(device) for b in make_batches(BN_SHAPES[case])]
    want_mean, want_var = torch_bn_stats(batches, momentum)
    call = f"bn_running_stats_after(<{case}>, momentum={momentum})"
    got = ex.bn_running_stats_after(batches, momentum)
    expect_true(isinstance(got, tuple) and len(got) == 2, message=f"{call} should return (running_mean, running_var), got {type(got).__name__}")
    expect_close(got[0], want_mean, what=f"{call} running_mean", rtol=1e-12, atol=1e-12,
                 hint="start from 0; running = (1 - w) * running + w * batch_mean with w = momentum, or 1/k when None")
    expect_close(got[1], want_var, what=f"{call} running_var", rtol=1e-12, atol=1e-12,
                 hint="start from 1, and store the UNBIASED batch variance (divide by n - 1); (N, C, L) reduces over N and L")


def test_bn_running_stats_float32(ex):
    batches = make_batches([(32, 6), (32, 6)], dtype=torch.float32)
    want_mean, want_var = torch_bn_stats(batches, 0.1)
    got_mean, got_var = ex.bn_running_stats_after(batches, 0.1)
    expect_close(got_mean, want_mean, what="bn_running_stats_after(<float32 batches>) running_mean", rtol=1e-5, atol=1e-6)
    expect_close(got_var, want_var, what="bn_running_stats_after(<float32 batches>) running_var", rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize(
    "what,batches",
    [
        ("no batch", []),
        ("a (1, C) batch", [torch.randn(1, 4)]),
        ("a 1-d batch", [torch.randn(4)]),
        ("a 4-d batch", [torch.randn(2, 3, 4, 5)]),
        ("channel counts 4 then 5", [torch.randn(3, 4), torch.randn(3, 5)]),
    ],
)
def test_bn_running_stats_rejects_bad_batches(ex, what, batches):
    expect_raises(ValueError, ex.bn_running_stats_after, batches, 0.1, call=f"bn_running_stats_after(<{what}>)",
                  hint="see the Raises section: BatchNorm1d needs (N, C) or (N, C, L) with more than 1 value per channel")


# ---------------------------------------------------------------- mc_dropout_predict


def record_modes(model):
    """Forward pre-hooks that record each module's training flag at call time."""
    seen: dict[str, set[bool]] = {}
    handles = []
    for name, module in model.named_modules():
        if name:
            handles.append(module.register_forward_pre_hook(
                lambda m, args, name=name: seen.setdefault(name, set()).add(m.training)))
    return seen, handles


@pytest.mark.parametrize("start", ["train", "eval"])
def test_mc_dropout_switches_only_dropout_on(ex, start):
    model = make_model()
    model.train() if start == "train" else model.eval()
    before_flags, before_stats = flags(model), bn_state(model)
    seen, handles = record_modes(model)
    x, _ = make_data(5)
    try:
        ex.mc_dropout_predict(model, x, n_samples=4)
    finally:
        for h in handles:
            h.remove()
    want = {"0": {False}, "1": {False}, "2": {False}, "3": {True}, "4": {False}, "5": {False}}
    expect_equal(seen, want, call=f"each module's .training during mc_dropout_predict (model in {start} mode before)",
                 hint="model.eval() first, then .train() on the Dropout modules only (isinstance(m, DROPOUT_TYPES))")
    expect_equal({c for c in model[4].calls}, {(False, False)}, call="(training, grad enabled) seen by a non-dropout layer",
                 hint="run the passes under torch.no_grad()")
    expect_equal(flags(model), before_flags, call="every module's .training after mc_dropout_predict",
                 hint="restore each module's own flag in a finally: block")
    expect_same_state(before_stats, bn_state(model), "mc_dropout_predict")


def test_mc_dropout_matches_the_loop_by_hand(ex):
    model = make_model()
    x, _ = make_data(6)
    twin = copy.deepcopy(model).eval()
    twin[3].train()
    torch.manual_seed(5)
    with torch.no_grad():
        samples = torch.stack([twin(x) for _ in range(7)])
    torch.manual_seed(5)
    mean, std = ex.mc_dropout_predict(model, x, n_samples=7)
    expect_close(mean, samples.mean(0), what="mc_dropout_predict(model, x, n_samples=7) mean, after torch.manual_seed(5)",
                 rtol=1e-6, atol=1e-6, hint="call model(x) n_samples times in a row and stack; do not batch the copies")
    expect_close(std, samples.std(0), what="mc_dropout_predict(model, x, n_samples=7) std, after torch.manual_seed(5)",
                 rtol=1e-6, atol=1e-6, hint="unbiased std over the samples: torch.std(dim=0) (correction=1)")


def test_mc_dropout_closed_form(ex):
    """Inverted dropout on a constant c: c / (1 - p) with probability 1 - p, else 0 -> mean c, std c * sqrt(p / (1 - p))."""
    p, c = 0.5, 3.0
    model = nn.Sequential(nn.Identity(), nn.Dropout(p))
    x = torch.full((1, 400), c)
    torch.manual_seed(0)
    mean, std = ex.mc_dropout_predict(model, x, n_samples=250)
    expect_float(mean.mean().item(), c, call=f"average of mc_dropout_predict(Dropout({p}), {c} * ones(1, 400), 250) mean",
                 rel=0.02, abs=0.0, hint="dropout has to be ON during the passes (model.eval() alone turns it off)")
    expect_float(std.mean().item(), c * (p / (1 - p)) ** 0.5, call="the same call, average std",
                 rel=0.03, abs=0.0, hint="std over the samples (dim 0), unbiased")


def test_mc_dropout_without_dropout(ex):
    model = make_model()
    del model[3]  # no dropout left
    x, _ = make_data(5)
    mean, std = ex.mc_dropout_predict(model, x, n_samples=3)
    with torch.no_grad():
        want = copy.deepcopy(model).eval()(x)
    expect_close(std, torch.zeros_like(want), what="mc_dropout_predict(<model without dropout>) std", rtol=0, atol=0,
                 hint="without dropout every pass is the same eval-mode output")
    expect_close(mean, want, what="mc_dropout_predict(<model without dropout>) mean", rtol=1e-6, atol=1e-6,
                 hint="BatchNorm must be in eval mode (running statistics)")


@pytest.mark.parametrize("n", [1, 0])
def test_mc_dropout_needs_two_samples(ex, n):
    expect_raises(ValueError, ex.mc_dropout_predict, make_model(), make_data(3)[0], n_samples=n,
                  call=f"mc_dropout_predict(model, x, n_samples={n})", hint="a spread needs at least 2 samples")
