"""Grading tests for core-04 (closures): make_multipliers, make_account, memoize.

Oracles: plain arithmetic for the multipliers (``x * i`` written out), a
small class-based account model for random operation sequences, and
``functools.lru_cache(maxsize=None)`` for memoize's hit/miss statistics on
random call sequences; call counters observe that the cached function really
is not called again.
"""

from __future__ import annotations

import functools
import inspect

import pytest
from hypothesis import given
from hypothesis import strategies as st

from curriculum.grading.testing import expect_equal, expect_raises, expect_true

pytestmark = pytest.mark.exercise("core-04")


# ------------------------------------------------------------------ make_multipliers


@pytest.mark.parametrize("n", [0, 1, 2, 5, 12])
def test_multipliers_values(ex, n):
    funcs = ex.make_multipliers(n)
    expect_true(isinstance(funcs, list) and len(funcs) == n,
                message=f"make_multipliers({n}) returned {type(funcs).__name__} of length "
                f"{len(funcs) if hasattr(funcs, '__len__') else '?'}; expected a list of {n} functions")
    expect_equal([f(7) for f in funcs], [7 * i for i in range(n)], call=f"[f(7) for f in make_multipliers({n})]",
                 hint="all equal to 7 * (n - 1)? Every function sees the same loop variable (late binding); "
                 "create each one inside a helper called once per factor")


def test_multipliers_any_order_and_repeated(ex):
    funcs = ex.make_multipliers(4)
    got = [funcs[i](x) for i in (3, 0, 2, 1, 3) for x in (1, -2)]
    expect_equal(got, [3, -6, 0, 0, 2, -4, 1, -2, 3, -6], call="calling make_multipliers(4)[i](x) out of order",
                 hint="each function must remember its own factor, whenever and however often it is called")


def test_multipliers_non_numeric(ex):
    funcs = ex.make_multipliers(3)
    expect_equal((funcs[2]("ab"), funcs[0]("ab"), funcs[2]([1])), ("abab", "", [1, 1]),
                 call="make_multipliers(3)[i] applied to 'ab' and [1]", hint="return x * factor, whatever x is")


def test_multipliers_separate_calls_are_independent(ex):
    small, large = ex.make_multipliers(2), ex.make_multipliers(6)
    expect_equal((small[1](5), large[1](5), large[5](5)), (5, 5, 25),
                 call="two lists from make_multipliers(2) and make_multipliers(6)",
                 hint="no state may be shared between calls (no globals)")


def test_multipliers_take_exactly_one_argument(ex):
    funcs = ex.make_multipliers(3)
    for i, f in enumerate(funcs):
        expect_raises(TypeError, f, 2, 3, call=f"make_multipliers(3)[{i}](2, 3)",
                      hint="the default-argument trick (lambda x, i=i: ...) lets a caller override i by mistake; "
                      "use a factory function so each closure has its own variable")


def test_multipliers_negative(ex):
    expect_raises(ValueError, ex.make_multipliers, -1, call="make_multipliers(-1)", hint="n must be >= 0")


# ------------------------------------------------------------------ make_account


def test_account_functions_share_state(ex):
    deposit, withdraw, get_balance = ex.make_account(100)
    got = (deposit(50), withdraw(30), get_balance(), withdraw(120), get_balance())
    expect_equal(got, (150, 120, 120, 0, 0),
                 call="deposit(50), withdraw(30), get_balance(), withdraw(120), get_balance() on make_account(100)",
                 hint="the three functions must read and write one shared balance (nonlocal balance)")


def test_account_default_opening_balance(ex):
    deposit, _, get_balance = ex.make_account()
    expect_equal((get_balance(), deposit(1)), (0, 1), call="make_account() then get_balance(), deposit(1)")


def test_accounts_are_independent(ex):
    dep_a, _, bal_a = ex.make_account(10)
    _, wd_b, bal_b = ex.make_account(10)
    dep_a(5)
    wd_b(5)
    expect_equal((bal_a(), bal_b()), (15, 5), call="two accounts after a deposit on one and a withdrawal on the other",
                 hint="each make_account call must create its own balance; do not use a global or a default argument")


@pytest.mark.parametrize("op,amount", [("deposit", 0), ("deposit", -5), ("withdraw", 0), ("withdraw", -1),
                                       ("withdraw", 101)])
def test_account_refuses_bad_amounts(ex, op, amount):
    deposit, withdraw, get_balance = ex.make_account(100)
    fn = deposit if op == "deposit" else withdraw
    expect_raises(ValueError, fn, amount, call=f"{op}({amount}) on an account holding 100",
                  hint="amounts must be positive and a withdrawal may not exceed the balance")
    expect_equal(get_balance(), 100, call=f"get_balance() after the refused {op}({amount})",
                 hint="check first, then change the balance")


def test_account_negative_opening_balance(ex):
    expect_raises(ValueError, ex.make_account, -1, call="make_account(-1)")


def test_account_is_made_of_closures(ex):
    funcs = ex.make_account(5)
    expect_true(isinstance(funcs, tuple) and len(funcs) == 3, message="make_account must return a tuple of 3 functions")
    for name, fn in zip(("deposit", "withdraw", "get_balance"), funcs):
        expect_true(inspect.isfunction(fn) and fn.__closure__ is not None,
                    message=f"{name} is not a plain function with a closure ({type(fn).__name__})",
                    hint="define the three functions inside make_account so they close over its balance")


class AccountModel:
    """The oracle: the same rules written as a class."""

    def __init__(self, balance: int) -> None:
        self.balance = balance

    def apply(self, op: str, amount: int):
        if amount <= 0 or (op == "withdraw" and amount > self.balance):
            return "ValueError"
        self.balance += amount if op == "deposit" else -amount
        return self.balance


@given(st.integers(0, 50), st.lists(st.tuples(st.sampled_from(["deposit", "withdraw"]), st.integers(-3, 40)),
                                    max_size=20))
def test_account_random_operations(ex, opening, ops):
    deposit, withdraw, get_balance = ex.make_account(opening)
    model = AccountModel(opening)
    for op, amount in ops:
        expected = model.apply(op, amount)
        try:
            got = (deposit if op == "deposit" else withdraw)(amount)
        except ValueError:
            got = "ValueError"
        expect_equal(got, expected, call=f"{op}({amount}) in make_account({opening}) after ops {ops!r}",
                     hint="return the new balance; ValueError for a non-positive amount or an overdraft")
        expect_equal(get_balance(), model.balance, call=f"get_balance() after {op}({amount})")


# ------------------------------------------------------------------ memoize


def counted(fn):
    """Wrap fn so the test can see how many times the memoized function really ran."""
    calls: list = []

    def inner(*args):
        calls.append(args)
        return fn(*args)

    return inner, calls


def test_memoize_calls_once_per_argument(ex):
    square, calls = counted(lambda x: x * x)
    cached = ex.memoize(square)
    got = [cached(3), cached(4), cached(3), cached(3)]
    expect_equal(got, [9, 16, 9, 9], call="cached(3), cached(4), cached(3), cached(3)")
    expect_equal(calls, [(3,), (4,)], call="the arguments fn was really called with",
                 hint="look the arguments up in the cache before calling fn")
    expect_equal(cached.cache_info(), (2, 2, 2), call="cache_info() after 3, 4, 3, 3",
                 hint="(hits, misses, size) as a plain tuple")


def test_memoize_caches_none(ex):
    log, calls = counted(lambda x: None)
    cached = ex.memoize(log)
    cached("a")
    cached("a")
    expect_equal(len(calls), 1, call="calls of a function returning None after cached('a') twice",
                 hint="test membership with `args in cache`; `cache.get(args) is None` cannot tell "
                 "'not cached' from 'cached None'")
    expect_equal(cached.cache_info(), (1, 1, 1), call="cache_info() after cached('a') twice")


def test_memoize_does_not_cache_exceptions(ex):
    attempts = []

    def flaky(x):
        attempts.append(x)
        if len(attempts) == 1:
            raise ConnectionError("first try fails")
        return x + 1

    cached = ex.memoize(flaky)
    expect_raises(ConnectionError, cached, 1, call="cached(1), first call (flaky raises)")
    expect_equal((cached(1), cached(1), len(attempts)), (2, 2, 2), call="cached(1) twice after the failure",
                 hint="store the result only after fn returned; a failed call stores nothing")
    expect_equal(cached.cache_info(), (1, 2, 1), call="cache_info() after fail, miss, hit",
                 hint="the failed call counts as a miss, like functools.lru_cache")


def test_memoize_unhashable_arguments(ex):
    cached = ex.memoize(len)
    expect_raises(TypeError, cached, [1, 2], call="cached([1, 2])", hint="a list cannot be a dict key")
    expect_equal(cached.cache_info(), (0, 0, 0), call="cache_info() after the unhashable call",
                 hint="look the key up before counting; the lookup raises TypeError")


def test_memoize_zero_and_many_arguments(ex):
    const, calls0 = counted(lambda: "k")
    add3, calls3 = counted(lambda a, b, c: a + b + c)
    c0, c3 = ex.memoize(const), ex.memoize(add3)
    got = (c0(), c0(), c3(1, 2, 3), c3(1, 2, 3), c3(3, 2, 1))
    expect_equal(got, ("k", "k", 6, 6, 6), call="memoized f() and g(a, b, c)")
    expect_equal((len(calls0), len(calls3)), (1, 2), call="real calls of f and g",
                 hint="the key is the whole tuple of positional arguments; (1, 2, 3) and (3, 2, 1) differ")


def test_memoize_equal_keys_share_an_entry(ex):
    ident, calls = counted(lambda x: x)
    cached = ex.memoize(ident)
    cached(1)
    cached(1.0)
    expect_equal(len(calls), 1, call="real calls after cached(1), cached(1.0)",
                 hint="1 == 1.0 and hash(1) == hash(1.0): as dict keys they are the same entry")


def test_memoize_clear_and_independence(ex):
    double, calls_d = counted(lambda x: 2 * x)
    triple, calls_t = counted(lambda x: 3 * x)
    cd, ct = ex.memoize(double), ex.memoize(triple)
    got = (cd(5), ct(5), cd(5), ct(5))
    expect_equal(got, (10, 15, 10, 15), call="two memoized functions called with the same argument",
                 hint="each memoize call needs its own cache (created inside memoize, not at module level)")
    cd.cache_clear()
    expect_equal(cd.cache_info(), (0, 0, 0), call="cache_info() after cache_clear()")
    cd(5)
    expect_equal((len(calls_d), ct.cache_info()), (2, (1, 1, 1)), call="after cache_clear on one of them",
                 hint="cache_clear empties this cache and resets its counters only")


def test_memoize_recursive_fib(ex):
    @ex.memoize
    def fib(n):
        return n if n < 2 else fib(n - 1) + fib(n - 2)

    a, b = 0, 1
    for _ in range(200):
        a, b = b, a + b
    expect_equal(fib(200), a, call="fib(200) with @memoize", hint="the recursive calls go through the wrapper")
    expect_equal(fib.cache_info(), (198, 201, 201), call="fib.cache_info() after fib(200)",
                 hint="201 misses (0..200) and one hit per n >= 3 ... 200 (fib(n - 2) is already cached)")


CALL_SEQUENCES = st.lists(st.one_of(st.integers(-2, 6), st.sampled_from(["a", "b", "é"])), max_size=30)


@given(CALL_SEQUENCES)
def test_memoize_matches_lru_cache(ex, sequence):
    def body(x):
        if x == -1:
            raise ArithmeticError("no -1")
        return (x, "done")

    reference = functools.lru_cache(maxsize=None)(body)
    cached = ex.memoize(body)
    for x in sequence:
        outcomes = []
        for fn in (reference, cached):
            try:
                outcomes.append(fn(x))
            except ArithmeticError:
                outcomes.append("ArithmeticError")
        expect_equal(outcomes[1], outcomes[0], call=f"cached({x!r}) in the sequence {sequence!r}")
        info = reference.cache_info()
        expect_equal(cached.cache_info(), (info.hits, info.misses, info.currsize),
                     call=f"cache_info() after cached({x!r}) in the sequence {sequence!r}",
                     hint="count a hit when the key is cached, otherwise a miss before calling fn")
