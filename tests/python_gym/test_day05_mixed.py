"""Grading tests for gym-05: least_interval and FirstUnique.

Oracles: for the scheduler, a plain step-by-step simulation (each unit, run the
ready task with the most copies left, else idle) and the closed form
``max(len(tasks), (top - 1) * (n + 1) + ties)``; for the stream, a naive scan
of the whole history on every question.
"""

import random
from collections import Counter

import pytest
from hypothesis import given
from hypothesis import strategies as st

from curriculum.grading.testing import expect_equal, expect_true

pytestmark = pytest.mark.exercise("gym-05")


# ---------------------------------------------------------------- oracles


def simulate_schedule(tasks, n):
    """Plain greedy simulation, one time unit per loop, idle included."""
    left = {}
    for task in tasks:
        left[task] = left.get(task, 0) + 1
    last_run = {}
    time = 0
    while any(count > 0 for count in left.values()):
        ready = [t for t in left if left[t] > 0 and (t not in last_run or time - last_run[t] > n)]
        if ready:
            pick = max(ready, key=lambda t: left[t])
            left[pick] -= 1
            last_run[pick] = time
        time += 1
    return time


def closed_form(tasks, n):
    if not tasks:
        return 0
    counts = Counter(tasks).values()
    top = max(counts)
    ties = sum(1 for c in counts if c == top)
    return max(len(tasks), (top - 1) * (n + 1) + ties)


def naive_first_unique(history):
    for item in history:
        if history.count(item) == 1:
            return item
    return None


# ---------------------------------------------------------------- least_interval


@pytest.mark.parametrize(
    "tasks,n,expected",
    [
        pytest.param([], 3, 0, id="no-tasks"),
        pytest.param(["A"], 5, 1, id="single"),
        pytest.param(["A", "A"], 0, 2, id="n-zero"),
        pytest.param(["A", "A", "A"], 2, 7, id="one-kind: A..A..A"),
        pytest.param(["A", "A", "A", "B", "B", "B"], 2, 8, id="tie-for-top: AB.AB.AB"),
        pytest.param(["A", "A", "A", "B", "C", "D", "E", "F", "G"], 2, 9, id="enough-kinds-no-idle"),
        pytest.param(["写", "写", "读"], 1, 3, id="unicode"),
        pytest.param([1, 1, 2, 2, 3, 3], 2, 6, id="int-labels"),
        pytest.param(["A", "A", "B"], 100_000, 100_002, id="huge-cooldown"),
    ],
)
def test_least_interval_known_values(ex, tasks, n, expected):
    expect_equal(
        ex.least_interval(tasks, n),
        expected,
        call=f"least_interval({tasks!r}, {n})",
        hint="the most frequent task sets the frame: (top - 1) * (n + 1) slots, plus one per task tied for the top",
    )


@given(
    tasks=st.lists(st.sampled_from("ABCDE"), max_size=14),
    n=st.integers(min_value=0, max_value=4),
)
def test_least_interval_matches_simulation(ex, tasks, n):
    expect_equal(
        ex.least_interval(tasks, n),
        simulate_schedule(tasks, n),
        call=f"least_interval({tasks!r}, {n})",
        hint="at every unit run the ready task with the most copies left; idle only when nothing is ready",
    )


def test_least_interval_large_input(ex):
    rng = random.Random(5)
    tasks = [chr(ord("a") + i % 26) for i in range(100_000)]
    rng.shuffle(tasks)
    expect_equal(
        ex.least_interval(tasks, 30),
        closed_form(tasks, 30),
        call="least_interval(<100 000 tasks over 26 letters>, 30)",
        hint="with 100 000 tasks, pick the next task with a heap, not by scanning every kind at every unit",
    )


def test_least_interval_does_not_modify_input(ex):
    tasks = ["B", "A", "B"]
    ex.least_interval(tasks, 1)
    expect_equal(tasks, ["B", "A", "B"], call="tasks after least_interval(tasks, 1)", hint="count a copy; leave the caller's list alone")


def test_least_interval_rejects_negative_cooldown(ex):
    with pytest.raises(ValueError):
        ex.least_interval(["A"], -1)


# ---------------------------------------------------------------- FirstUnique


def test_first_unique_empty_stream(ex):
    expect_equal(ex.FirstUnique().first_unique(), None, call="FirstUnique().first_unique()", hint="no item yet: return None")


def test_first_unique_docstring_example(ex):
    fu = ex.FirstUnique([2, 3, 5])
    expect_equal(fu.first_unique(), 2, call="FirstUnique([2, 3, 5]).first_unique()")
    fu.add(5)
    fu.add(2)
    expect_equal(fu.first_unique(), 3, call="... then add(5), add(2); first_unique()", hint="2 is repeated now, so skip it")
    fu.add(3)
    expect_equal(fu.first_unique(), None, call="... then add(3); first_unique()", hint="every item is repeated: None")


@pytest.mark.parametrize(
    "items,expected",
    [
        pytest.param([0], 0, id="zero-is-an-answer"),
        pytest.param(["", "x", "x"], "", id="empty-string-is-an-answer"),
        pytest.param([7, 7, 0, 5], 0, id="zero-after-repeats"),
        pytest.param(["a", "a", "a"], None, id="third-copy-still-repeated"),
        pytest.param(["猫", "狗", "猫", "🐍"], "狗", id="unicode"),
        pytest.param([-1, -2, -1], -2, id="negatives"),
    ],
)
def test_first_unique_edge_cases(ex, items, expected):
    got = ex.FirstUnique(items).first_unique()
    expect_equal(
        got,
        expected,
        call=f"FirstUnique({items!r}).first_unique()",
        hint="compare with `is None`, not truthiness: 0 and '' are real answers",
    )
    expect_true(
        type(got) is type(expected),
        message=f"FirstUnique({items!r}).first_unique() returned {got!r} ({type(got).__name__}), expected {expected!r}",
        hint="return the item itself",
    )


def test_first_unique_accepts_any_iterable(ex):
    fu = ex.FirstUnique(ch for ch in "swiss")
    expect_equal(fu.first_unique(), "w", call="FirstUnique(<generator over 'swiss'>).first_unique()", hint="iterate the items once")


def test_first_unique_asking_twice_changes_nothing(ex):
    fu = ex.FirstUnique(["a", "b", "a"])
    answers = [fu.first_unique(), fu.first_unique()]
    expect_equal(answers, ["b", "b"], call="two calls of FirstUnique(['a', 'b', 'a']).first_unique()", hint="only drop candidates that are repeated")
    fu.add("c")
    expect_equal(fu.first_unique(), "b", call="... then add('c'); first_unique()", hint="a new unique item goes to the back of the queue")


def test_first_unique_instances_are_independent(ex):
    first, second = ex.FirstUnique(), ex.FirstUnique()
    first.add("x")
    expect_equal(
        second.first_unique(),
        None,
        call="a = FirstUnique(); b = FirstUnique(); a.add('x'); b.first_unique()",
        hint="a mutable default argument (items=[]) or a class attribute is shared by every instance: build fresh containers in __init__",
    )


_op = st.one_of(st.tuples(st.just("add"), st.integers(min_value=-3, max_value=6)), st.just(("ask",)))


@given(initial=st.lists(st.integers(min_value=-3, max_value=6), max_size=8), ops=st.lists(_op, max_size=30))
def test_first_unique_matches_naive_scan(ex, initial, ops):
    fu = ex.FirstUnique(initial)
    history = list(initial)
    done = [f"FirstUnique({initial!r})"]
    for op in ops:
        if op[0] == "add":
            fu.add(op[1])
            history.append(op[1])
            done.append(f"add({op[1]!r})")
        else:
            done.append("first_unique()")
            expect_equal(
                fu.first_unique(),
                naive_first_unique(history),
                call="; ".join(done),
                hint="the answer is the earliest item whose count is exactly 1",
            )
    expect_equal(fu.first_unique(), naive_first_unique(history), call="; ".join(done + ["first_unique()"]))


class Meter:
    """Counts how often stream items are hashed or compared; fails once the work is not O(1) per operation."""

    per_op = 20

    def __init__(self):
        self.ops = 0
        self.touches = 0

    def touch(self):
        self.touches += 1
        if self.touches > self.per_op * self.ops + 100:
            raise AssertionError(
                f"after {self.ops} operations on a stream of counted items, FirstUnique has hashed or compared items "
                f"{self.touches} times (allowed: {self.per_op} per operation): add and first_unique must be amortised "
                "O(1); scanning the history on every question is O(n). Keep a queue of candidates and pop repeated "
                "ones off its left"
            )


class CountedItem:
    """A stream item whose __hash__ and __eq__ report to a Meter."""

    def __init__(self, tag, meter):
        self.tag, self.meter = tag, meter

    def __hash__(self):
        self.meter.touch()
        return hash(self.tag)

    def __eq__(self, other):
        self.meter.touch()
        return isinstance(other, CountedItem) and self.tag == other.tag

    def __repr__(self):
        return f"item{self.tag}"


def test_first_unique_long_stream_is_amortised_constant_time(ex):
    size = 2_000
    meter = Meter()
    items = [CountedItem(i, meter) for i in range(size)]
    fu = ex.FirstUnique()
    for item in items:
        meter.ops += 1
        fu.add(item)
    for i, item in enumerate(items):
        meter.ops += 2
        fu.add(item)  # item i is repeated now, so item i + 1 is the first unique
        got = fu.first_unique()
        expected = items[i + 1] if i + 1 < size else None
        if got is not expected:
            expect_equal(got, expected, call=f"add item0 ... item{size - 1}, then add item0 ... item{i} again; first_unique()", hint="pop repeated candidates off the left of the queue")
