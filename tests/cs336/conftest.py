"""Fixtures for the cs336 grading suites, and the Triton interpreter switch.

Without CUDA, Triton kernels (sys-06) run only under ``TRITON_INTERPRET=1``,
which must be set before anything imports triton: torch imports it on its
own for some tools (``torch.utils.flop_counter``, used by the sys-01 suite),
and a run of several suites would otherwise import it first in compiled mode.
This file is loaded before any cs336 test module, so it sets the flag here.

``ranks`` runs a worker function on several local processes (gloo on CPU) with
the exercise's module from the tree being graded; see
``curriculum.grading.distributed.run_ranks``.
"""

from __future__ import annotations

import os

import pytest
import torch

if not torch.cuda.is_available():
    os.environ.setdefault("TRITON_INTERPRET", "1")

from curriculum.grading.distributed import run_ranks
from curriculum.grading.plugin import NotWrittenYet, marked_exercise, selected_impl


@pytest.fixture
def ranks(request: pytest.FixtureRequest):
    """``ranks(fn, *args, world_size=2, timeout=60)``: run ``fn(rank, world_size, module, *args)`` on every rank.

    ``module`` is this test module's exercise (its ``pytest.mark.exercise``
    marker) loaded from the selected tree in each child. Returns the results
    ordered by rank. ``fn`` must be a top-level function (the test module's own
    functions work). An unwritten stub fails the test as "not written yet".
    """
    exercise_id = marked_exercise(request)
    impl = selected_impl(request.config)

    def run(fn, *args, world_size: int = 2, timeout: float = 60):
        try:
            return run_ranks(fn, *args, world_size=world_size, timeout=timeout, exercise=exercise_id, impl=impl)
        except NotImplementedError as err:
            raise NotWrittenYet(str(err)) from err

    return run


_ONCE: dict[tuple, tuple[str, object]] = {}


@pytest.fixture
def ranks_once(ranks, request: pytest.FixtureRequest):
    """Like ``ranks``, but each distinct run happens once per session and its outcome is shared.

    Several tests can then check different parts of one run's results (a spawn
    costs seconds). The key is (exercise, tree, fn, repr(args), world_size); a
    run that raised raises the same error in every test that asks for it.
    """
    exercise_id = marked_exercise(request)
    impl = selected_impl(request.config)

    def run(fn, *args, world_size: int = 2, timeout: float = 60):
        key = (exercise_id, impl, fn.__module__, fn.__qualname__, repr(args), world_size)
        if key not in _ONCE:
            try:
                _ONCE[key] = ("ok", ranks(fn, *args, world_size=world_size, timeout=timeout))
            except (Exception, NotWrittenYet) as err:  # not a timeout or Ctrl-C: those stop the run
                _ONCE[key] = ("error", err)
        kind, value = _ONCE[key]
        if kind == "error":
            raise value
        return value

    return run
