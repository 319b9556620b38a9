"""Helpers for grading tests: teaching assertions and device parameters.

A failing check names the call, the expected and the actual value, and the
likely cause, so ``learn check`` can show one useful sentence:

    >>> expect_equal(sorted([3, 1]), [1, 3], call="sorted([3, 1])")
    >>> expect_equal(1 + 1, 3, call="1 + 1", hint="check the carry")
    Traceback (most recent call last):
    ...
    AssertionError: 1 + 1
      expected: 3
      got:      2
      hint: check the carry

torch is imported only by the tensor helpers, so pure-Python exercises do not
pay for it.
"""

from __future__ import annotations

import math
from typing import Any

import pytest


def _short(value: Any, limit: int = 600) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 20] + f" ... ({len(text)} chars)"


def _fail(call: str, expected: str, got: str, hint: str) -> None:
    lines = [call, f"  expected: {expected}", f"  got:      {got}"]
    if hint:
        lines.append(f"  hint: {hint}")
    raise AssertionError("\n".join(lines))


def expect_equal(actual: Any, expected: Any, *, call: str, hint: str = "") -> None:
    """Fail with a teaching message unless ``actual == expected`` (and of a compatible type)."""
    if actual is NotImplemented:
        _fail(call, _short(expected), "NotImplemented", hint)
    if actual != expected:
        _fail(call, _short(expected), _short(actual), hint)
    # Equal is not enough when the contract names a container type: an object that merely
    # compares equal to a list is not a list (a subclass such as defaultdict for dict is fine).
    if isinstance(expected, (list, tuple, dict, set, str)) and not isinstance(actual, type(expected)):
        _fail(call, f"a {type(expected).__name__} equal to {_short(expected)}", f"a {type(actual).__name__}", hint)


def expect_true(condition: bool, *, message: str, hint: str = "") -> None:
    """Fail with ``message`` (and the hint) unless ``condition`` holds."""
    if not condition:
        raise AssertionError(message + (f"\n  hint: {hint}" if hint else ""))


def expect_float(actual: float, expected: float, *, call: str, rel: float = 1e-9, abs: float = 1e-12, hint: str = "") -> None:
    """Fail unless two floats agree within ``rel``/``abs`` (as in ``math.isclose``)."""
    if not isinstance(actual, (int, float)) or not math.isclose(actual, expected, rel_tol=rel, abs_tol=abs):
        _fail(call, f"{expected!r} (rel {rel:g}, abs {abs:g})", _short(actual), hint)


def expect_close(actual, expected, *, what: str, rtol: float, atol: float, hint: str = "", check_dtype: bool = True) -> None:
    """``torch.testing.assert_close`` with a teaching message; tolerances are required."""
    import torch

    if not isinstance(actual, torch.Tensor):
        _fail(what, f"a torch.Tensor of shape {tuple(expected.shape)}", f"a {type(actual).__name__}", hint)
    if actual.shape != expected.shape:
        _fail(what, f"shape {tuple(expected.shape)}", f"shape {tuple(actual.shape)}", hint or "check which dimensions you reduce, reshape or broadcast")
    if check_dtype and actual.dtype != expected.dtype:
        _fail(what, f"dtype {expected.dtype}", f"dtype {actual.dtype}", hint)
    try:
        torch.testing.assert_close(actual, expected.to(actual.device), rtol=rtol, atol=atol, check_dtype=check_dtype)
    except AssertionError as err:
        detail = str(err).strip().splitlines()
        summary = "; ".join(line.strip() for line in detail[:4])
        _fail(what, f"values within rtol={rtol:g}, atol={atol:g}", summary, hint)


def available_devices() -> list[str]:
    """Device names this machine has: always 'cpu', plus 'cuda' and 'mps' where present."""
    import torch

    names = ["cpu"]
    if torch.cuda.is_available():
        names.append("cuda")
    if getattr(torch.backends, "mps", None) is not None and torch.backends.mps.is_available():
        names.append("mps")
    return names


def device_params() -> list:
    """``pytest.param`` per device: CPU always, CUDA and MPS skipped with a reason where absent.

    Use as ``@pytest.mark.parametrize("device", device_params())``.
    """
    try:
        present = set(available_devices())
    except ImportError:  # pragma: no cover - torch is a declared dependency
        present = {"cpu"}
    params = [pytest.param("cpu", id="cpu")]
    for name, label in (("cuda", "CUDA"), ("mps", "Apple MPS")):
        marks = [pytest.mark.skipif(name not in present, reason=f"no {label} device on this machine")]
        if name == "cuda":
            marks.append(pytest.mark.cuda)
        params.append(pytest.param(name, id=name, marks=marks))
    return params




def expect_raises(exc_type: type[BaseException], fn, *args, call: str, match: str = "", hint: str = "", **kwargs) -> BaseException:
    """Fail with a teaching message unless ``fn(*args, **kwargs)`` raises ``exc_type`` (message containing ``match``).

    A stub's ``NotImplementedError`` is not accepted as the expected error.
    Returns the exception for further checks.
    """
    from curriculum.grading.plugin import NotWrittenYet, TestTimeout

    try:
        value = fn(*args, **kwargs)
    except BaseException as err:  # noqa: BLE001 - the wrong kind of error is reported as a failure
        # A stub's NotImplementedError is a RuntimeError too: never let it pass for the expected error;
        # nor a timeout, nor Ctrl-C.
        if isinstance(err, (NotWrittenYet, TestTimeout, KeyboardInterrupt)):
            raise
        if isinstance(err, NotImplementedError) and exc_type is not NotImplementedError:
            raise
        if not isinstance(err, exc_type):
            if not isinstance(err, Exception):
                raise
            _fail(call, f"raises {exc_type.__name__}", f"raises {type(err).__name__}: {err}", hint)
        if match and match not in str(err):
            _fail(call, f"{exc_type.__name__} mentioning {match!r}", f"{type(err).__name__}: {err}", hint)
        return err
    else:
        _fail(call, f"raises {exc_type.__name__}", f"returned {_short(value)}", hint)
    raise AssertionError("unreachable")  # pragma: no cover


def run_async(scenario, *, limit: float, hint: str):
    """``asyncio.run(scenario)``, failing with a teaching message if it has not finished after ``limit`` seconds.

    The scenario is cancelled (and given half a second to clean up) before the failure is raised,
    so a learner's coroutine that never returns cannot hang the grading run.
    """
    import asyncio

    async def guarded():
        task = asyncio.ensure_future(scenario)
        done, _ = await asyncio.wait({task}, timeout=limit)
        if not done:
            task.cancel()
            await asyncio.wait({task}, timeout=0.5)
            raise AssertionError(f"the scenario did not finish within {limit} s\n  hint: {hint}")
        return task.result()

    return asyncio.run(guarded())
