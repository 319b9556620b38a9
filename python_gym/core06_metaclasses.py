"""Core day 6: class creation — class decorators, ``__init_subclass__`` and metaclasses.

A ``class`` statement is executed: Python runs the body into a namespace dict,
then calls the *metaclass* (``type`` unless told otherwise) as
``type(name, bases, namespace, **keywords)`` to build the class object, then
applies class decorators. Three hooks into that process, from the lightest to
the heaviest:

- ``auto_repr``: a class decorator that adds a ``__repr__`` built from the
  ``__init__`` parameters (what ``dataclasses`` does, in miniature);
- ``PluginBase``: subclasses register themselves under a key given in the
  class statement (``class Csv(Exporter, key="csv")``), via
  ``__init_subclass__``;
- ``RegistryMeta``: the same registry built by a metaclass, which can also
  give the *classes* behaviour (``len(Exporter)``, ``"csv" in Exporter``,
  ``Exporter["csv"]``), something only a metaclass can do.

In scope: the order of class creation, class keywords, cooperative
``super().__init_subclass__``, methods defined on a metaclass. Out of scope:
``__prepare__``, ``__set_name__`` and descriptors, thread safety, and
registries shared across families.
"""

from __future__ import annotations

import inspect
from typing import Any




class PluginBase:
    """Base class for plugin families whose members register themselves.

    A class that inherits *directly* from ``PluginBase`` is a family root: it
    gets its own, empty ``registry`` dict (key -> class) and is not
    registered itself. A class further down that passes a key in its class
    statement is registered in its family's registry:

        class Exporter(PluginBase): ...            # a family root
        class Csv(Exporter, key="csv"): ...        # Exporter.registry["csv"] is Csv
        class Tabular(Exporter): ...               # no key: not registered (abstract)
        class Tsv(Tabular, key="tsv"): ...         # registered in Exporter.registry too

    ``__init_subclass__`` passes every other class keyword on to
    ``super().__init_subclass__`` so other bases (mixins) can take theirs.

    Example:
        >>> class Exporter(PluginBase):
        ...     def __init__(self, path="out"):
        ...         self.path = path
        >>> class Csv(Exporter, key="csv"):
        ...     pass
        >>> Exporter.registry == {"csv": Csv}
        True
        >>> Exporter.create("csv", "data.csv").path
        'data.csv'

    Edge cases the tests try: several members, abstract intermediate classes,
    subclasses of registered plugins, two families (separate registries), a
    duplicate key (``ValueError``, the first class stays registered), a key
    on a family root or a key that is not a non-empty ``str``, a mixin with
    its own ``__init_subclass__`` keyword, an unknown class keyword
    (``TypeError`` from ``object.__init_subclass__``), ``create`` with
    arguments and with an unknown key (``KeyError`` naming the known keys),
    ``create`` called on ``PluginBase`` itself, and Unicode keys.
    """

    # TODO: in __init_subclass__, first call super().__init_subclass__(**kwargs);
    # a direct subclass of PluginBase (PluginBase in cls.__bases__) gets
    # cls.registry = {}; any other class with a key validates it and adds
    # itself to cls.registry (found through the MRO: the family's dict).

    def __init_subclass__(cls, /, key: str | None = None, **kwargs: Any) -> None:
        """Register ``cls`` under ``key`` in its family, or start a family.

        Raises:
            TypeError: ``key`` is not a ``str``, or a family root got a key.
            ValueError: ``key`` is empty, or already taken in this family.
        """
        raise NotImplementedError("core-06: __init_subclass__ is not written yet")

    @classmethod
    def create(cls, key: str, /, *args: Any, **kwargs: Any) -> Any:
        """Instantiate the plugin registered under ``key`` with the given arguments.

        Raises:
            KeyError: no plugin has that key (the message lists the known keys).
            TypeError: called on ``PluginBase`` itself, which has no registry.
        """
        raise NotImplementedError("core-06: create is not written yet")


class RegistryMeta(type):
    """Metaclass: the same registry as ``PluginBase``, plus a mapping interface on the classes.

    A class created with ``metaclass=RegistryMeta`` whose bases include no
    class made by ``RegistryMeta`` is a family root with an empty registry.
    Classes below it register under the ``key`` class keyword, exactly as
    with ``PluginBase`` (no key: not registered; duplicate: ``ValueError``;
    a key on a root, or a key that is not a ``str``: ``TypeError``; empty:
    ``ValueError``). Other class keywords are passed on to ``type.__new__``,
    which hands them to ``__init_subclass__``.

    Because these methods live on the metaclass, they apply to the classes
    themselves (any class of the family answers for the whole family), not
    to instances:

    - ``len(Family)``: the number of registered classes;
    - ``iter(Family)``: their keys, in registration order;
    - ``key in Family``: whether a key is registered;
    - ``Family[key]``: the registered class (``KeyError`` naming the known
      keys if absent).

    Example:
        >>> class Codec(metaclass=RegistryMeta):
        ...     pass
        >>> class Gzip(Codec, key="gzip"):
        ...     pass
        >>> len(Codec), list(Codec), "gzip" in Codec, Codec["gzip"] is Gzip
        (1, ['gzip'], True, True)

    Edge cases the tests try: the same family rules as ``PluginBase``, two
    families, an empty family (``len`` 0, nothing in it), asking a member
    class instead of the root, ``Family[unknown]``, instances (``len`` of an
    instance is a ``TypeError``: metaclass methods are not visible there), a
    class keyword passed on to a mixin's ``__init_subclass__``, and that
    registered classes have ``RegistryMeta`` as their type.
    """

    # TODO: override __new__(mcls, name, bases, namespace, /, key=None, **kwargs):
    # create the class with super().__new__(mcls, name, bases, namespace, **kwargs),
    # then register it. The other four methods take `cls`, a class of the family.

    def __new__(mcls, name: str, bases: tuple[type, ...], namespace: dict[str, Any], /,
                key: str | None = None, **kwargs: Any) -> RegistryMeta:
        """Create the class, then start a family or register it under ``key``."""
        raise NotImplementedError("core-06: __new__ is not written yet")

    def __len__(cls) -> int:
        """The number of classes registered in ``cls``'s family."""
        raise NotImplementedError("core-06: __len__ is not written yet")

    def __iter__(cls):
        """The registered keys, in registration order."""
        raise NotImplementedError("core-06: __iter__ is not written yet")

    def __contains__(cls, key: object) -> bool:
        """Whether ``key`` is registered in ``cls``'s family."""
        raise NotImplementedError("core-06: __contains__ is not written yet")

    def __getitem__(cls, key: str) -> type:
        """The class registered under ``key``; ``KeyError`` listing the known keys if none."""
        raise NotImplementedError("core-06: __getitem__ is not written yet")


def auto_repr(cls: type) -> type:
    """Class decorator: add a ``__repr__`` listing the ``__init__`` parameters.

    The fields are the parameters of ``cls.__init__`` after ``self``, in
    order (positional and keyword-only alike); the value of each is the
    instance attribute of the same name. The repr is
    ``ClassName(field=value!r, ...)`` with ``type(self).__name__``, so a
    subclass shows its own name, and it matches a ``dataclass`` with the same
    fields except that a dataclass prints the ``__qualname__``. A class whose
    ``__init__`` is ``object.__init__`` has no fields: ``ClassName()``.
    An instance that contains itself prints ``...`` at the inner occurrence,
    as a dataclass does.

    The class is modified and returned (not wrapped). A ``__repr__`` defined
    in the class body itself is kept; one inherited from a base is replaced.

    Args:
        cls: the class to decorate.

    Returns:
        ``cls`` itself.

    Raises:
        TypeError: ``cls.__init__`` has ``*args`` or ``**kwargs`` (the fields
            would be unknown). Checked even when the class keeps its own
            ``__repr__``.

    Example:
        >>> @auto_repr
        ... class Point:
        ...     def __init__(self, x, y=0, *, label="原点"):
        ...         self.x, self.y, self.label = x, y, label
        >>> Point(1, 2)
        Point(x=1, y=2, label='原点')

    Edge cases the tests try: default, keyword-only and positional-only
    parameters, no ``__init__`` (``Point()``), values whose repr has quotes or
    Unicode, nested decorated objects, an object containing itself, a
    subclass, a ``__repr__`` in the class body (kept) or inherited (replaced),
    ``*args``/``**kwargs`` in ``__init__`` (``TypeError``), a missing
    attribute (``AttributeError`` from ``repr``), that ``cls`` itself is
    returned, and random field values compared with a ``dataclass``.
    """
    # TODO: read the field names with inspect.signature(cls.__init__) (drop
    # self); define a __repr__ function that guards against recursion with a
    # set of ids being printed, and set it on cls unless "__repr__" is in
    # cls.__dict__. Do not use dataclasses.
    raise NotImplementedError("core-06: auto_repr is not written yet")


if __name__ == "__main__":
    class Exporter(PluginBase):
        pass

    class Csv(Exporter, key="csv"):
        pass

    class Codec(metaclass=RegistryMeta):
        pass

    class Gzip(Codec, key="gzip"):
        pass

    @auto_repr
    class Point:
        def __init__(self, x: int, y: int = 0) -> None:
            self.x, self.y = x, y

    print(Exporter.registry, list(Codec), Codec["gzip"], Point(1, 2))
