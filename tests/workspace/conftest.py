"""Fixtures for the workspace's own tests (see toycourse.py for the toy course)."""

from __future__ import annotations

from pathlib import Path

import pytest
from toycourse import ToyCourse, build_toy_course


@pytest.fixture
def toy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> ToyCourse:
    """A toy course, made the current workspace through ``LEARN_ROOT``."""
    course = build_toy_course(tmp_path / "course")
    monkeypatch.setenv("LEARN_ROOT", str(course.root))
    monkeypatch.delenv("LEARN_IMPL", raising=False)
    return course
