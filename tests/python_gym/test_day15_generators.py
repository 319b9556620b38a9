"""Grading tests for gym-15 (generators): chunked, parse_log and error_counts.

Oracles: chunked is compared with slicing a fully built list (``xs[i:i + n]``
for i in steps of n); parse_log and error_counts with eager versions that
build every intermediate list. Laziness is checked structurally: a counting
source records how many items were pulled, and infinite sources
(``itertools.count``, an endless generator) must work with ``islice``.
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Iterable, Iterator

import pytest
from hypothesis import given
from hypothesis import strategies as st

from curriculum.grading.testing import expect_equal, expect_raises, expect_true

pytestmark = pytest.mark.exercise("gym-15")


class Counting:
    """An iterator over ``source`` that counts how many items have been pulled."""

    def __init__(self, source: Iterable):
        self._it = iter(source)
        self.pulled = 0

    def __iter__(self) -> Iterator:
        return self

    def __next__(self):
        item = next(self._it)  # StopIteration passes through
        self.pulled += 1
        return item


# ------------------------------------------------------------------ chunked


def sliced_chunks(items: list, n: int) -> list[list]:
    """The oracle: slice a fully built list."""
    return [list(items[i : i + n]) for i in range(0, len(items), n)]


CHUNK_CASES = [
    pytest.param([], 3, id="empty"),
    pytest.param([1], 1, id="single-n1"),
    pytest.param([1, 2, 3], 1, id="n1"),
    pytest.param([1, 2, 3], 5, id="n-larger-than-input"),
    pytest.param([1, 2, 3, 4, 5, 6], 3, id="even-division"),
    pytest.param([1, 2, 3, 4, 5, 6, 7], 3, id="short-last-chunk"),
    pytest.param(list("学而时习之🐍"), 2, id="unicode"),
    pytest.param([None, 0, "", None], 2, id="falsy-items"),
]


@pytest.mark.parametrize("items,n", CHUNK_CASES)
def test_chunked_matches_slicing(ex, items, n):
    expect_equal(
        list(ex.chunked(iter(items), n)),
        sliced_chunks(items, n),
        call=f"list(chunked(iter({items!r}), {n}))",
        hint="yield lists of n items from ONE iterator; stop at the first empty chunk (do not yield [])",
    )


def test_chunked_accepts_a_string(ex):
    expect_equal(list(ex.chunked("abcdefg", 3)), [["a", "b", "c"], ["d", "e", "f"], ["g"]],
                 call="list(chunked('abcdefg', 3))", hint="chunks are lists, whatever the input type")


def test_chunked_works_on_an_infinite_iterator(ex):
    got = list(itertools.islice(ex.chunked(itertools.count(), 3), 4))
    expect_equal(got, [[0, 1, 2], [3, 4, 5], [6, 7, 8], [9, 10, 11]],
                 call="list(islice(chunked(itertools.count(), 3), 4))",
                 hint="never call list(iterable) or len(iterable): an infinite iterator has no end")


def test_chunked_pulls_only_what_each_chunk_needs(ex):
    source = Counting(range(100))
    chunks = ex.chunked(source, 4)
    expect_equal(source.pulled, 0, call="items pulled by chunked(source, 4) before any next()",
                 hint="the call itself must not read the source: return a generator")
    first = next(chunks)
    expect_equal((first, source.pulled), ([0, 1, 2, 3], 4), call="(next(chunks), items pulled)",
                 hint="take exactly n items per chunk, e.g. list(itertools.islice(it, n)); do not peek ahead")
    next(chunks)
    expect_equal(source.pulled, 8, call="items pulled after two chunks of 4",
                 hint="keep one iterator, it = iter(iterable), and keep reading from it")


def test_chunked_chunks_are_independent_lists(ex):
    chunks = list(ex.chunked(range(6), 2))
    chunks[0].append("x")
    expect_equal(chunks, [[0, 1, "x"], [2, 3], [4, 5]], call="chunks after chunks[0].append('x')",
                 hint="build a new list for every chunk instead of clearing and reusing one list")


@pytest.mark.parametrize("n", [0, -1])
def test_chunked_bad_size_raises_at_call_time(ex, n):
    expect_raises(ValueError, ex.chunked, [1, 2, 3], n, call=f"chunked([1, 2, 3], {n}) (not iterated)",
                  hint="a generator function runs nothing until the first next(); check n in a plain "
                  "function, then return a generator from a helper")


def test_chunked_large_input(ex):
    items = list(range(100_000))
    expect_equal(list(ex.chunked(iter(items), 7)), sliced_chunks(items, 7), call="chunked(<10^5 ints>, 7)",
                 hint="itertools.islice takes the next n items in O(n)")


@given(st.lists(st.integers(-5, 5), max_size=30), st.integers(1, 7))
def test_chunked_property(ex, items, n):
    expect_equal(list(ex.chunked(iter(items), n)), sliced_chunks(items, n), call=f"list(chunked({items!r}, {n}))",
                 hint="every chunk has n items except possibly the last; together they are the input, in order")


# ------------------------------------------------------------------ parse_log


def eager_parse(lines: list[str]) -> list[tuple]:
    """The oracle for well-formed logs: build every intermediate list."""
    rows = [line.split() for line in lines]
    rows = [f for f in rows if f and not f[0].startswith("#")]
    return [(f[0], f[1], f[2], int(f[3]), int(f[4])) for f in rows]


PARSE_CASES = [
    pytest.param([], id="empty"),
    pytest.param(["# only a comment", "   ", ""], id="only-comments-and-blanks"),
    pytest.param(["2024-05-01T12:00:03Z GET /api/users 200 35"], id="one-line"),
    pytest.param(["t1 GET /a 200 12\n", "t2 POST /b 503 40\n"], id="newlines"),
    pytest.param(["t1\tGET   /a  200\t12", "   # indented comment", "t2 DELETE /b 404 7"], id="tabs-and-spaces"),
    pytest.param(["t GET /用户/资料 200 3", "t GET /🐍 500 1"], id="unicode-paths"),
    pytest.param(["t GET /a 200 007"], id="leading-zero"),
]


@pytest.mark.parametrize("lines", PARSE_CASES)
def test_parse_log_matches_eager_version(ex, lines):
    got = [tuple(r) for r in ex.parse_log(list(lines))]
    expect_equal(got, eager_parse(lines), call=f"list(parse_log({lines!r}))",
                 hint="split each line on whitespace (str.split() with no argument); skip blank lines and "
                 "lines starting with '#'; status and latency_ms are ints")


def test_parse_log_record_fields(ex):
    (record,) = ex.parse_log(["2024-05-01T12:00:03Z GET /api/users 200 35"])
    got = (record.time, record.method, record.path, record.status, record.latency_ms)
    expect_equal(got, ("2024-05-01T12:00:03Z", "GET", "/api/users", 200, 35),
                 call="the fields of the record parsed from '2024-05-01T12:00:03Z GET /api/users 200 35'",
                 hint="yield LogRecord(time, method, path, int(status), int(latency))")
    expect_true(isinstance(record.status, int) and isinstance(record.latency_ms, int),
                message=f"status and latency_ms should be ints, got {record.status!r} and {record.latency_ms!r}",
                hint="convert with int()")


def test_parse_log_is_lazy(ex):
    lines = Counting(["# header", "", "t GET /a 200 1", "t GET /b 200 1", "t GET /c 200 1"])
    records = ex.parse_log(lines)
    expect_equal(lines.pulled, 0, call="lines pulled by parse_log(lines) before any next()",
                 hint="parse_log is a generator: use yield, not a list you return")
    first = next(records)
    expect_equal((first.path, lines.pulled), ("/a", 3), call="(next(records).path, lines pulled)",
                 hint="yield each record as soon as its line is parsed; do not read the next line first")


def test_parse_log_on_an_endless_source(ex):
    def endless():
        for i in itertools.count():
            yield f"t{i} GET /p{i % 3} {200 + i} {i}"

    got = [(r.path, r.status) for r in itertools.islice(ex.parse_log(endless()), 4)]
    expect_equal(got, [("/p0", 200), ("/p1", 201), ("/p2", 202), ("/p0", 203)],
                 call="first 4 records of parse_log(<endless generator>)", hint="never call list(lines)")


def test_parse_log_yields_good_records_before_a_bad_line(ex):
    records = ex.parse_log(["t GET /a 200 1", "# note", "t GET /b 200 2", "t GET /c oops 3"])
    paths = [next(records).path, next(records).path]
    expect_equal(paths, ["/a", "/b"], call="the first two records before the bad line 4",
                 hint="the error surfaces only when iteration reaches the bad line")
    expect_raises(ValueError, next, records, call="next(records) on line 4 't GET /c oops 3'", match="line 4",
                  hint="raise ValueError(f'line {number}: ...'); count lines from 1 with enumerate(lines, start=1), "
                  "comments and blank lines included")


BAD_LINES = [
    pytest.param(["t GET /a 200"], 1, id="four-fields"),
    pytest.param(["# ok", "t GET /a 200 5 extra"], 2, id="six-fields"),
    pytest.param(["", "", "t GET /a ok 5"], 3, id="status-not-int"),
    pytest.param(["t GET /a 200 5ms"], 1, id="latency-not-int"),
]


@pytest.mark.parametrize("lines,line_no", BAD_LINES)
def test_parse_log_malformed_line_raises(ex, lines, line_no):
    expect_raises(ValueError, lambda: list(ex.parse_log(lines)), call=f"list(parse_log({lines!r}))",
                  match=f"line {line_no}", hint="check the number of fields and convert with int(); name the "
                  "1-based line number in the message")


# ------------------------------------------------------------------ error_counts


def eager_error_counts(lines: list[str], min_status: int = 500) -> list[tuple[str, int]]:
    """The oracle: every intermediate list built in full, counts in a plain dict."""
    counts: dict[str, int] = {}
    for _time, _method, path, status, _ms in eager_parse(lines):
        if status >= min_status:
            counts[path] = counts.get(path, 0) + 1
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))


LOG = [
    "# service log",
    "t1 GET /a 500 10",
    "t2 GET /b 503 12",
    "t3 GET /a 200 8",
    "",
    "t4 POST /a 502 30",
    "t5 GET /c 404 2",
    "t6 GET /b 499 1",
    "t7 GET /d 500 5",
]

COUNT_CASES = [
    pytest.param([], 500, id="empty"),
    pytest.param(["t GET /a 200 1", "t GET /b 302 1"], 500, id="no-errors"),
    pytest.param(LOG, 500, id="server-errors"),
    pytest.param(LOG, 400, id="client-errors-too"),
    pytest.param(LOG, 600, id="threshold-above-all"),
    pytest.param(["t GET /z 500 1", "t GET /y 500 1", "t GET /x 500 1"], 500, id="ties-by-path"),
    pytest.param(["t GET /é 500 1", "t GET /e 500 1", "t GET /E 500 1"], 500, id="code-point-ties"),
]


@pytest.mark.parametrize("lines,min_status", COUNT_CASES)
def test_error_counts_matches_eager_version(ex, lines, min_status):
    expect_equal(ex.error_counts(list(lines), min_status=min_status), eager_error_counts(lines, min_status),
                 call=f"error_counts({lines!r}, min_status={min_status})",
                 hint="keep records with status >= min_status, count per path, sort by (-count, path); "
                 "return a list of (path, count) tuples")


def test_error_counts_reads_a_one_shot_generator(ex):
    gen = (line for line in LOG)
    expect_equal(ex.error_counts(gen), eager_error_counts(LOG), call="error_counts(<generator over LOG>)",
                 hint="a generator can be iterated only once: do not loop over lines twice "
                 "(e.g. once to validate, once to count)")


def test_error_counts_reports_a_malformed_line(ex):
    expect_raises(ValueError, ex.error_counts, ["t GET /a 500 1", "t GET /a"], call="error_counts([..., 't GET /a'])",
                  match="line 2", hint="let the ValueError from parse_log propagate")


def test_error_counts_large_input(ex):
    rng = random.Random(15)
    paths = [f"/api/v1/item{i}" for i in range(50)]
    lines = [f"t{i} GET {rng.choice(paths)} {rng.choice([200, 201, 404, 500, 502, 503])} {rng.randint(1, 900)}"
             for i in range(50_000)]
    expect_equal(ex.error_counts(iter(lines)), eager_error_counts(lines), call="error_counts(<5 * 10^4 lines>)",
                 hint="one pass: generator stages feeding a Counter")


LINE = st.builds(
    "{} {} {} {} {}".format,
    st.sampled_from(["t1", "t2"]),
    st.sampled_from(["GET", "POST"]),
    st.sampled_from(["/a", "/b", "/c", "/é"]),
    st.sampled_from([200, 404, 499, 500, 503]),
    st.integers(0, 50),
)


@given(st.lists(st.one_of(LINE, st.sampled_from(["", "# c"])), max_size=25), st.sampled_from([400, 500, 503]))
def test_error_counts_property(ex, lines, min_status):
    expect_equal(ex.error_counts(iter(lines), min_status=min_status), eager_error_counts(lines, min_status),
                 call=f"error_counts({lines!r}, min_status={min_status})",
                 hint="count per path the records with status >= min_status; order by (-count, path)")
