"""Day 18: strings and parsing: a tokenizer and an arithmetic evaluator.

One interview classic in two steps, the way every compiler front end is
built:

- ``tokenize``: turn ``"12*(3 - -4)"`` into ``['12', '*', '(', '3', '-',
  '-', '4', ')']``, rejecting any character that is not part of the language;
- ``evaluate``: a recursive-descent parser that computes the value with the
  usual precedence, left associativity, unary minus and plus, and integer
  division that rounds toward negative infinity (Python's ``//``).

The grammar (``{}`` is "zero or more")::

    expr    := term { ("+" | "-") term }
    term    := unary { ("*" | "/") unary }
    unary   := { "+" | "-" } primary
    primary := NUMBER | "(" expr ")"

In scope: scanning with an index, operator precedence by grammar levels,
error reporting with ``ValueError``. Out of scope: floats, ``**``, ``%``,
variables, and of course ``eval`` (it is the tests' oracle, not a tool).
"""

from __future__ import annotations

OPERATORS = frozenset("+-*/()")


def tokenize(expr: str) -> list[str]:
    """Split an arithmetic expression into tokens.

    A token is a maximal run of ASCII digits ``0-9`` (a number, leading
    zeros allowed) or one of ``+ - * / ( )``. Whitespace (anything for which
    ``str.isspace()`` is true) separates tokens and is dropped. The tokenizer
    does not check the grammar: ``"1 2"`` gives ``['1', '2']`` and ``"-"``
    gives ``['-']``.

    Args:
        expr: the expression text.

    Returns:
        The tokens, in order, as strings; ``[]`` for empty or blank input.

    Raises:
        ValueError: for any other character, naming it and its 0-based
            position, e.g. ``"unexpected character '.' at position 1"``.

    Example:
        >>> tokenize("12*(3 - -4)")
        ['12', '*', '(', '3', '-', '-', '4', ')']

    Edge cases the tests try: ``""``, only spaces, tabs and newlines,
    multi-digit numbers and leading zeros, no spaces at all, ``"7//2"``
    (two ``/`` tokens), letters, ``"3.5"``, ``"2**3"`` (two ``*`` tokens),
    Unicode digits such as ``"١"`` (not ASCII: rejected), and 10^4 tokens.
    """
    # TODO: scan with an index i; collect a run of "0" <= ch <= "9" as one
    # TODO: number (str.isdigit() also accepts "²" and "١"); skip spaces.
    raise NotImplementedError("gym-18: tokenize is not written yet")


def evaluate(expr: str) -> int:
    """Evaluate an integer arithmetic expression.

    Supports non-negative integer literals, binary ``+ - * /``, unary ``-``
    and ``+`` (any number, e.g. ``"--3"``), and parentheses, with the usual
    rules:

    - ``*`` and ``/`` bind tighter than ``+`` and ``-``; operators of one
      level associate to the left (``8 - 3 - 2 == 3``, ``16 / 4 / 2 == 2``);
    - a unary sign binds tighter than everything else and applies to the
      operand right after it: ``-2 * 3 == (-2) * 3``, ``2 * -3`` is allowed;
    - ``a / b`` is **floor division**, exactly Python's ``a // b``: it rounds
      toward negative infinity, so ``-7 / 2 == -4`` and ``7 / -2 == -4``
      (C++ and Java truncate toward zero and give -3).

    The result is an exact ``int`` of any size. For any expression of this
    grammar written with ASCII spaces and without leading zeros, the value
    is what Python's ``eval(expr.replace("/", "//"))`` gives (the tests use
    that as their oracle).

    Args:
        expr: the expression, tokenized as by ``tokenize``; up to 100 levels
            of nested parentheses, up to 100 signs in a row, and up to 10^4
            tokens.

    Returns:
        The value.

    Raises:
        ValueError: if ``expr`` is malformed: empty, a bad character, a
            missing operand (``"1 +"``, ``"*3"``), a missing operator
            (``"1 2"``, ``"2(3)"``), unbalanced or empty parentheses
            (``"(1"``, ``"1)"``, ``"()"``), ``"**"`` or ``"//"``.
        ZeroDivisionError: when a division by zero is evaluated (as in Python).

    Example:
        >>> evaluate("2 + 3 * (4 - 1)")
        11
        >>> evaluate("-7 / 2"), evaluate("7 / -2"), evaluate("-(7 / 2)")
        (-4, -4, -3)

    Edge cases the tests try: precedence and associativity, floor division
    with every sign combination, stacked unary signs, spaces anywhere
    between tokens, division by zero, each kind of malformed input above,
    100 nested parentheses, a sum of 10^4 numbers, random expressions
    checked against Python's ``eval`` (Hypothesis), and that ``eval`` and
    ``exec`` are not called.
    """
    # TODO: tokenize, then write one small function per grammar level
    # TODO: (expr, term, unary, primary) that share a position index. Do not
    # TODO: call eval/exec. Check at the end that every token was used.
    raise NotImplementedError("gym-18: evaluate is not written yet")




if __name__ == "__main__":
    for text in ["2 + 3 * (4 - 1)", "-7 / 2", "--3", "1 +"]:
        try:
            print(f"{text!r} -> {evaluate(text)}")
        except ValueError as err:
            print(f"{text!r} -> ValueError: {err}")
