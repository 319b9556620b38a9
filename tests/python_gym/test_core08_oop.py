"""Grading tests for core-08: Vector, the cooperative diamond, c3_mro and the Shape ABC.

Oracles: numpy and plain tuple arithmetic for ``Vector``; ``Document.__mro__``
(Python's own C3) for the order in which the cooperative ``__init__`` methods
run, recorded by wrapping each one; classes built with ``type()`` for
``c3_mro`` (Python refuses exactly the hierarchies C3 cannot order); ``math.pi``
formulas for the shapes.
"""

from __future__ import annotations

import math
import random

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from curriculum.grading.testing import expect_equal, expect_float, expect_raises, expect_true

pytestmark = pytest.mark.exercise("core-08")

reals = st.one_of(st.integers(-1000, 1000), st.floats(-1e3, 1e3, allow_nan=False))


# ---------------------------------------------------------------- Vector


@pytest.mark.parametrize("components", [(), (7,), (1, 2.5), (0, -3, 4.0, 1e-9)])
def test_vector_basics(ex, components):
    v = ex.Vector(*components)
    got = (len(v), tuple(v), repr(v))
    expected = (len(components), components, "Vector(" + ", ".join(repr(c) for c in components) + ")")
    expect_equal(got, expected, call=f"(len, tuple, repr) of Vector(*{components!r})",
                 hint="store the components in a tuple; repr is 'Vector(' + ', '.join(map(repr, ...)) + ')'")
    expect_true(eval(repr(v), {"Vector": ex.Vector}) == v, message=f"eval(repr(v)) != v for v = {v!r}",
                hint="repr should be a valid constructor call")


def test_vector_indexing_and_slicing(ex):
    v = ex.Vector(1, 2, 3, 4)
    got = (v[0], v[-1], v[1:3])
    expect_equal(got, (1, 4, ex.Vector(2, 3)), call="v = Vector(1, 2, 3, 4); (v[0], v[-1], v[1:3])",
                 hint="an int index gives a component; a slice gives a new Vector")
    expect_raises(IndexError, lambda: v[4], call="Vector(1, 2, 3, 4)[4]", hint="let the tuple raise IndexError")


@pytest.mark.parametrize(
    "bad", [pytest.param("1", id="str"), pytest.param(True, id="bool"), pytest.param(None, id="none"), pytest.param([1], id="list")]
)
def test_vector_rejects_non_numbers(ex, bad):
    expect_raises(TypeError, ex.Vector, 1, bad, call=f"Vector(1, {bad!r})",
                  hint="components must be int or float; bool is an int subclass but not a component")


@given(st.lists(reals, max_size=6).flatmap(lambda a: st.tuples(st.just(a), st.lists(reals, min_size=len(a), max_size=len(a)))),
       st.one_of(st.integers(-5, 5), st.floats(-10, 10)))
def test_vector_arithmetic_matches_numpy(ex, pair, k):
    a, b = pair
    v, w = ex.Vector(*a), ex.Vector(*b)
    x, y = np.array(a, dtype=float), np.array(b, dtype=float)
    call = f"v = Vector(*{a!r}), w = Vector(*{b!r}), k = {k!r}"
    for label, got, expected in [("v + w", v + w, x + y), ("v - w", v - w, x - y), ("-v", -v, -x),
                                 ("v * k", v * k, x * k), ("k * v", k * v, k * x)]:
        expect_true(isinstance(got, ex.Vector), message=f"{call}: {label} returned {got!r}, expected a Vector",
                    hint="arithmetic returns a new Vector")
        expect_equal(tuple(float(c) for c in got), tuple(float(c) for c in expected), call=f"{call}: {label}",
                     hint="componentwise: Vector(*(a + b for a, b in zip(self, other)))")
    expect_float(v @ w, float(np.dot(x, y)), call=f"{call}: v @ w", rel=1e-9, abs=1e-6, hint="dot product: sum of a * b")
    expect_float(abs(v), float(np.linalg.norm(x)), call=f"{call}: abs(v)", rel=1e-9, abs=1e-9, hint="math.hypot(*components)")


def test_vector_known_values(ex):
    v, w = ex.Vector(1, 2), ex.Vector(3, 4.5)
    got = (v + w, v - w, 2 * v, v * 0, v @ w, abs(ex.Vector(3, 4)), abs(ex.Vector()), ex.Vector() @ ex.Vector())
    expected = (ex.Vector(4, 6.5), ex.Vector(-2, -2.5), ex.Vector(2, 4), ex.Vector(0, 0), 12.0, 5.0, 0.0, 0.0)
    expect_equal(got, expected, call="(v + w, v - w, 2 * v, v * 0, v @ w, abs(Vector(3, 4)), abs(Vector()), Vector() @ Vector())",
                 hint="the empty vector has norm 0.0 and dot product 0.0")


@pytest.mark.parametrize("op", ["+", "-", "@"])
def test_vector_length_mismatch_is_value_error(ex, op):
    v, w = ex.Vector(1, 2), ex.Vector(1, 2, 3)
    expect_raises(ValueError, eval, f"v {op} w", {"v": v, "w": w}, call=f"Vector(1, 2) {op} Vector(1, 2, 3)",
                  hint="two vectors of different lengths: raise ValueError (zip would silently truncate)")


@pytest.mark.parametrize("expr", ["v + 1", "1 + v", "v - 'a'", "v * v", "v * True", "'ab' * v", "v @ (1, 2)", "v * [2]"])
def test_vector_unsupported_operands_give_type_error(ex, expr):
    expect_raises(TypeError, eval, expr, {"v": ex.Vector(1, 2)}, call=expr.replace("v", "Vector(1, 2)"),
                  hint="return NotImplemented from the dunder for an operand you do not handle; Python then raises TypeError")


def test_vector_returns_not_implemented_so_the_other_side_can_answer(ex):
    class Other:
        def __radd__(self, left):
            return "Other.__radd__"

        def __rmatmul__(self, left):
            return "Other.__rmatmul__"

    v = ex.Vector(1, 2)
    expect_equal((v + Other(), v @ Other()), ("Other.__radd__", "Other.__rmatmul__"), call="(Vector(1, 2) + Other(), Vector(1, 2) @ Other())",
                 hint="raising TypeError yourself stops Python from trying Other.__radd__; return NotImplemented instead")
    expect_true(v.__eq__((1, 2)) is NotImplemented, message=f"Vector(1, 2).__eq__((1, 2)) returned {v.__eq__((1, 2))!r}, expected NotImplemented",
                hint="__eq__ with a non-Vector returns NotImplemented; Python then falls back to identity (False)")


def test_vector_equality_and_hash(ex):
    a, b, c = ex.Vector(1, 2), ex.Vector(1.0, 2.0), ex.Vector(2, 1)
    got = (a == b, a != c, a == (1, 2), hash(a) == hash(b))
    expect_equal(got, (True, True, False, True), call="(Vector(1, 2) == Vector(1.0, 2.0), != Vector(2, 1), == (1, 2), equal hashes)",
                 hint="compare and hash tuple(self); 1 == 1.0 and hash(1) == hash(1.0)")
    table = {a: "first"}
    table[b] = "second"
    expect_equal(table, {ex.Vector(1, 2): "second"}, call="{Vector(1, 2): 'first'} then d[Vector(1.0, 2.0)] = 'second'",
                 hint="equal vectors must hash equal so a dict treats them as one key")
    expect_equal(len({ex.Vector(0), ex.Vector(0.0), ex.Vector(), ex.Vector(0, 0)}), 3,
                 call="len({Vector(0), Vector(0.0), Vector(), Vector(0, 0)})", hint="hash(self._components)")


@pytest.mark.parametrize("components,expected", [((), False), ((0,), False), ((0, 0.0, -0.0), False), ((0, 1e-300), True), ((-1,), True)])
def test_vector_truthiness(ex, components, expected):
    expect_equal(bool(ex.Vector(*components)), expected, call=f"bool(Vector(*{components!r}))",
                 hint="a vector is truthy when some component is non-zero; define __bool__ (else __len__ decides)")


def test_vector_is_immutable_in_arithmetic(ex):
    v, w = ex.Vector(1, 2), ex.Vector(3, 4)
    _ = (v + w, v * 3, -v)
    u = v
    u += w
    expect_equal((v, u), (ex.Vector(1, 2), ex.Vector(4, 6)), call="v = Vector(1, 2); u = v; u += Vector(3, 4); (v, u)",
                 hint="return new vectors; without __iadd__, u += w rebinds u to u + w and v is unchanged")


# ---------------------------------------------------------------- cooperative diamond


@pytest.fixture
def init_calls(ex, monkeypatch):
    """Wrap each class's own __init__ so that every call records the class name, on entry."""
    calls = []
    for cls in (ex.Component, ex.Timestamped, ex.Tagged, ex.Document):
        original = cls.__dict__["__init__"]

        def wrapper(self, *args, _original=original, _name=cls.__name__, **kwargs):
            calls.append(_name)
            return _original(self, *args, **kwargs)

        monkeypatch.setattr(cls, "__init__", wrapper)
    return calls


def own_init_order(cls):
    """The oracle: the classes of cls.__mro__ that define __init__ themselves, in MRO order."""
    return [c.__name__ for c in cls.__mro__ if c is not object and "__init__" in vars(c)]


def test_document_init_follows_the_mro(ex, init_calls):
    doc = ex.Document(name="d", created=1.5, tags=["a", "b"], text="hi")
    expect_equal(init_calls, own_init_order(ex.Document), call="order of __init__ calls in Document(name=..., created=..., tags=..., text=...)",
                 hint="each __init__ calls super().__init__(**kwargs) exactly once; never Base.__init__(self, ...) by name")
    got = (doc.name, doc.created, doc.tags, doc.text)
    expect_equal(got, ("d", 1.5, ("a", "b"), "hi"), call="(doc.name, doc.created, doc.tags, doc.text)",
                 hint="each class takes its own keyword and stores it; tags become a tuple")


def test_document_defaults(ex):
    doc = ex.Document(name="only")
    expect_equal(doc.to_dict(), {"name": "only", "tags": (), "created": 0.0, "text": ""}, call="Document(name='only').to_dict()",
                 hint="defaults: created=0.0, tags=(), text=''")


def test_to_dict_is_cooperative(ex):
    got = ex.Document(name="d", created=2, tags=("x",), text="t").to_dict()
    expect_equal(list(got.items()), [("name", "d"), ("tags", ("x",)), ("created", 2), ("text", "t")],
                 call="list(Document(name='d', created=2, tags=('x',), text='t').to_dict().items())",
                 hint="each to_dict calls super().to_dict() first, then adds its key: keys appear in reverse MRO order")


def test_swapped_mixin_order_still_cooperates(ex, init_calls):
    class Note(ex.Tagged, ex.Timestamped):
        pass

    note = Note(name="n", created=4, tags=["q"])
    expect_equal(init_calls, own_init_order(Note), call="__init__ calls in Note(Tagged, Timestamped)(name=..., created=..., tags=...)",
                 hint="with the bases swapped, Tagged's super() is Timestamped: only super() follows that")
    expect_equal(note.to_dict(), {"name": "n", "created": 4, "tags": ("q",)}, call="Note(...).to_dict()",
                 hint="super().to_dict() in every class")


def test_a_foreign_mixin_is_not_skipped(ex, init_calls):
    class Audited(ex.Component):
        def __init__(self, *, auditor="nobody", **kwargs):
            init_calls.append("Audited")
            super().__init__(**kwargs)
            self.auditor = auditor

        def to_dict(self):
            data = super().to_dict()
            data["auditor"] = self.auditor
            return data

    class Report(ex.Document, Audited):
        pass

    report = Report(name="r", auditor="ann", text="x")
    expected = own_init_order(Report)
    expect_equal(init_calls, expected, call="__init__ calls in class Report(Document, Audited) with Audited(Component)",
                 hint=f"the MRO is {[c.__name__ for c in Report.__mro__]}: Tagged must call super(), which is Audited here")
    expect_equal(report.to_dict()["auditor"], "ann", call="Report(name='r', auditor='ann', text='x').to_dict()['auditor']",
                 hint="to_dict must reach Audited through super() as well")


@pytest.mark.parametrize(
    "args,kwargs",
    [
        pytest.param((), {"name": "d", "colour": "red"}, id="unknown-keyword"),
        pytest.param((), {"text": "no name"}, id="missing-name"),
        pytest.param(("d",), {}, id="positional"),
    ],
)
def test_document_rejects_bad_arguments(ex, args, kwargs):
    ex.Document(name="ok")  # a valid call must work, so the TypeError below is about the arguments
    expect_raises(TypeError, ex.Document, *args, call=f"Document(*{args!r}, **{kwargs!r})", **kwargs,
                  hint="keyword-only parameters (*, name, ...) and **kwargs passed up to object.__init__, which rejects leftovers")


@pytest.mark.parametrize("cls_name,kwargs,expected", [
    ("Timestamped", {"name": "t", "created": 3.5}, {"name": "t", "created": 3.5}),
    ("Tagged", {"name": "t", "tags": iter(["a", "b"])}, {"name": "t", "tags": ("a", "b")}),
    ("Component", {"name": "c"}, {"name": "c"}),
])
def test_each_class_works_alone(ex, cls_name, kwargs, expected):
    got = getattr(ex, cls_name)(**kwargs).to_dict()
    expect_equal(got, expected, call=f"{cls_name}(**{kwargs!r}).to_dict()", hint="each class is usable on its own; tags accept any iterable")


# ---------------------------------------------------------------- c3_mro


def python_mro(bases, name):
    """The oracle: build real classes with type() and read __mro__ (minus object)."""
    built = {}

    def build(cls):
        if cls not in built:
            built[cls] = type(cls, tuple(build(b) for b in bases[cls]), {})
        return built[cls]

    return [c.__name__ for c in build(name).__mro__[:-1]]


DIAMOND = {"A": [], "B": ["A"], "C": ["A"], "D": ["B", "C"]}
# The classic six-class example: A(B, C), B(D, E), C(D, F), all of D, E, F from object.
SIX = {"O": [], "D": ["O"], "E": ["O"], "F": ["O"], "B": ["D", "E"], "C": ["D", "F"], "A": ["B", "C"]}


@pytest.mark.parametrize(
    "bases,name,expected",
    [
        pytest.param({"A": []}, "A", ["A"], id="no-bases"),
        pytest.param({"A": [], "B": ["A"], "C": ["B"]}, "C", ["C", "B", "A"], id="chain"),
        pytest.param(DIAMOND, "D", ["D", "B", "C", "A"], id="diamond"),
        pytest.param(SIX, "A", ["A", "B", "C", "D", "E", "F", "O"], id="six-classes"),
        pytest.param({"X": [], "Y": [], "Z": ["Y", "X"]}, "Z", ["Z", "Y", "X"], id="base-order-matters"),
        pytest.param({"组件": [], "文档": ["组件"]}, "文档", ["文档", "组件"], id="unicode-names"),
    ],
)
def test_c3_known_hierarchies(ex, bases, name, expected):
    expect_equal(ex.c3_mro(bases, name), expected, call=f"c3_mro({bases!r}, {name!r})",
                 hint="L[C] = [C] + merge(L[B1], ..., L[Bn], [B1, ..., Bn])")
    expect_equal(expected, python_mro(bases, name), call=f"(oracle) {name}.__mro__", hint="")


def test_c3_matches_the_cooperative_document(ex):
    hierarchy = {"Component": [], "Timestamped": ["Component"], "Tagged": ["Component"], "Document": ["Timestamped", "Tagged"]}
    expect_equal(ex.c3_mro(hierarchy, "Document"), [c.__name__ for c in ex.Document.__mro__[:-1]],
                 call=f"c3_mro({hierarchy!r}, 'Document')", hint="the same order in which the cooperative __init__ methods run")


@pytest.mark.parametrize(
    "bases,name,error",
    [
        pytest.param({"X": [], "Y": [], "A": ["X", "Y"], "B": ["Y", "X"], "Z": ["A", "B"]}, "Z", TypeError, id="inconsistent"),
        pytest.param({"A": [], "B": ["A"], "C": ["A", "B"]}, "C", TypeError, id="base-before-its-subclass"),
        pytest.param({"A": [], "B": ["A", "A"]}, "B", TypeError, id="duplicate-base"),
        pytest.param({"A": ["A"]}, "A", ValueError, id="self-cycle"),
        pytest.param({"A": ["B"], "B": ["C"], "C": ["A"]}, "A", ValueError, id="cycle"),
        pytest.param({"A": ["Missing"]}, "A", ValueError, id="unknown-base"),
        pytest.param({"A": []}, "B", ValueError, id="unknown-class"),
    ],
)
def test_c3_errors(ex, bases, name, error):
    ex.c3_mro({"A": []}, "A")  # a valid hierarchy must work first
    expect_raises(error, ex.c3_mro, bases, name, call=f"c3_mro({bases!r}, {name!r})",
                  hint="TypeError where Python refuses the class (duplicate base, merge fails); ValueError for cycles and unknown names")


@st.composite
def hierarchies(draw):
    n = draw(st.integers(1, 8))
    names = [f"K{i}" for i in range(n)]
    bases = {}
    for i, name in enumerate(names):
        chosen = draw(st.lists(st.sampled_from(names[:i]), unique=True, max_size=min(3, i))) if i else []
        bases[name] = chosen
    return bases, names[-1]


@given(hierarchies())
def test_c3_matches_python_on_random_hierarchies(ex, case):
    bases, name = case
    try:
        expected = python_mro(bases, name)
    except TypeError:
        expected = "TypeError"
    try:
        got = ex.c3_mro(bases, name)
    except TypeError:
        got = "TypeError"
    expect_equal(got, expected, call=f"c3_mro({bases!r}, {name!r})",
                 hint="pick the first head, lists in order, that is in no list's tail; raise TypeError when none qualifies")


def test_c3_does_not_modify_its_input(ex):
    bases = {k: list(v) for k, v in SIX.items()}
    ex.c3_mro(bases, "A")
    expect_equal(bases, SIX, call="bases after c3_mro(bases, 'A')", hint="merge copies of the lists, not the caller's lists")


def outcome(fn, *args):
    try:
        return fn(*args)
    except TypeError:
        return "TypeError"


def test_c3_sixty_class_hierarchy(ex):
    rng = random.Random(3)
    names = [f"N{i}" for i in range(60)]
    # Bases listed from the most recent class backwards, which keeps most orders consistent.
    bases = {n: sorted(rng.sample(names[:i], k=min(i, rng.randint(0, 3))), key=names.index, reverse=True) for i, n in enumerate(names)}
    for name in ("N43", "N28", "N41", "N45", "N55"):  # the longest MROs, and two that Python refuses
        expect_equal(outcome(ex.c3_mro, bases, name), outcome(python_mro, bases, name), call=f"c3_mro(<60-class hierarchy>, {name!r})",
                     hint="memoise each class's linearisation; shared bases are merged, not repeated")


# ---------------------------------------------------------------- Shape


def test_shape_declares_abstract_methods(ex):
    expect_equal(set(ex.Shape.__abstractmethods__), {"area", "perimeter"}, call="Shape.__abstractmethods__",
                 hint="decorate area and perimeter in Shape with @abstractmethod")
    expect_raises(TypeError, ex.Shape, call="Shape()", hint="an ABC with abstract methods cannot be instantiated")


def test_subclass_missing_a_method_cannot_be_instantiated(ex):
    class OnlyPerimeter(ex.Shape):
        def perimeter(self):
            return 1.0

    expect_raises(TypeError, OnlyPerimeter, call="OnlyPerimeter() (defines perimeter but not area)",
                  hint="@abstractmethod makes instantiation fail until every abstract method is overridden")


def test_describe_uses_the_subclass(ex):
    class Unit(ex.Shape):
        def area(self):
            return 1

        def perimeter(self):
            return 4

    expect_equal(Unit().describe(), "Unit(area=1.00, perimeter=4.00)", call="Unit().describe()",
                 hint="f'{type(self).__name__}(area={self.area():.2f}, perimeter={self.perimeter():.2f})'")


@pytest.mark.parametrize(
    "make,area,perimeter,text",
    [
        pytest.param(lambda ex: ex.Circle(1), math.pi, 2 * math.pi, "Circle(area=3.14, perimeter=6.28)", id="unit-circle"),
        pytest.param(lambda ex: ex.Circle(0), 0.0, 0.0, "Circle(area=0.00, perimeter=0.00)", id="point"),
        pytest.param(lambda ex: ex.Circle(2.5), math.pi * 6.25, 5 * math.pi, "Circle(area=19.63, perimeter=15.71)", id="circle"),
        pytest.param(lambda ex: ex.Rectangle(2, 3), 6.0, 10.0, "Rectangle(area=6.00, perimeter=10.00)", id="rectangle"),
        pytest.param(lambda ex: ex.Rectangle(0, 7), 0.0, 14.0, "Rectangle(area=0.00, perimeter=14.00)", id="flat"),
    ],
)
def test_shapes_known_values(ex, make, area, perimeter, text):
    shape = make(ex)
    expect_float(shape.area(), area, call=f"{text.split('(')[0]}.area()", rel=1e-12, hint="pi r^2 or width * height")
    expect_float(shape.perimeter(), perimeter, call=f"{text.split('(')[0]}.perimeter()", rel=1e-12, hint="2 pi r or 2 (w + h)")
    expect_equal(shape.describe(), text, call="describe()", hint="two decimals")
    expect_true(isinstance(shape, ex.Shape), message=f"{shape!r} is not an instance of Shape", hint="subclass Shape")


@pytest.mark.parametrize(
    "make,error",
    [
        pytest.param(lambda ex: ex.Circle(-1), ValueError, id="negative-radius"),
        pytest.param(lambda ex: ex.Circle(float("nan")), ValueError, id="nan-radius"),
        pytest.param(lambda ex: ex.Rectangle(2, -0.5), ValueError, id="negative-height"),
        pytest.param(lambda ex: ex.Circle("1"), TypeError, id="string-radius"),
        pytest.param(lambda ex: ex.Rectangle(True, 2), TypeError, id="bool-width"),
    ],
)
def test_shapes_validate(ex, make, error):
    ex.Circle(1).area()  # a valid shape must work first
    expect_raises(error, make, ex, call="constructing a shape with a bad size",
                  hint="sizes are numbers >= 0 (not bool): TypeError for the type, ValueError for the value (NaN included)")


@given(st.floats(0, 1e6), st.floats(0, 1e6))
def test_rectangle_property(ex, w, h):
    r = ex.Rectangle(w, h)
    expect_float(r.area(), w * h, call=f"Rectangle({w!r}, {h!r}).area()", rel=1e-12, abs=0.0)
    expect_float(r.perimeter(), 2 * (w + h), call=f"Rectangle({w!r}, {h!r}).perimeter()", rel=1e-12, abs=0.0)
