"""The benchmark harness and the benchmarks in the catalogue.

Timing-free where possible: the harness's clock (``harness.time_calls``) is
replaced by a fake that returns each case's simulated time, so alternation,
medians, ratios and slopes are checked on known numbers. The one real run
(``list-vs-deque --quick``) asserts properties of its own measurements, never a
wall-clock threshold.
"""

from __future__ import annotations

import importlib
import json
import subprocess
import sys
import types

import pytest

from benchmarks import harness, list_vs_deque
from curriculum.course import load
from curriculum.paths import workspace_root


@pytest.fixture
def fake_clock(monkeypatch):
    """Make ``time_calls(fn, number)`` return ``fn()``: a case returns its own simulated seconds."""
    monkeypatch.setattr(harness, "time_calls", lambda fn, number: fn())


# ---------------------------------------------------------------- alternation


def recording_cases(names, log):
    """Cases that append their own name to ``log`` when called."""
    return {name: (lambda name=name: log.append(name)) for name in names}


@pytest.mark.parametrize("names", [("a", "b"), ("list", "deque", "array")])
@pytest.mark.parametrize("repeats", [1, 3])
def test_alternate_interleaves_cases_within_each_repeat(names, repeats):
    log: list[str] = []
    samples, numbers = harness.alternate(recording_cases(names, log), repeats=repeats, number=1)
    # one untimed warm-up call each, then A, B, A, B, ...: drift hits every case alike
    assert log == list(names) + list(names) * repeats, "cases must alternate, not run one after the other"
    assert {k: len(v) for k, v in samples.items()} == {name: repeats for name in names}
    assert numbers == {name: 1 for name in names}


def test_alternate_calls_each_case_number_times_per_sample():
    log: list[str] = []
    harness.alternate(recording_cases("ab", log), repeats=2, number=3)
    assert "".join(log) == "ab" + "aaabbb" * 2


def test_alternate_calibrates_number_to_min_time(fake_clock):
    cases = {"slow": lambda: 0.01, "fast": lambda: 1e-5}
    _, numbers = harness.alternate(cases, repeats=1, min_time=0.002)
    assert numbers == {"slow": 1, "fast": 200}, "a sample should last at least min_time"


def test_alternate_reports_each_repeat_and_rejects_bad_arguments():
    ticks = []
    harness.alternate({"a": lambda: None}, repeats=4, number=1, on_repeat=lambda: ticks.append(1))
    assert len(ticks) == 4
    with pytest.raises(ValueError, match="repeats"):
        harness.alternate({"a": lambda: None}, repeats=0)
    with pytest.raises(ValueError, match="at least one case"):
        harness.alternate({}, repeats=1)


def test_time_calls_pauses_the_garbage_collector_and_restores_it():
    import gc

    seen = []
    assert gc.isenabled()
    harness.time_calls(lambda: seen.append(gc.isenabled()), number=2)
    assert seen == [False, False] and gc.isenabled()


# ---------------------------------------------------------------- statistics


@pytest.mark.parametrize(
    "samples, expected",
    [
        ([3, 1, 2, 5, 4], {"median": 3, "min": 1, "q1": 2, "q3": 4, "max": 5, "n": 5}),
        ([4, 1, 3, 2], {"median": 2.5, "min": 1, "q1": 1.75, "q3": 3.25, "max": 4, "n": 4}),
        ([7.5], {"median": 7.5, "min": 7.5, "q1": 7.5, "q3": 7.5, "max": 7.5, "n": 1}),
        ([2, 2, 2], {"median": 2, "min": 2, "q1": 2, "q3": 2, "max": 2, "n": 3}),
    ],
)
def test_summarize_known_samples(samples, expected):
    assert harness.summarize(samples) == pytest.approx(expected)


def test_summarize_rejects_no_samples():
    with pytest.raises(ValueError):
        harness.summarize([])


def test_ratios_divide_medians_by_the_baseline():
    stats = {"list": {"median": 6.0}, "deque": {"median": 2.0}, "array": {"median": 1.0}}
    assert harness.ratios(stats, "deque") == pytest.approx({"list/deque": 3.0, "array/deque": 0.5})


@pytest.mark.parametrize("exponent", [0.0, 0.5, 1.0, 2.0])
def test_loglog_slope_recovers_the_exponent(exponent):
    xs = [10, 100, 1_000, 10_000, 100_000]
    ys = [3e-8 * x**exponent for x in xs]
    assert harness.loglog_slope(xs, ys) == pytest.approx(exponent, abs=1e-9)


def test_loglog_slope_is_robust_to_small_multiplicative_noise():
    xs = [1e3, 3e3, 1e4, 3e4, 1e5]
    wobble = [1.1, 0.9, 1.05, 0.95, 1.0]  # +-10 %, as a noisy machine gives
    assert harness.loglog_slope(xs, [x * w for x, w in zip(xs, wobble)]) == pytest.approx(1.0, abs=0.05)
    assert harness.loglog_slope(xs, wobble) == pytest.approx(0.0, abs=0.05)


@pytest.mark.parametrize(
    "xs, ys, match",
    [
        ([10, 10], [1, 2], "two distinct"),
        ([0, 10], [1, 2], "positive"),
        ([1, 10], [1, -2], "positive"),
        ([1, 2], [1], "same length"),
    ],
)
def test_loglog_slope_rejects_bad_input(xs, ys, match):
    with pytest.raises(ValueError, match=match):
        harness.loglog_slope(xs, ys)


def test_sweep_stores_per_op_samples_medians_ratios_and_slopes(fake_clock):
    xs = [10, 100, 1_000]
    make = lambda x: {"linear": lambda: x * 1e-6, "flat": lambda: 4e-6}  # noqa: E731
    points = harness.sweep(xs, make, repeats=3, baseline="flat", ops_per_call=4, progress=False)
    assert [p["x"] for p in points] == xs
    first = points[0]
    assert first["samples"]["linear"] == pytest.approx([2.5e-6] * 3), "samples are seconds per op"
    assert first["samples"]["flat"] == pytest.approx([1e-6] * 3)
    assert first["stats"]["linear"]["median"] == pytest.approx(2.5e-6)
    assert [p["ratios"]["linear/flat"] for p in points] == pytest.approx([2.5, 25, 250])
    assert harness.slopes(points) == pytest.approx({"linear": 1.0, "flat": 0.0}, abs=1e-9)
    with pytest.raises(ValueError, match="baseline"):
        harness.sweep(xs, make, repeats=1, baseline="missing", progress=False)


# ---------------------------------------------------------------- machine and formatting


def test_machine_info_names_the_machine_and_torch_only_when_imported(monkeypatch):
    monkeypatch.delitem(sys.modules, "torch", raising=False)
    info = harness.machine_info()
    assert {"python", "platform", "processor", "cpu_count", "timestamp"} <= info.keys()
    assert "torch" not in info
    monkeypatch.setitem(sys.modules, "torch", types.SimpleNamespace(__version__="9.9.9"))
    assert harness.machine_info()["torch"] == "9.9.9"


def test_importing_the_benchmarks_does_not_import_torch():
    code = "import sys, benchmarks.harness, benchmarks.list_vs_deque; print('torch' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=workspace_root(), check=True)
    assert out.stdout.strip() == "False", "the harness must never import torch (seconds of start-up)"


@pytest.mark.parametrize(
    "seconds, text", [(2.5e-7, "250 ns"), (3.47e-6, "3.47 µs"), (0.0123, "12.3 ms"), (1.5, "1.5 s"), (120.0, "120 s")]
)
def test_format_seconds(seconds, text):
    assert harness.format_seconds(seconds) == text


@pytest.mark.parametrize("ratio, text", [(1408.3, "1,408×"), (15.04, "15.0×"), (4.844, "4.84×"), (0.5, "0.50×")])
def test_format_ratio(ratio, text):
    assert harness.format_ratio(ratio) == text


# ---------------------------------------------------------------- list-vs-deque, for real


@pytest.fixture(scope="module")
def quick_run(tmp_path_factory):
    """One real ``--quick`` run into a temporary folder (about a second)."""
    out = tmp_path_factory.mktemp("bench")
    code = list_vs_deque.main(["--quick", "--no-progress", "--out", str(out)])
    return code, out


def test_quick_run_writes_json_markdown_and_png(quick_run):
    code, out = quick_run
    assert code == 0
    names = sorted(p.name for p in out.iterdir())
    assert names == ["list-vs-deque.json", "list-vs-deque.md", "list-vs-deque.png"]
    assert (out / "list-vs-deque.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    markdown = (out / "list-vs-deque.md").read_text(encoding="utf-8")
    assert "| N | list | deque | list/deque |" in markdown and "![" in markdown

    result = json.loads((out / "list-vs-deque.json").read_text(encoding="utf-8"))
    assert {"name", "title", "machine", "params", "cases", "baseline", "points", "slopes"} <= result.keys()
    assert result["params"] == {"sizes": list(list_vs_deque.QUICK_SIZES), **list_vs_deque.QUICK}
    for point in result["points"]:
        assert {"x", "number", "samples", "stats", "ratios"} <= point.keys()
        assert {len(v) for v in point["samples"].values()} == {list_vs_deque.QUICK["repeats"]}
        assert point["ratios"]["list/deque"] == pytest.approx(
            point["stats"]["list"]["median"] / point["stats"]["deque"]["median"]
        )


def test_quick_run_shows_list_is_linear_per_op_and_deque_is_not(quick_run):
    _, out = quick_run
    result = json.loads((out / "list-vs-deque.json").read_text(encoding="utf-8"))
    assert set(result["slopes"]) == {"list", "deque"}
    # Judge on each size's fastest sample: on a busy machine noise only adds time, so the
    # minimum is the steadiest estimate (medians can swing when a whole size is preempted).
    xs = [p["x"] for p in result["points"]]
    fastest = {c: [p["stats"][c]["min"] for p in result["points"]] for c in ("list", "deque")}
    growth = fastest["list"][-1] / fastest["list"][0]  # N grows 100x: ideally 100x, loop overhead makes it less
    assert growth > 10, (
        f"list per-op time grew only {growth:.1f}x from N={xs[0]:,} to N={xs[-1]:,}; insert(0, x) is O(N)"
    )
    slopes = {c: harness.loglog_slope(xs, ys) for c, ys in fastest.items()}
    assert slopes["list"] > slopes["deque"] + 0.5, (
        f"expected list's log-log slope (~1) well above deque's (~0), got {slopes}"
    )


def test_options_parse_sizes_and_reject_bad_numbers(capsys):
    assert list_vs_deque._size("1e6") == 1_000_000 and list_vs_deque._size("3_000") == 3_000
    for option, bad in [("--sizes", "0"), ("--sizes", "1.5"), ("--sizes", "many"), ("--repeats", "0"), ("--ops", "-3")]:
        with pytest.raises(SystemExit) as exit_info:
            list_vs_deque.main([option, bad, "--out", "unused"])
        assert exit_info.value.code == 2, f"{option} {bad} should be a usage error"
        assert option in capsys.readouterr().err


def test_run_rejects_bad_sizes_and_ops():
    with pytest.raises(ValueError, match="sizes"):
        list_vs_deque.run([])
    with pytest.raises(ValueError, match="ops"):
        list_vs_deque.run([10], ops=0)


# ---------------------------------------------------------------- the catalogue


@pytest.mark.parametrize("bench", load().benchmarks, ids=lambda b: b.name)
def test_catalogue_benchmark_modules_follow_the_interface(bench):
    module = importlib.import_module(bench.module)
    assert callable(getattr(module, "main", None)) and callable(getattr(module, "run", None)), (
        f"{bench.module} must define main(argv) -> int and run(...) -> dict"
    )
    first_line = next(line.strip() for line in module.__doc__.splitlines()[1:] if line.strip())
    assert first_line == f"learn bench {bench.name}", "the module docstring starts with the command that runs it"
    assert bench.track in {t.id for t in load().tracks}
    assert bench.description, "describe what is compared and what to expect"
