"""Iterators that watch how they are consumed, shared by the iterator and generator suites."""


class Recorder:
    """An iterator over ``items`` that counts how many items were pulled."""

    def __init__(self, items):
        self._it = iter(items)
        self.pulls = 0

    def __iter__(self):
        return self

    def __next__(self):
        item = next(self._it)
        self.pulls += 1
        return item


class Endless:
    """An infinite-looking iterator (``start, start + 1, ...`` mapped by ``make``) that fails loudly
    if more than ``limit`` items are read, so code that tries to read everything fails fast
    instead of filling the memory."""

    def __init__(self, start=0, make=lambda i: i, limit=10_000):
        self.next_value, self.make, self.limit, self.pulls = start, make, limit, 0

    def __iter__(self):
        return self

    def __next__(self):
        if self.pulls >= self.limit:
            raise AssertionError(f"read more than {self.limit} items from an endless input\n"
                                 "  hint: never call list() on an iterable that may be infinite; pull only what you need")
        self.pulls += 1
        self.next_value += 1
        return self.make(self.next_value - 1)
