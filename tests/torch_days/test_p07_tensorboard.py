"""Grading torch-p07: log_training, read_scalars, best_step, train_and_log.

Oracles: TensorBoard itself. Whatever the learner writes is read back here
with ``EventAccumulator`` (tags, steps, values, histogram counts and
extremes); whatever the learner reads was written here with a plain
``SummaryWriter``. Plus hand-worked histories and a real training run whose
returned numbers must be the logged ones.
"""

from __future__ import annotations

import math

import pytest
import torch
from tensorboard.backend.event_processing.event_accumulator import EventAccumulator
from torch import nn
from torch.utils.tensorboard import SummaryWriter

from curriculum.grading.testing import device_params, expect_equal, expect_float, expect_raises, expect_true

pytestmark = pytest.mark.exercise("torch-p07")

DEVICES = device_params()
NAN = float("nan")


def accumulate(path) -> EventAccumulator:
    acc = EventAccumulator(str(path), size_guidance={"scalars": 0, "histograms": 0})
    acc.Reload()
    return acc


def f32(x: float) -> float:
    """What a float becomes once TensorBoard has stored it (float32)."""
    return torch.tensor(x, dtype=torch.float32).item()


def same(a: float, b: float) -> bool:
    return (math.isnan(a) and math.isnan(b)) or math.isclose(a, b, rel_tol=1e-6, abs_tol=1e-7)


# ---------------------------------------------------------------- log_training

HISTORY = {
    "loss/train": [2.3, 1.1, 0.7, 0.5],
    "loss/val": [2.4, 1.3, NAN],
    "acc/val": [0.1, 0.6, 0.8, 0.85, 0.9],
    "损失/验证": [1, 2],  # Unicode tag, int values
}


@pytest.mark.parametrize("start_step", [0, 10])
def test_log_training_scalars_read_back_by_tensorboard(ex, tmp_path, start_step):
    logdir = tmp_path / "run"
    call = f"log_training(<run>, <4 tags>, start_step={start_step})"
    path = ex.log_training(logdir, HISTORY, start_step=start_step)
    expect_true(path is not None and path.exists() and path.parent == logdir and path.name.startswith("events.out.tfevents."),
                message=f"{call} should return the path of the event file it wrote in the run folder, got {path!r}")
    acc = accumulate(path)
    expect_equal(sorted(acc.Tags()["scalars"]), sorted(HISTORY), call=f"the scalar tags TensorBoard finds after {call}",
                 hint="one writer.add_scalar(tag, value, global_step=...) per value; close the writer so everything reaches the file")
    for tag, values in HISTORY.items():
        events = acc.Scalars(tag)
        expect_equal([e.step for e in events], [start_step + i for i in range(len(values))], call=f"steps of {tag!r} after {call}",
                     hint="value i goes to global_step = start_step + i")
        got = [e.value for e in events]
        expect_true(all(same(g, f32(v)) for g, v in zip(got, values)), message=f"{call}: values of {tag!r} are {got}, expected {values}")


@pytest.mark.parametrize("device", DEVICES)
def test_log_training_histograms(ex, tmp_path, device):
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(4, 3), nn.ReLU(), nn.Linear(3, 2)).to(device)
    snapshots = []
    for _ in range(2):
        snapshots.append({k: v.detach().clone() for k, v in model.state_dict().items()})
        with torch.no_grad():
            for p in model.parameters():
                p.mul_(3.0).add_(0.5)  # the next "epoch"
    path = ex.log_training(tmp_path / "run", {"loss/train": [1.0, 0.5]}, weights=snapshots)
    acc = accumulate(path)
    call = f"log_training(<run>, ..., weights=<2 state_dicts on {device}>)"
    want_tags = sorted(f"weights/{k}" for k in snapshots[0])
    expect_equal(sorted(acc.Tags()["histograms"]), want_tags, call=f"the histogram tags after {call}",
                 hint="tag each tensor 'weights/<name>' and call writer.add_histogram(tag, tensor, global_step=i)")
    for name in snapshots[0]:
        events = acc.Histograms(f"weights/{name}")
        expect_equal([e.step for e in events], [0, 1], call=f"steps of 'weights/{name}'")
        for event, snap in zip(events, snapshots):
            t = snap[name].float().cpu()
            h = event.histogram_value
            expect_equal(int(h.num), t.numel(), call=f"histogram 'weights/{name}' step {event.step}: count")
            expect_float(h.min, t.min().item(), call=f"histogram 'weights/{name}' step {event.step}: min", rel=1e-6, abs=1e-7)
            expect_float(h.max, t.max().item(), call=f"histogram 'weights/{name}' step {event.step}: max", rel=1e-6, abs=1e-7)
            expect_float(h.sum, t.sum().item(), call=f"histogram 'weights/{name}' step {event.step}: sum", rel=1e-5, abs=1e-5,
                         hint="log snapshot i at step i; do not log the live model")


def test_log_training_empty_history_and_a_second_run(ex, tmp_path):
    logdir = tmp_path / "run"
    first = ex.log_training(logdir, {})
    expect_true(first.is_file(), message=f"log_training(<run>, {{}}) should still write (and return) an event file, got {first!r}")
    expect_equal(accumulate(first).Tags()["scalars"], [], call="scalar tags of an empty history")
    expect_equal(ex.read_scalars(first), {}, call="read_scalars(<a run with no scalars>)")
    second = ex.log_training(logdir, {"loss/train": [3.0]})
    expect_true(second != first and second.is_file(), message="a second log_training into the same folder should return its own new file",
                hint="list events.out.tfevents.* before and after writing; the new name is the one that appeared")
    events = accumulate(second).Scalars("loss/train")
    expect_equal([(e.step, e.value) for e in events], [(0, 3.0)], call="the second file's 'loss/train'")


@pytest.mark.parametrize(
    "history,kwargs",
    [
        ({"loss": [1.0, "x"]}, {}),
        ({"": [1.0]}, {}),
        ({"loss": [True]}, {}),
        ({"loss": [torch.tensor([1.0, 2.0])]}, {}),
        ({"loss": [1.0]}, {"start_step": -1}),
    ],
)
def test_log_training_rejects_bad_input(ex, tmp_path, history, kwargs):
    expect_raises(ValueError, lambda: ex.log_training(tmp_path / "run", history, **kwargs), call=f"log_training(<run>, {history!r}, **{kwargs})",
                  hint="tags are non-empty strings, values real numbers (not bool), start_step >= 0; check before writing")


# ---------------------------------------------------------------- read_scalars and best_step


def write_with_tensorboard(folder, rows: dict[str, list[tuple[int, float]]]) -> None:
    with SummaryWriter(log_dir=str(folder)) as writer:
        for tag, events in rows.items():
            for step, value in events:
                writer.add_scalar(tag, value, global_step=step)


def test_read_scalars_of_a_file_and_a_folder(ex, tmp_path):
    rows = {"loss/train": [(0, 1.5), (5, 0.25), (10, NAN)], "acc/val": [(0, 0.5), (10, 0.75)], "ε/ünïcode": [(3, -2.0)]}
    write_with_tensorboard(tmp_path / "run", rows)
    (event_file,) = (tmp_path / "run").glob("events.out.tfevents.*")
    for what, path in (("the run folder", tmp_path / "run"), ("the event file", event_file)):
        got = ex.read_scalars(path)
        call = f"read_scalars(<{what}>)"
        expect_true(isinstance(got, dict), message=f"{call} should return a dict, got {type(got).__name__}")
        expect_equal(sorted(got), sorted(rows), call=f"sorted({call})")
        for tag, events in rows.items():
            expect_equal([s for s, _ in got[tag]], [s for s, _ in events], call=f"{call}[{tag!r}] steps")
            expect_true(all(isinstance(s, int) and isinstance(v, float) for s, v in got[tag]),
                        message=f"{call}[{tag!r}] should hold (int, float) pairs, got {got[tag]!r}")
            expect_true(all(same(v, f32(w)) for (_, v), (_, w) in zip(got[tag], events)),
                        message=f"{call}[{tag!r}] values {got[tag]} differ from the written {events}")


@pytest.mark.slow
def test_read_scalars_keeps_every_event(ex, tmp_path):
    rows = {"loss/train": [(i, 1.0 / (i + 1)) for i in range(12_000)]}
    write_with_tensorboard(tmp_path / "run", rows)
    got = ex.read_scalars(tmp_path / "run")
    expect_equal(len(got["loss/train"]), 12_000, call="len(read_scalars(<12,000 steps>)['loss/train'])",
                 hint="EventAccumulator keeps a random sample of 10,000 scalars per tag unless size_guidance={'scalars': 0}")


def test_read_scalars_missing_path(ex, tmp_path):
    expect_raises(FileNotFoundError, lambda: ex.read_scalars(tmp_path / "nope"), call="read_scalars(<missing path>)",
                  hint="EventAccumulator would silently read nothing: check path.exists() first")


@pytest.mark.parametrize(
    "events,mode,want",
    [
        ([(0, 0.5), (1, 0.9), (2, 0.9)], "max", (1, 0.9)),
        ([(0, 2.0), (4, 1.0), (8, 1.5)], "min", (4, 1.0)),
        ([(0, NAN), (1, 3.0), (2, NAN)], "min", (1, 3.0)),
        ([(3, -1.0), (7, -1.0)], "min", (3, -1.0)),
        ([(5, 0.1)], "max", (5, 0.1)),
    ],
)
def test_best_step(ex, events, mode, want):
    expect_equal(ex.best_step({"t": events, "other": [(0, -100.0)]}, "t", mode=mode), want, call=f"best_step({{'t': {events}}}, 't', mode={mode!r})",
                 hint="skip NaN; ties go to the earliest step")


@pytest.mark.parametrize("events,tag,mode,error", [([(0, NAN)], "t", "min", ValueError), ([(0, 1.0)], "t", "median", ValueError), ([(0, 1.0)], "x", "min", KeyError)])
def test_best_step_errors(ex, events, tag, mode, error):
    expect_raises(error, lambda: ex.best_step({"t": events}, tag, mode=mode), call=f"best_step({{'t': {events}}}, {tag!r}, mode={mode!r})")


# ---------------------------------------------------------------- train_and_log


@pytest.mark.slow
def test_train_and_log_writes_what_it_returns(ex, tmp_path):
    logdir = tmp_path / "digits"
    history = ex.train_and_log(logdir, epochs=20, seed=0)
    call = "train_and_log(<run>, epochs=20, seed=0)"
    expect_equal(sorted(history), ["acc/val", "loss/train", "loss/val"], call=f"sorted({call})")
    acc = accumulate(logdir)
    expect_equal(sorted(acc.Tags()["scalars"]), ["acc/val", "loss/train", "loss/val"], call=f"scalar tags written by {call}")
    for tag, values in history.items():
        events = acc.Scalars(tag)
        expect_equal([e.step for e in events], list(range(20)), call=f"steps of {tag!r}", hint="global_step=epoch")
        expect_true(all(same(e.value, f32(v)) for e, v in zip(events, values)), message=f"{call}: the logged {tag!r} differs from the returned one")
    expect_equal(sorted(acc.Tags()["histograms"]), ["grads/bias", "grads/weight", "weights/bias", "weights/weight"],
                 call=f"histogram tags written by {call}", hint="names from model.named_parameters(): 'weight' and 'bias'")
    first_grad = acc.Histograms("grads/weight")[0].histogram_value
    expect_true(first_grad.num == 640 and first_grad.max > first_grad.min,
                message="the gradient histogram at step 0 should hold 640 values that are not all equal",
                hint="log the gradients after backward() and before zero_grad()")
    expect_true(history["loss/train"][-1] < 0.5 * history["loss/train"][0] and history["acc/val"][-1] > 0.8,
                message=f"{call}: training loss {history['loss/train'][0]:.3f} -> {history['loss/train'][-1]:.3f}, "
                        f"final validation accuracy {history['acc/val'][-1]:.3f}; expected the loss halved and accuracy > 0.8")
