"""Core day 10: generators as resumable frames -- send, throw, close, and lazy pipelines.

A generator is a function whose stack frame outlives the call: each ``yield``
suspends it (locals, instruction pointer, open ``try`` blocks and all) and
``next``/``send`` resume it. The closest C++ relative is a C++20 coroutine
with its heap-allocated frame; the ``finally`` block plays the role of a
destructor that runs when the frame is closed. Four exercises:

- ``running_average``: a coroutine-style generator driven by ``send``, that
  can be reset from outside with ``throw(ResetAverage)``;
- ``lines_from``: a generator that owns a resource (a file-like source) and
  closes it exactly once, however the consumer stops: exhaustion, ``close()``,
  an exception thrown in, or an error while reading;
- ``parse_records`` and ``sum_by``: stages of a lazy pipeline over CSV-like
  text, ``sum_by(parse_records(lines_from(open_source)), key, value)``, that
  reads one line at a time.

In scope: ``yield`` as an expression, ``send``/``throw``/``close``,
``GeneratorExit``, ``try``/``finally`` in generators, generator pipelines.
Out of scope: real CSV quoting (no commas inside fields; use the ``csv``
module for that) and ``async`` generators.
"""

from __future__ import annotations

from collections.abc import Callable, Generator, Iterable, Iterator
from typing import Protocol


class ResetAverage(Exception):
    """Thrown into ``running_average()`` (``avg.throw(ResetAverage)``) to forget every value so far."""


def running_average() -> Generator[float | None, float | None, None]:
    """A generator that receives numbers with ``send`` and answers with the mean so far.

    Protocol:

    - ``next(avg)`` primes it: it runs to the first ``yield`` and returns
      ``None`` (no values yet). Python itself forbids ``send(x)`` with
      ``x is not None`` before priming (``TypeError``);
    - ``avg.send(x)`` (``x`` an ``int`` or ``float``, not ``bool``) adds ``x``
      and returns the mean of all values sent since the start or the last
      reset, as a ``float``;
    - ``next(avg)`` (which is ``send(None)``) after priming adds nothing and
      returns the current mean (``None`` when there are no values);
    - ``avg.throw(ResetAverage)`` forgets all values and returns ``None``;
      the generator keeps running;
    - ``avg.send("x")`` (not a number, or a ``bool``) raises ``TypeError`` out
      of ``send``. A generator that raises is finished: every later ``send``
      raises ``StopIteration``;
    - any other exception thrown in propagates out of ``throw`` (and
      finishes the generator); ``avg.close()`` finishes it quietly.

    Example:
        >>> avg = running_average()
        >>> next(avg) is None
        True
        >>> avg.send(10), avg.send(20), avg.send(0)
        (10.0, 15.0, 10.0)
        >>> avg.throw(ResetAverage) is None
        True
        >>> avg.send(4)
        4.0

    Edge cases the tests try: ints and floats mixed, negative values,
    ``send(None)`` with and without values, reset twice in a row, reset
    before any value, a bad value, another exception thrown in, ``close``.
    """
    # TODO: a loop around `received = yield average`, with the running total
    # TODO: and count in local variables. Wrap the yield in try/except
    # TODO: ResetAverage to reset. Compute the mean as total / count.
    raise NotImplementedError("core-10: running_average is not written yet")


class Source(Protocol):
    """What ``lines_from`` needs from a source: iteration over lines, and ``close()`` (a text file has both)."""

    def __iter__(self) -> Iterator[str]: ...

    def close(self) -> None: ...


def lines_from(open_source: Callable[[], Source]) -> Iterator[str]:
    """Open a source lazily, yield its lines without line endings, and always close it exactly once.

    ``open_source`` is called with no arguments at the first ``next()`` (not
    when ``lines_from`` is called), e.g. ``lambda: open(path, encoding="utf-8")``.
    Each line is yielded with its trailing ``"\\n"``/``"\\r\\n"`` removed;
    other whitespace is kept.

    The source's ``close()`` is called exactly once when the generator
    finishes for any reason:

    - the source is exhausted;
    - the consumer calls ``gen.close()`` (or breaks out of a ``for`` loop and
      drops the generator);
    - the consumer calls ``gen.throw(exc)``: ``exc`` then propagates;
    - reading the source raises: the error propagates.

    If ``open_source()`` raises, there is nothing to close and the error
    propagates. A generator closed before its first ``next()`` never opens
    the source at all.

    Example:
        >>> import io
        >>> gen = lines_from(lambda: io.StringIO("a\\nb\\r\\n\\nc"))
        >>> list(gen)
        ['a', 'b', '', 'c']

    Edge cases the tests try: an empty source, an empty line, ``\\r\\n``
    endings, closing before starting, closing half-way, ``throw``, a source
    that fails while being read, an opener that fails.
    """
    # TODO: call open_source() inside the generator, then use try/finally
    # TODO: (or `with contextlib.closing(source):`) around the loop, so close()
    # TODO: runs on GeneratorExit and on errors too. Never call close() twice.
    raise NotImplementedError("core-10: lines_from is not written yet")


def parse_records(lines: Iterable[str]) -> Iterator[dict[str, str]]:
    """Parse CSV-like lines lazily into one dict per record.

    Rules:

    - a trailing ``"\\n"``/``"\\r\\n"`` is ignored, so raw file lines work;
    - blank lines (only whitespace) and comment lines (first non-space
      character ``#``) are skipped everywhere;
    - the first remaining line is the header: names separated by ``","``,
      each stripped of surrounding whitespace;
    - every later line is a record: fields separated by ``","`` and stripped;
      the record is ``dict(zip(header, fields))`` (values stay strings).

    Lazy: a record is yielded as soon as its line is read, and errors are
    raised when the bad line is reached (records before it were already
    yielded). No quoting: a comma always separates fields.

    Args:
        lines: any iterable of strings (a list, a file, ``lines_from(...)``),
            possibly infinite.

    Returns:
        An iterator of dicts. No header line means no records.

    Raises:
        ValueError: the header has an empty or duplicate name, or a record
            has the wrong number of fields. The message names the 1-based
            line number, counting every line (skipped ones included), e.g.
            ``"line 5: expected 3 fields, got 2"``.

    Example:
        >>> list(parse_records(["# sales", "product, qty", "tea, 3", "", "milk,1"]))
        [{'product': 'tea', 'qty': '3'}, {'product': 'milk', 'qty': '1'}]

    Edge cases the tests try: empty input, only comments, a header with no
    records, spaces around fields, empty fields (``"a,,c"`` is three fields),
    Unicode, wrong field counts (with the line number), duplicate header
    names, an infinite input, how many lines are read per record.
    """
    # TODO: a generator: for number, line in enumerate(lines, start=1); keep
    # TODO: header = None until the first data line. Never list(lines).
    raise NotImplementedError("core-10: parse_records is not written yet")


def sum_by(records: Iterable[dict[str, str]], key: str, value: str) -> dict[str, float]:
    """Total ``float(record[value])`` per distinct ``record[key]``, in one pass.

    Args:
        records: dicts such as those from ``parse_records``; read once, in order.
        key: the column to group by.
        value: the column to add up; its fields must parse with ``float()``.

    Returns:
        ``{group: total}``, groups in order of first appearance. ``{}`` for no records.

    Raises:
        ValueError: a record lacks ``key`` or ``value`` (name the column), or
            a value is not a number (``float()``'s own ``ValueError`` is fine).

    Example:
        >>> rows = [{"p": "tea", "q": "3"}, {"p": "milk", "q": "1.5"}, {"p": "tea", "q": "2"}]
        >>> sum_by(rows, "p", "q")
        {'tea': 5.0, 'milk': 1.5}

    Edge cases the tests try: no records, one group, negative and decimal
    values, Unicode group names, a missing column, a non-numeric value, a
    generator of 10^5 records, the whole pipeline over ``lines_from``.
    """
    # TODO: one loop over records; do not materialise them in a list.
    raise NotImplementedError("core-10: sum_by is not written yet")


if __name__ == "__main__":
    import io

    avg = running_average()
    next(avg)
    print([avg.send(x) for x in (10, 20, 0)], avg.throw(ResetAverage), avg.send(4))
    text = "# sales\nproduct,qty\ntea,3\nmilk,1.5\ntea,2\n"
    print(sum_by(parse_records(lines_from(lambda: io.StringIO(text))), "product", "qty"))
