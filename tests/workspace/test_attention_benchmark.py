"""The attention benchmark (``learn bench attention``).

The compared implementations must agree with ``F.scaled_dot_product_attention``
(a benchmark of wrong code measures nothing), the CPU memory method must see a
known allocation, and one real ``--quick`` run must write its JSON, Markdown and
PNG with every case, both ratio families and positive byte counts. Times are
never asserted.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import torch
import torch.nn.functional as F

from benchmarks import attention
from curriculum.course import load

LINUX_PROC = pytest.mark.skipif(not Path("/proc/self/clear_refs").exists(), reason="needs Linux's /proc/self/clear_refs")


@pytest.fixture(scope="module")
def quick(tmp_path_factory):
    out = tmp_path_factory.mktemp("attention")
    assert attention.main(["--quick", "--no-progress", "--out", str(out)]) == 0
    return json.loads((out / "attention.json").read_text(encoding="utf-8")), out


@pytest.mark.slow
def test_quick_run_writes_every_part_case_and_ratio(quick):
    result, out = quick
    for ext in ("json", "md", "png"):
        assert (out / f"attention.{ext}").stat().st_size > 0, f"attention.{ext} is missing or empty"
    q = attention.QUICK
    assert result["params"]["seq_lens"] == list(q["seq_lens"]) and result["params"]["dims"] == list(q["dims"])
    configs = len(q["dims"]) * len(q["causal"]) * len(attention.PASSES)
    units = [part["unit"] for part in result["parts"]]
    want_memory = configs if Path("/proc/self/clear_refs").exists() else 0
    assert units.count("s") == configs and units.count("B") == want_memory, units
    cases = attention.case_names(torch.device("cpu"))
    for part in result["parts"]:
        assert part["cases"] == cases
        assert [p["x"] for p in part["points"]] == list(q["seq_lens"])
        for point in part["points"]:
            assert set(point["stats"]) == set(cases), f"{part['title']}: every case at every n"
            for case in cases:
                for base in ("naive", "sdpa"):
                    if case != base:
                        assert point["ratios"][f"{case}/{base}"] == pytest.approx(
                            point["stats"][case]["median"] / point["stats"][base]["median"])
            if part["unit"] == "B":
                assert all(s["median"] >= attention.PAGE for s in point["stats"].values())


@pytest.mark.slow
def test_quick_run_reports_the_memory_goal(quick):
    result, _ = quick
    if not Path("/proc/self/clear_refs").exists():
        pytest.skip("no CPU memory measurement off Linux")
    head = attention.headline(result["parts"])
    assert len(head["memory_flash_over_naive"]) == sum(p["unit"] == "B" for p in result["parts"])
    assert "flash-pytorch over naive" in result["description"]


@pytest.mark.parametrize("is_causal", [False, True])
def test_naive_attention_matches_sdpa(is_causal):
    q, k, v, _ = attention.make_inputs(40, d=16, batch=1, heads=2, device=torch.device("cpu"), dtype=torch.float32)
    torch.testing.assert_close(attention.naive_attention(q, k, v, is_causal),
                               F.scaled_dot_product_attention(q, k, v, is_causal=is_causal), rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("pass_", attention.PASSES)
@pytest.mark.parametrize("is_causal", [False, True])
def test_every_case_agrees_with_sdpa(pass_, is_causal):
    # make_cases raises RuntimeError when a case is off; reaching the end means all agreed.
    cases = attention.make_cases(48, d=16, is_causal=is_causal, pass_=pass_, batch=1, heads=2,
                                 device=torch.device("cpu"), tiles={"flash": 16, "triton": 16})
    assert list(cases) == ["naive", "flash-pytorch", "sdpa"]


def test_check_agreement_rejects_a_wrong_answer():
    q, k, v, g = attention.make_inputs(32, d=16, batch=1, heads=1, device=torch.device("cpu"), dtype=torch.float32)
    cases = {"sdpa": lambda: F.scaled_dot_product_attention(q, k, v),
             "naive": lambda: 1.01 * attention.naive_attention(q, k, v, False)}
    with pytest.raises(RuntimeError, match="naive"):
        attention.check_agreement(cases, "forward", torch.float32)


@LINUX_PROC
def test_rss_peak_sees_a_known_allocation():
    size = 64 * 2**20
    peak = attention._rss_peak_of(lambda: torch.ones(size // 4))  # 64 MiB, every page touched
    assert 0.9 * size <= peak <= 1.3 * size, f"peak {peak} bytes for a 64 MiB tensor"
    assert attention._rss_peak_of(lambda: None) < 8 * 2**20, "doing nothing should cost (almost) nothing"


@LINUX_PROC
@pytest.mark.slow
def test_memory_subprocess_shows_naive_needs_the_score_matrix():
    # n = 1024, 2 heads: naive's forward holds two (2, 1024, 1024) float32 matrices (16 MiB); flash holds tiles.
    spec = {"n": 1024, "d": 16, "causal": 0, "batch": 1, "heads": 2, "threads": 1,
            "tiles": {"flash": 128, "triton": 64}}
    naive = attention.cpu_memory({**spec, "case": "naive"})
    flash = attention.cpu_memory({**spec, "case": "flash-pytorch"})
    assert naive["forward"] >= 8 * 2**20, naive
    assert flash["forward"] < naive["forward"] / 3, (flash, naive)


@pytest.mark.parametrize("kwargs,match", [({"seq_lens": []}, "seq_lens"), ({"dims": (24,)}, "dims"),
                                          ({"causal": (2,)}, "causal")])
def test_run_rejects_bad_options(kwargs, match):
    args = {"seq_lens": (32,), **kwargs}
    with pytest.raises(ValueError, match=match):
        attention.run(args.pop("seq_lens"), **args, device="cpu", memory=False)


def test_catalogue_puts_the_benchmark_in_cs336():
    bench = load().benchmark("attention")
    assert bench.module == "benchmarks.attention" and bench.track == "cs336"
    assert attention.__doc__.splitlines()[2].strip() == "learn bench attention"


def test_the_triton_case_is_cuda_only():
    assert "flash-triton" not in attention.case_names(torch.device("cpu"))
    assert "flash-triton" in attention.case_names(torch.device("cuda"))
