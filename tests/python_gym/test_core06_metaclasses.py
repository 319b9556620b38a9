"""Grading tests for core-06 (class creation): PluginBase, RegistryMeta, auto_repr.

The registry rules are the same for the ``__init_subclass__`` version and
the metaclass version, so the family tests run on both (parametrized over the
two flavours). Classes are built inside each test (a stub fails while the
class is being created, which is what we want), with ``types.new_class``,
which passes class keywords exactly as a ``class`` statement does.

Oracles: the registries are checked against hand-written expectations;
``auto_repr`` is compared with ``dataclasses`` (same fields, same values,
including self-reference), with Hypothesis generating the field values.
"""

from __future__ import annotations

import dataclasses
import types

import pytest
from hypothesis import given
from hypothesis import strategies as st

from curriculum.grading.testing import expect_equal, expect_raises, expect_true

pytestmark = pytest.mark.exercise("core-06")

FLAVOURS = ["init_subclass", "metaclass"]


# ------------------------------------------------------------------ helpers


def make_root(ex, flavour: str, name: str = "Family") -> type:
    """A family root: class Family(PluginBase) or class Family(metaclass=RegistryMeta)."""
    if flavour == "init_subclass":
        return types.new_class(name, (ex.PluginBase,))
    return types.new_class(name, (), {"metaclass": ex.RegistryMeta})


def make_member(parent: type, name: str, *mixins: type, **keywords) -> type:
    """class <name>(parent, *mixins, **keywords): pass"""
    return types.new_class(name, (parent, *mixins), keywords)


def registered(family: type, flavour: str) -> dict:
    """The family's registry as a plain dict."""
    if flavour == "init_subclass":
        return dict(family.registry)
    return {key: family[key] for key in family}


def header(parent: type, name: str, **keywords) -> str:
    kw = "".join(f", {k}={v!r}" for k, v in keywords.items())
    return f"class {name}({parent.__name__}{kw})"


class ColourMixin:
    """A base with its own class keyword, to check that keywords are passed on."""

    def __init_subclass__(cls, /, colour: str = "none", **kwargs):
        super().__init_subclass__(**kwargs)
        cls.colour = colour


# ------------------------------------------------------------------ family rules, both flavours


@pytest.mark.parametrize("flavour", FLAVOURS)
def test_members_register_in_order(ex, flavour):
    root = make_root(ex, flavour, "Exporter")
    csv = make_member(root, "Csv", key="csv")
    json = make_member(root, "Json", key="json")
    got = registered(root, flavour)
    expect_equal(got, {"csv": csv, "json": json}, call=f"the registry after {header(root, 'Csv', key='csv')} and "
                 f"{header(root, 'Json', key='json')} ({flavour})",
                 hint="the root starts an empty registry; each class with a key adds itself")
    expect_equal(list(got), ["csv", "json"], call="the registry's key order", hint="registration (definition) order")


@pytest.mark.parametrize("flavour", FLAVOURS)
def test_abstract_and_deeper_members(ex, flavour):
    root = make_root(ex, flavour, "Exporter")
    tabular = make_member(root, "Tabular")  # no key: an abstract intermediate class
    tsv = make_member(tabular, "Tsv", key="tsv")
    csv = make_member(root, "Csv", key="csv")
    fast = make_member(csv, "FastCsv", key="fastcsv")
    expect_equal(registered(root, flavour), {"tsv": tsv, "csv": csv, "fastcsv": fast},
                 call=f"registry with an abstract Tabular, Tsv(Tabular), Csv and FastCsv(Csv) ({flavour})",
                 hint="a class without a key is not registered; deeper classes register in the ROOT's registry "
                 "(do not give intermediate classes a registry of their own)")
    expect_equal(registered(tabular, flavour), registered(root, flavour),
                 call=f"the registry seen from the intermediate class ({flavour})",
                 hint="every class of the family shares the root's registry")


@pytest.mark.parametrize("flavour", FLAVOURS)
def test_families_are_separate(ex, flavour):
    exporters, importers = make_root(ex, flavour, "Exporter"), make_root(ex, flavour, "Importer")
    out_csv = make_member(exporters, "CsvOut", key="csv")
    in_csv = make_member(importers, "CsvIn", key="csv")  # the same key in another family is fine
    expect_equal((registered(exporters, flavour), registered(importers, flavour)), ({"csv": out_csv}, {"csv": in_csv}),
                 call=f"two families each registering 'csv' ({flavour})",
                 hint="each root needs its own registry; a single dict on the base class would be shared")


@pytest.mark.parametrize("flavour", FLAVOURS)
def test_duplicate_key_is_refused(ex, flavour):
    root = make_root(ex, flavour, "Exporter")
    first = make_member(root, "Csv", key="csv")
    expect_raises(ValueError, make_member, root, "OtherCsv", key="csv",
                  call=f"{header(root, 'OtherCsv', key='csv')} after Csv took 'csv' ({flavour})",
                  hint="refuse a key that is already in the family's registry")
    expect_equal(registered(root, flavour), {"csv": first}, call="the registry after the refused duplicate",
                 hint="check before you add; the first class must stay registered")


@pytest.mark.parametrize("flavour", FLAVOURS)
@pytest.mark.parametrize("key,error", [(5, TypeError), (("a",), TypeError), ("", ValueError)])
def test_bad_keys(ex, flavour, key, error):
    root = make_root(ex, flavour, "Exporter")
    expect_raises(error, make_member, root, "Bad", key=key, call=f"{header(root, 'Bad', key=key)} ({flavour})",
                  hint="a key must be a non-empty str: TypeError for another type, ValueError for ''")
    expect_equal(registered(root, flavour), {}, call="the registry after a refused key")


@pytest.mark.parametrize("flavour", FLAVOURS)
def test_root_cannot_take_a_key(ex, flavour):
    if flavour == "init_subclass":
        build = lambda: types.new_class("Root", (ex.PluginBase,), {"key": "root"})  # noqa: E731
        what = "class Root(PluginBase, key='root')"
    else:
        build = lambda: types.new_class("Root", (), {"metaclass": ex.RegistryMeta, "key": "root"})  # noqa: E731
        what = "class Root(metaclass=RegistryMeta, key='root')"
    expect_raises(TypeError, build, call=what, hint="a family root starts a registry; it is not registered itself")


@pytest.mark.parametrize("flavour", FLAVOURS)
def test_other_keywords_reach_mixins(ex, flavour):
    root = make_root(ex, flavour, "Exporter")
    red = make_member(root, "Red", ColourMixin, key="red", colour="red")
    expect_true(getattr(red, "colour", None) == "red" and registered(root, flavour) == {"red": red},
                message=f"class Red(Exporter, ColourMixin, key='red', colour='red') ({flavour}): colour="
                f"{getattr(red, 'colour', None)!r}, registry={registered(root, flavour)!r}",
                hint="take only `key` and pass **kwargs on (super().__init_subclass__(**kwargs) / "
                "super().__new__(mcls, name, bases, namespace, **kwargs))")
    expect_raises(TypeError, make_member, root, "Odd", key="odd", shade="dark",
                  call=f"{header(root, 'Odd', key='odd', shade='dark')} ({flavour})",
                  hint="an unknown keyword must still reach object.__init_subclass__, which raises TypeError")


@pytest.mark.parametrize("flavour", FLAVOURS)
def test_unicode_keys(ex, flavour):
    root = make_root(ex, flavour, "Exporter")
    a = make_member(root, "Chinese", key="表格")
    b = make_member(root, "Snake", key="🐍")
    expect_equal(registered(root, flavour), {"表格": a, "🐍": b}, call=f"registry with keys '表格' and '🐍' ({flavour})")


# ------------------------------------------------------------------ PluginBase only


def test_plugin_create(ex):
    class Exporter(ex.PluginBase):
        def __init__(self, path="out", *, pretty=False):
            self.path, self.pretty = path, pretty

    class Csv(Exporter, key="csv"):
        pass

    made = Exporter.create("csv", "data.csv", pretty=True)
    expect_true(type(made) is Csv and made.path == "data.csv" and made.pretty is True,
                message="Exporter.create('csv', 'data.csv', pretty=True) did not build Csv with those arguments",
                hint="look the class up in the registry and call it with *args, **kwargs")
    expect_true(type(Csv.create("csv")) is Csv, message="Csv.create('csv') should work too (the family's registry)")
    expect_true(Csv.registry is Exporter.registry, message="Csv.registry is not the family's dict",
                hint="members reach the root's registry through the MRO; do not copy it")


def test_plugin_create_with_a_key_named_like_a_parameter(ex):
    class Exporter(ex.PluginBase):
        def __init__(self, key=None, cls=None):
            self.key, self.cls = key, cls

    class Csv(Exporter, key="csv"):
        pass

    made = Exporter.create("csv", key="k", cls="c")
    expect_true((made.key, made.cls) == ("k", "c"), message="create('csv', key='k', cls='c') lost the keywords",
                hint="create(cls, key, /, *args, **kwargs): the positional-only key leaves the name free")


def test_plugin_create_unknown_key(ex):
    class Exporter(ex.PluginBase):
        pass

    class Csv(Exporter, key="csv"):
        pass

    class Json(Exporter, key="json"):
        pass

    err = expect_raises(KeyError, Exporter.create, "xml", call="Exporter.create('xml')")
    expect_true("csv" in str(err) and "json" in str(err), message=f"the KeyError {err} should list the known keys",
                hint="tell the caller what exists: f\"... known keys: {sorted(registry)}\"")


def test_plugin_create_on_base_itself(ex):
    expect_raises(TypeError, ex.PluginBase.create, "anything", call="PluginBase.create('anything')",
                  hint="PluginBase has no registry; only family roots (its direct subclasses) do")


# ------------------------------------------------------------------ RegistryMeta only


def test_meta_mapping_interface(ex):
    class Codec(metaclass=ex.RegistryMeta):
        pass

    expect_equal((len(Codec), list(Codec), "gzip" in Codec), (0, [], False), call="len, list, in on an empty family")

    class Gzip(Codec, key="gzip"):
        pass

    class Zstd(Codec, key="zstd"):
        pass

    got = (len(Codec), list(Codec), "gzip" in Codec, "lz4" in Codec, Codec["zstd"] is Zstd, len(Gzip), list(Zstd))
    expect_equal(got, (2, ["gzip", "zstd"], True, False, True, 2, ["gzip", "zstd"]),
                 call="len(Codec), list(Codec), 'gzip' in Codec, 'lz4' in Codec, Codec['zstd'] is Zstd, "
                 "len(Gzip), list(Zstd)",
                 hint="define __len__, __iter__, __contains__ and __getitem__ on the metaclass; any class of the "
                 "family answers for the whole family")
    expect_true(type(Gzip) is ex.RegistryMeta, message="the registered classes should have RegistryMeta as their type")


def test_meta_getitem_unknown(ex):
    class Codec(metaclass=ex.RegistryMeta):
        pass

    class Gzip(Codec, key="gzip"):
        pass

    err = expect_raises(KeyError, lambda: Codec["lz4"], call="Codec['lz4']")
    expect_true("gzip" in str(err), message=f"the KeyError {err} should list the known keys")


def test_meta_methods_are_not_on_instances(ex):
    class Codec(metaclass=ex.RegistryMeta):
        pass

    class Gzip(Codec, key="gzip"):
        def compress(self, data):
            return data

    instance = Gzip()
    expect_equal(instance.compress(b"x"), b"x", call="Gzip().compress(b'x')", hint="instances behave normally")
    expect_raises(TypeError, len, instance, call="len(Gzip())",
                  hint="methods of the metaclass apply to the classes, not to their instances; do not define "
                  "__len__ in the class body")


# ------------------------------------------------------------------ auto_repr


def strip_name(text: str) -> str:
    """'Name(x=1)' -> '(x=1)': dataclasses print the qualname, auto_repr the plain name."""
    return "(" + text.partition("(")[2]


def test_auto_repr_basic(ex):
    @ex.auto_repr
    class Point:
        def __init__(self, x, y=0, *, label="原点"):
            self.x, self.y, self.label = x, y, label

    @dataclasses.dataclass
    class DPoint:
        x: object
        y: object = 0
        label: object = dataclasses.field(default="原点", kw_only=True)

    for args, kwargs in [((1,), {}), ((1, -2.5), {"label": "it's \"quoted\""}), (([1, "a"], None), {})]:
        got = repr(Point(*args, **kwargs))
        expected = "Point" + strip_name(repr(DPoint(*args, **kwargs)))
        expect_equal(got, expected, call=f"repr(Point(*{args!r}, **{kwargs!r}))",
                     hint="Name(field=value!r, ...) over the __init__ parameters after self, in order")


def test_auto_repr_returns_the_class(ex):
    class Plain:
        def __init__(self, a):
            self.a = a

    expect_true(ex.auto_repr(Plain) is Plain, message="auto_repr(Plain) did not return the class itself",
                hint="set cls.__repr__ and return cls; do not wrap or subclass it")


def test_auto_repr_positional_only_and_no_init(ex):
    @ex.auto_repr
    class Pair:
        def __init__(self, first, second, /):
            self.first, self.second = first, second

    @ex.auto_repr
    class Empty:
        pass

    expect_equal((repr(Pair("a", 2)), repr(Empty())), ("Pair(first='a', second=2)", "Empty()"),
                 call="repr(Pair('a', 2)) with positional-only fields, repr(Empty()) with no __init__",
                 hint="object.__init__ means no fields")


def test_auto_repr_nested_and_recursive(ex):
    @ex.auto_repr
    class Node:
        def __init__(self, value, next=None):
            self.value, self.next = value, next

    @dataclasses.dataclass
    class DNode:
        value: object
        next: object = None

    chain, dchain = Node(1, Node("二")), DNode(1, DNode("二"))
    expect_equal(repr(chain), "Node(value=1, next=Node(value='二', next=None))", call="repr of a two-node chain")
    loop, dloop = Node(7), DNode(7)
    loop.next, dloop.next = loop, dloop
    expected = repr(dloop).replace(type(dloop).__qualname__, "Node")
    try:
        got = repr(loop)
    except RecursionError:
        got = "RecursionError"
    expect_equal(got, expected, call="repr(node) where node.next is node",
                 hint="keep a set of ids whose repr is being built; print '...' when you meet one again")
    del chain, dchain


def test_auto_repr_subclass_and_existing_repr(ex):
    class Base:
        def __repr__(self):
            return "Base!"

    @ex.auto_repr
    class Item(Base):
        def __init__(self, name):
            self.name = name

    class Special(Item):
        pass

    @ex.auto_repr
    class Own:
        def __init__(self, v):
            self.v = v

        def __repr__(self):
            return "mine"

    got = (repr(Item("a")), repr(Special("b")), repr(Own(1)))
    expect_equal(got, ("Item(name='a')", "Special(name='b')", "mine"),
                 call="repr of Item (inherits a __repr__), Special(Item), Own (defines __repr__)",
                 hint="replace an inherited __repr__, keep one in the class body (look in cls.__dict__); "
                 "print type(self).__name__")


@pytest.mark.parametrize("signature", ["self, *args", "self, a, **options"])
def test_auto_repr_rejects_var_parameters(ex, signature):
    namespace: dict = {}
    exec(f"def __init__({signature}):\n    pass\n", namespace)
    cls = type("Loose", (), {"__init__": namespace["__init__"]})
    expect_raises(TypeError, ex.auto_repr, cls, call=f"auto_repr(class with __init__({signature}))",
                  hint="*args/**kwargs leave the fields unknown: raise TypeError at decoration time")


def test_auto_repr_missing_attribute(ex):
    @ex.auto_repr
    class Hidden:
        def __init__(self, secret):
            self._secret = secret

    expect_raises(AttributeError, repr, Hidden(1), call="repr(Hidden(1)) where __init__ stores self._secret",
                  hint="the field 'secret' is read with getattr(self, 'secret')")


FIELD_VALUES = st.one_of(st.integers(), st.text(max_size=6), st.none(), st.booleans(),
                         st.lists(st.integers(-3, 3), max_size=3), st.floats(allow_nan=False))


@given(st.lists(st.sampled_from(["x", "y", "名字", "value", "n2"]), min_size=1, max_size=4, unique=True),
       st.data())
def test_auto_repr_matches_dataclass(ex, names, data):
    values = [data.draw(FIELD_VALUES, label=name) for name in names]
    namespace: dict = {}
    body = "".join(f"    self.{n} = {n}\n" for n in names)
    exec(f"def __init__(self, {', '.join(names)}):\n{body}", namespace)
    record = ex.auto_repr(type("Record", (), {"__init__": namespace["__init__"]}))
    reference = dataclasses.make_dataclass("Record", names)
    got, expected = repr(record(*values)), repr(reference(*values))
    expect_equal(got, expected, call=f"repr(Record(*{values!r})) with fields {names!r}",
                 hint="same text as a dataclass with these fields")
