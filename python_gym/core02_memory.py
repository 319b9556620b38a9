"""Core day 2: memory — reference counting, the cycle collector and weak references.

CPython frees an object the moment its reference count drops to zero; a
separate cycle collector (``gc``) finds groups of objects that only keep each
other alive. Weak references point at an object without keeping it alive.
Three exercises make these mechanisms visible:

- ``deep_sizeof``: how many bytes a structure really takes, each object
  counted once (``sys.getsizeof`` alone sees only the outermost object);
- ``cycle_survivors``: simulate reference counting on a structure and report
  the objects it can *not* free when the last outside reference goes away;
  the tests compare with what CPython really does, with ``gc`` switched off;
- ``WeakRegistry``: a registry that finds objects by key without keeping them
  alive, and records which keys died.

In scope: ``sys.getsizeof``, identity, ``weakref.WeakValueDictionary`` and
``weakref.finalize``. Out of scope: the allocator (pymalloc arenas), objects
implemented in C that hide their references, and thread safety.
"""

from __future__ import annotations

import sys
import types
import weakref
from collections.abc import Hashable
from typing import Any

# Containers whose items deep_sizeof and cycle_survivors look into.
ITEM_CONTAINERS = (list, tuple, set, frozenset)


def deep_sizeof(obj: Any) -> int:
    """Return the total ``sys.getsizeof`` of ``obj`` and everything it holds, each object once.

    Look into ``list``, ``tuple``, ``set`` and ``frozenset`` items and into
    ``dict`` keys and values (exact types). Every other object (``int``,
    ``str``, ``float``, an instance of your class...) adds its own
    ``sys.getsizeof`` and is not looked into. Objects are told apart by
    identity: an object reached twice is counted once, so shared objects and
    cycles are handled.

    Args:
        obj: any object.

    Returns:
        The sum of ``sys.getsizeof(x)`` over the distinct objects ``x``
        reachable from ``obj`` as described (``obj`` included).

    Example:
        >>> n = int("1000")                 # built at run time: a fresh int object
        >>> pair = [n, n]
        >>> deep_sizeof(pair) == sys.getsizeof(pair) + sys.getsizeof(n)
        True

        The int is stored once and referenced twice, so it is counted once.

    Edge cases the tests try: atoms (``5``, ``""``), empty containers, a
    shared list, equal but distinct ints (counted twice) and cached small ints
    (one object, counted once), a list that contains itself, dict keys and
    values, frozensets, Unicode strings (``getsizeof`` depends on the widest
    character), and random graphs of lists holding fresh ints.
    """
    # TODO: walk with an explicit stack and a set of ids already counted;
    # add sys.getsizeof(x) the first time you see x. Do not recurse with no
    # memory of what you saw: a cycle would never end.
    raise NotImplementedError("core-02: deep_sizeof is not written yet")


def cycle_survivors(root: Any) -> list:
    """Return the objects that reference counting alone cannot free after ``del root``.

    Assume the caller holds the only outside reference to ``root`` and nothing
    outside holds a reference to anything inside. The references that count
    are:

    - the items of a ``list``, ``tuple``, ``set`` or ``frozenset``;
    - the keys and values of a ``dict``;
    - the attribute values ``vars(x).values()`` of an object with a
      ``__dict__`` (an instance of an ordinary class); classes, modules and
      functions are leaves.

    Give every reachable object of those kinds a count: one per reference to
    it from inside the structure, plus one for the caller's reference to
    ``root``. Drop the caller's reference; whenever a count reaches zero, the
    object is freed and every reference it held is dropped in turn. The
    objects still holding a count are the survivors: the ones on a reference
    cycle and the ones a cycle keeps alive. Only the gc can free them.

    Args:
        root: the top of the structure.

    Returns:
        The surviving containers and instances, each once, in any order.
        Atoms (``int``, ``str``...) are never reported.

    Example:
        >>> class Node:
        ...     def __init__(self):
        ...         self.out = []
        >>> a, b, c = Node(), Node(), Node()
        >>> a.out.append(b); b.out.append(c); c.out.append(b)   # a -> b <-> c
        >>> survivors = cycle_survivors(a)
        >>> sorted(x is b or x is c or x is b.out or x is c.out for x in survivors)
        [True, True, True, True]

        ``a`` and its ``out`` list are freed; ``b`` and ``c`` keep each other
        (and their ``out`` lists) alive.

    Edge cases the tests try: atoms and a plain tree (no survivors), a list
    that contains itself, a node whose attribute points to itself, a cycle
    hanging below the root, the root inside a cycle (everything survives),
    cycles through tuples and dict values, objects as dict keys, and random
    graphs of nodes compared with what CPython frees with ``gc`` disabled.
    """
    # TODO: first collect every reachable object (by id) and count the
    # references to each one; then simulate: drop root's outside reference,
    # and free objects whose count reaches zero with a work stack (no
    # recursion). Report what was never freed. Do not call gc.
    raise NotImplementedError("core-02: cycle_survivors is not written yet")


class WeakRegistry:
    """Find live objects by key without keeping them alive.

    ``register(key, obj)`` stores only a weak reference. When ``obj`` is
    freed (at once by reference counting, or later by ``gc.collect()`` when it
    is part of a cycle), its key disappears from the registry and is appended
    to ``collected``.

    Example:
        >>> class Session:
        ...     pass
        >>> reg = WeakRegistry()
        >>> s = Session()
        >>> reg.register("alice", s)
        >>> reg.get("alice") is s, len(reg)
        (True, 1)
        >>> del s                      # the last strong reference: freed now
        >>> reg.get("alice"), len(reg), reg.collected
        (None, 0, ['alice'])

    Edge cases the tests try: a registry must not keep its objects alive (a
    strong dict, or a finalize callback that holds the object, fails); an
    object in a reference cycle stays registered until ``gc.collect()``;
    registering a key that is in use raises ``ValueError``, but a key whose
    object died can be reused; one object under two keys; objects that cannot
    be weakly referenced (``int``, ``list``, ``dict``) raise ``TypeError``;
    two registries do not share state; Unicode keys.
    """

    # TODO: keep the objects in a weakref.WeakValueDictionary, and attach a
    # weakref.finalize(obj, callback, key) per registration. The callback must
    # not hold obj itself (that would keep it alive forever).

    def __init__(self) -> None:
        """Start empty; ``collected`` is a new list of the keys whose objects died, in order of death."""
        raise NotImplementedError("core-02: __init__ is not written yet")

    def register(self, key: Hashable, obj: Any) -> None:
        """Remember ``obj`` under ``key`` weakly.

        Raises:
            ValueError: ``key`` is registered and its object is still alive.
            TypeError: ``obj`` cannot be weakly referenced (``int``, ``str``,
                ``list``, ``dict``, ``tuple``, ``None``...).
        """
        raise NotImplementedError("core-02: register is not written yet")

    def get(self, key: Hashable, default: Any = None) -> Any:
        """Return the live object registered under ``key``, or ``default``."""
        raise NotImplementedError("core-02: get is not written yet")

    def keys(self) -> list[Hashable]:
        """Return the keys of the live objects, in registration order."""
        raise NotImplementedError("core-02: keys is not written yet")

    def __contains__(self, key: object) -> bool:
        """Whether ``key`` maps to a live object."""
        raise NotImplementedError("core-02: __contains__ is not written yet")

    def __len__(self) -> int:
        """The number of live registered objects."""
        raise NotImplementedError("core-02: __len__ is not written yet")


if __name__ == "__main__":
    import gc

    numbers = list(range(1000))
    print("getsizeof:", sys.getsizeof(numbers), "deep:", deep_sizeof(numbers))

    class Node:
        def __init__(self, name: str) -> None:
            self.name = name
            self.out: list = []

    a, b = Node("a"), Node("b")
    a.out.append(b)
    b.out.append(a)
    print("survivors of a <-> b:", len(cycle_survivors(a)))

    reg = WeakRegistry()
    reg.register("a", a)
    del a, b
    print("after del:", reg.keys())  # a <-> b is a cycle: still registered
    gc.collect()
    print("after gc.collect():", reg.keys(), "collected:", reg.collected)
