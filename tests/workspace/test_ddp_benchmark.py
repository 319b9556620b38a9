"""The ``ddp`` benchmark (naive / overlapped / bucketed DDP, ZeRO-1 optimizer memory).

One real ``--quick`` run (2 gloo processes) must write its JSON, Markdown and
PNG, and its exact numbers must agree with oracles nobody here wrote: the
elements communicated per step equal the model's parameter count (from a
fresh ``TransformerLM``), naive DDP makes one all-reduce per parameter tensor,
a bucket of B bytes cannot carry more than B bytes of a multi-parameter
bucket, and the two ranks' sharded AdamW state adds up to the unsharded
state. Times are never asserted.
"""

from __future__ import annotations

import json
import math

import pytest

from benchmarks import ddp

pytestmark = pytest.mark.slow  # spawns two processes: several seconds


@pytest.fixture(scope="module")
def quick(tmp_path_factory):
    out = tmp_path_factory.mktemp("ddp")
    assert ddp.main(["--quick", "--no-progress", "--out", str(out)]) == 0
    return json.loads((out / "ddp.json").read_text(encoding="utf-8")), out


def quick_model():
    import torch

    from cs336.solutions.transformer_lm import TransformerLM

    q = ddp.QUICK
    torch.manual_seed(0)
    return TransformerLM(**ddp.model_config(q["d_models"][0], layers=q["layers"], vocab=q["vocab"], seq=q["seq"]))


def test_quick_run_writes_files_and_parts(quick):
    result, out = quick
    assert sorted(p.name for p in out.iterdir()) == ["ddp.json", "ddp.md", "ddp.png"]
    assert (out / "ddp.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert {"name", "title", "description", "machine", "params", "parts"} <= result.keys()
    timing, memory = result["parts"]
    assert timing["cases"] == ddp.case_names(ddp.QUICK["bucket_mb"]) and timing["baseline"] == "naive"
    assert memory["unit"] == "B" and memory["cases"] == ["adamw", "zero1-rank0", "zero1-rank1"]
    for point in timing["points"]:
        assert all(len(point["samples"][c]) == ddp.QUICK["repeats"] for c in timing["cases"])
        assert all(s > 0 for c in timing["cases"] for s in point["samples"][c])
        assert set(point["ratios"]) == {f"{c}/naive" for c in timing["cases"] if c != "naive"}
    assert "## Optimizer state per rank" in (out / "ddp.md").read_text(encoding="utf-8")


def test_collective_counts_match_the_model(quick):
    result, _ = quick
    model = quick_model()
    params = list(model.parameters())
    n_elements = sum(p.numel() for p in params)
    total_bytes = 4 * n_elements
    point = result["parts"][0]["points"][0]
    calls, elements = point["collective_calls"], point["collective_elements"]
    assert point["param_bytes"] == total_bytes
    # Every case averages every gradient element exactly once per step.
    assert elements == {c: n_elements for c in calls}
    # Naive and overlapped DDP: one all-reduce per parameter tensor.
    assert calls["naive"] == calls["overlap"] == len(params)
    sizes = [mb for mb in ddp.QUICK["bucket_mb"]]
    for small, large in zip(sizes, sizes[1:]):
        assert calls[f"bucket-{small:g}MB"] >= calls[f"bucket-{large:g}MB"]
    largest = max(4 * p.numel() for p in params)
    for mb in sizes:
        n = calls[f"bucket-{mb:g}MB"]
        cap = mb * 2**20
        # At least ceil(total / cap) buckets (a bucket over the cap holds one parameter, at most `largest` bytes).
        assert n >= math.ceil(total_bytes / max(cap, largest))
        assert n < len(params)  # buckets must group parameters at these sizes


def test_sharded_optimizer_state_halves(quick):
    result, _ = quick
    point = result["parts"][1]["points"][0]
    adamw = point["stats"]["adamw"]["median"]
    ranks = [point["stats"][f"zero1-rank{r}"]["median"] for r in range(2)]
    params = list(quick_model().parameters())
    # AdamW: exp_avg + exp_avg_sq (float32, numel each) + a float32 scalar step per parameter tensor.
    assert adamw == 8 * sum(p.numel() for p in params) + 4 * len(params)
    assert sum(ranks) == adamw
    assert all(abs(r - adamw / 2) <= 8 * max(p.numel() for p in params) + 4 * len(params) for r in ranks)
