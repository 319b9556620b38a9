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
    # BEGIN SOLUTION
    if n < 0:
        raise ValueError(f"n must be >= 0, got {n}")

    def multiplier(factor: int) -> Callable[[Any], Any]:
        def times(x: Any) -> Any:
            return x * factor  # `factor` is this call's own cell

        return times

    return [multiplier(i) for i in range(n)]
    # END SOLUTION


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
    # BEGIN SOLUTION
    if balance < 0:
        raise ValueError(f"opening balance must be >= 0, got {balance}")

    def deposit(amount: int) -> int:
        nonlocal balance
        if amount <= 0:
            raise ValueError(f"deposit amount must be positive, got {amount}")
        balance += amount
        return balance

    def withdraw(amount: int) -> int:
        nonlocal balance
        if amount <= 0:
            raise ValueError(f"withdrawal amount must be positive, got {amount}")
        if amount > balance:
            raise ValueError(f"insufficient funds: balance {balance}, asked for {amount}")
        balance -= amount
        return balance

    def get_balance() -> int:
        return balance  # reading needs no nonlocal

    return deposit, withdraw, get_balance
    # END SOLUTION


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
    # BEGIN SOLUTION
    cache: dict[tuple[Hashable, ...], Any] = {}
    hits = misses = 0

    def wrapper(*args: Hashable) -> Any:
        nonlocal hits, misses
        if args in cache:  # TypeError here for unhashable arguments, before any counting
            hits += 1
            return cache[args]
        misses += 1
        result = fn(*args)  # an exception leaves the cache untouched
        cache[args] = result
        return result

    def cache_info() -> tuple[int, int, int]:
        return hits, misses, len(cache)

    def cache_clear() -> None:
        nonlocal hits, misses
        cache.clear()
        hits = misses = 0

    wrapper.cache_info = cache_info
    wrapper.cache_clear = cache_clear
    wrapper.__name__ = getattr(fn, "__name__", "memoized")
    wrapper.__doc__ = getattr(fn, "__doc__", None)
    return wrapper
    # END SOLUTION


if __name__ == "__main__":
    print([f(10) for f in make_multipliers(4)])
    deposit, withdraw, get_balance = make_account(100)
    print(deposit(50), withdraw(30), get_balance())

    @memoize
    def fib(n: int) -> int:
        return n if n < 2 else fib(n - 1) + fib(n - 2)

    print(fib(80), fib.cache_info())
