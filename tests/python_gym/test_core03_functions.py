"""Grading tests for core-03 (functions): describe_parameters, bind_arguments, fresh_defaults.

Oracles:
- ``inspect.signature`` (parameter kinds and defaults, ``Signature.bind`` +
  ``apply_defaults`` for binding), which the exercise may not call;
- the interpreter itself: random signatures are compiled with ``exec`` into
  functions whose body returns their own parameters, and really called;
- for ``fresh_defaults``, the idiomatic hand-written fix (``acc=None`` then
  ``acc = [] if acc is None else acc``) run on the same calls.
"""

from __future__ import annotations

import contextlib
import inspect

import pytest
from hypothesis import given
from hypothesis import strategies as st

from curriculum.grading.testing import expect_equal, expect_raises, expect_true

pytestmark = pytest.mark.exercise("core-03")

KIND_NAMES = {
    inspect.Parameter.POSITIONAL_ONLY: "positional_only",
    inspect.Parameter.POSITIONAL_OR_KEYWORD: "positional_or_keyword",
    inspect.Parameter.VAR_POSITIONAL: "var_positional",
    inspect.Parameter.KEYWORD_ONLY: "keyword_only",
    inspect.Parameter.VAR_KEYWORD: "var_keyword",
}


# ------------------------------------------------------------------ oracles and helpers


def inspect_parameters(ex, fn):
    """(name, kind, default) from inspect.signature, in the exercise's vocabulary."""
    return [
        (p.name, KIND_NAMES[p.kind], ex.NO_DEFAULT if p.default is inspect.Parameter.empty else p.default)
        for p in inspect.signature(fn).parameters.values()
    ]


def inspect_bind(fn, args, kwargs):
    """Signature.bind + apply_defaults, or the TypeError it raises."""
    try:
        bound = inspect.signature(fn).bind(*args, **kwargs)
    except TypeError as err:
        return err
    bound.apply_defaults()
    return dict(bound.arguments)


@contextlib.contextmanager
def inspect_forbidden():
    """While the exercise runs, inspect.signature and Signature.bind fail loudly."""

    def forbidden(*args, **kwargs):
        raise AssertionError("the exercise called inspect.signature / Signature.bind")

    saved = inspect.signature, inspect.Signature.bind, inspect.Signature.from_callable
    inspect.signature = forbidden
    inspect.Signature.bind = forbidden
    inspect.Signature.from_callable = forbidden
    try:
        yield
    except AssertionError as err:
        if "inspect.signature" not in str(err):
            raise
        expect_true(False, message=str(err),
                    hint="read fn.__code__, fn.__defaults__ and fn.__kwdefaults__ yourself; that is the exercise")
    finally:
        inspect.signature, inspect.Signature.bind, inspect.Signature.from_callable = saved


def f_all(a, b=2, /, c=3, *rest, d, e=5, **extra):
    return a


def f_bare_star(x, *, y, z=None):
    return x


def f_locals(n, m=1):
    total = n + m  # total and i are locals: in co_varnames, not parameters
    for i in range(3):
        total += i
    return total


def f_only_args(*items):
    return items


def f_only_kwargs(**options):
    return options


SHARED_DEFAULT: list = []


def f_mutable(x, acc=SHARED_DEFAULT, *, seen={}):
    return x


def f_none_default(x=None, /):
    return x


FUNCTIONS = [
    pytest.param(lambda: None, id="no-params"),
    pytest.param(lambda x, y=1: x, id="lambda"),
    pytest.param(f_all, id="all-five-kinds"),
    pytest.param(f_bare_star, id="bare-star"),
    pytest.param(f_locals, id="with-locals"),
    pytest.param(f_only_args, id="only-args"),
    pytest.param(f_only_kwargs, id="only-kwargs"),
    pytest.param(f_mutable, id="mutable-defaults"),
    pytest.param(f_none_default, id="none-default"),
]


# ------------------------------------------------------------------ describe_parameters


@pytest.mark.parametrize("fn", FUNCTIONS)
def test_describe_matches_inspect(ex, fn):
    expected = inspect_parameters(ex, fn)
    header = f"{fn.__name__}{inspect.signature(fn)}"
    got = None
    with inspect_forbidden():
        got = ex.describe_parameters(fn)
    expect_equal(got, expected, call=f"describe_parameters(<{header}>)",
                 hint="positional names first (the first co_posonlyargcount are positional-only), then *args, "
                 "then keyword-only, then **kwargs; __defaults__ belongs to the LAST positional parameters")


def test_describe_worked_example(ex):
    got = ex.describe_parameters(f_all)
    expected = [("a", ex.POSITIONAL_ONLY, ex.NO_DEFAULT), ("b", ex.POSITIONAL_ONLY, 2),
                ("c", ex.POSITIONAL_OR_KEYWORD, 3), ("rest", ex.VAR_POSITIONAL, ex.NO_DEFAULT),
                ("d", ex.KEYWORD_ONLY, ex.NO_DEFAULT), ("e", ex.KEYWORD_ONLY, 5),
                ("extra", ex.VAR_KEYWORD, ex.NO_DEFAULT)]
    expect_equal(got, expected, call="describe_parameters(def f(a, b=2, /, c=3, *rest, d, e=5, **extra))",
                 hint="in co_varnames the *args name comes after the keyword-only names; in the signature, before them")


def test_describe_returns_default_objects_themselves(ex):
    got = {name: default for name, _, default in ex.describe_parameters(f_mutable)}
    expect_true(got["acc"] is SHARED_DEFAULT and got["seen"] is f_mutable.__kwdefaults__["seen"],
                message="describe_parameters(f_mutable) did not return the default objects themselves",
                hint="take the objects from fn.__defaults__ / fn.__kwdefaults__; do not copy them")
    expect_true(dict((n, d) for n, _, d in ex.describe_parameters(f_none_default))["x"] is None,
                message="describe_parameters(def f(x=None, /)) reported no default for x",
                hint="None is a real default value; NO_DEFAULT marks the absence of one")


def test_describe_unicode_names(ex):
    def f(名字, /, größe=1, *, schlüssel="ключ"):
        return 名字

    expect_equal(ex.describe_parameters(f), [("名字", ex.POSITIONAL_ONLY, ex.NO_DEFAULT),
                                             ("größe", ex.POSITIONAL_OR_KEYWORD, 1),
                                             ("schlüssel", ex.KEYWORD_ONLY, "ключ")],
                 call="describe_parameters(def f(名字, /, größe=1, *, schlüssel='ключ'))")


# Random signatures: (posonly, normal, star, kwonly, varkw, n_defaults, kw_default_flags).
SIGNATURES = st.tuples(
    st.integers(0, 2), st.integers(0, 2), st.booleans(), st.integers(0, 2), st.booleans(),
    st.integers(0, 4), st.lists(st.booleans(), min_size=2, max_size=2),
)


def make_function(spec):
    """Compile a function with that signature whose body returns every parameter's value."""
    posonly, normal, star, kwonly, varkw, n_defaults, kw_flags = spec
    positional = [f"p{i}" for i in range(posonly)] + [f"a{i}" for i in range(normal)]
    n_defaults = min(n_defaults, len(positional))
    parts = []
    for i, name in enumerate(positional):
        default = f"=[{i}]" if i >= len(positional) - n_defaults else ""
        parts.append(name + default)
        if posonly and i == posonly - 1:
            parts.append("/")
    if star:
        parts.append("*args")
    elif kwonly:
        parts.append("*")
    parts += [f"k{i}" + ("='d'" if kw_flags[i] else "") for i in range(kwonly)]
    if varkw:
        parts.append("**kw")
    params = [*positional, *(["args"] if star else []), *[f"k{i}" for i in range(kwonly)], *(["kw"] if varkw else [])]
    source = f"def f({', '.join(parts)}):\n    return {{{', '.join(f'{p!r}: {p}' for p in params)}}}\n"
    namespace: dict = {}
    exec(source, namespace)
    return namespace["f"], source.splitlines()[0]


@given(SIGNATURES)
def test_describe_random_signatures(ex, spec):
    fn, header = make_function(spec)
    expect_equal(ex.describe_parameters(fn), inspect_parameters(ex, fn), call=f"describe_parameters(<{header}>)",
                 hint="compare with inspect.signature(fn).parameters")


# ------------------------------------------------------------------ bind_arguments


BIND_CASES = [
    pytest.param(f_all, (1,), {"d": 4}, id="defaults-applied"),
    pytest.param(f_all, (1, 2, 3, 4, 5), {"d": 6, "z": 7}, id="extra-positional-and-keyword"),
    pytest.param(f_all, (1,), {"a": 9, "d": 4}, id="posonly-name-into-kwargs"),
    pytest.param(f_all, (1,), {"c": 0, "d": 4, "e": None}, id="keywords"),
    pytest.param(f_all, (), {"d": 4}, id="missing-positional"),
    pytest.param(f_all, (1,), {}, id="missing-keyword-only"),
    pytest.param(f_bare_star, (1, 2), {"y": 3}, id="too-many-positional"),
    pytest.param(f_bare_star, (1,), {"x": 2, "y": 3}, id="multiple-values"),
    pytest.param(f_bare_star, (1,), {"y": 3, "w": 0}, id="unexpected-keyword"),
    pytest.param(f_bare_star, (), {"x": 1, "y": 2}, id="all-by-keyword"),
    pytest.param(f_none_default, (), {"x": 1}, id="posonly-by-keyword-without-kwargs"),
    pytest.param(f_none_default, (), {}, id="posonly-default"),
    pytest.param(f_only_args, (), {}, id="empty-args"),
    pytest.param(f_only_args, (1, "二", None), {}, id="args-tuple"),
    pytest.param(f_only_kwargs, (), {"fn": 1, "options": 2}, id="kwargs-named-fn"),
    pytest.param(f_only_kwargs, (1,), {}, id="positional-into-kwargs-only"),
    pytest.param(lambda: None, (), {}, id="no-params"),
    pytest.param(f_locals, (1,), {"total": 2}, id="local-name-is-not-a-parameter"),
]


@pytest.mark.parametrize("fn,args,kwargs", BIND_CASES)
def test_bind_matches_inspect(ex, fn, args, kwargs):
    expected = inspect_bind(fn, args, kwargs)
    call = f"bind_arguments(<{fn.__name__}{inspect.signature(fn)}>, *{args!r}, **{kwargs!r})"
    if isinstance(expected, TypeError):
        with inspect_forbidden():
            expect_raises(TypeError, lambda: ex.bind_arguments(fn, *args, **kwargs), call=call,
                          hint=f"Python raises TypeError here ({expected})")
        return
    got = None
    with inspect_forbidden():
        got = ex.bind_arguments(fn, *args, **kwargs)
    expect_equal(got, expected, call=call, hint="positional first, then keywords by name, then defaults; "
                 "*args gets a tuple and **kwargs a dict, empty when nothing went there")
    expect_equal(list(got), list(expected), call=f"the key order of {call}", hint="keys in signature order")


def test_bind_returns_the_default_object(ex):
    got = ex.bind_arguments(f_mutable, 1)
    expect_true(got["acc"] is SHARED_DEFAULT and got["seen"] is f_mutable.__kwdefaults__["seen"],
                message="bind_arguments(f_mutable, 1) did not bind the default objects themselves",
                hint="this is what Python does, and why a mutable default is shared between calls")


CALLS = st.tuples(
    st.integers(0, 5),
    st.lists(st.sampled_from(["p0", "p1", "a0", "a1", "k0", "k1", "args", "kw", "fn", "zz"]), max_size=4, unique=True),
)


@given(SIGNATURES, CALLS)
def test_bind_random_calls(ex, spec, call_spec):
    fn, header = make_function(spec)
    n_args, names = call_spec
    args = tuple(range(100, 100 + n_args))
    kwargs = {name: f"v_{name}" for name in names}
    expected = inspect_bind(fn, args, kwargs)
    try:
        real = fn(*args, **kwargs)  # the interpreter's own binding (the body returns the parameters)
    except TypeError:
        real = None
    expect_equal(real is None, isinstance(expected, TypeError), call=f"oracles agree for <{header}>{args}{kwargs}")
    call = f"bind_arguments(<{header}>, *{args!r}, **{kwargs!r})"
    if real is None:
        # a lambda: kwargs may hold the name "fn", which expect_raises itself takes
        expect_raises(TypeError, lambda: ex.bind_arguments(fn, *args, **kwargs), call=call,
                      hint="the real call raises TypeError")
        return
    got = ex.bind_arguments(fn, *args, **kwargs)
    expect_equal(got, real, call=call, hint="this is what the function really receives when called")
    expect_equal(list(got), list(expected), call=f"the key order of {call}", hint="keys in signature order")


# ------------------------------------------------------------------ fresh_defaults


def test_fresh_defaults_fixes_the_trap(ex):
    def add(item, acc=[]):
        acc.append(item)
        return acc

    original_default = add.__defaults__[0]
    safe = ex.fresh_defaults(add)
    first, second = safe(1), safe(2)
    expect_equal((first, second), ([1], [2]), call="safe(1), safe(2) with def add(item, acc=[])",
                 hint="hand fn a copy.copy of the default list whenever the caller leaves acc out")
    expect_true(first is not second and first is not original_default,
                message="the calls shared a list, or got the default object itself")
    expect_equal(original_default, [], call="add.__defaults__[0] after two calls",
                 hint="the default object itself must never reach fn")


def test_fresh_defaults_leaves_callers_list_alone(ex):
    def add(item, acc=[]):
        acc.append(item)
        return acc

    safe = ex.fresh_defaults(add)
    mine = ["x"]
    got = safe("y", mine)
    expect_true(got is mine and mine == ["x", "y"], message=f"safe('y', mine) returned {got!r}; mine is {mine!r}",
                hint="arguments the caller passes reach fn unchanged, the same object")
    got = safe("z", acc=mine)
    expect_true(got is mine and mine == ["x", "y", "z"], message="safe('z', acc=mine) did not use the caller's list")


def test_fresh_defaults_all_kinds(ex):
    token = object()

    def record(key, store={}, /, tags=set(), *rest, seen=[], marker=token, label=None, **extra):
        store[key] = True
        tags.add(key)
        seen.append(key)
        return store, tags, seen, marker, label, rest, extra

    safe = ex.fresh_defaults(record)
    one = safe("a")
    two = safe("b", label="L")
    expect_equal(one[:3], ({"a": True}, {"a"}, ["a"]), call="safe('a') for a dict (positional-only), "
                 "set and keyword-only list default", hint="copy list, dict and set defaults of every parameter kind")
    expect_equal(two[:3], ({"b": True}, {"b"}, ["b"]), call="safe('b', label='L') after safe('a')",
                 hint="each call needs its own copies")
    expect_true(one[3] is token and two[4] == "L" and one[4] is None,
                message="non-mutable defaults (an object(), None) must be passed as they are")
    three = safe("c", {}, {"t"}, 7, 8, seen=["s"], colour="red")
    expect_equal(three[:3] + three[5:], ({"c": True}, {"t", "c"}, ["s", "c"], (7, 8), {"colour": "red"}),
                 call="safe('c', {}, {'t'}, 7, 8, seen=['s'], colour='red')",
                 hint="pass *args and **kwargs through; supplied arguments are not replaced")
    expect_equal((record.__defaults__, record.__kwdefaults__["seen"]), (({}, set()), []),
                 call="record's default objects after the calls", hint="never hand the default objects to fn")


def test_fresh_defaults_passes_immutable_defaults_by_identity(ex):
    default_tuple = (1, [2])

    def f(x=default_tuple, y=None):
        return x, y

    got = ex.fresh_defaults(f)()
    expect_true(got[0] is default_tuple and got[1] is None,
                message="fresh_defaults copied a tuple default (or replaced None)",
                hint="only list, dict and set defaults (exact types) are copied")


def test_fresh_defaults_wrong_calls_raise(ex):
    def f(a, /, b=[], *, c):
        return a, b, c

    safe = ex.fresh_defaults(f)
    for args, kwargs in [((), {"c": 1}), ((1, 2, 3), {"c": 1}), ((1,), {"c": 1, "d": 2}), ((), {"a": 1, "c": 2})]:
        expect_raises(TypeError, safe, *args, call=f"safe(*{args!r}, **{kwargs!r}) for def f(a, /, b=[], *, c)",
                      hint="a call that does not fit fn's signature raises TypeError", **kwargs)


def test_fresh_defaults_keeps_metadata(ex):
    def greet(name, greetings=[]):
        """Say hello."""
        greetings.append(name)
        return greetings

    safe = ex.fresh_defaults(greet)
    got = (safe.__name__, safe.__qualname__, safe.__doc__, safe.__module__, getattr(safe, "__wrapped__", None))
    expect_equal(got, (greet.__name__, greet.__qualname__, greet.__doc__, greet.__module__, greet),
                 call="(__name__, __qualname__, __doc__, __module__, __wrapped__) of the wrapper",
                 hint="decorate the wrapper with @functools.wraps(fn)")


def idiomatic_add(item, acc=None):
    """The hand-written fix: a None sentinel and a new list per call."""
    acc = [] if acc is None else acc
    acc.append(item)
    return acc


@given(st.lists(st.tuples(st.integers(-5, 5), st.booleans()), max_size=12))
def test_fresh_defaults_matches_idiomatic_fix(ex, calls):
    def add(item, acc=[]):
        acc.append(item)
        return acc

    safe = ex.fresh_defaults(add)
    mine_a: list = []
    mine_b: list = []
    for item, pass_own in calls:
        got = safe(item, mine_a) if pass_own else safe(item)
        expected = idiomatic_add(item, mine_b) if pass_own else idiomatic_add(item)
        expect_equal(got, expected, call=f"safe({item!r}{', mine' if pass_own else ''}) in the sequence {calls!r}",
                     hint="behave like def add(item, acc=None): acc = [] if acc is None else acc")
