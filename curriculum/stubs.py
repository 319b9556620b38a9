"""Generate a learner's stub from a reference solution.

The reference marks its work with ``# BEGIN SOLUTION`` / ``# END SOLUTION``
lines; the stub is the same file with each marked block replaced, so the two
can only differ in the work (see ``curriculum/AUTHORING.md``):

    def area(r: float) -> float:            def area(r: float) -> float:
        \"\"\"Circle area.\"\"\"                     \"\"\"Circle area.\"\"\"
        # BEGIN SOLUTION              ->        raise NotImplementedError(
        return math.pi * r * r                      "ex-1: area is not written yet")
        # END SOLUTION

A block inside a function becomes that ``raise``; a block at module level or
directly in a class body disappears. ``from <track>.solutions.x import y``
becomes ``from <track>.x import y``.
"""

from __future__ import annotations

import re

BEGIN = "# BEGIN SOLUTION"
END = "# END SOLUTION"

_DEF = re.compile(r"^(\s*)(?:async\s+)?def\s+(\w+)")
_CLASS = re.compile(r"^(\s*)class\s+(\w+)")
_SOLUTIONS_IMPORT = re.compile(r"^(\s*(?:from|import)\s+)(\w+)\.solutions\.")


class StubError(ValueError):
    """The reference's solution markers are malformed."""


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _enclosing_scope(lines: list[str], index: int, indent: int) -> tuple[str, str] | None:
    """Nearest ``def``/``class`` above ``index`` with a smaller indent: ('def', name) or ('class', name)."""
    for line in reversed(lines[:index]):
        if not line.strip():
            continue
        if _indent(line) < indent:
            if m := _DEF.match(line):
                return "def", m.group(2)
            if m := _CLASS.match(line):
                return "class", m.group(2)
    return None


def make_stub(reference: str, exercise_id: str, *, filename: str = "<reference>") -> str:
    """Return the stub source for ``reference`` (the reference's full text).

    Raises:
        StubError: unbalanced or nested markers, or a file with no marker at all.
    """
    lines = reference.splitlines(keepends=True)
    out: list[str] = []
    i = 0
    blocks = 0
    while i < len(lines):
        line = lines[i]
        stripped = line.strip()
        if stripped == END:
            raise StubError(f"{filename}:{i + 1}: '{END}' without a matching '{BEGIN}'")
        if stripped != BEGIN:
            out.append(_SOLUTIONS_IMPORT.sub(r"\1\2.", line))
            i += 1
            continue
        indent = _indent(line)
        start = i
        i += 1
        while i < len(lines) and lines[i].strip() != END:
            if lines[i].strip() == BEGIN:
                raise StubError(f"{filename}:{i + 1}: nested '{BEGIN}' (the one on line {start + 1} is still open)")
            i += 1
        if i == len(lines):
            raise StubError(f"{filename}:{start + 1}: '{BEGIN}' is never closed by '{END}'")
        if _indent(lines[i]) != indent:
            raise StubError(f"{filename}:{i + 1}: '{END}' must have the same indent as its '{BEGIN}' (line {start + 1})")
        i += 1  # skip END
        blocks += 1
        scope = _enclosing_scope(lines, start, indent) if indent else None
        if scope and scope[0] == "def":
            out.append(" " * indent + f'raise NotImplementedError("{exercise_id}: {scope[1]} is not written yet")\n')
        # module level or class body: the block is dropped
    if blocks == 0:
        raise StubError(f"{filename}: no '{BEGIN}' marker; the stub would equal the reference")
    return "".join(out)


def write_stub(exercise, root) -> bool:
    """Regenerate one exercise's stub file from its reference; True if the file changed."""
    from curriculum.fileio import atomic_write_text

    target = root / exercise.exercise
    stub = make_stub((root / exercise.solution).read_text(encoding="utf-8"), exercise.id, filename=exercise.solution)
    if target.is_file() and target.read_text(encoding="utf-8") == stub:
        return False
    atomic_write_text(target, stub)
    return True


if __name__ == "__main__":  # python -m curriculum.stubs [ID ...]: regenerate stubs (course authors)
    import sys

    from curriculum.course import load

    cat = load()
    chosen = [cat.exercise(i) for i in sys.argv[1:]] or list(cat.exercises)
    for ex in chosen:
        print(("wrote     " if write_stub(ex, cat.root) else "unchanged ") + ex.exercise)
