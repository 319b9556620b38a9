"""The stub generator: what it replaces, what it keeps, and how it rejects bad markers."""

import pytest

from curriculum.course import load
from curriculum.stubs import StubError, make_stub

from toycourse import dedent


def test_function_body_becomes_a_raise_naming_exercise_and_function():
    ref = dedent('''
        def area(r: float) -> float:
            """Circle area."""
            # TODO: use math.pi
            # BEGIN SOLUTION
            return 3.14159 * r * r
            # END SOLUTION
        ''')
    assert make_stub(ref, "ex-1") == dedent('''
        def area(r: float) -> float:
            """Circle area."""
            # TODO: use math.pi
            raise NotImplementedError("ex-1: area is not written yet")
        ''')


def test_methods_get_their_own_names_and_module_level_blocks_vanish():
    ref = dedent('''
        import math
        # BEGIN SOLUTION
        def _helper(x):
            return x + 1
        # END SOLUTION


        class Box:
            """A box."""
            # BEGIN SOLUTION
            _cache = {}
            # END SOLUTION

            def __init__(self, n: int):
                # BEGIN SOLUTION
                self.n = _helper(n)
                # END SOLUTION

            async def size(self) -> int:
                # BEGIN SOLUTION
                return self.n
                # END SOLUTION
        ''')
    stub = make_stub(ref, "box")
    assert "_helper" not in stub and "_cache" not in stub
    assert 'raise NotImplementedError("box: __init__ is not written yet")' in stub
    assert 'raise NotImplementedError("box: size is not written yet")' in stub
    namespace: dict = {}
    exec(compile(stub, "<stub>", "exec"), namespace)  # the stub imports cleanly
    with pytest.raises(NotImplementedError, match="box: __init__"):
        namespace["Box"](1)


def test_solution_imports_are_pointed_at_the_learners_tree():
    ref = "from cs336.solutions.linear import Linear\nimport cs336.solutions.nn as nn\ndef f():\n    # BEGIN SOLUTION\n    return Linear\n    # END SOLUTION\n"
    stub = make_stub(ref, "x")
    assert stub.startswith("from cs336.linear import Linear\nimport cs336.nn as nn\n")


@pytest.mark.parametrize(
    "ref, message",
    [
        ("def f():\n    # BEGIN SOLUTION\n    return 1\n", "never closed"),
        ("def f():\n    return 1\n    # END SOLUTION\n", "without a matching"),
        ("def f():\n    # BEGIN SOLUTION\n    # BEGIN SOLUTION\n    # END SOLUTION\n", "nested"),
        ("def f():\n    # BEGIN SOLUTION\n    return 1\n  # END SOLUTION\n", "same indent"),
        ("def f():\n    return 1\n", "no '# BEGIN SOLUTION' marker"),
    ],
)
def test_malformed_markers_are_rejected_with_the_line(ref, message):
    with pytest.raises(StubError, match=message):
        make_stub(ref, "x", filename="ref.py")


def test_every_shipped_stub_is_the_generated_one():
    cat = load()
    for ex in cat.exercises:
        generated = make_stub((cat.root / ex.solution).read_text(encoding="utf-8"), ex.id)
        assert (cat.root / ex.exercise).read_text(encoding="utf-8") == generated, (
            f"{ex.exercise} drifted from {ex.solution}; run `learn dev sync-stubs` (or `learn reset {ex.id}`)"
        )
