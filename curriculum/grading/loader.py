"""Load one exercise's implementation from the selected tree.

Three trees can be graded by the same tests:

- ``learner``: the stub files the learner edits (the default);
- ``solution``: the reference solutions;
- ``pristine``: stubs generated from the references in memory, as shipped,
  whatever the learner has written (``learn dev verify`` uses it to prove
  every test fails on an untouched stub).
"""

from __future__ import annotations

import importlib
import os
import sys
import types

from curriculum.course import Exercise
from curriculum.stubs import make_stub

IMPLS = ("learner", "solution", "pristine")
IMPL_ENV = "LEARN_IMPL"


def impl_from_env(default: str = "learner") -> str:
    value = os.environ.get(IMPL_ENV, default)
    if value not in IMPLS:
        raise ValueError(f"{IMPL_ENV}={value!r} is not one of {', '.join(IMPLS)}")
    return value


def load_module(exercise: Exercise, impl: str, root) -> types.ModuleType:
    """Import the exercise's module from the tree ``impl``."""
    if impl == "learner":
        return importlib.import_module(exercise.exercise_module)
    if impl == "solution":
        return importlib.import_module(exercise.solution_module)
    if impl == "pristine":
        return _pristine_module(exercise, root)
    raise ValueError(f"impl must be one of {IMPLS}, got {impl!r}")


def _pristine_module(exercise: Exercise, root) -> types.ModuleType:
    name = exercise.exercise_module
    cached = sys.modules.get(name)
    if cached is not None and getattr(cached, "__learn_pristine__", False):
        return cached
    reference_path = root / exercise.solution
    source = make_stub(reference_path.read_text(encoding="utf-8"), exercise.id, filename=exercise.solution)
    module = types.ModuleType(name)
    module.__file__ = str(root / exercise.exercise)
    module.__package__ = name.rpartition(".")[0]
    module.__learn_pristine__ = True
    sys.modules[name] = module
    exec(compile(source, str(root / exercise.exercise), "exec"), module.__dict__)
    return module
