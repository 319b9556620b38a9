"""Core day 3: functions — parameter kinds, argument binding, the mutable-default trap.

A ``def`` statement is executed: it builds a function object at run time, with
a code object (``fn.__code__``) that describes the parameters and a tuple of
default values (``fn.__defaults__``, ``fn.__kwdefaults__``) evaluated once,
right then. Three exercises take that apart:

- ``describe_parameters``: read the five parameter kinds and the defaults
  straight from the code object;
- ``bind_arguments``: map a call's arguments to parameter names the way the
  interpreter does, with every ``TypeError`` a real call would raise;
- ``fresh_defaults``: a decorator that gives every call its own copy of a
  mutable default, so ``def f(acc=[])`` stops sharing one list across calls.

In scope: plain Python functions (``def`` and ``lambda``). Out of scope:
builtins, bound methods, ``functools.partial``, annotations, and objects that
carry a ``__signature__`` or ``__wrapped__`` (``inspect.signature`` follows
those; the code object does not).
"""

from __future__ import annotations

import copy
import functools
import inspect
from collections.abc import Callable
from typing import Any

# The five parameter kinds, in the order they may appear in a signature.
POSITIONAL_ONLY = "positional_only"
POSITIONAL_OR_KEYWORD = "positional_or_keyword"
VAR_POSITIONAL = "var_positional"
KEYWORD_ONLY = "keyword_only"
VAR_KEYWORD = "var_keyword"

# Bit flags of code.co_flags (also inspect.CO_VARARGS / inspect.CO_VARKEYWORDS).
CO_VARARGS = 0x04
CO_VARKEYWORDS = 0x08


class _NoDefault:
    """The marker for "this parameter has no default value"."""

    def __repr__(self) -> str:
        return "NO_DEFAULT"


NO_DEFAULT = _NoDefault()


def describe_parameters(fn: Callable) -> list[tuple[str, str, Any]]:
    """Return ``(name, kind, default)`` for each parameter of ``fn``, in signature order.

    ``kind`` is one of the module constants ``POSITIONAL_ONLY``,
    ``POSITIONAL_OR_KEYWORD``, ``VAR_POSITIONAL``, ``KEYWORD_ONLY`` and
    ``VAR_KEYWORD``. ``default`` is the default object itself (not a copy),
    or ``NO_DEFAULT`` when the parameter has none (``*args`` and ``**kwargs``
    never have one).

    Read the code object: ``co_argcount`` positional parameters (the first
    ``co_posonlyargcount`` of them positional-only), then
    ``co_kwonlyargcount`` keyword-only ones, are the first names of
    ``co_varnames``; after them come the ``*args`` name if ``co_flags`` has
    ``CO_VARARGS`` and the ``**kwargs`` name if it has ``CO_VARKEYWORDS``.
    ``fn.__defaults__`` holds the defaults of the *last* positional
    parameters; ``fn.__kwdefaults__`` maps keyword-only names to theirs.
    Signature order puts ``*args`` between the positional and the
    keyword-only parameters.

    Args:
        fn: a plain Python function (``def`` or ``lambda``).

    Returns:
        A new list of ``(name, kind, default)`` tuples.

    Example:
        >>> def f(a, b=2, /, c=3, *rest, d, e=5, **extra): ...
        >>> describe_parameters(f)  # doctest: +NORMALIZE_WHITESPACE
        [('a', 'positional_only', NO_DEFAULT), ('b', 'positional_only', 2),
         ('c', 'positional_or_keyword', 3), ('rest', 'var_positional', NO_DEFAULT),
         ('d', 'keyword_only', NO_DEFAULT), ('e', 'keyword_only', 5),
         ('extra', 'var_keyword', NO_DEFAULT)]

    Edge cases the tests try: no parameters, a lambda, a bare ``*`` (keyword-
    only parameters without ``*args``), only ``*args`` or only ``**kwargs``,
    local variables (they are in ``co_varnames`` too, after the parameters),
    ``None`` as a default (a real default, not "no default"), a mutable default
    returned by identity, Unicode parameter names, and random signatures
    compared with ``inspect.signature``.
    """
    # TODO: read fn.__code__, fn.__defaults__ and fn.__kwdefaults__ (either may
    # be None). Do not call inspect.signature: reading the code object is the
    # exercise.
    raise NotImplementedError("core-03: describe_parameters is not written yet")


def bind_arguments(fn: Callable, /, *args: Any, **kwargs: Any) -> dict[str, Any]:
    """Return what each parameter of ``fn`` would be bound to by ``fn(*args, **kwargs)``.

    The rules of a Python call, in order:

    1. positional arguments fill the positional parameters left to right; the
       rest go to ``*args`` as a tuple (``TypeError`` if there is no
       ``*args`` to take them);
    2. each keyword argument goes to the positional-or-keyword or
       keyword-only parameter of that name (``TypeError`` if that parameter
       already has a value); any other name goes into ``**kwargs`` as a dict,
       including the name of a positional-only parameter (``TypeError`` if
       there is no ``**kwargs``);
    3. parameters still unbound take their default (the default object
       itself); a parameter with no default left unbound is a ``TypeError``;
    4. ``*args`` is ``()`` and ``**kwargs`` is ``{}`` when nothing went there.

    ``fn`` is positional-only here, so a keyword argument named ``fn`` is
    passed on to the function being described.

    Args:
        fn: a plain Python function (``def`` or ``lambda``).
        *args: the positional arguments of the call.
        **kwargs: the keyword arguments of the call.

    Returns:
        A new dict from every parameter name to its value, in signature order.

    Raises:
        TypeError: whenever the call ``fn(*args, **kwargs)`` would raise one
            while binding its arguments.

    Example:
        >>> def f(a, /, b, *rest, c=3, **extra): ...
        >>> bind_arguments(f, 1, 2, 9, a=5, d=4)
        {'a': 1, 'b': 2, 'rest': (9,), 'c': 3, 'extra': {'a': 5, 'd': 4}}

        ``a=5`` does not bind the positional-only ``a``: it lands in ``extra``.

    Edge cases the tests try: no arguments, too many positional arguments,
    a missing required argument, a keyword that repeats a positional one, an
    unknown keyword, a positional-only name passed by keyword with and without
    ``**kwargs``, a keyword named ``fn``, a mutable default (returned by
    identity), and random signatures with random calls compared with
    ``inspect.Signature.bind`` and with really calling the function.
    """
    # TODO: build on describe_parameters and follow the four rules above.
    # Do not call inspect.signature or Signature.bind.
    raise NotImplementedError("core-03: bind_arguments is not written yet")


def fresh_defaults(fn: Callable) -> Callable:
    """Decorator: give each call its own copy of ``fn``'s list, dict and set defaults.

    A default value is evaluated once, when ``def`` runs, and the same object
    is handed to every call that leaves the parameter out. With a mutable
    default that is a classic bug (``def add(x, acc=[])`` keeps growing one
    list). The wrapper fixes it: whenever the caller leaves out a parameter
    whose default is a ``list``, ``dict`` or ``set``, ``fn`` receives
    ``copy.copy(default)`` instead (a shallow copy), so the default object
    itself is never handed out and stays as written. Arguments the caller
    passes, and defaults of any other type (``None``, numbers, strings,
    tuples, your own objects), reach ``fn`` unchanged. Works for every
    parameter kind, positional-only and keyword-only included.

    Args:
        fn: a plain Python function.

    Returns:
        A wrapper with ``fn``'s ``__name__``, ``__qualname__``, ``__doc__``
        and ``__module__``, and ``__wrapped__`` set to ``fn``
        (``functools.wraps``).

    Raises:
        TypeError: from the wrapper, when the call does not fit ``fn``'s
            signature (as calling ``fn`` would).

    Example:
        >>> @fresh_defaults
        ... def add(item, acc=[]):
        ...     acc.append(item)
        ...     return acc
        >>> add(1), add(2)
        ([1], [2])
        >>> mine = [0]
        >>> add(5, mine) is mine, mine
        (True, [0, 5])

    Edge cases the tests try: list, dict and set defaults, positional-only and
    keyword-only ones, ``*args``/``**kwargs`` passed through, a caller's own
    list (mutated, same object), ``None`` and tuple defaults (by identity),
    the default object left untouched, wrong calls (``TypeError``), and the
    metadata copied by ``functools.wraps``.
    """
    # TODO: inspect.signature is allowed here. Bind the call, note which
    # parameters the caller supplied, apply the defaults, replace the
    # unsupplied list/dict/set defaults by copies, then call fn with the
    # bound .args and .kwargs.
    raise NotImplementedError("core-03: fresh_defaults is not written yet")


if __name__ == "__main__":
    def example(a, b=2, /, c=3, *rest, d, e=[], **extra):
        return a, b, c, rest, d, e, extra

    for row in describe_parameters(example):
        print(row)
    print(bind_arguments(example, 1, d=4, a=0))
    safe = fresh_defaults(example)
    print(safe(1, d=4)[5] is safe(1, d=4)[5])
