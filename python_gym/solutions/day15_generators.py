"""Day 15: iterators and generators: lazy chunks and a lazy log pipeline.

Two problems where the input may be too large (or endless) to hold in memory,
so the answer is produced one piece at a time:

- ``chunked``: cut any iterable, infinite ones included, into lists of ``n``
  items, pulling from the source only what each chunk needs;
- ``parse_log`` and ``error_counts``: a ``parse -> filter -> aggregate``
  pipeline over access-log lines, where every stage is a generator and only
  the final aggregate (a small dict of counts) is ever held in memory.

In scope: ``yield``, ``iter``/``next``, ``itertools.islice``, generator
expressions, the difference between a generator *function* (runs nothing
until the first ``next``) and a plain function. Out of scope:
``itertools.batched`` (Python 3.12+; the tests use slicing as the oracle),
real timestamp parsing (the time field is kept as text).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from itertools import islice
from typing import NamedTuple, TypeVar

T = TypeVar("T")

# ---------------------------------------------------------------- problem 1: chunked


def chunked(iterable: Iterable[T], n: int) -> Iterator[list[T]]:
    """Yield consecutive chunks of ``n`` items from ``iterable``; the last chunk may be shorter.

    The chunks are produced lazily: building chunk ``k`` pulls exactly the
    items of chunk ``k`` from the source (never one item ahead), so
    ``chunked`` works on infinite iterators and on one-shot generators.

    Args:
        iterable: any iterable (list, string, generator, ``itertools.count()``).
        n: the chunk size, ``n >= 1``.

    Returns:
        An iterator of new lists, each of length ``n`` except possibly the
        last one (never empty). An empty iterable gives no chunks at all.

    Raises:
        ValueError: if ``n < 1``, raised by the call ``chunked(xs, 0)`` itself,
            before anything is iterated (a bare generator function would only
            raise at the first ``next``).

    Example:
        >>> list(chunked("abcdefg", 3))
        [['a', 'b', 'c'], ['d', 'e', 'f'], ['g']]
        >>> from itertools import count, islice
        >>> list(islice(chunked(count(), 2), 3))
        [[0, 1], [2, 3], [4, 5]]

    Edge cases the tests try: an empty iterable, ``n = 1``, ``n`` larger than
    the input, a length that divides evenly (no empty last chunk), an infinite
    ``itertools.count()``, a source that counts how many items were pulled,
    ``n = 0`` and negative ``n``, chunks that are independent lists (changing
    one changes no other), and 10^5 items.
    """
    # TODO: check n eagerly, then return a generator that repeatedly takes
    # TODO: list(islice(it, n)) from ONE iterator it = iter(iterable) and stops
    # TODO: at the first empty chunk. Do not call list(iterable) or len().
    # BEGIN SOLUTION
    if n < 1:
        raise ValueError(f"chunk size n must be >= 1, got {n}")
    return _chunks(iter(iterable), n)
    # END SOLUTION


# BEGIN SOLUTION
def _chunks(it: Iterator[T], n: int) -> Iterator[list[T]]:
    # A separate generator, so that chunked() itself is a plain function and
    # can raise for a bad n at call time.
    while chunk := list(islice(it, n)):  # islice pulls at most n items
        yield chunk
# END SOLUTION


# ---------------------------------------------------------------- problem 2: a lazy log pipeline


class LogRecord(NamedTuple):
    """One parsed access-log line: ``2024-05-01T12:00:03Z GET /api/users 200 35``."""

    time: str  # kept as text, e.g. "2024-05-01T12:00:03Z"
    method: str  # "GET", "POST", ...
    path: str  # "/api/users"
    status: int  # HTTP status, e.g. 200, 404, 503
    latency_ms: int  # milliseconds


def parse_log(lines: Iterable[str]) -> Iterator[LogRecord]:
    """Parse access-log lines lazily, one ``LogRecord`` per record line.

    A record line has exactly five whitespace-separated fields,
    ``time method path status latency_ms``, where ``status`` and
    ``latency_ms`` are integers (``int`` rules: ``"007"`` is 7). Lines that
    are blank (only whitespace) or whose first non-blank character is ``#``
    (comments) are skipped. A trailing ``"\\n"`` is ignored.

    Lazy: the next record is parsed only when it is asked for, pulling lines
    up to and including its own line and no further.

    Args:
        lines: the log lines (a list, an open file, an endless generator).

    Yields:
        One ``LogRecord`` per record line, in input order.

    Raises:
        ValueError: on the first malformed line (wrong number of fields, or a
            status / latency that is not an integer), raised when iteration
            reaches it (records before it are yielded first). The message
            names the 1-based line number, e.g. ``"line 3: expected 5 fields"``.

    Example:
        >>> lines = ["# access log", "t1 GET /a 200 12", "", "t2 POST /b 503 40\\n"]
        >>> [(r.path, r.status) for r in parse_log(lines)]
        [('/a', 200), ('/b', 503)]

    Edge cases the tests try: no lines, only comments and blank lines, tabs
    and repeated spaces, ``"\\n"`` endings, an endless generator of lines,
    counting the lines pulled for the first record, a bad line after good
    ones (the good ones come out first), a line with four or six fields, a
    non-numeric status, Unicode paths.
    """
    # TODO: write a generator (use yield). enumerate(lines, start=1) gives the
    # TODO: line number for the error message. Never call list(lines).
    # BEGIN SOLUTION
    for number, line in enumerate(lines, start=1):
        fields = line.split()
        if not fields or fields[0].startswith("#"):
            continue
        if len(fields) != 5:
            raise ValueError(f"line {number}: expected 5 fields (time method path status latency_ms), got {len(fields)}: {line!r}")
        time, method, path, status, latency = fields
        try:
            status_code, latency_ms = int(status), int(latency)
        except ValueError:
            raise ValueError(f"line {number}: status and latency_ms must be integers: {line!r}") from None
        yield LogRecord(time, method, path, status_code, latency_ms)
    # END SOLUTION


def error_counts(lines: Iterable[str], *, min_status: int = 500) -> list[tuple[str, int]]:
    """Count, per path, the records with ``status >= min_status``.

    Built as a lazy pipeline: ``parse_log(lines)`` -> keep the records with
    a high enough status -> count per path. The lines are iterated exactly
    once, so a one-shot generator or an open file works, and memory holds
    only the counts, not the lines.

    Args:
        lines: access-log lines, in the format of ``parse_log``.
        min_status: the smallest status that counts as an error (default 500,
            server errors; 400 includes client errors).

    Returns:
        ``(path, count)`` pairs for every path with at least one error,
        ordered by count (largest first), ties by path (code-point order).

    Raises:
        ValueError: for a malformed line, as ``parse_log``.

    Example:
        >>> log = ["t GET /a 500 1", "t GET /b 503 1", "t GET /a 200 1", "t POST /a 502 1"]
        >>> error_counts(log)
        [('/a', 2), ('/b', 1)]
        >>> error_counts(log, min_status=600)
        []

    Edge cases the tests try: no lines, no errors, ties between paths, a
    ``min_status`` of 400, a one-shot generator as input (iterating twice
    would see nothing the second time), a malformed line, and 5 * 10^4 lines
    compared with an eager list-based version.
    """
    # TODO: chain generator stages (a generator expression over parse_log,
    # TODO: then collections.Counter), and sort the counted pairs at the end.
    # BEGIN SOLUTION
    errors = (record for record in parse_log(lines) if record.status >= min_status)  # lazy filter
    counts = Counter(record.path for record in errors)  # the only state: one count per path
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    # END SOLUTION


if __name__ == "__main__":
    from itertools import count

    print(list(islice(chunked(count(), 3), 3)))
    demo = ["# demo", "t1 GET /a 500 3", "t2 GET /b 200 5", "t3 POST /a 503 9"]
    print(list(parse_log(demo)))
    print(error_counts(demo))
