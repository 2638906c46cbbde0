"""Values worked out once, safely shared between threads (docs/security.md#threads).

Rulebooks, rules, registers and logs are immutable, and may be shared between
threads; what they work out lazily (a log's index by unit, a rule's compiled
predicates) is built whole under a lock and only then published, so another
thread never sees half an index.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, MutableMapping
from typing import TypeVar

__all__ = ["once"]

_K = TypeVar("_K")
_V = TypeVar("_V")

# One lock for every lazy value: each is built once, so waiting is rare; a
# reentrant one, as building a value may ask for another (a rule as it stood on
# a date compiles its predicate).
_LOCK = threading.RLock()


def once(cache: MutableMapping[_K, _V], key: _K, make: Callable[[], _V]) -> _V:
    """``cache[key]``, made with ``make()`` the first time, by one thread only.

    The value is complete before it is stored: a reader without the lock finds
    either nothing (and waits for the lock) or the whole value.
    """
    try:
        return cache[key]
    except KeyError:
        pass
    with _LOCK:
        if key not in cache:
            cache[key] = make()
        return cache[key]
