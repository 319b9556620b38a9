"""Grading tests for core-05 (decorators): retry, timed, require_role, singleton.

Oracles: small models written here and checked step by step (a loop that
replays a script of attempt outcomes for ``retry``; set membership for
``require_role``), a fake clock whose every read is logged for ``timed``,
and counters in ``__init__`` for ``singleton``. Every wrapper is checked for
the metadata ``functools.wraps`` copies.
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from curriculum.grading.testing import expect_equal, expect_raises, expect_true

pytestmark = pytest.mark.exercise("core-05")


def expect_wraps(wrapper, original, what: str) -> None:
    """The metadata functools.wraps copies, and __wrapped__."""
    names = ("__name__", "__qualname__", "__doc__", "__module__")
    got = tuple(getattr(wrapper, n, None) for n in names) + (getattr(wrapper, "__wrapped__", None),)
    expected = tuple(getattr(original, n) for n in names) + (original,)
    expect_equal(got, expected, call=f"(__name__, __qualname__, __doc__, __module__, __wrapped__) of {what}",
                 hint="decorate the wrapper with @functools.wraps(fn) "
                 "(for a class: functools.update_wrapper(factory, cls, updated=()))")


class Script:
    """A function whose attempts follow a script: 'ok', or an exception class to raise."""

    def __init__(self, outcomes):
        self.outcomes = list(outcomes)
        self.calls = 0
        self.raised: list[BaseException] = []

    def __call__(self, *args, **kwargs):
        outcome = self.outcomes[min(self.calls, len(self.outcomes) - 1)]
        self.calls += 1
        if outcome == "ok":
            return ("ok", self.calls, args, kwargs)
        err = outcome(f"attempt {self.calls}")
        self.raised.append(err)
        raise err


def scripted(outcomes):
    """A plain function (so functools.wraps has a name to copy) driven by a Script."""
    script = Script(outcomes)

    def work(*args, **kwargs):
        """Do some flaky work."""
        return script(*args, **kwargs)

    return work, script


class Stop(BaseException):
    """Not an Exception: the default retry must not catch it."""


# ------------------------------------------------------------------ retry


def test_retry_first_attempt_succeeds(ex):
    work, script = scripted(["ok"])
    got = ex.retry(3)(work)(1, k=2)
    expect_equal((got, script.calls), (("ok", 1, (1,), {"k": 2}), 1),
                 call="retry(3)(work)(1, k=2) where work succeeds at once",
                 hint="return the first successful result; pass *args and **kwargs through")


def test_retry_succeeds_on_last_attempt(ex):
    work, script = scripted([ConnectionError, ConnectionError, "ok"])
    got = ex.retry(3, ConnectionError)(work)()
    expect_equal((got[0], script.calls), ("ok", 3), call="retry(3, ConnectionError) over fail, fail, ok",
                 hint="times is the total number of attempts, not the number of retries after the first")


def test_retry_gives_up_with_the_last_exception(ex):
    work, script = scripted([TimeoutError])
    wrapped = ex.retry(4, (TimeoutError, ConnectionError))(work)
    err = expect_raises(TimeoutError, wrapped, call="retry(4, (TimeoutError, ConnectionError)) over 4 failures",
                        hint="after the last attempt, re-raise its exception with a bare `raise`")
    expect_equal(script.calls, 4, call="number of attempts when every attempt fails")
    expect_true(err is script.raised[-1], message="the exception re-raised is not the one from the last attempt",
                hint="do not raise a new exception, and do not keep the first one: `raise` inside the except "
                "of the last attempt")


def test_retry_once_means_no_retry(ex):
    work, script = scripted([ValueError, "ok"])
    expect_raises(ValueError, ex.retry(1, ValueError)(work), call="retry(1, ValueError) over fail, ok")
    expect_equal(script.calls, 1, call="attempts made by retry(1)")


@pytest.mark.parametrize("listed,raised", [
    pytest.param(ValueError, KeyError, id="other-exception"),
    pytest.param((ValueError, TypeError), ZeroDivisionError, id="not-in-tuple"),
    pytest.param(ConnectionError, OSError, id="base-class-of-listed"),
])
def test_retry_unlisted_exception_propagates_at_once(ex, listed, raised):
    work, script = scripted([raised, "ok"])
    expect_raises(raised, ex.retry(5, listed)(work), call=f"retry(5, {listed!r}) when work raises {raised.__name__}",
                  hint="catch only the listed exceptions (except exceptions:); anything else propagates")
    expect_equal(script.calls, 1, call=f"attempts when {raised.__name__} is not retried")


def test_retry_catches_subclasses(ex):
    work, script = scripted([ConnectionError, "ok"])
    got = ex.retry(2, OSError)(work)()
    expect_equal((got[0], script.calls), ("ok", 2), call="retry(2, OSError) over ConnectionError, ok",
                 hint="ConnectionError is a subclass of OSError, and except OSError catches it")


def test_retry_default_does_not_catch_base_exceptions(ex):
    work, script = scripted([Stop, "ok"])
    expect_raises(Stop, ex.retry(3)(work), call="retry(3) when work raises a BaseException subclass",
                  hint="the default is (Exception,): KeyboardInterrupt and SystemExit must get through")
    expect_equal(script.calls, 1, call="attempts for a BaseException")


def test_retry_each_call_starts_fresh(ex):
    work, script = scripted([ValueError, "ok", ValueError, "ok"])
    wrapped = ex.retry(2, ValueError)(work)
    first, second = wrapped(), wrapped()
    expect_equal((first[0], second[0], script.calls), ("ok", "ok", 4),
                 call="two calls of retry(2, ValueError)(work), each failing once then succeeding",
                 hint="count attempts inside the wrapper call, not in the decorator's closure")


def test_retry_keeps_metadata(ex):
    work, _ = scripted(["ok"])
    expect_wraps(ex.retry(2)(work), work, "retry(2)(work)")


@pytest.mark.parametrize("times,error", [
    pytest.param(0, ValueError, id="zero"),
    pytest.param(-3, ValueError, id="negative"),
    pytest.param(True, TypeError, id="bool"),
    pytest.param(2.0, TypeError, id="float"),
    pytest.param(print, TypeError, id="bare-decorator"),
])
def test_retry_validates_times(ex, times, error):
    expect_raises(error, ex.retry, times, call=f"retry({times!r})",
                  hint="validate in retry itself, before returning the decorator; bare @retry passes the "
                  "function as times")


RETRY_SCRIPTS = st.tuples(
    st.integers(1, 5),
    st.lists(st.sampled_from(["ok", "listed", "unlisted"]), min_size=1, max_size=6),
)


@given(RETRY_SCRIPTS)
def test_retry_random_scripts(ex, spec):
    times, plan = spec
    kinds = {"ok": "ok", "listed": LookupError, "unlisted": ArithmeticError}
    work, script = scripted([kinds[p] for p in plan])
    # The model: walk the plan for at most `times` attempts.
    expected_calls, expected = 0, None
    for attempt in range(times):
        outcome = plan[min(attempt, len(plan) - 1)]
        expected_calls += 1
        if outcome == "ok":
            expected = "ok"
            break
        expected = LookupError if outcome == "listed" else ArithmeticError
        if outcome == "unlisted":
            break
    try:
        got = ex.retry(times, LookupError)(work)()[0]
    except (LookupError, ArithmeticError) as err:
        got = type(err)
    expect_equal((got, script.calls), (expected, expected_calls),
                 call=f"retry({times}, LookupError) over the attempt plan {plan!r} (result, attempts)",
                 hint="retry listed errors up to `times` attempts in all; stop at success or an unlisted error")


# ------------------------------------------------------------------ timed


class FakeClock:
    """Returns the given times in order; remembers how many reads happened."""

    def __init__(self, *times):
        self.times = list(times)
        self.reads = 0

    def __call__(self):
        value = self.times[self.reads]
        self.reads += 1
        return value


def test_timed_records_each_call(ex):
    log: list = []
    clock = FakeClock(10.0, 10.5, 20.0, 21.25)

    def work(x, *, y=1):
        """Multiply."""
        return x * y

    wrapped = ex.timed(log, clock=clock)(work)
    expect_equal(clock.reads, 0, call="clock reads at decoration time", hint="read the clock only inside calls")
    got = (wrapped(3), wrapped(3, y=4))
    expect_equal(got, (3, 12), call="wrapped(3), wrapped(3, y=4)", hint="pass arguments through and return the result")
    expect_equal(log, [("work", 0.5), ("work", 1.25)], call="the records after two calls",
                 hint="append (fn.__name__, clock() after - clock() before) to the list you were given")
    expect_equal(clock.reads, 4, call="clock reads after two calls", hint="exactly two reads per call")
    expect_wraps(wrapped, work, "timed(log)(work)")


def test_timed_records_failures_too(ex):
    log: list = []
    boom = RuntimeError("boom")

    def fail():
        raise boom

    wrapped = ex.timed(log, clock=FakeClock(1.0, 3.0))(fail)
    err = expect_raises(RuntimeError, wrapped, call="a timed function that raises")
    expect_true(err is boom, message="the exception was replaced by another one", hint="let it propagate unchanged")
    expect_equal(log, [("fail", 2.0)], call="the records after a call that raised",
                 hint="append in a `finally` block so failures are timed too")


def test_timed_recursion_records_inner_first(ex):
    log: list = []
    clock = FakeClock(*range(10))

    @ex.timed(log, clock=clock)
    def fact(n):
        return 1 if n <= 1 else n * fact(n - 1)

    expect_equal(fact(3), 6, call="fact(3) decorated with timed")
    expect_equal(log, [("fact", 1), ("fact", 3), ("fact", 5)], call="records of fact(3) with a clock ticking 0, 1, 2, ...",
                 hint="the innermost call finishes (and is recorded) first; read the clock once before and once after")


def test_timed_shares_the_given_list(ex):
    log: list = []
    deco = ex.timed(log, clock=FakeClock(0.0, 1.0, 1.0, 3.0))

    def first():
        return 1

    def second():
        return 2

    a, b = deco(first), deco(second)
    a()
    b()
    expect_equal(log, [("first", 1.0), ("second", 2.0)], call="two functions decorated by one timed(log, ...)",
                 hint="append to the very list passed in; do not copy it or create a new one")


def test_timed_default_clock(ex):
    log: list = []
    ex.timed(log)(lambda: None)()
    expect_true(len(log) == 1 and log[0][0] == "<lambda>" and isinstance(log[0][1], float) and log[0][1] >= 0,
                message=f"timed(log) with the default clock recorded {log!r}",
                hint="the default clock is time.perf_counter; the record is (name, non-negative float)")


# ------------------------------------------------------------------ require_role


class User:
    def __init__(self, roles):
        self.roles = roles


class Nobody:
    """A user object without a roles attribute."""


def guarded(ex, *roles):
    """A function under require_role for each role (outermost first) that logs its runs."""
    runs: list = []

    def delete(user, item, *, force=False):
        """Delete an item."""
        runs.append((item, force))
        return f"deleted {item}"

    fn = delete
    for role in reversed(roles):
        fn = ex.require_role(role)(fn)
    return fn, runs, delete


def test_require_role_allows(ex):
    fn, runs, original = guarded(ex, "admin")
    got = fn(User({"admin", "dev"}), "x", force=True)
    expect_equal((got, runs), ("deleted x", [("x", True)]), call="delete(User({'admin', 'dev'}), 'x', force=True)",
                 hint="pass the user and all other arguments through")
    expect_wraps(fn, original, "require_role('admin')(delete)")


@pytest.mark.parametrize("user,why", [
    pytest.param(User({"guest"}), "the role is missing", id="missing"),
    pytest.param(User(set()), "no roles at all", id="empty"),
    pytest.param(User({"Admin"}), "roles are case-sensitive", id="case"),
    pytest.param(Nobody(), "no roles attribute means no roles", id="no-attribute"),
])
def test_require_role_refuses(ex, user, why):
    fn, runs, _ = guarded(ex, "admin")
    err = expect_raises(PermissionError, fn, user, "x", call=f"delete(<user: {why}>, 'x') under require_role('admin')",
                        hint="check `role in getattr(user, 'roles', ())` before calling; deny by default")
    expect_true("delete" in str(err) and "'admin'" in str(err),
                message=f"the PermissionError message {str(err)!r} should name the function and the role",
                hint="e.g. f\"{fn.__name__} requires role {role!r}\"")
    expect_equal(runs, [], call="runs of the guarded function after a refusal", hint="check before calling fn")


@pytest.mark.parametrize("roles", [["admin"], ("viewer", "admin"), frozenset({"admin"})], ids=["list", "tuple", "frozenset"])
def test_require_role_any_collection(ex, roles):
    fn, _, _ = guarded(ex, "admin")
    expect_equal(fn(User(roles), "y"), "deleted y", call=f"delete(User({roles!r}), 'y')",
                 hint="use `in`, which works for any collection")


def test_require_role_unicode(ex):
    fn, _, _ = guarded(ex, "管理员")
    expect_equal(fn(User({"管理员"}), "z"), "deleted z", call="require_role('管理员') with a user holding it")
    expect_raises(PermissionError, fn, User({"访客"}), "z", call="require_role('管理员') with a user holding '访客'")


def test_require_role_stacking_checks_outer_first(ex):
    fn, runs, _ = guarded(ex, "admin", "audit")  # @require_role("admin") above @require_role("audit")
    expect_equal(fn(User({"admin", "audit"}), "a"), "deleted a", call="both roles held")
    for roles, missing in [({"audit"}, "'admin'"), ({"admin"}, "'audit'"), (set(), "'admin'")]:
        err = expect_raises(PermissionError, fn, User(roles), "a", call=f"stacked admin/audit with roles {roles!r}")
        expect_true(missing in str(err), message=f"with roles {roles!r} the error should name {missing}, got {str(err)!r}",
                    hint="the outer decorator's wrapper runs first, so its role is checked first")
    expect_equal(len(runs), 1, call="runs after one allowed and three refused calls")


@pytest.mark.parametrize("role,error", [(5, TypeError), (None, TypeError), ("", ValueError)])
def test_require_role_validates(ex, role, error):
    expect_raises(error, ex.require_role, role, call=f"require_role({role!r})",
                  hint="validate in require_role itself, when the decorator is made")


@given(st.frozensets(st.sampled_from(["read", "write", "admin", "审计"])), st.sampled_from(["read", "admin", "审计"]))
def test_require_role_matches_membership(ex, roles, needed):
    fn, runs, _ = guarded(ex, needed)
    try:
        fn(User(roles), "k")
        allowed = True
    except PermissionError:
        allowed = False
    expect_equal((allowed, len(runs)), (needed in roles, int(needed in roles)),
                 call=f"require_role({needed!r}) for roles {set(roles)!r} (allowed, runs)")


# ------------------------------------------------------------------ singleton


def test_singleton_is_lazy_and_unique(ex):
    inits: list = []

    class Config:
        """App configuration."""

        def __init__(self, path="app.toml"):
            inits.append(path)
            self.path = path

    Factory = ex.singleton(Config)
    expect_equal(inits, [], call="__init__ runs at decoration time", hint="create the instance on the first call")
    a = Factory("prod.toml")
    b = Factory()
    expect_true(a is b, message="two calls of the singleton returned different objects")
    expect_equal((inits, b.path), (["prod.toml"], "prod.toml"), call="__init__ runs and the path after two calls",
                 hint="construct once with the first call's arguments; later calls return the same instance")
    expect_true(isinstance(a, Config), message="the instance is not a Config")
    expect_wraps(Factory, Config, "singleton(Config)")


def test_singleton_later_arguments_raise(ex):
    class Pool:
        def __init__(self, size=1):
            self.size = size

    Factory = ex.singleton(Pool)
    first = Factory(size=4)
    expect_raises(TypeError, Factory, 8, call="Pool(8) after Pool(size=4)",
                  hint="arguments on a later call would be silently ignored; refuse them")
    expect_raises(TypeError, Factory, size=4, call="Pool(size=4) again", hint="any argument on a later call is refused")
    expect_true(Factory() is first and first.size == 4, message="after the refused calls, Pool() should return the "
                "first instance unchanged")


def test_singleton_classes_are_separate(ex):
    class A:
        pass

    class B:
        pass

    FA, FB = ex.singleton(A), ex.singleton(B)
    a, b = FA(), FB()
    expect_true(type(a) is A and type(b) is B and FA() is a and FB() is b,
                message="two singleton classes must each have their own instance",
                hint="keep the instance in the closure of each singleton(cls) call, not in a module global")


def test_singleton_failed_construction_keeps_nothing(ex):
    class Connection:
        def __init__(self, port):
            if port < 0:
                raise ValueError("bad port")
            self.port = port

    Factory = ex.singleton(Connection)
    expect_raises(ValueError, Factory, -1, call="Connection(-1) (the constructor raises)")
    conn = Factory(5432)
    expect_true(conn.port == 5432 and Factory() is conn,
                message="after a failed first construction, the next call should create the instance",
                hint="mark the instance as created only after cls(...) returned")
