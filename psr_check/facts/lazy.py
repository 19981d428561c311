"""A dict whose values are made the first time they are read.

Facts hold more than one document's checks read: a check reads about half the concepts' mentions,
and the programme facts that need a risk level or the person's sex only when a programme is
indicated or proposed. Reading every key (iteration, ``items()``, ``len``, ``==``) makes them all,
in the keys' order, so the dict reads exactly as one filled at once.
"""

from __future__ import annotations

from typing import Any, Callable, Iterable


_UNMADE = object()


class LazyDict(dict):
    """``make(key)`` gives the value of ``key``, once; keys not given are absent as usual."""

    def __init__(self, keys: Iterable[str] | dict[str, Any], make: Callable[[str], Any]) -> None:
        super().__init__()
        # a dict's keys are read in place (never changed here): no copy for each document
        self._keys = keys if isinstance(keys, dict) else list(keys)
        self._known = self._keys if isinstance(keys, dict) else set(self._keys)
        self._make = make

    def __missing__(self, key: str) -> Any:
        if key not in self._known:
            raise KeyError(key)
        value = self._make(key)
        dict.__setitem__(self, key, value)
        return value

    def get(self, key: str, default: Any = None) -> Any:
        value = dict.get(self, key, _UNMADE)  # made already: the common case, without __missing__
        if value is not _UNMADE:
            return value
        if key not in self._known:
            return default
        value = self._make(key)  # what __missing__ does, without going through self[key]
        dict.__setitem__(self, key, value)
        return value

    def __contains__(self, key: object) -> bool:
        return key in self._known

    def _all(self) -> dict[str, Any]:
        return {key: self[key] for key in self._keys}

    def __iter__(self):
        return iter(self._keys)

    def __len__(self) -> int:
        return len(self._keys)

    def keys(self):
        return self._all().keys()

    def values(self):
        return self._all().values()

    def items(self):
        return self._all().items()

    def __eq__(self, other: object) -> bool:
        return self._all() == other

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return repr(self._all())


def read_lazily(table: dict[str, Callable[[Any], Any]], reading: Any) -> LazyDict:
    """A LazyDict of named facts, each ``table[name](reading)`` when first read: the table is made
    once per process, so a document sets up one object (its reading), not a closure per fact."""
    return LazyDict(table, lambda name: table[name](reading))
