"""Core day 4: closures and scope — LEGB, nonlocal, late binding.

A nested function that uses a variable of its enclosing function keeps that
*variable* (a cell), not the value it had when the function was created.
That one fact explains the late-binding surprise, why ``nonlocal`` exists,
and how a closure can hold private state without a class. Three exercises:

- ``make_multipliers``: a list of functions that each remember their own
  factor (the loop variable trap, solved without default-argument tricks);
- ``make_account``: three functions sharing one private balance via
  ``nonlocal``;
- ``memoize``: a cache kept in a closure, with hit/miss statistics, written
  without ``functools``.

In scope: local, enclosing, global and builtin scopes, ``nonlocal``, cells
(``fn.__closure__``). Out of scope: thread safety, keyword arguments in
``memoize`` (positional arguments only), cache eviction.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any


def make_multipliers(n: int) -> list[Callable[[Any], Any]]:
    """Return ``n`` functions; the ``i``-th one returns ``x * i``.

    The naive ``[lambda x: x * i for i in range(n)]`` is wrong: every lambda
    closes over the same variable ``i`` and sees its final value. Each
    function here must take exactly one argument (``f(2, 3)`` raises
    ``TypeError``), so the default-argument trick ``lambda x, i=i: ...``,
    which adds a parameter a caller could pass by mistake, is not allowed.

    Args:
        n: how many functions; ``n >= 0``.

    Returns:
        A new list of ``n`` callables ``f_0 .. f_{n-1}`` with ``f_i(x) == x * i``.

    Raises:
        ValueError: if ``n`` is negative.

    Example:
        >>> [f(10) for f in make_multipliers(4)]
        [0, 10, 20, 30]
        >>> make_multipliers(3)[2]("ab")
        'abab'

    Edge cases the tests try: ``n = 0`` (an empty list), ``n = 1``, calling
    the functions in any order and more than once, non-numeric ``x``
    (strings, lists: ``*`` repeats them), two lists made by separate calls,
    a second argument (``TypeError``), and a negative ``n``.
    """
    # TODO: create each function inside a helper function called once per
    # factor, so each gets its own enclosing variable. No default arguments.
    raise NotImplementedError("core-04: make_multipliers is not written yet")


def make_account(balance: int = 0) -> tuple[Callable[[int], int], Callable[[int], int], Callable[[], int]]:
    """Return ``(deposit, withdraw, get_balance)`` sharing one private balance.

    The balance lives only in the enclosing scope of the three functions
    (they update it with ``nonlocal``); there is no class, no global and no
    attribute through which to reach it.

    - ``deposit(amount)`` adds ``amount`` and returns the new balance;
    - ``withdraw(amount)`` subtracts it and returns the new balance;
    - ``get_balance()`` returns the balance.

    Args:
        balance: the opening balance; ``balance >= 0``.

    Returns:
        The three functions, in that order.

    Raises:
        ValueError: from ``make_account`` for a negative opening balance;
            from ``deposit``/``withdraw`` for an amount that is not positive;
            from ``withdraw`` for more than the balance (the balance is then
            unchanged).

    Example:
        >>> deposit, withdraw, get_balance = make_account(100)
        >>> deposit(50), withdraw(30), get_balance()
        (150, 120, 120)

    Edge cases the tests try: the three functions see each other's changes,
    two accounts are independent, a zero or negative amount, withdrawing the
    whole balance (allowed) and one more than it (refused, balance kept), a
    negative opening balance, that the three results are plain functions with
    a closure, and random sequences of operations against a model.
    """
    # TODO: keep the balance in make_account's scope; declare it nonlocal in
    # the functions that assign to it. Validate before changing anything.
    raise NotImplementedError("core-04: make_account is not written yet")


def memoize(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Decorator: cache ``fn``'s results by its positional arguments, in a closure.

    The wrapper takes positional arguments only. A call whose arguments were
    seen before (equal as a tuple, as dict keys compare, so ``f(1)`` and
    ``f(1.0)`` share an entry) returns the cached result without
    calling ``fn``: a *hit*. Otherwise it counts a *miss*, calls ``fn`` and
    stores the result, ``None`` included. A call that raises counts as a miss
    and stores nothing. Unhashable arguments raise ``TypeError`` and count
    nothing.

    The wrapper also has two attributes (functions are objects):

    - ``cache_info()`` returns ``(hits, misses, size)`` as a tuple;
    - ``cache_clear()`` empties the cache and resets both counters.

    Args:
        fn: the function to cache; it must be deterministic.

    Returns:
        The caching wrapper. Each call of ``memoize`` makes an independent cache.

    Example:
        >>> @memoize
        ... def fib(n):
        ...     return n if n < 2 else fib(n - 1) + fib(n - 2)
        >>> fib(30)
        832040
        >>> fib.cache_info()
        (28, 31, 31)

        The recursive calls go through the name ``fib``, which is the wrapper.

    Edge cases the tests try: a function returning ``None`` (cached, not
    recomputed), a function that raises (not cached), unhashable arguments,
    no arguments, several arguments, ``cache_clear``, two memoized functions
    (separate caches), deep memoized recursion, and random call sequences
    whose statistics are compared with ``functools.lru_cache(maxsize=None)``.
    """
    # TODO: keep a dict and two counters in memoize's scope; the wrapper
    # updates the counters with nonlocal. Test membership with `in`, not with
    # `.get(...) is None`. Do not use functools.lru_cache or functools.cache.
    raise NotImplementedError("core-04: memoize is not written yet")


if __name__ == "__main__":
    print([f(10) for f in make_multipliers(4)])
    deposit, withdraw, get_balance = make_account(100)
    print(deposit(50), withdraw(30), get_balance())

    @memoize
    def fib(n: int) -> int:
        return n if n < 2 else fib(n - 1) + fib(n - 2)

    print(fib(80), fib.cache_info())
