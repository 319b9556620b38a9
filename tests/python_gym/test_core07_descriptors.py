"""Grading tests for core-07: Typed/Positive descriptors, Temperature properties, the Version dataclass.

Oracles: hand-worked conversion points (water freezes at 0 C = 32 F = 273.15 K,
-40 C == -40 F) and the conversion formulas written here; the rule
"accepted iff isinstance and not bool, and > 0" written as a predicate for
Hypothesis; tuple ordering for ``Version``; and an independent regular
expression (``re.ASCII``) for ``Version.parse``.
"""

from __future__ import annotations

import random
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from curriculum.grading.testing import expect_equal, expect_float, expect_raises, expect_true

pytestmark = pytest.mark.exercise("core-07")


# ---------------------------------------------------------------- Typed / Positive


def make_item_class(ex):
    """A class that reuses the learner's descriptors on four attributes."""

    class Item:
        name = ex.Typed(str)
        qty = ex.Positive(int)
        price = ex.Positive(float)
        stock = ex.Typed(int)

        def __init__(self, name, qty, price, stock=0):
            self.name = name
            self.qty = qty
            self.price = price
            self.stock = stock

    return Item


def test_typed_stores_and_reads_values(ex):
    Item = make_item_class(ex)
    item = Item("widget", 3, 2.5, 7)
    got = (item.name, item.qty, item.price, item.stock)
    expect_equal(got, ("widget", 3, 2.5, 7), call="Item('widget', 3, 2.5, 7) -> (name, qty, price, stock)",
                 hint="__set__ stores obj.__dict__[self.name] = value; __get__ reads it back")


def test_values_are_per_instance(ex):
    Item = make_item_class(ex)
    a, b = Item("a", 1, 1.0), Item("b", 2, 2.0)
    expect_equal((a.name, a.qty, b.name, b.qty), ("a", 1, "b", 2),
                 call="a = Item('a', 1, 1.0); b = Item('b', 2, 2.0); (a.name, a.qty, b.name, b.qty)",
                 hint="the descriptor is one object shared by every instance: keep values in the instance, not in self")


def test_two_attributes_of_the_same_kind_stay_apart(ex):
    Item = make_item_class(ex)
    item = Item("w", 5, 1.0, stock=40)
    item.qty = 6
    expect_equal((item.qty, item.stock), (6, 40), call="item.qty = 6 with stock=40; (item.qty, item.stock)",
                 hint="__set_name__ tells each descriptor its own attribute name; store under that name, not under a fixed key")


def test_class_access_returns_the_descriptor(ex):
    Item = make_item_class(ex)
    got = Item.qty
    expect_true(isinstance(got, ex.Positive) and isinstance(Item.name, ex.Typed),
                message=f"Item.qty returned {got!r}, expected the Positive descriptor itself",
                hint="in __get__, obj is None when the attribute is read on the class: return self")


def test_reading_before_assignment_raises_attribute_error(ex):
    Item = make_item_class(ex)
    item = Item.__new__(Item)  # skip __init__: nothing is assigned yet
    expect_raises(AttributeError, getattr, item, "qty", call="Item.__new__(Item).qty",
                  hint="a missing value should look like a missing attribute: raise AttributeError (then hasattr works)")
    expect_equal(getattr(item, "name", "default"), "default", call="getattr(<unset item>, 'name', 'default')",
                 hint="getattr's default only applies when __get__ raises AttributeError")


@pytest.mark.parametrize(
    "attr,value,error,fragment",
    [
        pytest.param("qty", "3", TypeError, "qty", id="str-for-int"),
        pytest.param("qty", 2.0, TypeError, "qty", id="float-for-int"),
        pytest.param("qty", True, TypeError, "qty", id="bool-for-int"),
        pytest.param("stock", False, TypeError, "stock", id="bool-for-typed-int"),
        pytest.param("price", True, TypeError, "price", id="bool-for-float"),
        pytest.param("price", "9.99", TypeError, "price", id="str-for-float"),
        pytest.param("name", 42, TypeError, "name", id="int-for-str"),
        pytest.param("name", b"bytes", TypeError, "name", id="bytes-for-str"),
        pytest.param("qty", 0, ValueError, "qty", id="zero"),
        pytest.param("qty", -3, ValueError, "qty", id="negative-int"),
        pytest.param("price", -0.0, ValueError, "price", id="negative-zero"),
        pytest.param("price", float("nan"), ValueError, "price", id="nan"),
        pytest.param("price", -1e-300, ValueError, "price", id="tiny-negative"),
    ],
)
def test_bad_assignments_raise_and_keep_the_old_value(ex, attr, value, error, fragment):
    Item = make_item_class(ex)
    item = Item("widget", 3, 2.5, 7)
    before = getattr(item, attr)
    expect_raises(error, setattr, item, attr, value, call=f"item.{attr} = {value!r}", match=fragment,
                  hint=f"raise {error.__name__} and name the attribute ({fragment!r}) in the message; "
                  "Positive checks the type first (TypeError), then the sign (ValueError)")
    expect_equal(getattr(item, attr), before, call=f"item.{attr} after the failed assignment item.{attr} = {value!r}",
                 hint="validate before storing, so a rejected value never replaces the old one")


def test_int_for_float_is_stored_as_float(ex):
    Item = make_item_class(ex)
    item = Item("w", 1, 3)
    expect_true(item.price == 3.0 and type(item.price) is float,
                message=f"Item('w', 1, 3).price is {item.price!r} ({type(item.price).__name__}), expected 3.0 (float)",
                hint="Typed(float) accepts an int (not a bool) and stores float(value)")


def test_infinity_is_positive(ex):
    Item = make_item_class(ex)
    item = Item("w", 1, float("inf"))
    expect_equal(item.price, float("inf"), call="Item('w', 1, float('inf')).price",
                 hint="inf > 0 is True; only values where `value > 0` is False are rejected")


def test_typed_rejects_a_non_type(ex):
    expect_raises(TypeError, ex.Typed, "int", call="Typed('int')",
                  hint="check isinstance(kind, type) in __init__ so the mistake shows up where it is made")


def test_descriptor_works_in_a_subclass(ex):
    Item = make_item_class(ex)

    class Special(Item):
        discount = ex.Positive(float)

    item = Special("w", 2, 4.0)
    item.discount = 1
    expect_equal((item.qty, item.discount), (2, 1.0), call="Special(Item) with an extra Positive(float) discount = 1",
                 hint="descriptors are inherited like any class attribute; __set_name__ runs for the new one")


def accepted(value, kind, positive):
    """The contract as a predicate: the independent oracle for the Hypothesis test."""
    if isinstance(value, bool):
        return False
    ok_type = isinstance(value, int) if kind is int else isinstance(value, (int, float))
    return ok_type and (not positive or value > 0)


@given(value=st.one_of(st.integers(-5, 5), st.floats(allow_nan=True), st.booleans(), st.text(max_size=2), st.none()),
       which=st.sampled_from(["qty", "price", "stock"]))
def test_acceptance_matches_the_contract(ex, value, which):
    kind, positive = {"qty": (int, True), "price": (float, True), "stock": (int, False)}[which]
    Item = make_item_class(ex)
    item = Item("w", 1, 1.0, 1)
    try:
        setattr(item, which, value)
        got = True
    except (TypeError, ValueError):
        got = False
    expect_equal(got, accepted(value, kind, positive), call=f"item.{which} = {value!r} (accepted?)",
                 hint="accept isinstance(value, kind) but never bool; float fields also take int; Positive needs value > 0")
    if got:
        expect_equal(getattr(item, which), value, call=f"item.{which} after item.{which} = {value!r}",
                     hint="store the validated value")


# ---------------------------------------------------------------- Temperature


def c_to_f(c):
    return c * 1.8 + 32


KNOWN_POINTS = [
    pytest.param(0, 32.0, 273.15, id="water-freezes"),
    pytest.param(100, 212.0, 373.15, id="water-boils"),
    pytest.param(-40, -40.0, 233.15, id="C-equals-F"),
    pytest.param(37, 98.6, 310.15, id="body"),
    pytest.param(-273.15, -459.67, 0.0, id="absolute-zero"),
]


@pytest.mark.parametrize("c,f,k", KNOWN_POINTS)
def test_temperature_known_points(ex, c, f, k):
    t = ex.Temperature(c)
    expect_float(t.fahrenheit, f, call=f"Temperature({c}).fahrenheit", rel=1e-12, abs=1e-9, hint="F = C * 9 / 5 + 32")
    expect_float(t.kelvin, k, call=f"Temperature({c}).kelvin", rel=1e-12, abs=1e-9, hint="K = C + 273.15")
    expect_float(t.celsius, c, call=f"Temperature({c}).celsius", rel=1e-12, abs=1e-12)


@pytest.mark.parametrize("c,f,k", KNOWN_POINTS)
def test_temperature_setters_convert(ex, c, f, k):
    t = ex.Temperature(20)
    t.fahrenheit = f
    expect_float(t.celsius, c, call=f"t.fahrenheit = {f}; t.celsius", rel=1e-12, abs=1e-9, hint="C = (F - 32) * 5 / 9")
    t.kelvin = k
    expect_float(t.celsius, c, call=f"t.kelvin = {k}; t.celsius", rel=1e-12, abs=1e-9, hint="C = K - 273.15")


def test_temperature_keeps_one_stored_value(ex):
    t = ex.Temperature(25)
    t.fahrenheit = 50
    t.kelvin = 300
    state = vars(t)
    expect_true(len(state) == 1 and isinstance(type(t).__dict__.get("fahrenheit"), property),
                message=f"vars(Temperature) is {state!r}; expected exactly one stored number, with fahrenheit a property",
                hint="store only Celsius; fahrenheit and kelvin are @property getters/setters that convert")
    expect_float(t.celsius, 300 - 273.15, call="t.fahrenheit = 50; t.kelvin = 300; t.celsius", rel=1e-12, abs=1e-9)


def test_temperature_default_and_repr(ex):
    t = ex.Temperature()
    expect_equal((t.celsius, repr(ex.Temperature(21.5))), (0.0, "Temperature(celsius=21.5)"),
                 call="(Temperature().celsius, repr(Temperature(21.5)))", hint="default 0.0; repr shows celsius=...")


@pytest.mark.parametrize(
    "unit,value,error",
    [
        pytest.param("celsius", -273.16, ValueError, id="below-zero-C"),
        pytest.param("fahrenheit", -459.68, ValueError, id="below-zero-F"),
        pytest.param("kelvin", -0.001, ValueError, id="negative-K"),
        pytest.param("celsius", float("nan"), ValueError, id="nan"),
        pytest.param("kelvin", float("-inf"), ValueError, id="minus-inf"),
        pytest.param("celsius", "20", TypeError, id="string"),
        pytest.param("fahrenheit", None, TypeError, id="none"),
        pytest.param("kelvin", True, TypeError, id="bool"),
    ],
)
def test_temperature_rejects_bad_values(ex, unit, value, error):
    t = ex.Temperature(20)
    expect_raises(error, setattr, t, unit, value, call=f"t.{unit} = {value!r}",
                  hint="TypeError for non-numbers (bool included); ValueError below absolute zero or for NaN")
    expect_float(t.celsius, 20.0, call=f"t.celsius after the failed t.{unit} = {value!r}", hint="validate before storing")


def test_temperature_constructor_validates(ex):
    expect_raises(ValueError, ex.Temperature, -300, call="Temperature(-300)",
                  hint="assign through the property in __init__ (self.celsius = celsius) so the setter validates")


@pytest.mark.parametrize("unit,value", [("celsius", -273.15), ("fahrenheit", -459.67), ("kelvin", 0)])
def test_temperature_accepts_exact_boundaries(ex, unit, value):
    t = ex.Temperature()
    setattr(t, unit, value)
    expect_float(t.kelvin, 0.0, call=f"t.{unit} = {value}; t.kelvin", abs=1e-9,
                 hint="check the limit in the unit being set: (-459.67 - 32) * (5 / 9) is a hair below -273.15 in floats")


@given(st.floats(min_value=-273.15, max_value=1e6), st.sampled_from(["celsius", "fahrenheit", "kelvin"]))
def test_temperature_round_trips(ex, c, unit):
    t = ex.Temperature(c)
    value = {"celsius": c, "fahrenheit": c_to_f(c), "kelvin": c + 273.15}[unit]
    expect_float(getattr(t, unit), value, call=f"Temperature({c!r}).{unit}", rel=1e-9, abs=1e-9)
    if unit != "celsius" and value >= {"fahrenheit": -459.67, "kelvin": 0.0}[unit]:
        u = ex.Temperature()
        setattr(u, unit, value)
        expect_float(u.celsius, c, call=f"t.{unit} = {value!r}; t.celsius", rel=1e-9, abs=1e-9)


# ---------------------------------------------------------------- Version


def test_version_defaults(ex):
    v = ex.Version(2)
    expect_equal((v.major, v.minor, v.patch, v.tags), (2, 0, 0, []), call="Version(2) -> (major, minor, patch, tags)",
                 hint="fields in order major, minor=0, patch=0, tags=field(default_factory=list, compare=False)")


def test_version_default_tags_are_not_shared(ex):
    a, b = ex.Version(1), ex.Version(1)
    a.tags.append("x")
    expect_equal(b.tags, [], call="a, b = Version(1), Version(1); a.tags.append('x'); b.tags",
                 hint="default_factory=list calls list() for every instance")


def test_version_copies_the_callers_tags(ex):
    tags = ["rc"]
    v = ex.Version(1, tags=tags)
    tags.append("oops")
    expect_equal(v.tags, ["rc"], call="tags = ['rc']; v = Version(1, tags=tags); tags.append('oops'); v.tags",
                 hint="in __post_init__, self.tags = list(self.tags) so the instance owns its list")


def test_version_equality_ignores_tags(ex):
    expect_true(ex.Version(1, 2, tags=["a"]) == ex.Version(1, 2) and ex.Version(1, 2) != ex.Version(1, 3),
                message="Version(1, 2, tags=['a']) == Version(1, 2) should be True and Version(1, 2) != Version(1, 3)",
                hint="field(compare=False) leaves tags out of __eq__ and of the ordering methods")
    a, b = ex.Version(1, 2, tags=["a"]), ex.Version(1, 2, tags=["b"])
    expect_equal((a < b, b < a, a <= b), (False, False, True), call="Version(1, 2, tags=['a']) vs tags=['b']: (a < b, b < a, a <= b)",
                 hint="with compare=False the tags are not a tie-breaker either")


@pytest.mark.parametrize(
    "small,big",
    [((1, 2), (1, 10)), ((0, 9, 9), (1,)), ((1, 2, 3), (1, 2, 4)), ((9,), (10,)), ((2, 0, 1), (2, 1))],
)
def test_version_ordering_is_numeric(ex, small, big):
    a, b = ex.Version(*small), ex.Version(*big)
    expect_equal((a < b, a > b, max(a, b) is b), (True, False, True), call=f"Version{small} vs Version{big}: (a < b, a > b, max is b)",
                 hint="@dataclass(order=True) compares the fields as a tuple, in declaration order")


def test_version_sorting_matches_tuples(ex):
    rng = random.Random(7)
    triples = [(rng.randint(0, 3), rng.randint(0, 12), rng.randint(0, 3)) for _ in range(60)]
    got = [(v.major, v.minor, v.patch) for v in sorted(ex.Version(*t) for t in triples)]
    expect_equal(got, sorted(triples), call="sorted(Version(*t) for t in <60 random triples>)",
                 hint="declare major, minor, patch in that order; ordering follows the field order")


def test_version_is_unhashable(ex):
    expect_raises(TypeError, hash, ex.Version(1), call="hash(Version(1))",
                  hint="a mutable dataclass with eq=True gets __hash__ = None; do not add one by hand")


@pytest.mark.parametrize(
    "args,kwargs,error",
    [
        pytest.param((-1,), {}, ValueError, id="negative-major"),
        pytest.param((1, 0, -2), {}, ValueError, id="negative-patch"),
        pytest.param(("1",), {}, TypeError, id="string-major"),
        pytest.param((1, 2.0), {}, TypeError, id="float-minor"),
        pytest.param((True,), {}, TypeError, id="bool-major"),
        pytest.param((1,), {"tags": ["ok", ""]}, ValueError, id="empty-tag"),
        pytest.param((1,), {"tags": ["a.b"]}, ValueError, id="dot-in-tag"),
        pytest.param((1,), {"tags": ["café"]}, ValueError, id="non-ascii-tag"),
        pytest.param((1,), {"tags": [3]}, TypeError, id="int-tag"),
    ],
)
def test_version_post_init_validates(ex, args, kwargs, error):
    ex.Version(1, 2, 3, tags=["ok"])  # a valid version must build, so a TypeError below is about the bad value
    call = f"Version({', '.join(map(repr, args))}{', ' if kwargs else ''}{', '.join(f'{k}={v!r}' for k, v in kwargs.items())})"
    expect_raises(error, ex.Version, *args, call=call, **kwargs,
                  hint="__post_init__: TypeError for non-int numbers (bool included) and non-str tags, ValueError for negatives and bad tags")


# An independent reading of the format: MAJOR[.MINOR[.PATCH]][+TAG[.TAG...]], ASCII only.
FORMAT = re.compile(r"([0-9]+)(?:\.([0-9]+))?(?:\.([0-9]+))?(?:\+([0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?", re.ASCII)


def oracle_parse(text):
    m = FORMAT.fullmatch(text)
    if m is None:
        return None
    return tuple(int(g) if g else 0 for g in m.groups()[:3]), (m.group(4).split(".") if m.group(4) else [])


@pytest.mark.parametrize(
    "text",
    ["1.2.3", "3", "2.1+cuda.fast", "0.0.0", "01.002", "10.20.30+build-7", "1.2.3+a",
     "", "1.", "1..2", "1.2.3.4", "v1", "-1", "1.2+", "1.2+a..b", " 1.2", "1.2 ", "１.2", "1.²", "1.2+é", "+a", "1,2"],
)
def test_version_parse_known_strings(ex, text):
    expected = oracle_parse(text)
    if expected is None:
        expect_raises(ValueError, ex.Version.parse, text, call=f"Version.parse({text!r})",
                      hint="reject anything outside MAJOR[.MINOR[.PATCH]][+TAG[.TAG...]]; digits and tags are ASCII only")
        return
    v = ex.Version.parse(text)
    expect_equal(((v.major, v.minor, v.patch), v.tags), expected, call=f"Version.parse({text!r}) -> ((major, minor, patch), tags)",
                 hint="missing parts are 0; tags are the '.'-separated pieces after '+'")


@given(st.text(alphabet="019.+a-", max_size=9))
def test_version_parse_matches_regex_oracle(ex, text):
    expected = oracle_parse(text)
    try:
        v = ex.Version.parse(text)
        got = ((v.major, v.minor, v.patch), v.tags)
    except ValueError:
        got = None
    expect_equal(got, expected, call=f"Version.parse({text!r})  (None means ValueError)",
                 hint="MAJOR[.MINOR[.PATCH]][+TAG[.TAG...]]: empty pieces are errors")


@given(st.integers(0, 999), st.integers(0, 999), st.integers(0, 999),
       st.lists(st.text(alphabet="abcXYZ09-", min_size=1, max_size=4), max_size=3))
def test_version_str_round_trips(ex, major, minor, patch, tags):
    v = ex.Version(major, minor, patch, tags=tags)
    text = str(v)
    expected = f"{major}.{minor}.{patch}" + ("+" + ".".join(tags) if tags else "")
    expect_equal(text, expected, call=f"str(Version({major}, {minor}, {patch}, tags={tags!r}))",
                 hint="'MAJOR.MINOR.PATCH', then '+' and the tags joined with '.' when there are any")
    back = ex.Version.parse(text)
    expect_equal((back, back.tags), (v, tags), call=f"Version.parse({text!r})", hint="parse(str(v)) gives v back")


def test_version_parse_is_a_classmethod_returning_the_subclass(ex):
    class Release(ex.Version):
        pass

    got = Release.parse("1.2")
    expect_true(type(got) is Release, message=f"Release.parse('1.2') returned a {type(got).__name__}, expected Release",
                hint="build the result with cls(...), not Version(...), so subclasses get their own type")
