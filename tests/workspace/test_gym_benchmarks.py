"""The Python Gym benchmarks: heap-topk, insort, memo, fast-io, generator-memory.

Two kinds of checks. The compared implementations must agree with an oracle
nobody here wrote (``sorted``, ``math.comb``, a closed form, a brute-force sum),
since a benchmark of wrong code measures nothing. And one real ``--quick`` run
per benchmark must write its JSON, Markdown and PNG with the expected keys.
Time ratios are never asserted (a busy two-core machine can swing them);
memory is, since tracemalloc counts the same bytes every time. The harness
additions these benchmarks use (parts, capped cases, bytes, ``peak_memory``)
are checked on hand-made results.
"""

from __future__ import annotations

import heapq
import importlib
import io
import json
import math
import sys
import tracemalloc

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from benchmarks import fast_io, generator_memory, harness, heap_topk, insort, memo

BENCHES = {
    "heap-topk": heap_topk,
    "insort": insort,
    "memo": memo,
    "fast-io": fast_io,
    "generator-memory": generator_memory,
}
PART_KEYS = {"title", "x_name", "unit", "cases", "baseline", "points", "slopes", "slope_label"}
POINT_KEYS = {"x", "number", "samples", "stats", "ratios"}

# ---------------------------------------------------------------- one quick run each


@pytest.fixture(scope="module")
def quick_run(tmp_path_factory):
    """``quick_run(name) -> (module, result dict, output folder)``: one real ``--quick`` run per name."""
    done: dict[str, tuple] = {}

    def get(name: str) -> tuple:
        if name not in done:
            module = BENCHES[name]
            out = tmp_path_factory.mktemp(name)
            code = module.main(["--quick", "--no-progress", "--out", str(out)])
            assert code == 0, f"learn bench {name} --quick returned {code}"
            done[name] = module, json.loads((out / f"{name}.json").read_text(encoding="utf-8")), out
        return done[name]

    return get


@pytest.fixture(params=list(BENCHES))
def quick(request, quick_run):
    """``(name, module, result dict, output folder)`` for each benchmark's ``--quick`` run."""
    return (request.param, *quick_run(request.param))


def parts_of(result: dict) -> list[dict]:
    return result.get("parts") or [result]


def test_quick_run_writes_json_markdown_and_png(quick):
    name, _module, result, out = quick
    assert sorted(p.name for p in out.iterdir()) == sorted(f"{name}.{ext}" for ext in ("json", "md", "png"))
    assert (out / f"{name}.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert {"name", "title", "description", "machine", "params"} <= result.keys()
    assert result["name"] == name
    markdown = (out / f"{name}.md").read_text(encoding="utf-8")
    assert markdown.startswith(f"# {result['title']}") and f"![{result['title']}]({name}.png)" in markdown
    for part in parts_of(result):
        assert PART_KEYS <= part.keys(), f"{name}: part {part.get('title')} lacks {PART_KEYS - part.keys()}"
        header = "| " + " | ".join([part["x_name"], *part["cases"]])
        assert header in markdown, f"{name}: no table starting {header!r} in the Markdown"
        assert part["baseline"] in part["cases"]


def test_quick_run_keeps_every_sample_and_ratio(quick):
    name, module, result, _out = quick
    assert result["params"]["repeats"] == module.QUICK["repeats"]
    for part in parts_of(result):
        baseline = part["baseline"]
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


def test_quick_runs_use_the_quick_sizes(quick):
    name, module, result, _out = quick
    for key, value in module.QUICK.items():
        assert result["params"][key] == (list(value) if isinstance(value, tuple) else value), (
            f"{name} --quick should use QUICK[{key!r}]"
        )


# ---------------------------------------------------------------- measured properties that are robust


def test_generator_peak_memory_is_flat_and_far_below_the_lists(quick_run):
    _module, result, _out = quick_run("generator-memory")
    memory = result["parts"][0]
    assert memory["unit"] == "B" and result["params"]["sizes"][-1] == 100_000
    peaks = {c: [p["stats"][c]["median"] for p in memory["points"]] for c in ("list", "generator")}
    assert peaks["list"][-1] > 100 * peaks["generator"][-1], f"peaks at N=100,000: {peaks}"
    assert peaks["list"][-1] > 100_000 * 8, "a list of 100,000 ints holds at least 8 bytes per item"
    assert max(peaks["generator"]) < 2 * min(peaks["generator"]), f"generator peak should not grow: {peaks}"
    assert memory["slopes"]["list"] == pytest.approx(1.0, abs=0.1)
    assert memory["slopes"]["generator"] == pytest.approx(0.0, abs=0.1)


def test_insort_quick_run_caps_the_slow_cases(quick_run):
    module, result, _out = quick_run("insort")
    cap = module.QUICK["slow_max"]
    for point in result["points"]:
        measured = set(point["stats"])
        expected = set(module.CASES) if point["x"] <= cap else {"insort"}
        assert measured == expected, f"N={point['x']}: measured {measured}, slow_max={cap}"
    assert {"insort", "append+sort", "linear scan"} <= result["slopes"].keys()


def test_memo_quick_run_runs_naive_only_up_to_its_cap(quick_run):
    module, result, _out = quick_run("memo")
    for part, cap in zip(result["parts"], (module.QUICK["fib_naive_max"], module.QUICK["grid_naive_max"])):
        for point in part["points"]:
            assert ("naive" in point["stats"]) == (point["x"] <= cap)
        assert part["slopes"].keys() == {"naive", "lru_cache", "dp"}
        assert "naive" in part["legend"], "naive is fitted per step of n, so its legend says so"


def test_heap_topk_quick_run_has_one_part_per_k(quick_run):
    module, result, _out = quick_run("heap-topk")
    assert [part["title"] for part in result["parts"]] == [f"k = {spec}" for spec in module.QUICK["ks"]]
    for spec, part in zip(module.QUICK["ks"], result["parts"]):
        assert [p["k"] for p in part["points"]] == [heap_topk.k_for(spec, n) for n in module.QUICK["sizes"]]


# ---------------------------------------------------------------- heap-topk agrees with sorting

numbers = st.lists(st.integers(-50, 50), max_size=60)  # small range: many duplicates


@settings(max_examples=60, deadline=None)
@given(xs=numbers, k=st.integers(1, 70))
def test_bounded_heap_and_nlargest_pick_the_k_largest(xs, k):
    expected = sorted(xs, reverse=True)[:k]  # the oracle: sort everything
    assert sorted(heap_topk.bounded_heap_topk(xs, k), reverse=True) == expected, f"xs={xs}, k={k}"
    assert heapq.nlargest(k, xs) == expected


@pytest.mark.parametrize(
    "spec, n, k", [("10", 1_000, 10), ("10", 5, 5), ("N/10", 1_000, 100), ("N/2", 7, 3), ("N/10", 5, 1)]
)
def test_k_specs(spec, n, k):
    assert heap_topk.k_for(spec, n) == k


def test_heap_topk_cases_agree():
    cases = heap_topk.make_cases(500, 37, seed=3)
    answers = {name: sorted(fn()) for name, fn in cases.items()}
    assert set(cases) == set(heap_topk.CASES)
    assert len(answers["sorted"]) == 37 and all(v == answers["sorted"] for v in answers.values())


@pytest.mark.parametrize("option, bad", [("--ks", "N/0"), ("--ks", "ten"), ("--ks", "0"), ("--sizes", "1.5")])
def test_heap_topk_rejects_bad_options(option, bad, capsys):
    with pytest.raises(SystemExit) as exit_info:
        heap_topk.main([option, bad, "--out", "unused"])
    assert exit_info.value.code == 2 and option in capsys.readouterr().err


# ---------------------------------------------------------------- insort builds the sorted list


@settings(max_examples=60, deadline=None)
@given(values=numbers)
@pytest.mark.parametrize(
    "build", [insort.build_with_insort, insort.build_with_append_sort, insort.build_with_linear_scan],
    ids=lambda f: f.__name__,
)
def test_every_way_builds_the_sorted_list(build, values):
    assert build(values) == sorted(values), f"{build.__name__}({values})"


def test_insort_cases_agree_and_cap_the_slow_ones():
    assert set(insort.make_cases(300, slow_max=300)) == set(insort.CASES)
    assert set(insort.make_cases(301, slow_max=300)) == {"insort"}
    with pytest.raises(ValueError, match="slow_max"):
        insort.run([10], slow_max=0)


# ---------------------------------------------------------------- memo: Fibonacci and grid paths

FIB = [0, 1, 1, 2, 3, 5, 8, 13, 21, 34, 55, 89, 144, 233, 377, 610]


@pytest.mark.parametrize("fib", [memo.fib_naive, memo.fib_memo, memo.fib_dp, memo.fib_oracle], ids=lambda f: f.__name__)
def test_fibonacci_known_values(fib):
    assert [fib(n) for n in range(len(FIB))] == FIB


def test_fibonacci_large_n_satisfies_cassini():
    # F(n-1) F(n+1) - F(n)^2 = (-1)^n, checked far beyond the hand-written values
    for n in (100, 777, 2_000):
        a, b, c = (memo.fib_dp(n - 1), memo.fib_dp(n), memo.fib_dp(n + 1))
        assert a * c - b * b == (-1) ** n
        assert memo.fib_oracle(n) == b
    assert memo.fib_dp(100) == 354_224_848_179_261_915_075


@pytest.mark.parametrize("i, j", [(0, 0), (0, 5), (3, 0), (1, 1), (2, 3), (4, 4), (6, 2)])
def test_grid_paths_match_math_comb(i, j):
    expected = math.comb(i + j, i)
    assert memo.paths_naive(i, j) == expected
    memo.paths_memo.cache_clear()
    assert memo.paths_memo(i, j) == expected
    if i == j:
        assert memo.paths_dp(i) == expected


@pytest.mark.parametrize("problem, n, naive_max", [("fib", 12, 20), ("fib", 400, 20), ("grid", 6, 8), ("grid", 80, 8)])
def test_memo_cases_agree_and_naive_is_capped(problem, n, naive_max):
    cases = memo.make_cases(problem, n, naive_max=naive_max)
    assert ("naive" in cases) == (n <= naive_max)
    expected = memo.fib_oracle(n) if problem == "fib" else math.comb(2 * n, n)
    assert {name: fn() for name, fn in cases.items()} == {name: expected for name in cases}


def test_lru_case_starts_cold_every_call_and_restores_the_recursion_limit():
    limit = sys.getrecursionlimit()
    memo.fib_memo(300)  # a warm cache the timed call must not profit from
    call = memo.make_cases("fib", 2 * limit, naive_max=10)["lru_cache"]
    for _ in range(2):
        assert call() == memo.fib_oracle(2 * limit)
        info = memo.fib_memo.cache_info()
        assert info.misses == 2 * limit + 1, f"every F(k) should be computed afresh, got {info}"
    assert sys.getrecursionlimit() == limit
    memo.fib_memo.cache_clear()


def test_growth_per_step_recovers_the_base():
    ns = [10, 12, 14, 16]
    assert memo.growth_per_step(ns, [3e-6 * 1.618**n for n in ns]) == pytest.approx(1.618)
    with pytest.raises(ValueError, match="problem"):
        memo.make_cases("tree", 3, naive_max=3)


# ---------------------------------------------------------------- fast-io: every reader sums the same


@pytest.mark.parametrize("n", [1, 2, 1_000])
def test_readers_sum_the_generated_integers(n, tmp_path):
    path = tmp_path / "in.txt"
    expected = fast_io.write_input(path, n, seed=n)
    lines = path.read_text(encoding="utf-8").splitlines()
    assert int(lines[0]) == n and sum(map(int, lines[1:])) == expected  # the oracle: parse it plainly
    stdin = sys.stdin
    readers = [fast_io.sum_with_input, fast_io.sum_with_readline, fast_io.sum_with_read_split]
    for reader in readers:
        assert fast_io.fresh_stdin(path, reader)() == expected, reader.__name__
        assert sys.stdin is stdin, f"{reader.__name__}: sys.stdin must be restored"


def test_fresh_stdin_restores_stdin_after_an_error(tmp_path):
    path = tmp_path / "in.txt"
    path.write_text("2\n1\n", encoding="utf-8")  # one integer short
    stdin = sys.stdin
    with pytest.raises(ValueError):
        fast_io.fresh_stdin(path, fast_io.sum_with_readline)()  # int('') on the missing line
    assert sys.stdin is stdin


def test_fast_io_cases_agree(tmp_path):
    cases = fast_io.make_cases(500, tmp_path, seed=1)
    assert set(cases) == set(fast_io.CASES)
    assert len({fn() for fn in cases.values()}) == 1


# ---------------------------------------------------------------- generator-memory: same sum, closed form


@pytest.mark.parametrize("n", [0, 1, 2, 3, 10, 101, 1_000])
def test_pipelines_match_the_closed_form_and_brute_force(n):
    brute = sum(x * x for x in range(n) if x * x % 2 == 0)
    assert generator_memory.expected_sum(n) == brute
    assert generator_memory.list_pipeline(n) == brute
    assert generator_memory.generator_pipeline(n) == brute


# ---------------------------------------------------------------- harness additions


def test_peak_memory_counts_what_fn_allocates():
    assert harness.peak_memory(lambda: bytearray(1_000_000)) >= 1_000_000
    assert harness.peak_memory(lambda: None) < 1_000
    assert not tracemalloc.is_tracing(), "peak_memory must stop the tracing it started"


def test_peak_memory_leaves_running_tracing_alone():
    tracemalloc.start()
    try:
        held = [0] * 100_000  # allocated before: not counted
        assert 100_000 * 8 <= harness.peak_memory(lambda: [0] * 100_000) < 2 * 100_000 * 8
        assert tracemalloc.is_tracing()
        del held
    finally:
        tracemalloc.stop()


@pytest.mark.parametrize("n, text", [(0, "0 B"), (512, "512 B"), (2_048, "2 KiB"), (40_000_000, "38.1 MiB"),
                                     (3 * 2**30, "3 GiB")])
def test_format_bytes(n, text):
    assert harness.format_bytes(n) == text


@pytest.mark.parametrize("text, value", [("1000", 1000), ("1_000", 1000), ("1e6", 1_000_000)])
def test_size_arg(text, value):
    assert harness.size_arg(text) == value


def point(x, **medians):
    """A hand-made point with one sample per case."""
    stats = {c: harness.summarize([m]) for c, m in medians.items()}
    return {"x": x, "number": {c: 1 for c in medians}, "samples": {c: [m] for c, m in medians.items()},
            "stats": stats, "ratios": harness.ratios(stats, "fast")}


def made_up_result(scale: float = 1e-6, **extra):
    """A result by hand: ``fast`` linear in N, ``slow`` quadratic and measured at the first two N only."""
    points = [point(10, fast=scale, slow=100 * scale), point(100, fast=10 * scale, slow=10_000 * scale),
              point(1_000, fast=100 * scale)]
    return {"name": "made-up", "title": "Made up", "description": "", "machine": harness.machine_info(),
            "params": {"sizes": [10, 100, 1000]}, "x_name": "N", "unit": "s", "cases": ["slow", "fast"],
            "baseline": "fast", "points": points, "slopes": harness.slopes(points), **extra}


def test_a_case_missing_at_some_x_gets_dashes_and_a_slope_over_its_points():
    result = made_up_result()
    assert result["slopes"] == pytest.approx({"slow": 2.0, "fast": 1.0})
    markdown = harness.to_markdown(result)
    assert "| 1,000 | — | 100 µs [100 µs, 100 µs] | — |" in markdown
    assert "| 100 | 10 ms [10 ms, 10 ms] | 10 µs [10 µs, 10 µs] | 1,000× |" in markdown
    only_once = [point(10, fast=1.0, slow=2.0), point(100, fast=1.0)]
    assert harness.slopes(only_once) == {"fast": 0.0}, "one x is not enough for a slope"


def test_parts_give_one_section_and_one_table_each():
    memory = {**made_up_result(scale=2_048), "title": "Memory", "unit": "B", "measure": "peak memory"}
    timing = {**made_up_result(), "title": "Time", "legend": {"slow": "quadratic"}}
    result = {k: v for k, v in made_up_result().items() if k not in PART_KEYS - {"title"}}
    result["parts"] = [memory, timing]
    markdown = harness.to_markdown(result, plot_name="made-up.png")
    assert markdown.startswith("# Made up") and markdown.count("\n## ") == 2
    memory_section, time_section = markdown.split("## Memory")[1].split("## Time")
    assert "| 10 | 200 KiB [200 KiB, 200 KiB] | 2 KiB [2 KiB, 2 KiB] | 100× |" in memory_section
    assert "Peak memory: median" in memory_section
    assert "| 10 | 100 µs [100 µs, 100 µs] | 1 µs [1 µs, 1 µs] | 100× |" in time_section
    assert "Time per operation: median" in time_section  # the default measure
    console_out = io.StringIO()
    harness.print_table(result, harness.Console(file=console_out, width=120))
    text = console_out.getvalue()
    assert text.index("Memory") < text.index("200 KiB") < text.index("Time") < text.index("100 µs")


@pytest.mark.parametrize("name", list(BENCHES))
def test_catalogue_names_the_module(name):
    from curriculum.course import load

    bench = load().benchmark(name)
    assert importlib.import_module(bench.module) is BENCHES[name]
    assert bench.track == "python_gym"
