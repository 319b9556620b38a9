"""Core day 9: the iterator protocol, flattening without recursion, lazy take and windows.

A ``for`` loop in Python is ``it = iter(x)`` followed by ``next(it)`` until
``StopIteration``: the C++ pair ``begin()``/``end()`` folded into one object
that knows when it is exhausted. Four exercises on that protocol:

- ``Countdown`` / ``CountdownIterator``: an *iterable* (can be looped over
  again and again) and its *iterator* (single pass, then exhausted), written
  as classes with ``__iter__`` and ``__next__``;
- ``flatten``: the leaves of arbitrarily nested lists and tuples, with an
  explicit stack of iterators so that 10 000 levels of nesting work (the
  elegant recursive ``yield from`` version stops near the recursion limit);
- ``take``: the first ``n`` items of any iterable, infinite ones included,
  consuming exactly ``n``;
- ``window``: sliding windows of width ``n``, lazily, with argument errors
  raised at call time rather than at the first ``next()``.

In scope: ``iter``/``next``, ``StopIteration``, generator functions,
``itertools.islice``, ``collections.deque(maxlen=...)``. Out of scope:
``send``/``throw``/``close`` (core-10) and async iteration (core-11).
"""

from __future__ import annotations

import itertools
from collections import deque
from collections.abc import Iterable, Iterator
from typing import Any, TypeVar

T = TypeVar("T")


class CountdownIterator:
    """A single-pass iterator over ``start, start - 1, ..., 1``.

    ``iter(it)`` returns ``it`` itself (every iterator is also an iterable,
    so it can be used in a ``for`` loop). Once exhausted, every further
    ``next(it)`` raises ``StopIteration`` again: it never restarts.

    Example:
        >>> it = CountdownIterator(2)
        >>> next(it), next(it)
        (2, 1)
        >>> next(it)
        Traceback (most recent call last):
        StopIteration
    """

    # TODO: a plain class with __iter__ and __next__ (no generator, no range).

    def __init__(self, start: int) -> None:
        raise NotImplementedError("core-09: __init__ is not written yet")

    def __iter__(self) -> CountdownIterator:
        raise NotImplementedError("core-09: __iter__ is not written yet")

    def __next__(self) -> int:
        raise NotImplementedError("core-09: __next__ is not written yet")


class Countdown:
    """An iterable over ``start, start - 1, ..., 1``; ``start <= 0`` gives nothing.

    ``Countdown`` is *not* its own iterator: each ``iter(countdown)`` returns
    a fresh ``CountdownIterator``, so the same object can be looped over
    twice, or in two nested loops at once, like a ``list`` (and unlike a
    generator or a file). ``len(countdown)`` is the number of values.

    Args:
        start: an ``int``; ``TypeError`` for anything else (``bool`` included,
            and ``3.0``).

    Example:
        >>> c = Countdown(3)
        >>> list(c), list(c)
        ([3, 2, 1], [3, 2, 1])
        >>> [(a, b) for a in Countdown(2) for b in Countdown(2)]
        [(2, 2), (2, 1), (1, 2), (1, 1)]

    Edge cases the tests try: ``start`` of 0, 1 and negative, two passes,
    nested loops, ``len``, ``iter(c) is not c``, non-int ``start``.
    """

    # TODO: __iter__ returns a new CountdownIterator each time.

    def __init__(self, start: int) -> None:
        raise NotImplementedError("core-09: __init__ is not written yet")

    def __iter__(self) -> CountdownIterator:
        raise NotImplementedError("core-09: __iter__ is not written yet")

    def __len__(self) -> int:
        raise NotImplementedError("core-09: __len__ is not written yet")


def flatten(nested: Iterable[Any]) -> Iterator[Any]:
    """Yield the leaves of ``nested`` in order, descending into lists and tuples only.

    Only ``list`` and ``tuple`` (and their subclasses) are containers;
    everything else is a leaf, including strings, bytes, dicts, sets and
    generators (a string is not split into characters). The outer argument
    itself may be any iterable.

    Nesting depth is unlimited: ``flatten`` must handle 10 000 levels, well
    past Python's recursion limit (1000 by default), so it cannot recurse.

    Args:
        nested: an iterable of leaves and (nested) lists/tuples.

    Returns:
        An iterator (a generator) over the leaves; nothing is read from
        ``nested`` before the first ``next()``.

    Example:
        >>> list(flatten([1, [2, (3, [4])], "ab", [[], [5]]]))
        [1, 2, 3, 4, 'ab', 5]

    Edge cases the tests try: empty input, empty sublists, strings and
    bytes as leaves, ``None`` and ``0`` as leaves, a dict as a leaf, a
    generator as the outer argument, 10 000 levels of nesting, a list that
    appears twice (it is flattened twice).
    """
    # TODO: keep an explicit stack of iterators (one per open level). No
    # TODO: recursion: `yield from flatten(item)` is one frame per level and
    # TODO: raises RecursionError near depth 1000.
    raise NotImplementedError("core-09: flatten is not written yet")


def take(n: int, iterable: Iterable[T]) -> list[T]:
    """Return the first ``n`` items of ``iterable`` as a list (fewer if it runs out).

    Consumes exactly ``min(n, available)`` items: if ``iterable`` is an
    iterator, the items after the first ``n`` are still there for the
    caller. Works on infinite iterables (``take(3, itertools.count())``).

    Args:
        n: how many items; ``n >= 0``.
        iterable: any iterable, possibly infinite.

    Returns:
        A new list.

    Raises:
        ValueError: if ``n < 0``. ``TypeError`` if ``n`` is not an ``int`` (or is a ``bool``).

    Example:
        >>> it = iter(range(10))
        >>> take(3, it), next(it)
        ([0, 1, 2], 3)

    Edge cases the tests try: ``n = 0`` (nothing consumed), ``n`` larger than
    the input, infinite input, an iterator whose rest must survive, negative
    ``n``.
    """
    # TODO: itertools.islice; never list(iterable) first (infinite inputs!).
    raise NotImplementedError("core-09: take is not written yet")


def window(iterable: Iterable[T], n: int) -> Iterator[tuple[T, ...]]:
    """Yield every run of ``n`` consecutive items as a tuple, sliding by one.

    Lazy: nothing is read at call time; the first window is produced after
    reading exactly ``n`` items, and each later window after reading one
    more, so infinite inputs work.
    If the input has fewer than ``n`` items, nothing is yielded.

    Argument errors are raised when ``window`` is *called*, not when the
    result is first iterated: ``window([1, 2], 0)`` raises immediately.

    Args:
        iterable: any iterable, possibly infinite.
        n: the window width, ``n >= 1``.

    Returns:
        An iterator of tuples of length ``n``.

    Raises:
        ValueError: if ``n < 1``. ``TypeError`` if ``n`` is not an ``int`` (or is a ``bool``).

    Example:
        >>> list(window([1, 2, 3, 4], 3))
        [(1, 2, 3), (2, 3, 4)]

    Edge cases the tests try: ``n = 1``, ``n`` equal to and larger than the
    length, empty input, an infinite input, how many items are read before
    the first window, strings (windows of characters), ``n = 0`` and
    negative ``n`` (raised at call time).
    """
    # TODO: check n here, in a normal function, then return a generator (an
    # TODO: inner generator function): code in a generator function's body
    # TODO: only runs at the first next(). Use deque(maxlen=n); no slicing of
    # TODO: a list of everything.
    raise NotImplementedError("core-09: window is not written yet")


if __name__ == "__main__":
    c = Countdown(3)
    print(list(c), list(c))
    deep: list = [0]
    for _ in range(10_000):
        deep = [deep]
    print(list(flatten(deep)), list(flatten([1, [2, (3, [4])], "ab"])))
    print(take(5, itertools.count(10)), list(window("abcd", 2)))
