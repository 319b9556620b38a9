"""Core day 7: attribute access you control -- descriptors, properties, dataclasses.

In C++ a "checked field" is a private member plus a getter and a setter that
every caller must use. Python keeps the plain ``obj.price = 3`` syntax and lets
the *class* decide what an attribute access does:

- ``Typed`` / ``Positive``: a reusable data descriptor (``__set_name__``,
  ``__get__``, ``__set__``) that validates a value on every assignment. One
  descriptor class serves any number of attributes of any class;
- ``Temperature``: ``property`` for one stored value (Celsius) seen in three
  units, with validation in the setters;
- ``Version``: a ``dataclass`` with ``order=True``, a ``default_factory`` field
  excluded from comparisons, ``__post_init__`` validation and a ``parse``
  alternate constructor.

In scope: the descriptor protocol, ``property``, ``dataclasses.field``. Out of
scope: ``__slots__``, ``__getattr__``/``__getattribute__`` hooks, metaclasses,
frozen dataclasses (the lesson shows them, the exercise does not need them).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Any


class Typed:
    """A data descriptor: the attribute only accepts values of type ``kind``.

    Use it as a class attribute; the same descriptor class can guard several
    attributes, and every instance of the owner class keeps its own values::

        class Item:
            name = Typed(str)
            qty = Typed(int)

    Rules of ``validate`` (applied on every assignment, including in ``__init__``):

    - a value of type ``kind`` (or a subclass) is stored as is;
    - ``bool`` is rejected unless ``kind is bool``: ``True`` is an ``int`` in
      Python, but ``qty = True`` is a bug, not a quantity;
    - if ``kind is float``, an ``int`` is accepted and stored as ``float``
      (``price = 3`` stores ``3.0``);
    - anything else raises ``TypeError`` naming the attribute, e.g.
      ``"qty must be int, got str"``. A failed assignment leaves the old value.

    Reading an attribute that was never assigned raises ``AttributeError``
    (so ``hasattr`` and ``getattr(obj, name, default)`` work). Reading it on
    the class (``Item.qty``) returns the descriptor itself.

    Args:
        kind: the accepted type, e.g. ``int``, ``float``, ``str``.

    Raises:
        TypeError: if ``kind`` is not a type (``Typed("int")``).

    Example:
        >>> class Item:
        ...     qty = Typed(int)
        >>> item = Item()
        >>> item.qty = 3
        >>> item.qty
        3
        >>> item.qty = "3"
        Traceback (most recent call last):
        TypeError: qty must be int, got str

    Edge cases the tests try: two instances (values must not be shared), two
    attributes of the same kind on one class (values must not be mixed),
    ``bool`` for ``int``, ``int`` for ``float``, reading before assigning,
    a failed assignment, access through the class.
    """

    # TODO: __set_name__ learns the attribute's name; store each value in the
    # TODO: instance (obj.__dict__[name]), never on the descriptor itself, which is
    # TODO: shared by every instance. Do not use property() here.

    def __init__(self, kind: type) -> None:
        """Remember the accepted type; the attribute name arrives later via ``__set_name__``."""
        raise NotImplementedError("core-07: __init__ is not written yet")

    def __set_name__(self, owner: type, name: str) -> None:
        """Called once when the owner class is created: ``name`` is the attribute's name."""
        raise NotImplementedError("core-07: __set_name__ is not written yet")

    def __get__(self, obj: Any, objtype: type | None = None) -> Any:
        """``obj.attr``: the stored value; ``Owner.attr`` (``obj is None``): the descriptor."""
        raise NotImplementedError("core-07: __get__ is not written yet")

    def __set__(self, obj: Any, value: Any) -> None:
        """``obj.attr = value``: validate, then store the value in ``obj``."""
        raise NotImplementedError("core-07: __set__ is not written yet")

    def validate(self, value: Any) -> Any:
        """Return the value to store (``int`` -> ``float`` for a float field) or raise ``TypeError``."""
        raise NotImplementedError("core-07: validate is not written yet")


class Positive(Typed):
    """A ``Typed`` number that must also be strictly positive.

    ``Positive(int)`` or ``Positive(float)``: first the ``Typed`` rules
    (``TypeError``), then ``value > 0`` or ``ValueError`` naming the
    attribute, e.g. ``"qty must be > 0, got 0"``. ``NaN`` is not positive, nor
    is ``-0.0``.

    Example:
        >>> class Item:
        ...     price = Positive(float)
        >>> item = Item()
        >>> item.price = 2
        >>> item.price
        2.0
        >>> item.price = -1.5
        Traceback (most recent call last):
        ValueError: price must be > 0, got -1.5

    Edge cases the tests try: ``0``, negatives, ``-0.0``, ``nan``, ``inf`` (it
    is positive), a string (``TypeError`` first, not ``ValueError``).
    """

    # TODO: override validate() only: reuse Typed's checks through super().

    def validate(self, value: Any) -> Any:
        """``Typed.validate``, then reject values that are not ``> 0``."""
        raise NotImplementedError("core-07: validate is not written yet")




class Temperature:
    """A temperature stored once, in Celsius, and readable/writable in three units.

    ``celsius``, ``fahrenheit`` and ``kelvin`` are properties: reading converts
    from the one stored number, writing converts to Celsius and stores it.
    The instance keeps exactly one attribute in ``vars(self)``: a single
    source of truth, so the three units can never disagree.

    Conversions: ``F = C * 9 / 5 + 32``, ``K = C + 273.15``.

    Validation, in the unit that is being set (so the exact boundaries
    ``-273.15`` C, ``-459.67`` F and ``0`` K are all accepted):

    - not an ``int``/``float`` (or a ``bool``): ``TypeError``;
    - below absolute zero, or ``NaN``: ``ValueError``. A failed assignment
      leaves the old value.

    Example:
        >>> t = Temperature(100)
        >>> t.fahrenheit
        212.0
        >>> t.kelvin = 0
        >>> t.celsius
        -273.15
        >>> Temperature(celsius=21.5)
        Temperature(celsius=21.5)

    Edge cases the tests try: the known points (freezing, boiling, -40 where
    C == F, absolute zero), each boundary, a value just below it, strings and
    booleans, ``nan``, round trips in every unit (Hypothesis).
    """

    # TODO: store one private float (Celsius); celsius/fahrenheit/kelvin are
    # TODO: @property getters with @x.setter setters. __init__ should assign
    # TODO: through the celsius property so that it is validated too.

    def __init__(self, celsius: float = 0.0) -> None:
        """Start at ``celsius`` degrees Celsius (validated like any assignment)."""
        raise NotImplementedError("core-07: __init__ is not written yet")

    @property
    def celsius(self) -> float:
        """The temperature in degrees Celsius."""
        raise NotImplementedError("core-07: celsius is not written yet")

    @celsius.setter
    def celsius(self, value: float) -> None:
        raise NotImplementedError("core-07: celsius is not written yet")

    @property
    def fahrenheit(self) -> float:
        """The temperature in degrees Fahrenheit."""
        raise NotImplementedError("core-07: fahrenheit is not written yet")

    @fahrenheit.setter
    def fahrenheit(self, value: float) -> None:
        raise NotImplementedError("core-07: fahrenheit is not written yet")

    @property
    def kelvin(self) -> float:
        """The temperature in kelvin."""
        raise NotImplementedError("core-07: kelvin is not written yet")

    @kelvin.setter
    def kelvin(self, value: float) -> None:
        raise NotImplementedError("core-07: kelvin is not written yet")

    def __repr__(self) -> str:
        """``Temperature(celsius=21.5)``."""
        raise NotImplementedError("core-07: __repr__ is not written yet")




@dataclass(order=True)
class Version:
    """A version number ``major.minor.patch`` with optional build tags, e.g. ``2.1.0+cuda.fast``.

    Fields, in this order (the order decides comparisons):

    - ``major: int``; ``minor: int = 0``; ``patch: int = 0``;
    - ``tags: list[str]``: a fresh empty list per instance by default; tags do
      **not** take part in ``==`` or ordering (``Version(1, tags=["a"]) ==
      Version(1)``).

    ``order=True`` makes versions compare like the tuple
    ``(major, minor, patch)``: ``Version(1, 10) > Version(1, 2)``.

    ``__post_init__`` validates and normalises:

    - ``major``, ``minor``, ``patch`` must be ``int`` and not ``bool``
      (``TypeError``) and ``>= 0`` (``ValueError``);
    - ``tags`` is copied into a new list (the caller's list is not kept), and
      every tag must be a non-empty string of ASCII letters, digits and ``-``
      (``ValueError`` otherwise, ``TypeError`` for a non-string).

    ``str(v)`` is ``"1.2.3"``, or ``"1.2.3+tag1.tag2"`` when there are tags.
    Instances are mutable and therefore unhashable (``eq=True`` without
    ``frozen=True`` sets ``__hash__`` to ``None``).

    Example:
        >>> Version(1, 2) < Version(1, 10)
        True
        >>> v = Version.parse("2.1+cuda.fast")
        >>> v
        Version(major=2, minor=1, patch=0, tags=['cuda', 'fast'])
        >>> str(v)
        '2.1.0+cuda.fast'

    Edge cases the tests try: defaults, two instances' default tags (must be
    different lists), equality ignoring tags, sorting a shuffled list, bools,
    negative numbers, bad tags, the caller mutating the list it passed.
    """

    # TODO: declare the four fields (types and defaults as above). For tags use
    # TODO: field(default_factory=..., compare=False): a bare [] default is
    # TODO: rejected by dataclasses, and it would be shared by every instance.

    def __post_init__(self) -> None:
        """Validate the numbers and the tags; copy ``tags`` into a new list."""
        raise NotImplementedError("core-07: __post_init__ is not written yet")

    @classmethod
    def parse(cls, text: str) -> Version:
        """Build a ``Version`` from ``"MAJOR[.MINOR[.PATCH]][+TAG[.TAG...]]"``.

        Numbers are ASCII digits (``"01"`` reads as 1); missing parts are 0.
        Tags follow the rules of ``tags`` above.

        Raises:
            ValueError: for anything else, e.g. ``""``, ``"1."``, ``"1..2"``,
                ``"1.2.3.4"``, ``"v1"``, ``"-1"``, ``"1.2+"``, ``" 1.2"``,
                or non-ASCII digits such as ``"１.2"``.

        Example:
            >>> Version.parse("3")
            Version(major=3, minor=0, patch=0, tags=[])
        """
        # TODO: split off the tags at the first "+", then split the numbers on
        # TODO: ".". str.isdigit() accepts "²" and "１": check for ASCII digits.
        raise NotImplementedError("core-07: parse is not written yet")

    def __str__(self) -> str:
        """``"1.2.3"`` or ``"1.2.3+tag1.tag2"``."""
        raise NotImplementedError("core-07: __str__ is not written yet")


if __name__ == "__main__":

    class Item:
        name = Typed(str)
        qty = Positive(int)
        price = Positive(float)

    item = Item()
    item.name, item.qty, item.price = "widget", 3, 2
    print(item.name, item.qty, item.price, vars(item))
    print(Temperature(100).fahrenheit, Temperature(-40).fahrenheit)
    print(sorted(Version.parse(s) for s in ["1.10", "1.2", "1.2.1+rc"]))
