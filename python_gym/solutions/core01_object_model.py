"""Core day 1: the object model — names, references, identity and copies.

A Python variable is a name bound to an object, not a box holding a value.
``b = a`` copies no data: it binds a second name to the same object. Whether
that matters depends on whether the object can change (a list can, a tuple
cannot). Three functions make this concrete:

- ``deep_copy``: copy nested lists, dicts, tuples and sets, keeping the shape
  of sharing (what was one object twice stays one object twice) and cycles;
- ``find_shared``: the mutable containers that are referenced more than once
  inside a structure, the places where one mutation shows up twice;
- ``shares_state``: whether a mutation made through one name could be seen
  through another.

In scope: ``list``, ``dict``, ``tuple`` and ``set`` (exact types), identity
with ``is`` and ``id``. Out of scope: other containers (``collections.deque``,
instances of your own classes, subclasses of the built-ins: they are treated as
opaque leaves), ``__deepcopy__`` hooks, and structures nested deeper than the
recursion limit.
"""

from __future__ import annotations

from typing import Any

# The container types this module looks into (exact types, not subclasses).
CONTAINERS = (list, dict, tuple, set)
# The ones whose contents can change after creation.
MUTABLE_CONTAINERS = (list, dict, set)


def deep_copy(obj: Any) -> Any:
    """Return a deep copy of ``obj`` that keeps its sharing and its cycles.

    Every ``list``, ``dict`` and ``set`` reachable from ``obj`` is copied,
    once: if the original reaches the same list twice, the copy reaches the
    same *new* list twice; a list that contains itself is copied to a list
    that contains itself. Dict keys and values, and set items, are copied too.
    A ``tuple`` is rebuilt when one of its items changed in the copy; a tuple
    whose items all copy to themselves is returned as it is (it is immutable,
    so sharing it is safe), as ``copy.deepcopy`` does.

    Any other object (``int``, ``str``, ``None``, ``frozenset``, an instance of
    your own class, a subclass of ``list``) is not looked into and is returned
    as it is, shared between the original and the copy.

    Args:
        obj: any object; the types above are copied, everything else shared.

    Returns:
        The copy. ``deep_copy(x) == x`` for acyclic ``x``, and no list, dict
        or set of the copy is an object of the original.

    Example:
        >>> row = [0, 0]
        >>> grid = [row, row]           # one row object, reached twice
        >>> new = deep_copy(grid)
        >>> new[0] is new[1], new[0] is row
        (True, False)
        >>> a = [1]; a.append(a)        # a list that contains itself
        >>> b = deep_copy(a)
        >>> b[1] is b, b is a
        (True, False)

    Edge cases the tests try: atoms (``5``, ``"s"``, ``None``), empty
    containers, a tuple of atoms (returned as is) and a tuple holding a list
    (rebuilt), shared rows, a list and a dict that contain themselves, a cycle
    that passes through a tuple, tuples as dict keys, an instance of a user
    class (shared, not copied), and random graphs of lists and dicts with
    sharing and cycles (compared with ``copy.deepcopy``).
    """
    # TODO: keep a memo dict from id(original) to its copy. Register a new
    # list/dict/set in the memo *before* copying its items, so a cycle back to
    # it finds the copy. A tuple can only be built after its items; check the
    # memo again afterwards. Do not call copy.deepcopy.
    # BEGIN SOLUTION
    memo: dict[int, Any] = {}  # id(original) -> its copy; originals stay alive during the call

    def copy_of(x: Any) -> Any:
        kind = type(x)
        if kind not in CONTAINERS:
            return x  # atoms and opaque objects are shared
        if id(x) in memo:
            return memo[id(x)]  # seen before: shared sub-object or a cycle
        if kind is list:
            new_list: list = []
            memo[id(x)] = new_list  # register first: an item may lead back to x
            new_list.extend(copy_of(item) for item in x)
            return new_list
        if kind is dict:
            new_dict: dict = {}
            memo[id(x)] = new_dict
            for key, value in x.items():
                new_dict[copy_of(key)] = copy_of(value)
            return new_dict
        if kind is set:
            new_set: set = set()
            memo[id(x)] = new_set
            new_set.update(copy_of(item) for item in x)
            return new_set
        # tuple: immutable, so the items must be copied before the tuple exists
        items = [copy_of(item) for item in x]
        if id(x) in memo:
            return memo[id(x)]  # a cycle through x already built its copy
        same = all(new is old for new, old in zip(items, x))
        memo[id(x)] = result = x if same else tuple(items)
        return result

    return copy_of(obj)
    # END SOLUTION


def find_shared(obj: Any) -> list:
    """Return the lists, dicts and sets that ``obj`` references more than once.

    Walk ``obj`` depth-first: list items left to right, dict values in
    insertion order (keys are hashable, so they hold no list, dict or set).
    Count, for every list, dict and set, the references to it met on the walk;
    the root ``obj`` itself starts with one (the caller's). Each list, dict
    and set is looked into only the first time it is met, so cycles end.
    Tuples are transparent: a tuple is looked into every time it is met, so a
    list inside a tuple that is referenced twice counts two references. Sets
    and atoms hold no mutable container and are not looked into.

    Args:
        obj: any object; only list, dict, tuple and set are looked into.

    Returns:
        A new list of the lists, dicts and sets with two or more references,
        each once, in the order the walk first met them.

    Example:
        >>> row = [0, 0, 0]
        >>> grid = [row] * 3            # the classic [[0] * 3] * 3
        >>> find_shared(grid) == [row], find_shared(grid)[0] is row
        (True, True)
        >>> find_shared([[0], [0]])     # equal rows, but two objects
        []

    Edge cases the tests try: atoms and empty containers (``[]``), a list that
    contains itself (the root is shared), ``dict.fromkeys(keys, [])``, one
    list behind a tuple that is referenced twice, a shared row inside a shared
    grid (only the grid is reported when the row is referenced once), equal
    but distinct lists (not shared), and the order of the result.
    """
    # TODO: one recursive walk with a dict id -> [object, count]; look into a
    # list or dict only the first time you meet it; look into tuples every
    # time. Report in first-met order. Do not compare with ==.
    # BEGIN SOLUTION
    met: dict[int, list] = {}  # id -> [object, references met]; insertion order = first met

    def visit(x: Any) -> None:
        kind = type(x)
        if kind is tuple:
            for item in x:
                visit(item)
            return
        if kind not in MUTABLE_CONTAINERS:
            return
        entry = met.get(id(x))
        if entry is not None:
            entry[1] += 1
            return
        met[id(x)] = [x, 1]
        if kind is list:
            for item in x:
                visit(item)
        elif kind is dict:
            for value in x.values():
                visit(value)
        # a set's items are hashable: no list, dict or set inside

    visit(obj)
    return [x for x, count in met.values() if count >= 2]
    # END SOLUTION


def shares_state(a: Any, b: Any) -> bool:
    """Return whether a mutation made through ``a`` could be seen through ``b``.

    That is the case exactly when some ``list``, ``dict`` or ``set`` is
    reachable from both ``a`` and ``b`` (``a`` and ``b`` themselves included),
    looking into lists, dict keys and values, tuples and sets. Immutable
    objects never count: they cannot be mutated, so sharing them is invisible.

    Args:
        a: any object.
        b: any object.

    Returns:
        ``True`` if a list, dict or set is reachable from both, else ``False``.

    Example:
        >>> row = [1, 2]
        >>> shares_state((row, 3), {"r": row})
        True
        >>> shares_state([1, 2], [1, 2])    # equal, not the same object
        False
        >>> x = (1, "a")
        >>> shares_state(x, x)              # the same object, but immutable
        False

    Edge cases the tests try: ``a is b`` for a list (``True``) and for an int
    or a tuple of atoms (``False``), equal but distinct lists, sharing deep
    inside tuples and dict values, cycles in either argument, and random
    graphs of lists checked by really mutating each container and looking
    whether ``b`` changed.
    """
    # TODO: collect the ids of the lists, dicts and sets reachable from a
    # (a set of ids, so cycles end), then walk b and stop at the first one
    # in that set.
    # BEGIN SOLUTION
    def mutable_ids(root: Any) -> set[int]:
        found: set[int] = set()
        stack = [root]
        while stack:
            x = stack.pop()
            kind = type(x)
            if kind in MUTABLE_CONTAINERS:
                if id(x) in found:
                    continue
                found.add(id(x))
            if kind is dict:
                stack.extend(x.keys())
                stack.extend(x.values())
            elif kind in CONTAINERS:
                stack.extend(x)
        return found

    return not mutable_ids(a).isdisjoint(mutable_ids(b))
    # END SOLUTION


if __name__ == "__main__":
    grid = [[0] * 3] * 3
    grid[0][0] = 1
    print(grid, "shared:", find_shared(grid))
    fixed = deep_copy(grid)
    print(fixed[0] is fixed[1], fixed[0] is grid[0])
    print(shares_state(grid, grid[1]), shares_state(fixed, grid))
