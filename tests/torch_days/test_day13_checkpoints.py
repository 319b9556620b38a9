"""Grading torch-13: rng_state_dict, load_rng_state_dict, batch_indices, save_checkpoint, load_checkpoint.

The central test trains a small model with dropout (torch RNG), input noise
(NumPy RNG), a random loss weight (Python RNG), AdamW and a StepLR schedule,
stops it after k steps, resumes from the checkpoint into brand-new objects
under scrambled generators, and requires the parameters to be *identical*
(``torch.equal``) to those of the uninterrupted run. The uninterrupted run is
the oracle: nobody's checkpoint code touches it.

Other oracles: ``torch.load(weights_only=True)`` on the saved file, the
generators' own draws before and after a round trip, properties of the data
order (a permutation per epoch, purity), and hand-made broken files.
"""

from __future__ import annotations

import os
import random
from pathlib import Path

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import given
from hypothesis import strategies as st
from torch import nn

from curriculum.grading.testing import device_params, expect_equal, expect_raises, expect_true

pytestmark = pytest.mark.exercise("torch-13")

DEVICES = device_params()


def seed_all(seed: int) -> None:
    torch.manual_seed(seed)
    random.seed(seed)
    np.random.seed(seed)


# ---------------------------------------------------------------- RNG state


def draw_everything() -> tuple:
    """One draw from every generator the contract covers; gauss draws exercise the cached values."""
    return (
        torch.rand(3).tolist(),
        torch.randn(2).tolist(),
        random.random(),
        random.gauss(0.0, 1.0),
        np.random.rand(2).tolist(),
        np.random.standard_normal(3).tolist(),
    )


def tensor_leaves_only(obj) -> bool:
    if isinstance(obj, torch.Tensor):
        return True
    if isinstance(obj, dict):
        return all(isinstance(k, str) and tensor_leaves_only(v) for k, v in obj.items())
    if isinstance(obj, (list, tuple)):
        return all(tensor_leaves_only(v) for v in obj)
    return False


@pytest.mark.parametrize("pending_gauss", [False, True])
def test_rng_state_round_trip(ex, pending_gauss):
    seed_all(3)
    if pending_gauss:  # leave a cached Gaussian in Python's random and in NumPy
        random.gauss(0.0, 1.0)
        np.random.standard_normal(1)
    state = ex.rng_state_dict()
    expect_true(isinstance(state, dict) and tensor_leaves_only(state),
                message=f"rng_state_dict() should be a dict whose values are tensors (or lists of tensors); got {state!r:.300}",
                hint="turn Python ints and floats into torch.tensor(..., dtype=torch.int64 / float64)")
    first = draw_everything()
    ex.load_rng_state_dict(state)
    again = draw_everything()
    names = ["torch.rand", "torch.randn", "random.random", "random.gauss", "np.random.rand", "np.random.standard_normal"]
    for name, a, b in zip(names, first, again):
        expect_equal(b, a, call=f"{name} after load_rng_state_dict(<state taken before the first draw>)"
                     + (" (a cached Gaussian was pending)" if pending_gauss else ""),
                     hint="restore torch, Python random (with its gauss_next) and NumPy (with has_gauss and the cached value)")


def test_rng_state_survives_a_weights_only_file(ex, tmp_path):
    seed_all(4)
    random.gauss(0.0, 1.0)
    torch.save(ex.rng_state_dict(), tmp_path / "rng.pt")
    first = draw_everything()
    try:
        state = torch.load(tmp_path / "rng.pt", weights_only=True)
    except Exception as err:  # noqa: BLE001 - report any refusal as a failure with the reason
        raise AssertionError(f"torch.load(<saved rng_state_dict()>, weights_only=True) refused the file: {err}\n"
                             "  hint: store only tensors (no tuples of Python objects, no NumPy arrays)") from None
    ex.load_rng_state_dict(state)
    expect_equal(draw_everything(), first, call="draws after a torch.save / torch.load(weights_only=True) round trip of rng_state_dict()")


def test_rng_state_is_a_snapshot(ex):
    seed_all(5)
    state = ex.rng_state_dict()
    saved = {k: v.clone() for k, v in state.items() if isinstance(v, torch.Tensor)}
    draw_everything()
    expect_true(all(torch.equal(state[k], v) for k, v in saved.items()),
                message="the tensors in rng_state_dict() changed when the generators moved on",
                hint="store copies of the states, not live views")


def test_load_rng_state_rejects_an_incomplete_state(ex):
    expect_raises(ValueError, lambda: ex.load_rng_state_dict({"torch": torch.get_rng_state()}),
                  call="load_rng_state_dict({'torch': ...})", hint="check every CPU entry is present before restoring anything")


# ---------------------------------------------------------------- batch_indices


@pytest.mark.parametrize("n,batch_size", [(23, 4), (12, 12), (10, 3), (7, 1)])
def test_batch_indices_covers_each_epoch_once(ex, n, batch_size):
    per_epoch = n // batch_size
    for epoch in range(3):
        batches = [ex.batch_indices(n, batch_size, seed=1, step=epoch * per_epoch + i) for i in range(per_epoch)]
        for b in batches:
            expect_equal((tuple(b.shape), b.dtype), ((batch_size,), torch.int64), call=f"batch_indices({n}, {batch_size}, ...) shape and dtype")
        seen = torch.cat(batches).tolist()
        expect_true(len(set(seen)) == per_epoch * batch_size and all(0 <= i < n for i in seen),
                    message=f"epoch {epoch} of batch_indices({n}, {batch_size}, seed=1, step=...) repeats or leaves the range: {seen}",
                    hint="slice consecutive batches out of one permutation per epoch")


@given(n=st.integers(1, 40), batch_size=st.integers(1, 40), seed=st.integers(0, 10**6), step=st.integers(0, 10**4))
def test_batch_indices_property(ex, n, batch_size, seed, step):
    if batch_size > n:
        batch_size = n
    got = ex.batch_indices(n, batch_size, seed=seed, step=step)
    call = f"batch_indices({n}, {batch_size}, seed={seed}, step={step})"
    expect_equal((tuple(got.shape), got.dtype), ((batch_size,), torch.int64), call=f"{call} shape and dtype")
    values = got.tolist()
    expect_true(len(set(values)) == batch_size and all(0 <= i < n for i in values),
                message=f"{call} = {values}: indices must be distinct and in 0 .. {n - 1}")
    expect_true(torch.equal(got, ex.batch_indices(n, batch_size, seed=seed, step=step)), message=f"{call} is not repeatable")


def test_batch_indices_is_pure(ex):
    a = [ex.batch_indices(23, 4, seed=2, step=s).tolist() for s in range(12)]
    torch.manual_seed(77)
    b = [ex.batch_indices(23, 4, seed=2, step=s).tolist() for s in reversed(range(12))][::-1]
    expect_equal(b, a, call="batch_indices(23, 4, seed=2, step=0..11) called in reverse order under another torch.manual_seed",
                 hint="the result may depend on the arguments only: use a fresh torch.Generator, no global RNG, no cache of the last epoch")
    torch.manual_seed(0)
    state = torch.get_rng_state()
    ex.batch_indices(23, 4, seed=2, step=3)
    expect_true(torch.equal(state, torch.get_rng_state()), message="batch_indices advanced the global torch RNG",
                hint="pass generator= to torch.randperm")


def test_batch_indices_varies_with_epoch_and_seed(ex):
    def epoch(seed, e, n=23, bs=4):
        return torch.cat([ex.batch_indices(n, bs, seed=seed, step=e * (n // bs) + i) for i in range(n // bs)]).tolist()

    expect_true(epoch(0, 0) != epoch(0, 1), message="batch_indices gives epochs 0 and 1 the same order", hint="reshuffle every epoch")
    expect_true(epoch(0, 0) != epoch(1, 0), message="batch_indices gives seeds 0 and 1 the same order")
    expect_true(epoch(0, 1) != epoch(1, 0) and epoch(3, 2) != epoch(5, 0),
                message="seed 0's epoch 1 equals seed 1's epoch 0 (or seed 3's epoch 2 equals seed 5's epoch 0)",
                hint="seeding with seed + epoch makes different runs replay each other's epochs; mix them, e.g. seed * 1_000_003 + epoch")


@pytest.mark.parametrize("n,batch_size,seed,step", [(4, 0, 0, 0), (3, 4, 0, 0), (10, 2, -1, 0), (10, 2, 0, -1)])
def test_batch_indices_rejects_bad_arguments(ex, n, batch_size, seed, step):
    expect_raises(ValueError, lambda: ex.batch_indices(n, batch_size, seed=seed, step=step),
                  call=f"batch_indices({n}, {batch_size}, seed={seed}, step={step})")


# ---------------------------------------------------------------- the resume test

N_SAMPLES, BATCH, STEPS, DATA_SEED = 48, 8, 14, 7


class Net(nn.Module):
    def __init__(self, hidden: int = 16, extra: bool = False):
        super().__init__()
        self.fc1 = nn.Linear(4, hidden)
        self.drop = nn.Dropout(0.3)
        self.fc2 = nn.Linear(hidden, 3)
        if extra:
            self.fc3 = nn.Linear(3, 3)

    def forward(self, x):
        return self.fc2(self.drop(torch.relu(self.fc1(x))))


def dataset():
    g = torch.Generator().manual_seed(11)
    x = torch.randn(N_SAMPLES, 4, generator=g)
    return x, (x[:, 0] > 0).long() + (x[:, 1] > 0.5).long()  # 3 classes


def fresh_run(device: str, init_seed: int):
    torch.manual_seed(init_seed)
    model = Net().to(device)
    optimizer = torch.optim.AdamW(model.parameters(), lr=0.02, weight_decay=0.1)
    scheduler = torch.optim.lr_scheduler.StepLR(optimizer, step_size=4, gamma=0.5)
    return model, optimizer, scheduler


def train(ex, model, optimizer, scheduler, *, start: int, stop: int, device: str) -> None:
    x_all, y_all = dataset()
    model.train()
    for step in range(start, stop):
        idx = ex.batch_indices(N_SAMPLES, BATCH, seed=DATA_SEED, step=step)
        noise = torch.from_numpy(np.random.standard_normal((BATCH, 4))).float()  # NumPy RNG
        x = (x_all[idx] + 0.1 * noise).to(device)
        weight = 0.5 + random.random()  # Python RNG
        loss = weight * F.cross_entropy(model(x), y_all[idx].to(device))  # dropout: torch RNG
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        scheduler.step()


def scramble() -> None:
    seed_all(999)
    draw_everything()


def interrupted_run(ex, device, path, *, stop_at: int, restore_rng: bool = True):
    seed_all(0)
    model, optimizer, scheduler = fresh_run(device, init_seed=1)
    train(ex, model, optimizer, scheduler, start=0, stop=stop_at, device=device)
    ex.save_checkpoint(path, model=model, optimizer=optimizer, scheduler=scheduler, step=stop_at)
    del model, optimizer, scheduler
    scramble()
    model, optimizer, scheduler = fresh_run(device, init_seed=123)  # other initial weights
    scramble()
    step = ex.load_checkpoint(path, model=model, optimizer=optimizer, scheduler=scheduler, restore_rng=restore_rng)
    expect_equal(step, stop_at, call=f"load_checkpoint(<saved with step={stop_at}>, ...)", hint="return the saved step")
    train(ex, model, optimizer, scheduler, start=step, stop=STEPS, device=device)
    return model, scheduler


def uninterrupted_run(ex, device):
    seed_all(0)
    model, optimizer, scheduler = fresh_run(device, init_seed=1)
    train(ex, model, optimizer, scheduler, start=0, stop=STEPS, device=device)
    return model, scheduler


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("stop_at", [5, 8])  # mid-epoch (6 batches per epoch) and in the second epoch
def test_resumed_run_is_bit_identical(ex, tmp_path, device, stop_at):
    reference, ref_scheduler = uninterrupted_run(ex, device)
    resumed, scheduler = interrupted_run(ex, device, tmp_path / "run" / "ckpt.pt", stop_at=stop_at)
    for (name, want), got in zip(reference.named_parameters(), resumed.parameters()):
        if torch.equal(got, want):
            continue
        expect_true(False,
                    message=f"after {STEPS} steps, stopped at step {stop_at} and resumed on {device}, parameter {name!r} differs "
                    f"from the uninterrupted run (max |diff| {float((got - want).abs().max().detach()):.3g})",
                    hint="save and restore model, optimizer (Adam's moments), scheduler and every RNG; "
                    "batch_indices must give the same batch for the same step")
    expect_equal(scheduler.get_last_lr(), ref_scheduler.get_last_lr(), call="the resumed scheduler's get_last_lr()",
                 hint="save scheduler.state_dict() and load it into the new scheduler")


def test_restore_rng_false_leaves_the_generators(ex, tmp_path):
    reference, _ = uninterrupted_run(ex, "cpu")
    resumed, _ = interrupted_run(ex, "cpu", tmp_path / "ckpt.pt", stop_at=5, restore_rng=False)
    same = all(torch.equal(a, b) for a, b in zip(reference.parameters(), resumed.parameters()))
    expect_true(not same, message="load_checkpoint(..., restore_rng=False) still restored the RNGs: the resumed run matched exactly",
                hint="restore the RNGs only when restore_rng is true")


# ---------------------------------------------------------------- the file


def saved_model(tmp_path: Path, *, name: str = "ckpt.pt", **kwargs):
    torch.manual_seed(0)
    model = Net()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    model(torch.randn(2, 4)).sum().backward()
    optimizer.step()  # so there is momentum state to save
    path = tmp_path / name
    return model, optimizer, path


@pytest.mark.parametrize("as_str", [False, True])
def test_checkpoint_file_loads_with_weights_only(ex, tmp_path, as_str):
    model, optimizer, path = saved_model(tmp_path)
    ex.save_checkpoint(str(path) if as_str else path, model=model, optimizer=optimizer, step=42)
    try:
        data = torch.load(path, weights_only=True)
    except Exception as err:  # noqa: BLE001
        raise AssertionError(f"torch.load(<checkpoint>, weights_only=True) refused the file: {err}") from None
    expect_equal(sorted(data) if isinstance(data, dict) else data, ["model", "optimizer", "rng", "scheduler", "step"],
                 call="sorted(keys of the saved checkpoint)", hint="save exactly the dict the docstring shows")
    expect_equal((data["step"], data["scheduler"]), (42, None), call="checkpoint['step'], checkpoint['scheduler']")
    expect_true(all(torch.equal(data["model"][k], v) for k, v in model.state_dict().items()),
                message="checkpoint['model'] differs from model.state_dict()")
    expect_true(data["optimizer"] is not None and len(data["optimizer"]["state"]) == 4,
                message="checkpoint['optimizer'] should be optimizer.state_dict() with momentum buffers for the 4 parameters")
    expect_true(data["rng"] is not None and tensor_leaves_only(data["rng"]), message="checkpoint['rng'] should be rng_state_dict()")
    ex.save_checkpoint(path, model=model, step=43, rng_state=False)
    data = torch.load(path, weights_only=True)
    expect_equal((data["step"], data["rng"], data["optimizer"]), (43, None, None),
                 call="checkpoint step, rng, optimizer after save_checkpoint(..., step=43, rng_state=False) over the old file")
    expect_equal(sorted(os.listdir(tmp_path)), ["ckpt.pt"], call="files in the folder after two saves",
                 hint="the temporary file must be renamed onto the target (os.replace) or removed")


def test_save_creates_missing_folders(ex, tmp_path):
    model, _, _ = saved_model(tmp_path)
    path = tmp_path / "a" / "b" / "ckpt.pt"
    ex.save_checkpoint(path, model=model, step=1)
    expect_true(path.is_file(), message="save_checkpoint(<path in folders that do not exist yet>) wrote no file",
                hint="path.parent.mkdir(parents=True, exist_ok=True)")


def test_a_failed_save_keeps_the_previous_checkpoint(ex, tmp_path, monkeypatch):
    model, _, path = saved_model(tmp_path)
    ex.save_checkpoint(path, model=model, step=1)
    real_save = torch.save

    def broken_save(obj, f, *args, **kwargs):
        data = b"half a checkpoint"
        if hasattr(f, "write"):
            f.write(data)
        else:
            Path(f).write_bytes(data)
        raise OSError("No space left on device (simulated)")

    monkeypatch.setattr(torch, "save", broken_save)
    expect_raises(OSError, lambda: ex.save_checkpoint(path, model=model, step=2), call="save_checkpoint(...) while torch.save fails",
                  hint="let the error propagate after cleaning up")
    monkeypatch.setattr(torch, "save", real_save)
    expect_equal(sorted(os.listdir(tmp_path)), ["ckpt.pt"], call="files in the folder after the failed save",
                 hint="remove the temporary file when writing fails")
    step = torch.load(path, weights_only=True)["step"] if path.is_file() and path.stat().st_size > 100 else None
    expect_equal(step, 1, call="the step in the old checkpoint after a failed save",
                 hint="write to a temporary file in the same folder and os.replace it onto the target only after torch.save succeeded")


# ---------------------------------------------------------------- loading: errors


def unchanged(model: nn.Module, before: dict) -> bool:
    return all(torch.equal(v, before[k]) for k, v in model.state_dict().items())


@pytest.mark.parametrize(
    "target,key",
    [
        (lambda: Net(hidden=32), "fc1.weight"),
        (lambda: Net(extra=True), "fc3.weight"),
        (lambda: nn.Sequential(nn.Linear(4, 16), nn.Linear(16, 3)), "0.weight"),
    ],
    ids=["wider", "extra-layer", "renamed"],
)
def test_load_refuses_another_architecture(ex, tmp_path, target, key):
    model, _, path = saved_model(tmp_path)
    ex.save_checkpoint(path, model=model, step=1)
    other = target()
    before = {k: v.clone() for k, v in other.state_dict().items()}
    err = expect_raises(ValueError, lambda: ex.load_checkpoint(path, model=other), call="load_checkpoint(<Net(hidden=16) checkpoint>, model=<another architecture>)",
                        hint="compare keys and shapes with model.state_dict() before loading")
    expect_true(key in str(err), message=f"the error should name the first mismatching key {key!r}; got: {err}",
                hint="walk model.state_dict() in order; report the first key missing or of another shape")
    expect_true(unchanged(other, before), message="load_checkpoint changed the model before refusing the checkpoint")


def test_load_refuses_a_checkpoint_with_extra_keys(ex, tmp_path):
    big = Net(extra=True)
    path = tmp_path / "big.pt"
    ex.save_checkpoint(path, model=big, step=1)
    err = expect_raises(ValueError, lambda: ex.load_checkpoint(path, model=Net()), call="load_checkpoint(<checkpoint with fc3>, model=Net())")
    expect_true("fc3.weight" in str(err), message=f"the error should name the unexpected key 'fc3.weight'; got: {err}")


UNPICKLED: list[str] = []


def _record_unpickling(tag: str) -> str:
    UNPICKLED.append(tag)
    return tag


class Payload:
    """Unpickling this runs _record_unpickling: a stand-in for arbitrary code."""

    def __reduce__(self):
        return (_record_unpickling, ("ran",))


def write_truncated(path: Path, tmp_path: Path) -> None:
    model, _, good = saved_model(tmp_path, name="good.pt")
    torch.save({"step": 1, "model": model.state_dict(), "optimizer": None, "scheduler": None, "rng": None}, good)
    data = good.read_bytes()
    path.write_bytes(data[: len(data) // 2])


@pytest.mark.parametrize(
    "what,write",
    [
        ("random bytes", lambda p, t: p.write_bytes(bytes(range(256)) * 4)),
        ("an empty file", lambda p, t: p.write_bytes(b"")),
        ("a truncated checkpoint", write_truncated),
        ("a pickle that runs code", lambda p, t: torch.save({"step": 1, "model": Net().state_dict(), "optimizer": None,
                                                             "scheduler": None, "rng": None, "extra": Payload()}, p)),
        ("a tensor saved on its own", lambda p, t: torch.save(torch.zeros(3), p)),
        ("a dict without the checkpoint keys", lambda p, t: torch.save({"weights": Net().state_dict()}, p)),
    ],
)
def test_load_refuses_bad_files(ex, tmp_path, what, write):
    path = tmp_path / "bad.pt"
    write(path, tmp_path)
    UNPICKLED.clear()
    model = Net()
    before = {k: v.clone() for k, v in model.state_dict().items()}
    err = expect_raises(ValueError, lambda: ex.load_checkpoint(path, model=model), call=f"load_checkpoint(<{what}>, model=Net())",
                        hint="wrap torch.load(path, weights_only=True) in try/except and raise ValueError naming the path")
    expect_true(str(path) in str(err) or path.name in str(err), message=f"the ValueError should name the file {path}; got: {err}")
    expect_equal(UNPICKLED, [], call=f"code run while loading <{what}>", hint="torch.load(..., weights_only=True) never runs pickled code")
    expect_true(unchanged(model, before), message=f"load_checkpoint(<{what}>) changed the model")


def test_load_reports_a_missing_file(ex, tmp_path):
    path = tmp_path / "nothing-here.pt"
    err = expect_raises(FileNotFoundError, lambda: ex.load_checkpoint(path, model=Net()), call="load_checkpoint(<missing file>, model=Net())")
    expect_true("nothing-here.pt" in str(err), message=f"the FileNotFoundError should name the file; got: {err}")


def test_load_asks_for_state_that_was_not_saved(ex, tmp_path):
    model, optimizer, path = saved_model(tmp_path)
    ex.save_checkpoint(path, model=model, step=3)  # no optimizer, no scheduler
    err = expect_raises(ValueError, lambda: ex.load_checkpoint(path, model=model, optimizer=optimizer),
                        call="load_checkpoint(<saved without optimizer>, model=..., optimizer=...)")
    expect_true("optimizer" in str(err), message=f"the error should say the optimizer state is missing; got: {err}")
    expect_equal(ex.load_checkpoint(path, model=model), 3, call="load_checkpoint(<saved without optimizer>, model=...)")


@pytest.mark.parametrize("device", DEVICES)
def test_load_onto_a_device(ex, tmp_path, device):
    model, optimizer, path = saved_model(tmp_path)
    ex.save_checkpoint(path, model=model, optimizer=optimizer, step=9)
    target = Net().to(device)
    target_opt = torch.optim.SGD(target.parameters(), lr=0.1, momentum=0.9)
    ex.load_checkpoint(path, model=target, optimizer=target_opt, restore_rng=False)
    for (name, p), q in zip(model.named_parameters(), target.parameters()):
        expect_true(q.device.type == device and torch.equal(q.cpu(), p.detach()),
                    message=f"after load_checkpoint onto {device}, parameter {name!r} is on {q.device} or differs",
                    hint="torch.load(..., map_location='cpu'), then model.load_state_dict copies onto the model's device")
    bufs = [s["momentum_buffer"].device.type for s in target_opt.state.values()]
    expect_equal(bufs, [device] * 4, call=f"devices of the momentum buffers after loading onto {device}")
