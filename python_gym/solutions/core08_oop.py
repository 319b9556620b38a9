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
        # BEGIN SOLUTION
        for c in components:
            if isinstance(c, bool) or not isinstance(c, (int, float)):
                raise TypeError(f"Vector components must be int or float, got {c!r}")
        self._components = tuple(components)
        # END SOLUTION

    def __repr__(self) -> str:
        # BEGIN SOLUTION
        return f"Vector({', '.join(repr(c) for c in self._components)})"
        # END SOLUTION

    def __len__(self) -> int:
        # BEGIN SOLUTION
        return len(self._components)
        # END SOLUTION

    def __iter__(self) -> Iterator[float]:
        # BEGIN SOLUTION
        return iter(self._components)
        # END SOLUTION

    def __getitem__(self, index: int | slice) -> float | Vector:
        # BEGIN SOLUTION
        if isinstance(index, slice):
            return Vector(*self._components[index])
        return self._components[index]
        # END SOLUTION

    def __eq__(self, other: object) -> bool:
        # BEGIN SOLUTION
        if not isinstance(other, Vector):
            return NotImplemented
        return self._components == other._components
        # END SOLUTION

    def __hash__(self) -> int:
        # BEGIN SOLUTION
        return hash(self._components)
        # END SOLUTION

    def __bool__(self) -> bool:
        # BEGIN SOLUTION
        return any(self._components)
        # END SOLUTION

    # BEGIN SOLUTION
    def _same_length(self, other: Vector, op: str) -> None:
        if len(self) != len(other):
            raise ValueError(f"cannot {op} vectors of lengths {len(self)} and {len(other)}")

    # END SOLUTION

    def __add__(self, other: Vector) -> Vector:
        # BEGIN SOLUTION
        if not isinstance(other, Vector):
            return NotImplemented
        self._same_length(other, "add")
        return Vector(*(a + b for a, b in zip(self, other)))
        # END SOLUTION

    def __sub__(self, other: Vector) -> Vector:
        # BEGIN SOLUTION
        if not isinstance(other, Vector):
            return NotImplemented
        self._same_length(other, "subtract")
        return Vector(*(a - b for a, b in zip(self, other)))
        # END SOLUTION

    def __neg__(self) -> Vector:
        # BEGIN SOLUTION
        return Vector(*(-c for c in self))
        # END SOLUTION

    def __mul__(self, k: float) -> Vector:
        # BEGIN SOLUTION
        if isinstance(k, bool) or not isinstance(k, (int, float)):
            return NotImplemented
        return Vector(*(c * k for c in self))
        # END SOLUTION

    def __rmul__(self, k: float) -> Vector:
        # BEGIN SOLUTION
        return self.__mul__(k)
        # END SOLUTION

    def __matmul__(self, other: Vector) -> float:
        # BEGIN SOLUTION
        if not isinstance(other, Vector):
            return NotImplemented
        self._same_length(other, "take the dot product of")
        return sum((a * b for a, b in zip(self, other)), 0.0)
        # END SOLUTION

    def __abs__(self) -> float:
        # BEGIN SOLUTION
        return math.hypot(*self._components)
        # END SOLUTION


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
        # BEGIN SOLUTION
        super().__init__(**kwargs)
        self.name = name
        # END SOLUTION

    def to_dict(self) -> dict[str, Any]:
        """``{"name": ...}``; subclasses extend the dict returned by ``super().to_dict()``."""
        # BEGIN SOLUTION
        return {"name": self.name}
        # END SOLUTION


class Timestamped(Component):
    """A component with a ``created`` time (a number, default ``0.0``).

    Example:
        >>> Timestamped(name="t", created=3.5).to_dict()
        {'name': 't', 'created': 3.5}
    """

    def __init__(self, *, created: float = 0.0, **kwargs: Any) -> None:
        # BEGIN SOLUTION
        super().__init__(**kwargs)
        self.created = created
        # END SOLUTION

    def to_dict(self) -> dict[str, Any]:
        # BEGIN SOLUTION
        data = super().to_dict()
        data["created"] = self.created
        return data
        # END SOLUTION


class Tagged(Component):
    """A component with ``tags``: any iterable of strings, stored as a tuple (default ``()``).

    Example:
        >>> Tagged(name="t", tags=["a", "b"]).to_dict()
        {'name': 't', 'tags': ('a', 'b')}
    """

    def __init__(self, *, tags: Iterable[str] = (), **kwargs: Any) -> None:
        # BEGIN SOLUTION
        super().__init__(**kwargs)
        self.tags = tuple(tags)
        # END SOLUTION

    def to_dict(self) -> dict[str, Any]:
        # BEGIN SOLUTION
        data = super().to_dict()
        data["tags"] = self.tags
        return data
        # END SOLUTION


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
        # BEGIN SOLUTION
        super().__init__(**kwargs)
        self.text = text
        # END SOLUTION

    def to_dict(self) -> dict[str, Any]:
        # BEGIN SOLUTION
        data = super().to_dict()
        data["text"] = self.text
        return data
        # END SOLUTION


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
    # BEGIN SOLUTION
    memo: dict[str, list[str]] = {}
    in_progress: set[str] = set()

    def linearise(cls: str) -> list[str]:
        if cls in memo:
            return memo[cls]
        if cls not in bases:
            raise ValueError(f"class {cls!r} is not defined in the hierarchy")
        if cls in in_progress:
            raise ValueError(f"cycle in the hierarchy through {cls!r}")
        direct = bases[cls]
        if len(set(direct)) != len(direct):
            raise TypeError(f"duplicate base class in {cls}({', '.join(direct)})")
        in_progress.add(cls)
        sequences = [list(linearise(b)) for b in direct] + [list(direct)]
        in_progress.discard(cls)
        result = [cls]
        while any(sequences):
            sequences = [s for s in sequences if s]
            for seq in sequences:
                head = seq[0]
                if not any(head in other[1:] for other in sequences):
                    break
            else:
                heads = ", ".join(s[0] for s in sequences)
                raise TypeError(f"cannot create a consistent MRO for {cls} (bases {heads})")
            result.append(head)
            for seq in sequences:
                if seq[0] == head:
                    del seq[0]
        memo[cls] = result
        return result

    return list(linearise(name))
    # END SOLUTION


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
    # BEGIN SOLUTION
    @abstractmethod
    def area(self) -> float:
        """The area."""

    @abstractmethod
    def perimeter(self) -> float:
        """The length of the boundary."""

    # END SOLUTION

    def describe(self) -> str:
        """``"<ClassName>(area=<2 decimals>, perimeter=<2 decimals>)"``, using the subclass's methods."""
        # BEGIN SOLUTION
        return f"{type(self).__name__}(area={self.area():.2f}, perimeter={self.perimeter():.2f})"
        # END SOLUTION


# BEGIN SOLUTION
def _length(value: Any, what: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(f"{what} must be a number, got {type(value).__name__}")
    if not value >= 0:  # NaN fails too
        raise ValueError(f"{what} must be >= 0, got {value!r}")
    return float(value)


# END SOLUTION


class Circle(Shape):
    """A circle of the given ``radius`` (a number ``>= 0``; ``TypeError``/``ValueError`` otherwise).

    ``area = pi r^2``, ``perimeter = 2 pi r``.
    """

    def __init__(self, radius: float) -> None:
        # BEGIN SOLUTION
        self.radius = _length(radius, "radius")
        # END SOLUTION

    def area(self) -> float:
        # BEGIN SOLUTION
        return math.pi * self.radius**2
        # END SOLUTION

    def perimeter(self) -> float:
        # BEGIN SOLUTION
        return 2 * math.pi * self.radius
        # END SOLUTION


class Rectangle(Shape):
    """A ``width`` x ``height`` rectangle (numbers ``>= 0``; ``TypeError``/``ValueError`` otherwise)."""

    def __init__(self, width: float, height: float) -> None:
        # BEGIN SOLUTION
        self.width = _length(width, "width")
        self.height = _length(height, "height")
        # END SOLUTION

    def area(self) -> float:
        # BEGIN SOLUTION
        return self.width * self.height
        # END SOLUTION

    def perimeter(self) -> float:
        # BEGIN SOLUTION
        return 2 * (self.width + self.height)
        # END SOLUTION


if __name__ == "__main__":
    print(Vector(1, 2) + Vector(3, 4.5), 2 * Vector(1, 2), abs(Vector(3, 4)))
    print([c.__name__ for c in Document.__mro__], Document(name="d", tags=["x"]).to_dict())
    print(c3_mro({"A": [], "B": ["A"], "C": ["A"], "D": ["B", "C"]}, "D"))
    print(Circle(1).describe(), Rectangle(2, 3).describe())
