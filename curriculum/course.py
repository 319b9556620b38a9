"""The course catalogue: tracks, exercises and benchmarks, read from one place.

The catalogue is the TOML files in ``curriculum/catalogue/`` read as one
(``tracks.toml``, one file per track, ``benchmarks.toml``). Everything else in
the workspace (the CLI, the grading fixture, the lesson index, the README's
roadmap) is derived from it. See ``curriculum/AUTHORING.md`` for the format.

    >>> from curriculum.course import load
    >>> cat = load()
    >>> cat.exercise("gym-01").exercise
    'python_gym/day01_counter.py'
"""

from __future__ import annotations

import difflib
import re
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from curriculum.paths import workspace_root

ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]*$")
TRACK_IDS = ("python_gym", "torch_days", "cs336", "rag")


class CatalogueError(ValueError):
    """The catalogue files are malformed (a missing key, a duplicate id, ...)."""


class UnknownIdError(LookupError):
    """An exercise, track or benchmark id that the catalogue does not have."""

    def __init__(self, kind: str, name: str, suggestions: list[str]):
        self.kind, self.name, self.suggestions = kind, name, suggestions
        msg = f"unknown {kind} {name!r}"
        if suggestions:
            msg += "; did you mean " + ", ".join(repr(s) for s in suggestions) + "?"
        super().__init__(msg)


@dataclass(frozen=True)
class Track:
    id: str
    title: str
    title_zh: str
    description: str
    sequences: tuple[str, ...] = ("",)  # named sequences inside the track, in course order


@dataclass(frozen=True)
class Exercise:
    id: str
    track: str
    day: int
    title: str
    title_zh: str
    lesson: str
    exercise: str  # the learner's stub, relative to the workspace root
    solution: str  # the reference
    tests: str
    requires: tuple[str, ...]
    hints: tuple[str, ...]
    minutes: int
    difficulty: int
    sequence: str = ""  # which of the track's sequences (e.g. python_gym: "algorithms" or "core")
    quiz: str = ""  # optional quiz file (TOML) next to the lesson
    drill_minutes: int = 0  # > 0 marks a timed drill (`learn drill ID`)

    @staticmethod
    def _module_name(rel_path: str) -> str:
        return rel_path.removesuffix(".py").replace("/", ".")

    @property
    def exercise_module(self) -> str:
        """Dotted name of the learner's module, e.g. ``python_gym.day01_counter``."""
        return self._module_name(self.exercise)

    @property
    def solution_module(self) -> str:
        return self._module_name(self.solution)

    def paths(self) -> dict[str, str]:
        paths = {"lesson": self.lesson, "exercise": self.exercise, "solution": self.solution, "tests": self.tests}
        if self.quiz:
            paths["quiz"] = self.quiz
        return paths


@dataclass(frozen=True)
class Benchmark:
    name: str
    module: str
    track: str
    title: str
    description: str


@dataclass(frozen=True)
class Catalogue:
    root: Path
    tracks: tuple[Track, ...]
    exercises: tuple[Exercise, ...]  # in course order: track order, then day
    benchmarks: tuple[Benchmark, ...] = field(default=())

    def exercise(self, exercise_id: str) -> Exercise:
        for ex in self.exercises:
            if ex.id == exercise_id:
                return ex
        raise UnknownIdError("exercise", exercise_id, close_matches(exercise_id, [e.id for e in self.exercises]))

    def track(self, track_id: str) -> Track:
        for tr in self.tracks:
            if tr.id == track_id:
                return tr
        raise UnknownIdError("track", track_id, close_matches(track_id, [t.id for t in self.tracks]))

    def benchmark(self, name: str) -> Benchmark:
        for b in self.benchmarks:
            if b.name == name:
                return b
        raise UnknownIdError("benchmark", name, close_matches(name, [b.name for b in self.benchmarks]))

    def in_track(self, track_id: str) -> list[Exercise]:
        self.track(track_id)  # raises for an unknown track
        return [e for e in self.exercises if e.track == track_id]

    def by_test_path(self, rel_path: str) -> Exercise | None:
        for ex in self.exercises:
            if ex.tests == rel_path:
                return ex
        return None


def close_matches(name: str, candidates: list[str]) -> list[str]:
    """Closest ids first: ``close_matches('gym-1', ['gym-01', 'torch-01']) -> ['gym-01', ...]``."""
    matches = difflib.get_close_matches(name, candidates, n=3, cutoff=0.5)
    matches += [c for c in candidates if name and name in c and c not in matches]
    return matches[:3]


def _require(entry: dict, key: str, kind: type, where: str):
    if key not in entry:
        raise CatalogueError(f"{where}: missing key {key!r}")
    value = entry[key]
    if not isinstance(value, kind):
        raise CatalogueError(f"{where}: {key!r} should be {kind.__name__}, got {type(value).__name__}")
    return value


def _read_toml(path: Path) -> dict:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as err:
        raise CatalogueError(f"{path.name}: not valid TOML ({err})") from None


def _parse_exercise(entry: dict, where: str) -> Exercise:
    ex = Exercise(
        id=_require(entry, "id", str, where),
        track=_require(entry, "track", str, where),
        day=_require(entry, "day", int, where),
        title=_require(entry, "title", str, where),
        title_zh=entry.get("title_zh", ""),
        lesson=_require(entry, "lesson", str, where),
        exercise=_require(entry, "exercise", str, where),
        solution=_require(entry, "solution", str, where),
        tests=_require(entry, "tests", str, where),
        requires=tuple(entry.get("requires", [])),
        hints=tuple(_require(entry, "hints", list, where)),
        minutes=int(entry.get("minutes", 30)),
        difficulty=int(entry.get("difficulty", 1)),
        sequence=entry.get("sequence", ""),
        quiz=entry.get("quiz", ""),
        drill_minutes=int(entry.get("drill_minutes", 0)),
    )
    where = f"{where} ({ex.id})"
    if not ID_PATTERN.match(ex.id):
        raise CatalogueError(f"{where}: id must match {ID_PATTERN.pattern}")
    if len(ex.hints) < 2:
        raise CatalogueError(f"{where}: needs at least two hint levels, has {len(ex.hints)}")
    if not 1 <= ex.difficulty <= 5:
        raise CatalogueError(f"{where}: difficulty must be 1..5")
    for key, rel in ex.paths().items():
        if rel.startswith("/") or ".." in Path(rel).parts:
            raise CatalogueError(f"{where}: {key} path {rel!r} must be relative to the workspace root")
    if not ex.exercise.endswith(".py") or not ex.solution.endswith(".py"):
        raise CatalogueError(f"{where}: exercise and solution must be .py files")
    return ex


def load(root: Path | None = None) -> Catalogue:
    """Read and validate the catalogue under ``root`` (default: this workspace)."""
    root = (Path(root) if root is not None else workspace_root()).resolve()
    folder = root / "curriculum" / "catalogue"
    # The cache key includes every catalogue file's mtime and size, so an edit is never missed.
    signature = tuple((p.name, p.stat().st_mtime_ns, p.stat().st_size) for p in sorted(folder.glob("*.toml")))
    return _load_cached(root, signature)


@lru_cache(maxsize=8)
def _load_cached(root: Path, signature: tuple) -> Catalogue:
    folder = root / "curriculum" / "catalogue"
    tracks_file = folder / "tracks.toml"
    if not tracks_file.is_file():
        raise CatalogueError(f"no catalogue at {tracks_file}")
    tracks = []
    for i, entry in enumerate(_read_toml(tracks_file).get("track", [])):
        where = f"tracks.toml track #{i + 1}"
        tracks.append(
            Track(
                id=_require(entry, "id", str, where),
                title=_require(entry, "title", str, where),
                title_zh=entry.get("title_zh", ""),
                description=entry.get("description", ""),
                sequences=tuple(entry.get("sequences", [""])),
            )
        )
    track_order = {t.id: i for i, t in enumerate(tracks)}
    if len(track_order) != len(tracks):
        raise CatalogueError("tracks.toml: duplicate track id")

    exercises: list[Exercise] = []
    benchmarks: list[Benchmark] = []
    for path in sorted(folder.glob("*.toml")):
        if path.name == "tracks.toml":
            continue
        data = _read_toml(path)
        for i, entry in enumerate(data.get("exercise", [])):
            ex = _parse_exercise(entry, f"{path.name} exercise #{i + 1}")
            if ex.track not in track_order:
                raise CatalogueError(f"{path.name} ({ex.id}): unknown track {ex.track!r}")
            sequences = tracks[track_order[ex.track]].sequences
            if ex.sequence not in sequences:
                raise CatalogueError(f"{path.name} ({ex.id}): sequence {ex.sequence!r} is not one of track {ex.track}'s {list(sequences)}")
            exercises.append(ex)
        for i, entry in enumerate(data.get("benchmark", [])):
            where = f"{path.name} benchmark #{i + 1}"
            benchmarks.append(
                Benchmark(
                    name=_require(entry, "name", str, where),
                    module=_require(entry, "module", str, where),
                    track=_require(entry, "track", str, where),
                    title=_require(entry, "title", str, where),
                    description=entry.get("description", ""),
                )
            )

    seen: set[str] = set()
    for ex in exercises:
        if ex.id in seen:
            raise CatalogueError(f"duplicate exercise id {ex.id!r}")
        seen.add(ex.id)
    for ex in exercises:
        for req in ex.requires:
            if req not in seen:
                raise CatalogueError(f"{ex.id}: requires unknown exercise {req!r}")
    if len({b.name for b in benchmarks}) != len(benchmarks):
        raise CatalogueError("duplicate benchmark name")

    def course_order(e: Exercise) -> tuple[int, int, int]:
        return (track_order[e.track], tracks[track_order[e.track]].sequences.index(e.sequence), e.day)

    exercises.sort(key=course_order)  # stable: ties keep file order
    return Catalogue(root=root, tracks=tuple(tracks), exercises=tuple(exercises), benchmarks=tuple(benchmarks))
