"""A loaded rulebook as JSON and back, for the loader's cache (`_cache` keeps
the document, `_load` encodes and decodes it).

Loading a folder parses its TOML and checks every key, quote and expression;
when its files are byte for byte those a cached model was made from, the model
is read back instead (docs/architecture.md#the-compiled-forms-cache).

The encoding is JSON (never pickle): plain values as themselves, every other
value tagged with its type, and an object of the model as its class's name and
its ``__init__`` arguments. Only the model's own classes are made back, by
calling their ``__init__`` (no other code runs), and an object shared in the
model (a measure, in the rulebook and in each rule on it) is shared again.
Anything else, or any value the encoding does not know, is refused:
`decode` raises `SnapshotError` and the loader reads the folder as usual.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Callable, Mapping
from decimal import Decimal
from fractions import Fraction
from typing import Any

import attrs

from . import _expr, _model, _recordspec, _rulebook

__all__ = ["SnapshotError", "decode", "encode"]


class SnapshotError(ValueError):
    """A value the encoding does not hold, or a document it did not write."""


def _classes() -> dict[str, type]:
    """The classes a snapshot may make, by name: the model's attrs classes and
    enums, its expressions and records specifications (named here, not found:
    a class added to the model and not here is refused, and the folder read)."""
    found: dict[str, type] = {}
    for module, names in (
        (
            _model,
            (
                "Aggregation",
                "Alternative",
                "Body",
                "DatedTarget",
                "Ignored",
                "Measure",
                "Period",
                "Rule",
                "Source",
                "Target",
                "Text",
                "Unit",
            ),
        ),
        (_rulebook, ("Rulebook",)),
        (_expr, ("BinaryOp", "Compare", "Expression", "Logic", "Name", "Negate", "Not", "Number")),
        (_recordspec, ("RecordSpec",)),
    ):
        for name in names:
            value = getattr(module, name)
            assert attrs.has(value) or issubclass(value, enum.Enum), name
            found[f"{module.__name__.rpartition('.')[2]}.{name}"] = value
    return found


_CLASSES = _classes()
_NAMES = {cls: name for name, cls in _CLASSES.items()}
#: The fields each class is made with, in the order of its ``__init__``'s
#: positional arguments; its keyword-only arguments, which only `encode`'s
#: ``skip`` may leave out.
_FIELDS = {
    cls: tuple(a.name for a in attrs.fields(cls) if a.init and not a.kw_only)
    for cls in _CLASSES.values()
    if attrs.has(cls)
}
_KEYWORDS = {
    cls: tuple(a.name for a in attrs.fields(cls) if a.init and a.kw_only)
    for cls in _CLASSES.values()
    if attrs.has(cls)
}

# The document: ``{"classes": [name, ...], "value": node}``. A node is a string,
# an integer, a boolean or null as itself; any other value is a list whose first
# item says what it is: an integer, the index of a class in ``classes``, followed
# by the object's fields; ``"T"`` a tuple, ``"L"`` a list, ``"M"`` a dict (keys
# and values alternating), ``"S"`` a frozenset, ``"F"`` a fraction (numerator,
# denominator), ``"N"`` a decimal, ``"d"``, ``"dt"``, ``"t"`` a date, date-time or
# time (ISO text), ``"E"`` an enum member (class index, value), ``"R"`` an
# object met before (its number, in the order objects are made).


def encode(value: object, skip: Callable[[object], bool] = lambda _: False) -> Any:
    """``value`` as JSON-ready data; an object for which ``skip`` holds (a
    rulebook's `Compiled`, a keyword-only field) is left out, to take its
    default when decoded."""
    shared: dict[int, int] = {}
    classes: dict[type, int] = {}

    def class_index(kind: type) -> int:
        return classes.setdefault(kind, len(classes))

    def visit(item: Any) -> Any:
        kind = type(item)
        if item is None or kind in (str, int, bool):
            return item
        if kind is tuple:
            return ["T", *map(visit, item)]
        if kind is list:
            return ["L", *map(visit, item)]
        if kind is dict:
            return ["M", *(visit(x) for pair in item.items() for x in pair)]
        if kind is frozenset:
            return ["S", *sorted(map(visit, item), key=repr)]
        if kind is Fraction:
            return ["F", item.numerator, item.denominator]
        if kind is Decimal:
            return ["N", str(item)]
        if kind in _TIMES:
            return [_TIMES[kind], item.isoformat()]
        if kind not in _NAMES:
            raise SnapshotError(f"cannot encode a {kind.__qualname__}")
        if isinstance(item, enum.Enum):
            return ["E", class_index(kind), visit(item.value)]
        if id(item) in shared:
            return ["R", shared[id(item)]]
        if not all(skip(getattr(item, name)) for name in _KEYWORDS[kind]):
            raise SnapshotError(f"cannot encode a {kind.__qualname__}'s keyword arguments")
        fields = [visit(getattr(item, name)) for name in _FIELDS[kind]]
        shared[id(item)] = len(shared)  # numbered as decode makes them: after their fields
        return [class_index(kind), *fields]

    node = visit(value)
    return {"classes": [_NAMES[kind] for kind in classes], "value": node}


_TIMES: Mapping[type, str] = {dt.date: "d", dt.datetime: "dt", dt.time: "t"}


def decode(data: Any) -> Any:
    """The value `encode` gave ``data`` for; `SnapshotError` for anything else."""
    try:
        classes = [_CLASSES[name] for name in data["classes"]]
        node = data["value"]
    except (KeyError, TypeError) as error:
        raise SnapshotError(f"not a snapshot: {error}") from None
    made: list[object] = []
    append = made.append

    def visit(item: Any) -> Any:
        if type(item) is not list:
            if item is None or type(item) in (str, int, bool):
                return item
            raise SnapshotError("not a snapshot")
        tag = item[0]
        if type(tag) is int:
            cls = classes[tag]
            made_one = cls(*[visit(x) for x in item[1:]])
            append(made_one)
            return made_one
        if tag == "T":
            return tuple([visit(x) for x in item[1:]])
        if tag == "R":
            return made[item[1]]
        return _DECODERS[tag](item, visit, classes)

    try:
        return visit(node)
    except SnapshotError:
        raise
    except (
        KeyError,
        IndexError,
        TypeError,
        ValueError,
        AttributeError,
        ArithmeticError,
        RecursionError,
    ) as error:
        raise SnapshotError(f"not a snapshot: {error}") from None


def _enum(item: list[Any], visit: Callable[[Any], Any], classes: list[type]) -> Any:
    cls = classes[item[1]]
    if not issubclass(cls, enum.Enum):
        raise SnapshotError("not a snapshot")
    return cls(visit(item[2]))


def _pairs(items: list[Any]) -> Any:
    if len(items) % 2:
        raise SnapshotError("not a snapshot")
    return zip(items[::2], items[1::2], strict=True)


_Decoder = Callable[[list[Any], Callable[[Any], Any], list[type]], Any]
_DECODERS: Mapping[str, _Decoder] = {
    "L": lambda item, visit, _: [visit(x) for x in item[1:]],
    "M": lambda item, visit, _: {visit(k): visit(v) for k, v in _pairs(item[1:])},
    "S": lambda item, visit, _: frozenset(visit(x) for x in item[1:]),
    "F": lambda item, _, __: Fraction(_integer(item[1]), _integer(item[2])),
    "N": lambda item, _, __: Decimal(_text(item[1])),
    "d": lambda item, _, __: dt.date.fromisoformat(_text(item[1])),
    "dt": lambda item, _, __: dt.datetime.fromisoformat(_text(item[1])),
    "t": lambda item, _, __: dt.time.fromisoformat(_text(item[1])),
    "E": _enum,
}


def _integer(value: Any) -> int:
    if type(value) is not int:
        raise SnapshotError("not a snapshot")
    return value


def _text(value: Any) -> str:
    if type(value) is not str:
        raise SnapshotError("not a snapshot")
    return value
