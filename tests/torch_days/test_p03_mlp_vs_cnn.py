"""Grading torch-p03: load_digits_tensors, MLP, LeNet, mlp_param_count,
lenet_param_count, train_classifier, evaluate, compare_models.

Oracles: ``sklearn.datasets.load_digits`` (the split must be a partition of
it), the same architectures built here from ``nn.Sequential`` (their
``p.numel()`` sums and output shapes), hand-worked parameter counts, accuracy
recomputed here from the logits, and real training reaching stated
validation accuracies (the slow tests).
"""

from __future__ import annotations

import numpy as np
import pytest
import torch
from sklearn.datasets import load_digits
from torch import nn

from curriculum.grading.testing import device_params, expect_close, expect_equal, expect_float, expect_raises, expect_true

pytestmark = pytest.mark.exercise("torch-p03")

DEVICES = device_params()
DIGITS = load_digits()


def sequential_mlp(hidden: int, in_features: int = 64, n_classes: int = 10) -> nn.Module:
    return nn.Sequential(nn.Flatten(), nn.Linear(in_features, hidden), nn.ReLU(), nn.Linear(hidden, n_classes))


def sequential_lenet(c1: int, c2: int, hidden: int, n_classes: int = 10) -> nn.Module:
    return nn.Sequential(
        nn.Conv2d(1, c1, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(c1, c2, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(4 * c2, hidden), nn.ReLU(), nn.Linear(hidden, n_classes),
    )


def n_params(model: nn.Module) -> int:
    return sum(p.numel() for p in model.parameters())


# ---------------------------------------------------------------- data


def test_load_digits_tensors_is_a_seeded_partition(ex):
    x_train, y_train, x_val, y_val = ex.load_digits_tensors(val_size=360, seed=0)
    call = "load_digits_tensors(val_size=360, seed=0)"
    expect_equal([tuple(t.shape) for t in (x_train, y_train, x_val, y_val)], [(1437, 1, 8, 8), (1437,), (360, 1, 8, 8), (360,)],
                 call=f"{call} shapes", hint="images (n, 1, 8, 8): unsqueeze(1) adds the channel dimension")
    expect_equal([t.dtype for t in (x_train, y_train)], [torch.float32, torch.int64], call=f"{call} dtypes")
    expect_true(float(x_train.min()) == 0.0 and float(x_train.max()) == 1.0,
                message=f"{call}: pixel values should span [0, 1], got [{float(x_train.min())}, {float(x_train.max())}]",
                hint="divide the 0..16 pixel values by 16")
    # Every image of the data set appears exactly once: compare the sorted (pixels, label) rows.
    pixels = torch.cat([x_train, x_val]).reshape(-1, 64).numpy() * 16
    labels = torch.cat([y_train, y_val]).numpy()[:, None]
    ours = sorted(map(tuple, np.rint(np.concatenate([pixels, labels], axis=1)).astype(int).tolist()))
    theirs = sorted(map(tuple, np.concatenate([DIGITS.data, DIGITS.target[:, None]], axis=1).astype(int).tolist()))
    expect_true(ours == theirs,
                message=f"{call}: training + validation is not the digits data set (an image lost, duplicated or mislabelled)",
                hint="split one permutation of all indices: first val_size for validation, the rest for training")
    again = ex.load_digits_tensors(val_size=360, seed=0)
    other = ex.load_digits_tensors(val_size=360, seed=1)
    expect_true(torch.equal(again[3], y_val) and torch.equal(again[2], x_val),
                message=f"{call} twice gave different splits", hint="use torch.Generator().manual_seed(seed), not the global RNG")
    expect_true(not torch.equal(other[3], y_val), message="seeds 0 and 1 gave the same split", hint="the permutation must depend on seed")


@pytest.mark.parametrize("val_size", [0, 1797, -5])
def test_load_digits_tensors_rejects_bad_sizes(ex, val_size):
    expect_raises(ValueError, lambda: ex.load_digits_tensors(val_size=val_size), call=f"load_digits_tensors(val_size={val_size})",
                  hint="both sets must be non-empty")


# ---------------------------------------------------------------- models and parameter counts


@pytest.mark.parametrize("hidden,in_features,n_classes,want", [(32, 64, 10, 2410), (64, 64, 10, 4810), (1, 64, 10, 85), (16, 20, 3, 387)])
def test_mlp_param_count(ex, hidden, in_features, n_classes, want):
    call = f"mlp_param_count({hidden}, in_features={in_features}, n_classes={n_classes})"
    expect_equal(ex.mlp_param_count(hidden, in_features=in_features, n_classes=n_classes), want, call=call,
                 hint="a Linear(i, o) has i*o weights and o biases")
    expect_equal(want, n_params(sequential_mlp(hidden, in_features, n_classes)), call="(oracle) the nn.Sequential count")
    expect_equal(n_params(ex.MLP(hidden, in_features=in_features, n_classes=n_classes)), want,
                 call=f"sum(p.numel() for p in MLP({hidden}, ...).parameters())", hint="two Linear layers with bias, nothing else")


@pytest.mark.parametrize("c1,c2,hidden,n_classes,want", [(8, 16, 32, 10, 3658), (6, 16, 120, 10, 9950), (1, 1, 1, 2, 29), (4, 8, 16, 5, 949)])
def test_lenet_param_count(ex, c1, c2, hidden, n_classes, want):
    call = f"lenet_param_count({c1}, {c2}, {hidden}, n_classes={n_classes})"
    expect_equal(want, n_params(sequential_lenet(c1, c2, hidden, n_classes)), call="(oracle) the nn.Sequential count")
    expect_equal(ex.lenet_param_count(c1, c2, hidden, n_classes=n_classes), want, call=call,
                 hint="Conv2d(i, o, 3): o*i*3*3 weights + o biases; the first Linear reads 4 * c2 features")
    expect_equal(n_params(ex.LeNet(c1, c2, hidden, n_classes=n_classes)), want, call=f"sum(p.numel()) of LeNet({c1}, {c2}, {hidden}, ...)",
                 hint="the layout is fixed in the docstring: two 3x3 convolutions with padding 1, two Linear layers")


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("batch", [1, 7])
def test_models_map_images_to_logits(ex, device, batch):
    torch.manual_seed(0)
    x = torch.rand(batch, 1, 8, 8, device=device)
    mlp = ex.MLP(32).to(device)
    cnn = ex.LeNet(8, 16, 32).to(device)
    for name, model in (("MLP(32)", mlp), ("LeNet(8, 16, 32)", cnn)):
        out = model(x)
        expect_equal(tuple(out.shape), (batch, 10), call=f"{name}(<({batch}, 1, 8, 8) on {device}>).shape")
        expect_true(out.requires_grad, message=f"{name}'s output should depend on its parameters (requires_grad)")
    expect_equal(tuple(mlp(x.reshape(batch, 64)).shape), (batch, 10), call=f"MLP(32)(<({batch}, 64)>).shape",
                 hint="flatten from dim 1, so (N, 64) and (N, 1, 8, 8) both work")
    expect_true(any(isinstance(m, nn.Conv2d) for m in cnn.modules()), message="LeNet should contain nn.Conv2d layers")


def test_lenet_matches_the_layout(ex):
    """Copy the learner's parameters into the reference layout: the outputs must agree."""
    torch.manual_seed(1)
    cnn = ex.LeNet(4, 8, 16)
    oracle = sequential_lenet(4, 8, 16)
    theirs = [p for p in cnn.parameters()]
    ours = [p for p in oracle.parameters()]
    expect_equal([tuple(p.shape) for p in theirs], [tuple(p.shape) for p in ours], call="shapes of LeNet(4, 8, 16).parameters() in order",
                 hint="define conv1, conv2, fc1, fc2 in that order, each with a bias")
    with torch.no_grad():
        for a, b in zip(ours, theirs):
            a.copy_(b)
    x = torch.rand(5, 1, 8, 8)
    with torch.no_grad():
        expect_close(cnn(x), oracle(x), what="LeNet(4, 8, 16)(x) vs conv-relu-pool x2, flatten, fc-relu-fc with the same weights",
                     rtol=1e-5, atol=1e-6, hint="ReLU after each convolution and after fc1, max-pool 2 after each ReLU of a convolution")


# ---------------------------------------------------------------- evaluate


class Noisy(nn.Module):
    """Fixed logits plus dropout: train mode would make the answer random."""

    def __init__(self, logits: torch.Tensor):
        super().__init__()
        self.logits = nn.Parameter(logits)
        self.drop = nn.Dropout(0.9)

    def forward(self, x):
        return self.drop(self.logits[: len(x)] + 0 * x.flatten(1).sum(1, keepdim=True))


@pytest.mark.parametrize("start_training", [True, False])
def test_evaluate_uses_eval_mode_and_restores_it(ex, start_training):
    torch.manual_seed(2)
    logits = torch.randn(50, 10)
    y = torch.randint(0, 10, (50,))
    model = Noisy(logits).train(start_training)
    want = (logits.argmax(1) == y).float().mean().item()
    x = torch.zeros(50, 1, 8, 8)
    results = [ex.evaluate(model, x, y) for _ in range(3)]
    expect_true(all(isinstance(r, float) for r in results), message=f"evaluate should return a float, got {results[0]!r}")
    for r in results:
        expect_float(r, want, call="evaluate(<model with dropout>, x, y)", rel=1e-6,
                     hint="call model.eval() first: dropout must be off when you measure")
    expect_equal(model.training, start_training, call=f"model.training after evaluate (it was {start_training})",
                 hint="remember model.training and restore it with model.train(was_training)")


def test_evaluate_one_sample_and_no_graph(ex):
    model = nn.Sequential(nn.Flatten(), nn.Linear(64, 10))
    x = torch.rand(1, 1, 8, 8)
    label = model(x).argmax(1)
    expect_float(ex.evaluate(model, x, label), 1.0, call="evaluate(model, <one image>, <its own prediction>)")
    expect_raises(ValueError, lambda: ex.evaluate(model, torch.zeros(0, 1, 8, 8), torch.zeros(0, dtype=torch.int64)),
                  call="evaluate(model, <no samples>)", hint="the accuracy of nothing is undefined")


# ---------------------------------------------------------------- training


def test_train_classifier_is_reproducible(ex):
    x_train, y_train, _, _ = ex.load_digits_tensors()
    x, y = x_train[:200], y_train[:200]
    runs = []
    for scramble in (0, 12345):
        torch.manual_seed(3)
        model = ex.MLP(16)
        torch.manual_seed(scramble)  # the global RNG differs between the runs; the order must not
        losses = ex.train_classifier(model, x, y, epochs=2, lr=1e-2, batch_size=32, seed=5)
        runs.append((losses, [p.detach().clone() for p in model.parameters()]))
    expect_true(isinstance(runs[0][0], list) and len(runs[0][0]) == 2 and all(isinstance(v, float) for v in runs[0][0]),
                message=f"train_classifier(..., epochs=2) should return 2 floats, got {runs[0][0]!r}")
    expect_equal(runs[1][0], runs[0][0], call="train_classifier(<same model init>, ..., seed=5) twice, global RNG reseeded in between: losses",
                 hint="draw the order from one torch.Generator().manual_seed(seed), not from the global RNG")
    expect_true(all(torch.equal(a, b) for a, b in zip(runs[0][1], runs[1][1])),
                message="two runs with the same seed and initial weights ended with different weights")
    torch.manual_seed(3)
    untouched = ex.MLP(16)
    expect_true(not torch.equal(next(untouched.parameters()), runs[0][1][0]),
                message="train_classifier did not change the model's weights", hint="optimizer.step() after loss.backward()")


def test_train_classifier_batch_larger_than_data(ex):
    torch.manual_seed(4)
    x, y = torch.rand(10, 1, 8, 8), torch.randint(0, 10, (10,))
    model = ex.MLP(8)
    losses = ex.train_classifier(model, x, y, epochs=30, lr=5e-2, batch_size=64)
    expect_true(losses[-1] < 0.5 * losses[0], message=f"30 full-batch epochs on 10 images should memorise them: losses {losses[0]:.3f} -> {losses[-1]:.3f}",
                hint="a batch larger than the data set is simply the whole set")


@pytest.mark.parametrize("kwargs", [{"epochs": 0}, {"epochs": 1, "batch_size": 0}])
def test_train_classifier_rejects_bad_settings(ex, kwargs):
    x, y = torch.rand(4, 1, 8, 8), torch.zeros(4, dtype=torch.int64)
    expect_raises(ValueError, lambda: ex.train_classifier(nn.Sequential(nn.Flatten(), nn.Linear(64, 10)), x, y, **kwargs),
                  call=f"train_classifier(model, x, y, **{kwargs})", hint="epochs and batch_size must be >= 1")


@pytest.mark.slow
def test_compare_models_reaches_the_stated_accuracies(ex):
    torch.manual_seed(0)
    data = ex.load_digits_tensors()
    models = {"mlp": ex.MLP(64), "cnn": ex.LeNet(8, 16, 32)}
    rows = ex.compare_models(models, data, epochs=8, lr=1e-2, batch_size=64, seed=0)
    expect_equal([r["name"] for r in rows], ["mlp", "cnn"], call="[row['name'] for row in compare_models(...)]")
    expect_equal([r["params"] for r in rows], [4810, 3658], call="[row['params'] ...]", hint="count the trainable parameters")
    x_val, y_val = data[2], data[3]
    for row, floor in zip(rows, (0.94, 0.93)):
        model = models[row["name"]].eval()
        with torch.no_grad():
            actual = (model(x_val).argmax(1) == y_val).float().mean().item()  # recomputed from the trained model
        expect_float(row["val_acc"], actual, call=f"compare_models(...) row {row['name']!r}: val_acc vs the model's real accuracy",
                     rel=1e-6, hint="train the model you were given, then evaluate that same model on the validation set")
        expect_true(actual >= floor,
                    message=f"{row['name']}: validation accuracy {actual:.3f} after 8 epochs, expected >= {floor}",
                    hint="Adam(lr=1e-2), cross-entropy on logits, a fresh order every epoch, model.train() while training")
        expect_true(row["train_loss"] < 0.3, message=f"{row['name']}: last-epoch training loss {row['train_loss']:.3f}, expected < 0.3")
    expect_equal(ex.compare_models({}, data), [], call="compare_models({}, data)")
