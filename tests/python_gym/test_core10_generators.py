"""Grading tests for core-10: running_average, lines_from, parse_records and sum_by.

Oracles: ``statistics.fmean`` over the values sent since the last reset; a
fake source that logs "open"/"close" so cleanup is checked by counting, not
by timing; ``csv.reader`` plus an eager dict-of-lists computation for the
pipeline; a recording iterator to prove the stages read one line at a time.
"""

from __future__ import annotations

import csv
import io
import itertools
import random
import statistics
from collections.abc import Iterator

import pytest
from hypothesis import given
from hypothesis import strategies as st

from curriculum.grading.testing import expect_equal, expect_float, expect_raises, expect_true

from probes import Endless, Recorder

pytestmark = pytest.mark.exercise("core-10")


# ---------------------------------------------------------------- running_average


def started(ex):
    avg = ex.running_average()
    first = next(avg)
    expect_equal(first, None, call="next(running_average())", hint="priming runs to the first yield, which yields None (no values yet)")
    return avg


def test_running_average_docstring_example(ex):
    avg = started(ex)
    got = [avg.send(10), avg.send(20), avg.send(0)]
    expect_equal(got, [10.0, 15.0, 10.0], call="avg.send(10), avg.send(20), avg.send(0)",
                 hint="`received = yield average` inside a loop; keep total and count as locals")
    expect_equal(avg.throw(ex.ResetAverage), None, call="avg.throw(ResetAverage)",
                 hint="catch ResetAverage around the yield, reset, and yield None")
    expect_equal(avg.send(4), 4.0, call="avg.send(4) after the reset", hint="only values since the last reset count")


@given(st.lists(st.one_of(st.integers(-1000, 1000), st.floats(-1e6, 1e6), st.just("reset"), st.just(None)), max_size=25))
def test_running_average_matches_fmean(ex, script):
    avg = started(ex)
    since_reset = []
    done = ["next(avg)"]
    for step in script:
        if step == "reset":
            got = avg.throw(ex.ResetAverage)
            since_reset = []
            done.append("throw(ResetAverage)")
        else:
            got = avg.send(step)
            if step is not None:
                since_reset.append(step)
            done.append(f"send({step!r})")
        call = "; ".join(done[-4:])
        if not since_reset:
            expect_equal(got, None, call=call, hint="no values since the start or the last reset: yield None")
        else:
            expect_float(got, statistics.fmean(since_reset), call=call, rel=1e-9, abs=1e-6,
                         hint="the mean of the values sent since the last reset; send(None) adds nothing")


def test_running_average_returns_floats(ex):
    avg = started(ex)
    got = avg.send(3)
    expect_true(type(got) is float and got == 3.0, message=f"avg.send(3) returned {got!r} ({type(got).__name__}), expected 3.0",
                hint="total / count is always a float in Python 3")


@pytest.mark.parametrize("bad", ["3", True, [1]])
def test_running_average_bad_value_finishes_the_generator(ex, bad):
    avg = started(ex)
    avg.send(1)
    expect_raises(TypeError, avg.send, bad, call=f"avg.send({bad!r})", hint="check the type; bool is an int subclass but not a value")
    expect_raises(StopIteration, avg.send, 2, call=f"avg.send(2) after avg.send({bad!r}) raised",
                  hint="an exception that leaves a generator finishes it (nothing to implement: just raise)")


def test_running_average_other_exceptions_propagate(ex):
    avg = started(ex)
    avg.send(1)
    expect_raises(KeyError, avg.throw, KeyError("boom"), call="avg.throw(KeyError('boom'))",
                  hint="only catch ResetAverage; let other exceptions out")


def test_running_average_close(ex):
    avg = started(ex)
    avg.send(5)
    avg.close()
    expect_raises(StopIteration, avg.send, 1, call="avg.send(1) after avg.close()",
                  hint="close() raises GeneratorExit at the yield; do not catch it (a bare except would)")


def test_running_average_instances_are_independent(ex):
    a, b = started(ex), started(ex)
    a.send(100)
    expect_equal(b.send(1), 1.0, call="a.send(100); b.send(1)", hint="state lives in each generator's own frame")


# ---------------------------------------------------------------- lines_from


class FakeSource:
    """A file-like source: iterates over lines, logs close(), can fail after some lines."""

    def __init__(self, lines, log, fail_after=None):
        self.lines, self.log, self.fail_after = lines, log, fail_after

    def __iter__(self):
        for i, line in enumerate(self.lines):
            if i == self.fail_after:
                raise OSError("disk read failed")
            yield line

    def close(self):
        self.log.append("close")


def opener(lines, log, fail_after=None):
    def open_source():
        log.append("open")
        return FakeSource(lines, log, fail_after)

    return open_source


def test_lines_from_strips_line_endings(ex):
    log = []
    got = list(ex.lines_from(opener(["a\n", "b\r\n", "\n", "  c  \n", "d"], log)))
    expect_equal(got, ["a", "b", "", "  c  ", "d"], call="list(lines_from(<'a\\n', 'b\\r\\n', '\\n', '  c  \\n', 'd'>))",
                 hint="line.rstrip('\\r\\n'): remove only the line ending, keep other whitespace")
    expect_equal(log, ["open", "close"], call="open/close log after exhausting lines_from(...)",
                 hint="close the source in a finally block")


def test_lines_from_with_a_real_file_object(ex):
    buffer = io.StringIO("x\ny\n")
    got = list(ex.lines_from(lambda: buffer))
    expect_equal((got, buffer.closed), (["x", "y"], True), call="(list(lines_from(lambda: StringIO('x\\ny\\n'))), buffer.closed)",
                 hint="any object with __iter__ and close() works, a text file included")


def test_lines_from_opens_lazily(ex):
    log = []
    gen = ex.lines_from(opener(["a"], log))
    at_call = list(log)
    gen.close()
    expect_equal((at_call, log), ([], []), call="log at lines_from(...) call, and after closing it unstarted",
                 hint="open inside the generator body: it runs at the first next(), and never if the generator is closed first")


def test_lines_from_close_halfway(ex):
    log = []
    gen = ex.lines_from(opener(["a", "b", "c"], log))
    first = next(gen)
    gen.close()
    expect_equal((first, log), ("a", ["open", "close"]), call="next(gen); gen.close(); (first line, log)",
                 hint="close() raises GeneratorExit at the paused yield: a finally block runs source.close()")
    gen.close()
    expect_equal(log, ["open", "close"], call="log after a second gen.close()", hint="close exactly once")


def test_lines_from_break_out_of_a_for_loop(ex):
    log = []
    for line in ex.lines_from(opener(["a", "b", "c"], log)):
        if line == "b":
            break
    expect_equal(log, ["open", "close"], call="for line in lines_from(...): break at 'b'  (generator dropped)",
                 hint="a dropped generator is closed by the garbage collector; your finally block does the rest")


def test_lines_from_throw(ex):
    log = []
    gen = ex.lines_from(opener(["a", "b"], log))
    next(gen)
    expect_raises(RuntimeError, gen.throw, RuntimeError("consumer gave up"), call="gen.throw(RuntimeError(...)) after the first line",
                  hint="let the thrown exception propagate; do not swallow it")
    expect_equal(log, ["open", "close"], call="log after gen.throw(RuntimeError)", hint="finally runs for thrown exceptions too")


def test_lines_from_source_fails_while_reading(ex):
    log = []
    gen = ex.lines_from(opener(["a", "b", "c"], log, fail_after=1))
    expect_equal(next(gen), "a", call="next(lines_from(<fails at line 2>))", hint="")
    expect_raises(OSError, next, gen, call="second next() when the source raises OSError", hint="let the error propagate")
    expect_equal(log, ["open", "close"], call="log after the source raised", hint="close the source in finally, also when reading fails")


def test_lines_from_opener_fails(ex):
    log = []
    list(ex.lines_from(opener([], log)))  # a working opener must work first

    def broken():
        raise FileNotFoundError("no such file")

    expect_raises(FileNotFoundError, lambda: next(ex.lines_from(broken)), call="next(lines_from(<opener raising FileNotFoundError>))",
                  hint="call open_source() before the try: if it fails there is nothing to close")


def test_lines_from_empty_source(ex):
    log = []
    expect_equal((list(ex.lines_from(opener([], log))), log), ([], ["open", "close"]), call="lines_from(<empty source>)",
                 hint="open, nothing to yield, close")


# ---------------------------------------------------------------- parse_records


def eager_records(lines):
    """The oracle: drop comments and blanks eagerly, then let csv.reader split the fields."""
    kept = [ln.rstrip("\r\n") for ln in lines if ln.strip() and not ln.strip().startswith("#")]
    rows = [[field.strip() for field in row] for row in csv.reader(kept)]
    if not rows:
        return []
    header, body = rows[0], rows[1:]
    return [dict(zip(header, row)) for row in body]


PARSE_CASES = [
    pytest.param([], id="empty"),
    pytest.param(["# only", "   ", "#x,y"], id="only-comments"),
    pytest.param(["a,b"], id="header-only"),
    pytest.param(["# sales", "product, qty", "tea, 3", "", "milk,1"], id="docstring"),
    pytest.param(["a,b,c\n", "1,,3\n", " , x ,\r\n"], id="empty-fields-and-endings"),
    pytest.param(["名字,城市", "小明,北京", "  # comment", "Zoë,Köln"], id="unicode"),
    pytest.param(["x", "1", "2", "  3  "], id="one-column"),
]


@pytest.mark.parametrize("lines", PARSE_CASES)
def test_parse_records_matches_eager_oracle(ex, lines):
    expect_equal(list(ex.parse_records(lines)), eager_records(lines), call=f"list(parse_records({lines!r}))",
                 hint="skip blank and # lines; first kept line is the header; split on ',' and strip every field")


@pytest.mark.parametrize(
    "lines,line_no",
    [
        pytest.param(["a,b", "1,2", "3"], 3, id="too-few"),
        pytest.param(["# c", "a,b", "", "1,2", "3,4,5"], 5, id="too-many-after-skipped-lines"),
        pytest.param(["a,a", "1,2"], 1, id="duplicate-header"),
        pytest.param(["", "a,,c"], 2, id="empty-header-name"),
    ],
)
def test_parse_records_errors_name_the_line(ex, lines, line_no):
    list(ex.parse_records(["a", "1"]))  # a valid input must work first
    expect_raises(ValueError, lambda: list(ex.parse_records(lines)), call=f"list(parse_records({lines!r}))", match=f"line {line_no}",
                  hint="count every line from 1 (enumerate(lines, start=1)), skipped ones included, and put 'line N' in the message")


def test_parse_records_yields_before_the_error(ex):
    gen = ex.parse_records(["a,b", "1,2", "oops"])
    expect_equal(next(gen), {"a": "1", "b": "2"}, call="next(parse_records(['a,b', '1,2', 'oops']))",
                 hint="yield each record as soon as its line is read")
    expect_raises(ValueError, next, gen, call="the second next() reaches the bad line", hint="the error surfaces when the line is read")


def test_parse_records_reads_one_line_per_record(ex):
    source = Recorder(["# header next", "k,v", "a,1", "", "b,2", "c,3"])
    gen = ex.parse_records(source)
    at_call = source.pulls
    first = next(gen)
    after_first = source.pulls
    second = next(gen)
    expect_equal((at_call, first, after_first, second, source.pulls), (0, {"k": "a", "v": "1"}, 3, {"k": "b", "v": "2"}, 5),
                 call="(pulls at call, 1st record, pulls, 2nd record, pulls)", hint="a generator stage pulls a line only when asked for a record")


def test_parse_records_infinite_input(ex):
    lines = itertools.chain(["n,sq"], Endless(make=lambda i: f"{i},{i * i}"))
    got = list(itertools.islice(ex.parse_records(lines), 3))
    expect_equal(got, [{"n": "0", "sq": "0"}, {"n": "1", "sq": "1"}, {"n": "2", "sq": "4"}],
                 call="first 3 of parse_records(<header + infinite lines>)", hint="never call list(lines)")


@given(st.lists(st.lists(st.text(alphabet="ab 1é", max_size=3), min_size=2, max_size=2), max_size=6),
       st.lists(st.tuples(st.integers(0, 7), st.sampled_from(["", "  ", "# note", " #, x"])), max_size=3))
def test_parse_records_property(ex, rows, noise):
    lines = ["left, right"] + [",".join(r) for r in rows]
    for position, junk in noise:
        lines.insert(min(position, len(lines)), junk)  # blank and comment lines anywhere, even before the header
    expect_equal(list(ex.parse_records(lines)), eager_records(lines), call=f"list(parse_records({lines!r}))",
                 hint="skip blank and # lines wherever they are; empty fields are still fields")


# ---------------------------------------------------------------- sum_by and the pipeline


def eager_sum(rows, key, value):
    groups = {}
    for row in rows:
        groups.setdefault(row[key], []).append(float(row[value]))
    return {k: sum(v) for k, v in groups.items()}


def expect_totals(got, expected, call):
    expect_equal(list(got), list(expected), call=f"{call} (group order)", hint="groups in order of first appearance")
    for group, total in expected.items():
        expect_float(got[group], total, call=f"{call}[{group!r}]", rel=1e-9, abs=1e-9, hint="add float(record[value]) per group")


def test_sum_by_docstring_example(ex):
    rows = [{"p": "tea", "q": "3"}, {"p": "milk", "q": "1.5"}, {"p": "tea", "q": "2"}]
    expect_totals(ex.sum_by(rows, "p", "q"), {"tea": 5.0, "milk": 1.5}, "sum_by(rows, 'p', 'q')")


def test_sum_by_edge_cases(ex):
    expect_equal(ex.sum_by([], "p", "q"), {}, call="sum_by([], 'p', 'q')", hint="no records, no groups")
    rows = [{"城市": "北京", "v": "-1.25"}, {"城市": "北京", "v": "0.25"}, {"城市": "上海", "v": "1e3"}]
    expect_totals(ex.sum_by(iter(rows), "城市", "v"), {"北京": -1.0, "上海": 1000.0}, "sum_by(iter(<unicode rows>), '城市', 'v')")


@pytest.mark.parametrize("key,value,rows", [
    ("p", "missing", [{"p": "a", "q": "1"}]),
    ("missing", "q", [{"p": "a", "q": "1"}]),
    ("p", "q", [{"p": "a", "q": "1"}, {"p": "b", "q": "one"}]),
])
def test_sum_by_errors(ex, key, value, rows):
    ex.sum_by([{"p": "a", "q": "1"}], "p", "q")  # a valid call must work first
    expect_raises(ValueError, ex.sum_by, rows, key, value, call=f"sum_by({rows!r}, {key!r}, {value!r})",
                  hint="a missing column is a ValueError naming the column (not a bare KeyError); float('one') raises ValueError")


def test_sum_by_large_generator(ex):
    rng = random.Random(11)
    rows = [{"g": f"g{rng.randrange(50)}", "v": str(rng.randrange(-100, 100))} for _ in range(100_000)]
    expect_totals(ex.sum_by((r for r in rows), "g", "v"), eager_sum(rows, "g", "v"), "sum_by(<generator of 100 000 records>, 'g', 'v')")


def test_full_pipeline_matches_eager_version_and_closes_the_source(ex):
    rng = random.Random(5)
    products = ["tea", "milk", "茶", "bread"]
    lines = ["# daily sales", "date, product, qty"]
    for day in range(200):
        lines.append(f"2024-01-{day % 28 + 1:02d}, {rng.choice(products)}, {rng.randint(-2, 9) / 4}")
        if day % 37 == 0:
            lines.append("")
    log = []
    got = ex.sum_by(ex.parse_records(ex.lines_from(opener([ln + "\n" for ln in lines], log))), "product", "qty")
    expect_totals(got, eager_sum(eager_records(lines), "product", "qty"),
                  "sum_by(parse_records(lines_from(open_source)), 'product', 'qty')")
    expect_equal(log, ["open", "close"], call="open/close log after the pipeline", hint="the source is closed once, after the last line")


def test_pipeline_stages_are_iterators(ex):
    log = []
    stages = [ex.lines_from(opener(["a"], log)), ex.parse_records(["a"])]
    expect_true(all(isinstance(s, Iterator) for s in stages),
                message=f"lines_from and parse_records returned {[type(s).__name__ for s in stages]}; expected generators",
                hint="write both as generator functions (yield), not functions returning lists")
