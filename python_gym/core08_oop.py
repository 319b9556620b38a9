"""Core day 8: magic methods, the MRO and cooperative super(), abstract base classes.

Four pieces, each an answer to "how does Python do what C++ does with ...":

- ``Vector``: operator overloading. Python looks up ``type(a).__add__`` and,
  if it returns ``NotImplemented``, tries ``type(b).__radd__``: a two-sided
  protocol instead of C++ overload resolution;
- ``Component`` / ``Timestamped`` / ``Tagged`` / ``Document``: a diamond where
  every ``__init__`` and ``to_dict`` calls ``super()`` cooperatively, so each
  class runs exactly once, in ``Document.__mro__`` order. C++ solves the
  diamond with ``virtual`` bases and the most-derived class constructing the
  shared base; Python linearises the hierarchy instead;
- ``c3_mro``: that linearisation (C3), computed from a table of base names;
- ``Shape``: an abstract base class (``abc.ABC``): like a C++ class with pure
  virtual functions, it cannot be instantiated until a subclass overrides
  every abstract method.

In scope: operator dunders, ``NotImplemented``, ``__hash__``/``__eq__``,
keyword-argument cooperation, C3, ``@abstractmethod``. Out of scope:
metaclasses, ``__init_subclass__``, ``__slots__``, in-place operators
(``+=`` falls back to ``__add__`` and rebinds the name, which is right for an
immutable vector).
"""

from __future__ import annotations

import math
from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator
from typing import Any


# ---------------------------------------------------------------- Vector


class Vector:
    """An immutable vector of real numbers with the usual arithmetic.

    Build it from its components: ``Vector(1, 2.5)``; ``Vector()`` has
    length 0. Components must be ``int`` or ``float`` (not ``bool``):
    anything else raises ``TypeError``. They are stored as given (ints stay
    ints) in a tuple.

    Behaviour (``v``, ``w`` are vectors of the same length, ``k`` a number):

    - ``repr(v)``: ``"Vector(1, 2.5)"`` (so ``eval(repr(v)) == v``);
    - ``len(v)``, ``iter(v)``, ``v[i]`` (a component), ``v[i:j]`` (a Vector);
    - ``v == w`` compares components; comparing with a non-Vector returns
      ``NotImplemented`` from ``__eq__`` (so ``Vector(1, 2) == (1, 2)`` is
      ``False``); ``hash(v)`` is consistent with ``==``
      (``Vector(1, 2) == Vector(1.0, 2.0)`` and their hashes are equal);
    - ``bool(v)``: ``False`` for ``Vector()`` and for all-zero vectors;
    - ``v + w``, ``v - w``, ``-v``: componentwise; ``v * k`` and ``k * v``:
      scaling; ``v @ w``: the dot product; ``abs(v)``: the Euclidean norm
      (a float, ``0.0`` for ``Vector()``);
    - different lengths in ``+``, ``-``, ``@``: ``ValueError``;
    - an operand of an unsupported type (``v + 1``, ``v * v``, ``v * True``):
      the method returns ``NotImplemented``, and Python raises ``TypeError``
      (or uses the other operand's reflected method, if it has one).

    Example:
        >>> v, w = Vector(1, 2), Vector(3, 4.5)
        >>> v + w, 2 * v, v @ w, abs(Vector(3, 4))
        (Vector(4, 6.5), Vector(2, 4), 12.0, 5.0)

    Edge cases the tests try: the empty vector, one component, ints and
    floats mixed, length mismatches, non-Vector operands, use as dict keys,
    negative and zero scalars, a class with ``__radd__`` on the right.
    """

    # TODO: keep the components in a tuple. Return NotImplemented (do not
    # TODO: raise) for operands you do not handle; raise ValueError only for a
    # TODO: length mismatch between two vectors. No numpy.

    def __init__(self, *components: float) -> None:
        raise NotImplementedError("core-08: __init__ is not written yet")

    def __repr__(self) -> str:
        raise NotImplementedError("core-08: __repr__ is not written yet")

    def __len__(self) -> int:
        raise NotImplementedError("core-08: __len__ is not written yet")

    def __iter__(self) -> Iterator[float]:
        raise NotImplementedError("core-08: __iter__ is not written yet")

    def __getitem__(self, index: int | slice) -> float | Vector:
        raise NotImplementedError("core-08: __getitem__ is not written yet")

    def __eq__(self, other: object) -> bool:
        raise NotImplementedError("core-08: __eq__ is not written yet")

    def __hash__(self) -> int:
        raise NotImplementedError("core-08: __hash__ is not written yet")

    def __bool__(self) -> bool:
        raise NotImplementedError("core-08: __bool__ is not written yet")


    def __add__(self, other: Vector) -> Vector:
        raise NotImplementedError("core-08: __add__ is not written yet")

    def __sub__(self, other: Vector) -> Vector:
        raise NotImplementedError("core-08: __sub__ is not written yet")

    def __neg__(self) -> Vector:
        raise NotImplementedError("core-08: __neg__ is not written yet")

    def __mul__(self, k: float) -> Vector:
        raise NotImplementedError("core-08: __mul__ is not written yet")

    def __rmul__(self, k: float) -> Vector:
        raise NotImplementedError("core-08: __rmul__ is not written yet")

    def __matmul__(self, other: Vector) -> float:
        raise NotImplementedError("core-08: __matmul__ is not written yet")

    def __abs__(self) -> float:
        raise NotImplementedError("core-08: __abs__ is not written yet")


# ---------------------------------------------------------------- cooperative diamond
#
#            Component
#            /       \
#     Timestamped   Tagged
#            \       /
#            Document          Document.__mro__: Document, Timestamped, Tagged, Component, object


class Component:
    """The root of the diamond: every component has a ``name``.

    All ``__init__`` methods in this hierarchy take keyword arguments only,
    take the ones they own, and pass the rest on with
    ``super().__init__(**kwargs)``. ``Component`` passes the rest to
    ``object.__init__``, which raises ``TypeError`` for anything left over
    (an unknown keyword is an error, as it should be).

    ``to_dict()`` is cooperative too: each class calls ``super().to_dict()``
    first, then adds its own fields. So the keys come out in reverse MRO
    order: ``Component``'s ``name`` first.

    Example:
        >>> Component(name="c").to_dict()
        {'name': 'c'}
    """

    # TODO: keyword-only arguments; super().__init__(**kwargs) *first*, then set
    # TODO: your own attributes. Never name a base class explicitly
    # TODO: (Component.__init__(self, ...)): in a diamond that skips or repeats bases.

    def __init__(self, *, name: str, **kwargs: Any) -> None:
        raise NotImplementedError("core-08: __init__ is not written yet")

    def to_dict(self) -> dict[str, Any]:
        """``{"name": ...}``; subclasses extend the dict returned by ``super().to_dict()``."""
        raise NotImplementedError("core-08: to_dict is not written yet")


class Timestamped(Component):
    """A component with a ``created`` time (a number, default ``0.0``).

    Example:
        >>> Timestamped(name="t", created=3.5).to_dict()
        {'name': 't', 'created': 3.5}
    """

    def __init__(self, *, created: float = 0.0, **kwargs: Any) -> None:
        raise NotImplementedError("core-08: __init__ is not written yet")

    def to_dict(self) -> dict[str, Any]:
        raise NotImplementedError("core-08: to_dict is not written yet")


class Tagged(Component):
    """A component with ``tags``: any iterable of strings, stored as a tuple (default ``()``).

    Example:
        >>> Tagged(name="t", tags=["a", "b"]).to_dict()
        {'name': 't', 'tags': ('a', 'b')}
    """

    def __init__(self, *, tags: Iterable[str] = (), **kwargs: Any) -> None:
        raise NotImplementedError("core-08: __init__ is not written yet")

    def to_dict(self) -> dict[str, Any]:
        raise NotImplementedError("core-08: to_dict is not written yet")


class Document(Timestamped, Tagged):
    """The bottom of the diamond: ``text`` (default ``""``) plus everything above.

    Each ``__init__`` in ``Document.__mro__`` runs exactly once, in MRO order
    (``Document``, ``Timestamped``, ``Tagged``, ``Component``); the tests
    check it by recording the calls. ``Timestamped``'s ``super()`` is
    ``Tagged`` here, not ``Component``: ``super()`` means "next in the MRO of
    the object's class", not "my base class".

    Example:
        >>> Document(name="d", created=1.0, tags=["x"], text="hi").to_dict()
        {'name': 'd', 'tags': ('x',), 'created': 1.0, 'text': 'hi'}

    Edge cases the tests try: an unknown keyword (``TypeError``), a missing
    ``name`` (``TypeError``), positional arguments (``TypeError``), a class
    in the tests that puts ``Tagged`` before ``Timestamped``, and one that
    adds its own mixin next to ``Document``.
    """

    def __init__(self, *, text: str = "", **kwargs: Any) -> None:
        raise NotImplementedError("core-08: __init__ is not written yet")

    def to_dict(self) -> dict[str, Any]:
        raise NotImplementedError("core-08: to_dict is not written yet")


# ---------------------------------------------------------------- C3 linearisation


def c3_mro(bases: dict[str, list[str]], name: str) -> list[str]:
    """Return the C3 linearisation (the MRO) of class ``name``, most derived first.

    ``bases`` describes a hierarchy: each class name maps to the list of its
    direct bases, in the order they would appear in ``class C(B1, B2):``.
    A class with no bases maps to ``[]`` (think "derives from object";
    ``object`` itself is left out of the model and of the result).

    C3: ``L[C] = [C] + merge(L[B1], ..., L[Bn], [B1, ..., Bn])``, where merge
    repeatedly takes the first head (first element of a list, lists taken in
    order) that does not appear in the tail (all but the first element) of
    any list, appends it, and removes it from the heads; it fails when no
    head qualifies.

    Args:
        bases: ``{class name: [direct base names]}``; every base must itself
            be a key.
        name: the class whose MRO is wanted; must be a key.

    Returns:
        The MRO as a list of names, starting with ``name``: the same as
        ``[c.__name__ for c in C.__mro__[:-1]]`` for real classes.

    Raises:
        ValueError: ``name`` or some base is not a key of ``bases``, or the
            hierarchy has a cycle (``{"A": ["A"]}``).
        TypeError: the hierarchy is one Python would refuse to build: a
            duplicate base (``"B": ["A", "A"]``) or no consistent order
            (merge fails), as ``class Z(A, B)`` raises TypeError when A and B
            order X and Y differently.

    Example:
        >>> c3_mro({"A": [], "B": ["A"], "C": ["A"], "D": ["B", "C"]}, "D")
        ['D', 'B', 'C', 'A']

    Edge cases the tests try: a class with no bases, a single chain, the
    diamond, the classic six-class example, inconsistent orders, duplicate
    bases, cycles, unknown names, and random hierarchies checked against
    classes built with ``type()`` (Hypothesis).
    """
    # TODO: compute L for the bases first (memoise: shared bases are common),
    # TODO: then merge. Detect cycles with a "being computed" set. Do not build
    # TODO: real classes with type(): that is the tests' oracle.
    raise NotImplementedError("core-08: c3_mro is not written yet")


# ---------------------------------------------------------------- abstract base class


class Shape(ABC):
    """An abstract plane shape: subclasses must provide ``area()`` and ``perimeter()``.

    ``area`` and ``perimeter`` are declared with ``@abstractmethod``, so
    ``Shape()`` and any subclass that misses one of them raise ``TypeError``
    when instantiated (``Shape.__abstractmethods__ == {"area",
    "perimeter"}``). ``describe()`` is a concrete method built on them.

    Example:
        >>> Circle(1).describe()
        'Circle(area=3.14, perimeter=6.28)'
    """

    # TODO: declare area(self) -> float and perimeter(self) -> float here as
    # TODO: abstract methods (from abc import abstractmethod).

    def describe(self) -> str:
        """``"<ClassName>(area=<2 decimals>, perimeter=<2 decimals>)"``, using the subclass's methods."""
        raise NotImplementedError("core-08: describe is not written yet")




class Circle(Shape):
    """A circle of the given ``radius`` (a number ``>= 0``; ``TypeError``/``ValueError`` otherwise).

    ``area = pi r^2``, ``perimeter = 2 pi r``.
    """

    def __init__(self, radius: float) -> None:
        raise NotImplementedError("core-08: __init__ is not written yet")

    def area(self) -> float:
        raise NotImplementedError("core-08: area is not written yet")

    def perimeter(self) -> float:
        raise NotImplementedError("core-08: perimeter is not written yet")


class Rectangle(Shape):
    """A ``width`` x ``height`` rectangle (numbers ``>= 0``; ``TypeError``/``ValueError`` otherwise)."""

    def __init__(self, width: float, height: float) -> None:
        raise NotImplementedError("core-08: __init__ is not written yet")

    def area(self) -> float:
        raise NotImplementedError("core-08: area is not written yet")

    def perimeter(self) -> float:
        raise NotImplementedError("core-08: perimeter is not written yet")


if __name__ == "__main__":
    print(Vector(1, 2) + Vector(3, 4.5), 2 * Vector(1, 2), abs(Vector(3, 4)))
    print([c.__name__ for c in Document.__mro__], Document(name="d", tags=["x"]).to_dict())
    print(c3_mro({"A": [], "B": ["A"], "C": ["A"], "D": ["B", "C"]}, "D"))
    print(Circle(1).describe(), Rectangle(2, 3).describe())
