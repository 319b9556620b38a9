"""The catalogue: loading, validation, lookups with suggestions."""

import json

import pytest

from curriculum.course import CatalogueError, UnknownIdError, load

from toycourse import CATALOGUE


def test_toy_catalogue_loads(toy):
    cat = load(toy.root)
    ex = cat.exercise("toy-01")
    assert (ex.exercise_module, ex.solution_module) == ("toy.day01_add", "toy.solutions.day01_add")
    assert [t.id for t in cat.tracks] == ["toy"]
    assert cat.by_test_path("tests/toy/test_day01_add.py") is ex


def test_unknown_id_suggests_close_matches(toy):
    with pytest.raises(UnknownIdError) as err:
        load(toy.root).exercise("toy-1")
    assert err.value.suggestions[0] == "toy-01"
    assert "did you mean 'toy-01'" in str(err.value)


@pytest.mark.parametrize(
    "edit, message",
    [
        (lambda t: t.replace('id = "toy-01"', 'id = "Toy 01"'), "id must match"),
        (lambda t: t.replace('hints = ["第一条提示", "第二条提示"]', 'hints = ["只有一条"]'), "at least two hint levels"),
        (lambda t: t.replace('track = "toy"', 'track = "nope"'), "unknown track"),
        (lambda t: t + "\n" + t, "duplicate exercise id"),
        (lambda t: t.replace('tests = "tests/toy/test_day01_add.py"\n', ""), "missing key 'tests'"),
        (lambda t: t.replace("difficulty = 1", 'difficulty = 1\nrequires = ["toy-99"]'), "requires unknown exercise"),
        (lambda t: t.replace('lesson = "', 'lesson = "../'), "relative to the workspace root"),
        (lambda t: t + "[[[", "not valid TOML"),
    ],
)
def test_malformed_catalogue_is_rejected_with_the_reason(toy, edit, message):
    toy.write("curriculum/catalogue/toy.toml", edit(CATALOGUE))
    with pytest.raises(CatalogueError, match=message):
        load(toy.root)


def test_edits_are_picked_up_without_restarting(toy):
    assert load(toy.root).exercise("toy-01").title == "Add"
    toy.write("curriculum/catalogue/toy.toml", CATALOGUE.replace('title = "Add"', 'title = "Addition!"'))
    assert load(toy.root).exercise("toy-01").title == "Addition!"


def test_real_catalogue_lists_the_first_content():
    cat = load()
    ids = [e.id for e in cat.exercises]
    assert len(ids) == len(set(ids))
    for expected in ["gym-01", "gym-02", "gym-03", "gym-04", "gym-05", "gym-06", "gym-07", "gym-templates", "torch-00", "torch-01"]:
        assert expected in ids, f"{expected} is missing from the catalogue"
    assert {b.name for b in cat.benchmarks} >= {"list-vs-deque"}
    json.dumps([e.paths() for e in cat.exercises])  # plain data all the way down
