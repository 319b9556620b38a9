"""The torch_days benchmarks: vectorize, dataloader, amp.

Two kinds of checks, as for the Python Gym benchmarks. The compared
implementations must agree, with each other and with an oracle nobody here
wrote (``statistics.pstdev``, ``math.dist``, indexing the dataset directly,
float32 autograd, hand-counted bytes), since a benchmark of wrong code measures
nothing. And one real ``--quick`` run per benchmark must write its JSON,
Markdown and PNG with the expected keys. Times are never asserted (a busy
two-core machine can swing them); byte counts are, since they are exact.
"""

from __future__ import annotations

import json
import math
import multiprocessing
import pickle
import statistics

import numpy as np
import pytest
import torch
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from torch import nn

from benchmarks import amp, dataloader, vectorize
from curriculum.grading.testing import device_params

BENCHES = {"vectorize": vectorize, "dataloader": dataloader, "amp": amp}
PART_KEYS = {"title", "x_name", "unit", "cases", "baseline", "points", "slopes", "slope_label"}
POINT_KEYS = {"x", "number", "samples", "stats", "ratios"}
DEVICES = [p for p in device_params() if p.id in ("cpu", "cuda")]
SWEPT = {"vectorize": ("sizes", "pair_sizes"), "dataloader": ("rounds",) * 2, "amp": ("seq_lens",) * 3}  # per part



@pytest.fixture(autouse=True)
def one_torch_thread():
    """Run each test with one torch thread, as the benchmarks do by default: on a busy two-core machine a
    parallel region can wait milliseconds for a descheduled thread, which makes small steps slow."""
    with vectorize.torch_threads(1):
        yield


# ---------------------------------------------------------------- one quick run each


@pytest.fixture(scope="module")
def quick_run(tmp_path_factory):
    """``quick_run(name) -> (module, result dict, output folder, child processes left)``: one ``--quick`` run each."""
    done: dict[str, tuple] = {}

    def get(name: str) -> tuple:
        if name not in done:
            module = BENCHES[name]
            out = tmp_path_factory.mktemp(name)
            code = module.main(["--quick", "--no-progress", "--out", str(out)])
            assert code == 0, f"learn bench {name} --quick returned {code}"
            left = multiprocessing.active_children()  # DataLoader workers must be gone by now
            done[name] = module, json.loads((out / f"{name}.json").read_text(encoding="utf-8")), out, left
        return done[name]

    return get


@pytest.fixture(params=list(BENCHES))
def quick(request, quick_run):
    """``(name, module, result dict, output folder)`` for each benchmark's ``--quick`` run."""
    module, result, out, _left = quick_run(request.param)
    return request.param, module, result, out


def test_quick_run_writes_json_markdown_and_png(quick):
    name, _module, result, out = quick
    assert sorted(p.name for p in out.iterdir()) == sorted(f"{name}.{ext}" for ext in ("json", "md", "png"))
    assert (out / f"{name}.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert {"name", "title", "description", "machine", "params", "parts"} <= result.keys()
    assert result["name"] == name and result["machine"]["torch"] == torch.__version__
    markdown = (out / f"{name}.md").read_text(encoding="utf-8")
    assert markdown.startswith(f"# {result['title']}") and f"![{result['title']}]({name}.png)" in markdown
    for part in result["parts"]:
        assert PART_KEYS <= part.keys(), f"{name}: part {part.get('title')} lacks {PART_KEYS - part.keys()}"
        header = "| " + " | ".join([part["x_name"], *part["cases"]])
        assert header in markdown, f"{name}: no table starting {header!r} in the Markdown"


def test_quick_run_keeps_every_sample_and_ratio(quick):
    name, module, result, _out = quick
    for key, value in module.QUICK.items():
        assert result["params"][key] == (list(value) if isinstance(value, tuple) else value), (
            f"{name} --quick should use QUICK[{key!r}]"
        )
    for part, swept in zip(result["parts"], SWEPT[name]):
        baseline = part["baseline"]
        assert baseline in part["cases"]
        assert [p["x"] for p in part["points"]] == list(module.QUICK[swept]), f"{name}: {part['title']} sweeps {swept}"
        for point in part["points"]:
            assert POINT_KEYS <= point.keys()
            assert baseline in point["stats"], f"{name}: the baseline must be measured at every x"
            for case, stats in point["stats"].items():
                assert case in part["cases"]
                assert stats["n"] == len(point["samples"][case]) >= 1
                assert stats["min"] <= stats["median"] <= stats["max"]
                if case != baseline:
                    assert point["ratios"][f"{case}/{baseline}"] == pytest.approx(
                        stats["median"] / point["stats"][baseline]["median"]
                    )


@pytest.mark.parametrize("name", list(BENCHES))
def test_catalogue_puts_the_benchmark_in_torch_days(name):
    from curriculum.course import load

    bench = load().benchmark(name)
    assert bench.module == BENCHES[name].__name__ and bench.track == "torch_days"


# ---------------------------------------------------------------- vectorize: three ways, one answer

finite = st.floats(-50, 50, allow_nan=False, allow_infinity=False)


@settings(max_examples=40, deadline=None)
@given(data=st.data(), n=st.integers(2, 7), m=st.integers(1, 4))
def test_standardize_ways_match_statistics_pstdev(data, n, m):
    rows = [[data.draw(finite) for _ in range(m)] for _ in range(n)]
    columns = list(zip(*rows))
    assume(all(statistics.pstdev(c) >= 1e-3 for c in columns))  # a constant column has no standardised form
    expected = [[(r[j] - statistics.fmean(columns[j])) / statistics.pstdev(columns[j]) for j in range(m)]
                for r in rows]  # the oracle: the standard library, column by column
    x = np.array(rows)
    got = {
        "loop": vectorize.standardize_loop(rows),
        "numpy": vectorize.standardize_numpy(x),
        "torch": vectorize.standardize_torch(torch.from_numpy(x)).numpy(),
    }
    for name, z in got.items():
        np.testing.assert_allclose(z, expected, rtol=1e-7, atol=1e-7, err_msg=f"standardize_{name}({rows})")


@settings(max_examples=40, deadline=None)
@given(data=st.data(), n=st.integers(1, 6), d=st.integers(1, 5))
def test_pairwise_ways_match_math_dist(data, n, d):
    points = [[data.draw(finite) for _ in range(d)] for _ in range(n)]
    expected = [[math.dist(a, b) ** 2 for b in points] for a in points]  # the oracle: the standard library
    x = np.array(points)
    got = {
        "loop": vectorize.pairwise_loop(points),
        "numpy": vectorize.pairwise_numpy(x),
        "torch": vectorize.pairwise_torch(torch.from_numpy(x)).numpy(),
    }
    for name, dist in got.items():
        # |a|^2 + |b|^2 - 2 a.b cancels: allow rounding relative to the squared norms (up to 50^2 * d)
        np.testing.assert_allclose(
            dist, expected, rtol=1e-9, atol=1e-9 * 2_500 * d, err_msg=f"pairwise_{name}({points})"
        )
        assert (np.asarray(dist) >= 0).all() and np.all(np.diag(dist) == 0), f"pairwise_{name}: D >= 0, diagonal 0"


def test_pairwise_hand_worked_example():
    points = [[0.0, 0.0], [3.0, 4.0], [0.0, 1.0]]
    expected = [[0.0, 25.0, 1.0], [25.0, 0.0, 18.0], [1.0, 18.0, 0.0]]
    assert vectorize.pairwise_loop(points) == expected
    np.testing.assert_allclose(vectorize.pairwise_numpy(np.array(points)), expected, atol=1e-12)


@pytest.mark.parametrize(
    "problem, n, loop_max", [("standardize", 50, 50), ("standardize", 51, 50), ("pairwise", 9, 10)]
)
def test_make_cases_agree_and_cap_the_loop(problem, n, loop_max):
    cases = vectorize.make_cases(problem, n, loop_max=loop_max, dim=3)
    assert set(cases) == (set(vectorize.CASES) if n <= loop_max else {"numpy", "torch"})
    answers = {name: np.asarray(fn()) for name, fn in cases.items()}
    for name, got in answers.items():
        np.testing.assert_allclose(got, answers["numpy"], rtol=1e-9, atol=1e-9, err_msg=f"{problem} {name}")


def test_check_agreement_rejects_a_wrong_answer():
    right = np.eye(3)
    with pytest.raises(RuntimeError, match="loop version disagrees"):
        vectorize.check_agreement("pairwise", {"numpy": right, "loop": (right + 1e-6).tolist()})
    with pytest.raises(ValueError, match="problem"):
        vectorize.make_cases("sort", 10, loop_max=10)


def test_vectorize_quick_run_caps_the_loop_and_records_speedups(quick_run):
    module, result, _out, _left = quick_run("vectorize")
    caps = (module.QUICK["loop_max"], module.QUICK["pair_loop_max"])
    for part, cap in zip(result["parts"], caps):
        for p in part["points"]:
            assert ("loop" in p["stats"]) == (p["x"] <= cap)
            if "loop" in p["stats"]:
                loop = p["stats"]["loop"]["median"]
                expected = {c: loop / p["stats"][c]["median"] for c in ("numpy", "torch")}
                assert p["speedup_vs_loop"] == pytest.approx(expected)
    assert result["params"]["torch_threads_used"] == module.QUICK["threads"]


def test_torch_threads_restores_the_count():
    before = torch.get_num_threads()
    with vectorize.torch_threads(1) as used:
        assert used == 1 == torch.get_num_threads()
    with vectorize.torch_threads(0) as used:
        assert used == before
    assert torch.get_num_threads() == before
    with pytest.raises(ValueError, match="threads"), vectorize.torch_threads(-1):
        pass


# ---------------------------------------------------------------- dataloader: every configuration, same data


def test_dataset_is_deterministic_picklable_and_checks_its_range():
    ds = dataloader.SyntheticImages(5, rounds=2, seed=3)
    x, y = ds[4]
    assert x.shape == dataloader.IMAGE_SHAPE and x.dtype == torch.float32 and 0 <= y < dataloader.CLASSES
    again = pickle.loads(pickle.dumps(ds))[4]  # what a spawned worker would rebuild
    torch.testing.assert_close(again[0], x, rtol=0, atol=0, msg="sample 4 must be the same after pickling")
    assert again[1] == y and len(ds) == 5
    other = dataloader.SyntheticImages(5, rounds=2, seed=4)[4][0]
    assert not torch.equal(other, x), "another seed should give another image"
    for bad in (5, -1):
        with pytest.raises(IndexError):
            ds[bad]


@pytest.mark.parametrize("rounds", [1, 3])
def test_augment_ends_with_normalised_channels(rounds):
    rng = np.random.default_rng(0)
    image = rng.random((3, 8, 8), dtype=np.float32) * 5 + 2
    out = dataloader.augment(image, np.random.default_rng(1), rounds)
    assert out.shape == image.shape and out.dtype == np.float32 and out.flags.c_contiguous
    np.testing.assert_allclose(out.mean(axis=(1, 2)), 0.0, atol=1e-5)
    np.testing.assert_allclose(out.std(axis=(1, 2)), 1.0, atol=1e-3)
    unchanged = dataloader.augment(image, np.random.default_rng(1), 0)
    np.testing.assert_array_equal(unchanged, image)
    assert not np.shares_memory(unchanged, image), "augment must return a new array, never its input"


@pytest.mark.filterwarnings("ignore:.*pin_memory.*:UserWarning")
def test_every_loader_configuration_yields_the_dataset_in_order():
    ds = dataloader.SyntheticImages(10, rounds=1)
    images = torch.stack([ds[i][0] for i in range(10)])  # the oracle: index the dataset directly
    labels = torch.tensor([ds[i][1] for i in range(10)])
    for workers in (0, 1, 2):
        for pin in (False, True):
            loader = dataloader.make_loader(ds, batch_size=4, workers=workers, pin=pin)
            batches = list(loader)
            assert [len(yb) for _, yb in batches] == [4, 4, 2]
            where = f"workers={workers}, pin_memory={pin}"
            torch.testing.assert_close(torch.cat([xb for xb, _ in batches]), images, rtol=0, atol=0, msg=where)
            assert torch.equal(torch.cat([yb for _, yb in batches]), labels), where
            del batches, loader  # ends the persistent workers
    assert dataloader.epoch_checksum(
        dataloader.make_loader(ds, batch_size=4, workers=0, pin=False), torch.device("cpu")
    ) == pytest.approx(dataloader.expected_checksum(ds, 4), rel=1e-12)


def test_an_epoch_with_the_wrong_data_is_caught(monkeypatch):
    cases = dataloader.make_cases(1, samples=6, batch_size=4, workers=(0,))
    assert set(cases) == {"workers=0", "workers=0 pin"}
    cases["workers=0"]()  # the right data passes
    monkeypatch.setattr(dataloader, "epoch_checksum", lambda loader, device: -1.0)
    with pytest.raises(RuntimeError, match="checksum"):
        cases["workers=0"]()


def test_dataloader_quick_run_splits_pin_memory_and_leaves_no_workers(quick_run):
    module, result, _out, left = quick_run("dataloader")
    assert left == [], f"DataLoader workers outlived the run: {left}"
    assert [part["title"].split(" ")[0] for part in result["parts"]] == ["pin_memory=False", "pin_memory=True"]
    samples = module.QUICK["samples"]
    for part in result["parts"]:
        assert part["cases"] == [f"workers={k}" for k in module.QUICK["workers"]]
        for p in part["points"]:
            assert p["samples_per_s"] == pytest.approx({c: samples / s["median"] for c, s in p["stats"].items()})
            assert p["load_s_per_sample"] > 0
    if not torch.cuda.is_available():
        assert "no effect without CUDA" in result["parts"][1]["title"]
    assert result["params"]["cpu_count"] >= 1 and result["params"]["start_method"]


@pytest.mark.parametrize("option, bad", [("--workers", "-1"), ("--workers", "two"), ("--rounds", "0")])
def test_dataloader_rejects_bad_options(option, bad, capsys):
    with pytest.raises(SystemExit) as exit_info:
        dataloader.main([option, bad, "--out", "unused"])
    assert exit_info.value.code == 2 and option in capsys.readouterr().err
    with pytest.raises(ValueError, match="include 0"):
        dataloader.run([1], workers=(1, 2))


# ---------------------------------------------------------------- amp: lower precision, same answers


@pytest.mark.parametrize("device", DEVICES)
def test_lower_precisions_agree_with_float32_in_loss_and_gradients(device):
    device = torch.device(device)
    trainers = amp.make_trainers(16, batch=2, d_model=32, device=device)
    assert list(trainers) == amp.case_names(device)
    losses, grads = {}, {}
    for name, t in trainers.items():
        _, loss = t.forward()
        loss.backward()
        losses[name] = float(loss.detach())
        grads[name] = torch.cat([p.grad.flatten().float() for p in t.model.parameters()])
    for name in trainers:  # the oracle: float32 autograd from the same weights and data
        assert losses[name] == pytest.approx(losses["fp32"], rel=2e-2), f"{name} loss vs fp32: {losses}"
        err = amp.relative_error(grads[name], grads["fp32"])
        assert err < 5e-2, f"{name}: gradients differ from float32's by {err:.3g} (relative), expected < 5e-2"
    assert amp.check_agreement(trainers)["fp32"] == 0.0


@pytest.mark.parametrize("device", DEVICES)
def test_a_training_step_lowers_the_loss(device):
    for name, t in amp.make_trainers(8, batch=2, d_model=16, device=torch.device(device)).items():
        for g in t.optimizer.param_groups:
            g["lr"] = 1e-2
        first = float(t.step())
        for _ in range(4):
            last = float(t.step())
        assert last < first, f"{name}: five AdamW steps should lower the MSE loss, got {first:.4f} -> {last:.4f}"


@pytest.mark.parametrize("dtype, expected", [(torch.float32, 192), (torch.bfloat16, 288)])
def test_saved_for_backward_counts_known_bytes(dtype, expected):
    # Linear(8, 16) -> ReLU -> Linear(16, 4), batch 2, MSE against a target; parameters and input not counted.
    #   fp32: ReLU's output (2, 16) saved once for ReLU and Linear 2 (128 B), the MSE's output and target
    #         (2, 4) each (32 + 32 B). Linear 1 saves only its input: x needs no gradient.
    #   bf16: the bf16 copy of x (2x8x2 = 32 B), ReLU's bf16 output (2x16x2 = 64 B), Linear 2's bf16 copy of
    #         its weight (16x4x2 = 128 B), the float32 output and target (32 + 32 B).
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(8, 16), nn.ReLU(), nn.Linear(16, 4))
    trainer = amp.Trainer(model=model, optimizer=torch.optim.SGD(model.parameters(), lr=0.1),
                          x=torch.randn(2, 8), target=torch.randn(2, 4), dtype=dtype)
    assert amp.saved_for_backward(trainer) == expected


def test_bf16_saves_less_than_fp32_once_activations_dominate():
    batch, t, d = 4, 128, 64
    saved = {name: amp.saved_for_backward(tr) for name, tr in
             amp.make_trainers(t, batch=batch, d_model=d, device=torch.device("cpu")).items()}
    assert saved["fp32"] >= batch * t * 4 * d * 4, "the MLP's hidden activation (B, T, 4d) alone is saved in fp32"
    assert saved["bf16"] < 0.8 * saved["fp32"], f"bf16 should save far fewer bytes at T={t}: {saved}"


def test_amp_quick_run_measures_exact_memory_and_tokens(quick_run):
    module, result, _out, _left = quick_run("amp")
    cuda = torch.cuda.is_available()
    assert len(result["parts"]) == (3 if cuda else 2)
    timing, saved = result["parts"][:2]
    assert timing["cases"] == (["fp32", "bf16", "fp16"] if cuda else ["fp32", "bf16"])
    for p in saved["points"]:
        for case, values in p["samples"].items():
            assert len(set(values)) == 1 and values[0] > 0, f"saved bytes are exact and repeat: {case} {values}"
    batch = module.QUICK["batch"]
    for p in timing["points"]:
        assert p["tokens_per_s"] == pytest.approx({c: batch * p["x"] / s["median"] for c, s in p["stats"].items()})


def test_amp_rejects_fp16_without_cuda_and_bad_sizes():
    if not torch.cuda.is_available():
        with pytest.raises(ValueError, match="fp16 needs CUDA"):
            amp.make_trainers(8, batch=1, d_model=8, device=torch.device("cpu"), names=["fp16"])
    with pytest.raises(ValueError, match="multiple of"):
        amp.run([8], d_model=30)
    with pytest.raises(ValueError, match="seq_lens"):
        amp.run([])


def test_relative_error_is_a_norm_ratio():
    assert amp.relative_error(torch.tensor([3.0, 4.0]), torch.tensor([0.0, 8.0])) == pytest.approx(5 / 8)
    assert amp.relative_error(torch.ones(3, dtype=torch.bfloat16), torch.ones(3)) == 0.0
