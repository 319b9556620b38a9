"""Core day 5: decorators — higher-order functions applied at definition time.

``@deco`` above a ``def`` is shorthand for ``f = deco(f)``, run once, when
the ``def`` statement runs. A decorator *with arguments*, ``@deco(3)``, is a
function that returns the decorator. Everything else (closures over the
wrapped function, ``functools.wraps`` for its name and docstring) builds on
Day 4. Four decorators you meet in real code:

- ``retry``: call again when one of the given exceptions is raised;
- ``timed``: record how long each call took, with an injectable clock so the
  tests never depend on wall-clock time;
- ``require_role``: a permission check before the call;
- ``singleton``: a class decorator that makes one shared instance.

In scope: decorator factories, stacking, ``functools.wraps`` and
``functools.update_wrapper``, class decorators. Out of scope: delays between
retries, async functions, thread safety, decorating methods (the first
argument of a method is ``self``; see the lesson).
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable
from typing import Any


def retry(times: int, exceptions: type[BaseException] | tuple[type[BaseException], ...] = (Exception,)) -> Callable:
    """Decorator factory: make up to ``times`` attempts while ``exceptions`` are raised.

    ``@retry(3)`` calls the function; if it raises one of ``exceptions``, it
    calls it again, at most 3 calls in all. The first successful result is
    returned. If every attempt fails, the exception of the last attempt is
    re-raised (the very same object). An exception that is not one of
    ``exceptions`` propagates at once, without another attempt. There is no
    delay between attempts.

    Args:
        times: the total number of attempts, an ``int >= 1``.
        exceptions: an exception class or a tuple of them (default: any
            ``Exception``, so ``KeyboardInterrupt`` is never retried).

    Returns:
        A decorator. The wrappers it makes pass all arguments through and
        carry the wrapped function's metadata (``functools.wraps``).

    Raises:
        TypeError: from ``retry`` itself if ``times`` is not an ``int`` (this
            catches the bare ``@retry`` without parentheses, where ``times``
            would be the function) or is a ``bool``.
        ValueError: from ``retry`` itself if ``times < 1``.

    Example:
        >>> attempts = []
        >>> @retry(3, ConnectionError)
        ... def fetch():
        ...     attempts.append(1)
        ...     if len(attempts) < 3:
        ...         raise ConnectionError("down")
        ...     return "ok"
        >>> fetch(), len(attempts)
        ('ok', 3)

    Edge cases the tests try: success on the first attempt (one call),
    success on the last one, every attempt failing (the last exception object
    re-raised after exactly ``times`` calls), ``times = 1``, an exception that
    is not listed (one call only), a single class or a tuple of classes,
    subclasses of a listed exception, arguments passed through, metadata,
    bare ``@retry`` (``TypeError``), and ``times`` of 0 or ``True``.
    """
    # TODO: validate times, then return a decorator; the decorator returns a
    # @functools.wraps(fn) wrapper that loops over the attempts, catching only
    # `exceptions`, and re-raises the last one.
    # BEGIN SOLUTION
    if isinstance(times, bool) or not isinstance(times, int):
        raise TypeError(f"retry(times) needs an int number of attempts, got {times!r}; write @retry(3), not @retry")
    if times < 1:
        raise ValueError(f"times must be >= 1, got {times}")

    def decorator(fn: Callable) -> Callable:
        @functools.wraps(fn)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            for attempt in range(1, times + 1):
                try:
                    return fn(*args, **kwargs)
                except exceptions:
                    if attempt == times:
                        raise  # the last attempt's exception, unchanged
            raise AssertionError("unreachable")  # pragma: no cover

        return wrapper

    return decorator
    # END SOLUTION


def timed(records: list, *, clock: Callable[[], float] = time.perf_counter) -> Callable:
    """Decorator factory: append ``(fn.__name__, seconds)`` to ``records`` after every call.

    ``seconds`` is ``clock()`` read right after the call minus ``clock()``
    read right before it: the clock is read exactly twice per call. The record
    is appended even when the call raises (the exception then propagates
    unchanged). Records go into the very list passed in; nested or recursive
    calls record the inner call first, since it finishes first.

    Args:
        records: the list to append to (shared by all functions decorated
            with this decorator).
        clock: a function returning the current time in seconds; the tests
            pass a fake one. Keyword-only.

    Returns:
        A decorator whose wrappers keep the wrapped function's metadata.

    Example:
        >>> ticks = iter([10.0, 10.5])
        >>> log = []
        >>> @timed(log, clock=lambda: next(ticks))
        ... def work(x):
        ...     return x * 2
        >>> work(21), log
        (42, [('work', 0.5)])

    Edge cases the tests try: several calls, a call that raises (recorded,
    exception unchanged), recursion (inner calls first), two functions sharing
    one list, the clock read exactly twice per call and only during calls,
    arguments passed through, metadata, and the default clock
    (``time.perf_counter``; only non-negativity is checked).
    """
    # TODO: read clock() before the call and in a `finally` after it; append
    # to records (do not rebind or copy the list).
    # BEGIN SOLUTION
    def decorator(fn: Callable) -> Callable:
        @functools.wraps(fn)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            start = clock()
            try:
                return fn(*args, **kwargs)
            finally:
                records.append((fn.__name__, clock() - start))

        return wrapper

    return decorator
    # END SOLUTION


def require_role(role: str) -> Callable:
    """Decorator factory: allow the call only if the user has ``role``.

    The decorated function's first positional argument is the user: any
    object with a ``roles`` attribute (a collection of role names). If
    ``role`` is in ``user.roles``, the call goes ahead with all arguments
    passed through; otherwise the wrapper raises ``PermissionError`` whose
    message names the function and the missing role, and the function is not
    called. A user with no ``roles`` attribute has no roles (deny by
    default). Roles compare exactly (case-sensitive). Stacked decorators are
    checked outermost first.

    Args:
        role: a non-empty role name.

    Returns:
        A decorator whose wrappers keep the wrapped function's metadata.

    Raises:
        TypeError: from ``require_role`` if ``role`` is not a ``str``.
        ValueError: from ``require_role`` if ``role`` is empty.

    Example:
        >>> class User:
        ...     def __init__(self, *roles):
        ...         self.roles = set(roles)
        >>> @require_role("admin")
        ... def delete(user, item):
        ...     return f"deleted {item}"
        >>> delete(User("admin"), "x")
        'deleted x'
        >>> delete(User("guest"), "x")
        Traceback (most recent call last):
        ...
        PermissionError: delete requires role 'admin'

    Edge cases the tests try: allowed and refused users (the function not run
    when refused), a user without ``roles``, roles as a set, list or tuple,
    case differences, Unicode role names, stacking two requirements (outer
    checked first), keyword arguments passed through, metadata, and a
    non-string or empty role.
    """
    # TODO: validate role, then return a decorator whose wrapper takes
    # (user, /, *args, **kwargs), checks getattr(user, "roles", ()) and only
    # then calls fn(user, *args, **kwargs).
    # BEGIN SOLUTION
    if not isinstance(role, str):
        raise TypeError(f"role must be a str, got {type(role).__name__}")
    if not role:
        raise ValueError("role must not be empty")

    def decorator(fn: Callable) -> Callable:
        @functools.wraps(fn)
        def wrapper(user: Any, /, *args: Any, **kwargs: Any) -> Any:
            if role not in getattr(user, "roles", ()):  # fail closed: no roles attribute, no access
                raise PermissionError(f"{fn.__name__} requires role {role!r}")
            return fn(user, *args, **kwargs)

        return wrapper

    return decorator
    # END SOLUTION


def singleton(cls: type) -> Callable:
    """Class decorator: replace ``cls`` by a factory that makes one instance, lazily.

    The first call ``Cls(*args, **kwargs)`` creates the instance with those
    arguments and returns it; every later call returns the same instance. A
    later call *with* arguments raises ``TypeError`` instead of silently
    ignoring them. Nothing is created at decoration time. Each decorated class
    has its own instance.

    Because the name ``Cls`` now refers to the factory, not the class,
    ``isinstance(x, Cls)`` no longer works; the factory carries the class as
    ``Cls.__wrapped__`` (and its ``__name__``, ``__qualname__``, ``__doc__``
    and ``__module__``) for that. The lesson shows why a metaclass (Day 6)
    avoids this.

    Args:
        cls: the class to make a singleton.

    Returns:
        The factory function.

    Example:
        >>> @singleton
        ... class Config:
        ...     def __init__(self, path="app.toml"):
        ...         self.path = path
        >>> a = Config("prod.toml")
        >>> b = Config()
        >>> a is b, b.path, isinstance(a, Config.__wrapped__)
        (True, 'prod.toml', True)

    Edge cases the tests try: lazy creation (``__init__`` not run until the
    first call, and run once), later calls with and without arguments, two
    decorated classes (separate instances), ``__wrapped__`` and the copied
    metadata, a constructor that raises (no instance kept, the next call
    tries again), and a class whose ``__init__`` takes no arguments.
    """
    # TODO: keep the instance in the closure (None until created); use
    # functools.update_wrapper(factory, cls, updated=()) to copy the metadata
    # (the default updated=("__dict__",) would copy the class's whole namespace).
    # BEGIN SOLUTION
    instance: Any = None
    created = False

    def factory(*args: Any, **kwargs: Any) -> Any:
        nonlocal instance, created
        if created:
            if args or kwargs:
                raise TypeError(f"{cls.__name__} is a singleton that already exists; call it without arguments")
            return instance
        instance = cls(*args, **kwargs)  # if this raises, nothing is kept
        created = True
        return instance

    functools.update_wrapper(factory, cls, updated=())
    return factory
    # END SOLUTION


if __name__ == "__main__":
    log: list = []
    calls: list = []

    @timed(log)
    @retry(3, ZeroDivisionError)
    def flaky() -> str:
        calls.append(1)
        return "ok" if len(calls) == 3 else str(1 / 0)

    print(flaky(), len(calls), log)
