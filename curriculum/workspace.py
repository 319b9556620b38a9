"""The workspace as the commands see it: root, catalogue, progress store, statuses."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from curriculum.course import Catalogue, Exercise, load
from curriculum.paths import state_dir, workspace_root
from curriculum.store import ProgressStore


@dataclass
class Workspace:
    root: Path

    @classmethod
    def open(cls, root: Path | None = None) -> "Workspace":
        return cls((root or workspace_root()).resolve())

    @cached_property
    def catalogue(self) -> Catalogue:
        return load(self.root)

    @cached_property
    def store(self) -> ProgressStore:
        return ProgressStore(state_dir(self.root) / "progress.sqlite3")

    @property
    def backups(self) -> Path:
        return state_dir(self.root) / "backups"

    def statuses(self) -> dict[str, str]:
        """Every exercise's status: not_started, failing or passed."""
        stored = self.store.statuses()
        return {ex.id: stored.get(ex.id, "not_started") for ex in self.catalogue.exercises}

    def next_exercise(self, after: Exercise | None = None) -> Exercise | None:
        """The first exercise in course order that has not passed (after ``after``, if given)."""
        statuses = self.statuses()
        exercises = list(self.catalogue.exercises)
        if after is not None:
            i = exercises.index(after)
            exercises = exercises[i + 1 :] + exercises[:i]
        return next((ex for ex in exercises if statuses[ex.id] != "passed"), None)

    def resolve(self, exercise_id: str | None) -> Exercise:
        """The exercise named, or the next one to do when None."""
        if exercise_id is not None:
            return self.catalogue.exercise(exercise_id)
        nxt = self.next_exercise()
        return nxt if nxt is not None else self.catalogue.exercises[-1]
