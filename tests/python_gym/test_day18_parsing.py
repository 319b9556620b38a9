"""Grading tests for gym-18 (parsing): tokenize and evaluate.

Oracles: tokenize is compared with a regular-expression scanner; evaluate is
compared with Python's own ``eval`` on the same text with ``/`` replaced by
``//`` (Hypothesis generates expressions from a small grammar), and with
hand-worked values for precedence, associativity and floor division. While
evaluate runs, ``eval`` and ``exec`` are replaced by functions that fail, so
the oracle cannot be borrowed.
"""

from __future__ import annotations

import builtins
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from curriculum.grading.testing import expect_equal, expect_raises, expect_true

pytestmark = pytest.mark.exercise("gym-18")


# ------------------------------------------------------------------ tokenize

TOKEN = re.compile(r"[0-9]+|[-+*/()]")


def regex_tokens(expr: str) -> list[str]:
    return TOKEN.findall(expr)


TOKENIZE_CASES = [
    pytest.param("", id="empty"),
    pytest.param(" \t\n ", id="only-whitespace"),
    pytest.param("12*(3 - -4)", id="docstring"),
    pytest.param("1+2", id="no-spaces"),
    pytest.param("  007 +\t42\n", id="leading-zeros-and-whitespace"),
    pytest.param("7//2", id="double-slash-is-two-tokens"),
    pytest.param("2**3", id="double-star-is-two-tokens"),
    pytest.param("1 2", id="grammar-not-checked"),
    pytest.param("((-))", id="only-operators"),
    pytest.param("123456789012345678901234567890", id="huge-number"),
]


@pytest.mark.parametrize("expr", TOKENIZE_CASES)
def test_tokenize_matches_regex_scanner(ex, expr):
    expect_equal(ex.tokenize(expr), regex_tokens(expr), call=f"tokenize({expr!r})",
                 hint="a run of digits is one token; each of + - * / ( ) is a token; whitespace is dropped")


@pytest.mark.parametrize("expr,bad,position", [
    ("3.5", ".", 1),
    ("1 + x", "x", 4),
    ("2 ^ 3", "^", 2),
    ("١ + 1", "١", 0),
    ("4²", "²", 1),
    ("1 % 2", "%", 2),
])
def test_tokenize_rejects_bad_characters(ex, expr, bad, position):
    expect_raises(ValueError, ex.tokenize, expr, call=f"tokenize({expr!r})", match=f"position {position}",
                  hint=f"raise ValueError naming the character {bad!r} and its 0-based position {position}; "
                  "note str.isdigit() is True for '²' and '١', so compare with '0' <= ch <= '9'")


def test_tokenize_long_input(ex):
    expr = "+".join(str(i) for i in range(5000))
    expect_equal(ex.tokenize(expr), regex_tokens(expr), call="tokenize('0+1+2+...+4999')",
                 hint="scan once with an index; slice out each number with expr[i:j]")


# ------------------------------------------------------------------ evaluate


def python_value(expr: str) -> int:
    """The oracle: Python evaluates the same text, with / meaning //."""
    return eval(expr.replace("/", "//"), {"__builtins__": {}}, {})


KNOWN_VALUES = [
    pytest.param("42", 42, id="number"),
    pytest.param("2 + 3 * 4", 14, id="precedence"),
    pytest.param("(2 + 3) * 4", 20, id="parentheses"),
    pytest.param("8 - 3 - 2", 3, id="minus-left-assoc"),
    pytest.param("16 / 4 / 2", 2, id="divide-left-assoc"),
    pytest.param("2 * 3 / 4", 1, id="mul-div-left-to-right"),
    pytest.param("7 / 2", 3, id="floor-pos-pos"),
    pytest.param("-7 / 2", -4, id="floor-neg-pos"),
    pytest.param("7 / -2", -4, id="floor-pos-neg"),
    pytest.param("-7 / -2", 3, id="floor-neg-neg"),
    pytest.param("-(7 / 2)", -3, id="negate-after-division"),
    pytest.param("--3", 3, id="double-minus"),
    pytest.param("-+-+5", 5, id="mixed-signs"),
    pytest.param("2*-3", -6, id="sign-after-operator"),
    pytest.param("1 - -1", 2, id="minus-minus"),
    pytest.param("-2 * 3", -6, id="unary-binds-tighter"),
    pytest.param("-(2 + 3) * 4", -20, id="negated-group"),
    pytest.param(" ( ( 1 ) ) ", 1, id="nested-with-spaces"),
    pytest.param("0 / 5", 0, id="zero-numerator"),
    pytest.param("99999999999999999999 * 99999999999999999999", 99999999999999999999**2, id="big-ints"),
]


@pytest.mark.parametrize("expr,value", KNOWN_VALUES)
def test_evaluate_known_values(ex, expr, value):
    expect_equal(ex.evaluate(expr), value, call=f"evaluate({expr!r})",
                 hint="one function per precedence level: expr handles + -, term handles * /, unary handles "
                 "signs, primary handles numbers and parentheses; / is Python's // (rounds down)")


@pytest.mark.parametrize("expr", ["1 / 0", "5 / (2 - 2)", "-3 / -0"])
def test_evaluate_division_by_zero(ex, expr):
    expect_raises(ZeroDivisionError, ex.evaluate, expr, call=f"evaluate({expr!r})",
                  hint="let a // 0 raise ZeroDivisionError, as Python does; it is not a syntax error")


MALFORMED = ["", "   ", "1 +", "+", "-", "*3", "/ 2", "1 2", "(1", "1)", "()", "(1 + 2", "1 + 2)", "2(3)", "(1)(2)",
             "1 ** 2", "7 // 2", "3 * ", "((2)", ")(", "1 + x", "3.5"]


@pytest.mark.parametrize("expr", MALFORMED)
def test_evaluate_malformed_raises_value_error(ex, expr):
    expect_raises(ValueError, ex.evaluate, expr, call=f"evaluate({expr!r})",
                  hint="an IndexError from reading past the last token, or a value returned while tokens are "
                  "left over, means a missing check: raise ValueError at the end of input, on a token where an "
                  "operand is expected, and when tokens remain after the whole expression")


def test_evaluate_deep_nesting(ex):
    expr = "(" * 100 + "-" * 100 + "5" + ")" * 100
    try:
        got = ex.evaluate(expr)
    except RecursionError:
        expect_true(False, message="evaluate(<100 nested parentheses around 100 minus signs and 5>) raised "
                    "RecursionError", hint="handle a run of signs with a loop in unary, not one recursive call "
                    "per sign")
    expect_equal(got, 5, call="evaluate('(' * 100 + '-' * 100 + '5' + ')' * 100)",
                 hint="an even number of minus signs cancels out")


def test_evaluate_long_sum(ex):
    expr = " + ".join(str(i) for i in range(10_000))
    expect_equal(ex.evaluate(expr), sum(range(10_000)), call="evaluate('0 + 1 + ... + 9999')",
                 hint="loop over '+' / '-' inside expr (one frame), do not recurse once per operator")


def test_evaluate_does_not_call_eval(ex, monkeypatch):
    def forbidden(*args, **kwargs):
        raise AssertionError("evaluate called eval/exec; write the parser instead")

    monkeypatch.setattr(builtins, "eval", forbidden)
    monkeypatch.setattr(builtins, "exec", forbidden)
    got = [ex.evaluate(e) for e in ["1 + 2 * 3", "-7 / 2", "(4)"]]
    monkeypatch.undo()
    expect_equal(got, [7, -4, 4], call="[evaluate(e) for e in ['1 + 2 * 3', '-7 / 2', '(4)']] with eval disabled",
                 hint="parse the tokens yourself; eval is the tests' oracle, not part of the solution")


SPACE = st.sampled_from(["", " ", "  "])
NUMBER = st.integers(0, 999).map(str)


def _extend(inner):
    binary = st.tuples(inner, SPACE, st.sampled_from("+-*/"), SPACE, inner).map("".join)
    grouped = st.tuples(SPACE, inner, SPACE).map(lambda t: f"({t[0]}{t[1]}{t[2]})")
    signed = st.tuples(st.sampled_from(["-", "+", "--", "- "]), inner).map("".join)
    return st.one_of(binary, grouped, signed)


EXPRESSIONS = st.recursive(NUMBER, _extend, max_leaves=10)


@given(EXPRESSIONS)
def test_evaluate_matches_python_eval(ex, expr):
    try:
        expected = python_value(expr)
    except ZeroDivisionError:
        expect_raises(ZeroDivisionError, ex.evaluate, expr, call=f"evaluate({expr!r})",
                      hint="Python raises ZeroDivisionError for this expression; so should evaluate")
        return
    expect_equal(ex.evaluate(expr), expected, call=f"evaluate({expr!r})",
                 hint="compare with eval(expr.replace('/', '//')): signs bind tightest, then * and /, then + and -, "
                 "each level left to right")
