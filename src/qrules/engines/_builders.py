"""Small sqlglot expression builders that the generated queries share."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Hashable
from typing import TYPE_CHECKING

from sqlglot import exp

if TYPE_CHECKING:
    from .sql import Table

__all__ = ["count", "date_literal", "dated", "filtered", "not_null", "number", "rendered",
           "usable"]


def date_literal(day: dt.date) -> exp.Expr:
    """A DATE literal."""
    return exp.cast(exp.Literal.string(day.isoformat()), "DATE")


def count(where: exp.Expr | None = None) -> exp.Expr:
    """``COUNT(*)``, of the rows ``where`` holds when given."""
    counted = exp.Count(this=exp.Star())
    return counted if where is None else filtered(counted, where)


def filtered(aggregate: exp.Expr, where: exp.Expr) -> exp.Expr:
    """An aggregate over the rows ``where`` holds (``FILTER (WHERE …)``)."""
    return exp.Filter(this=aggregate, expression=exp.Where(this=where))


def not_null(value: exp.Expr) -> exp.Expr:
    return exp.not_(exp.Is(this=value, expression=exp.null()))


def usable(register: Table, alias: str = "r") -> exp.Expr:
    """A register row that is counted: it has a unit id and a category (as the
    readers require)."""
    return exp.and_(*(not_null(register.column(c, alias)) for c in ("unit", "category")))


def dated(log: Table, alias: str = "l") -> exp.Expr:
    """A log row that can be counted: it has a unit id and a date."""
    return exp.and_(*(not_null(log.column(c, alias)) for c in ("unit", "date")))


def number(value: int) -> exp.Expr:
    """An integer literal."""
    return exp.Literal.number(value)


_RENDERED: dict[tuple[Hashable, str], str] = {}


def rendered(key: Hashable, build: Callable[[], exp.Expr], dialect: str) -> str:
    """A query's text in a dialect, built and rendered once per ``key`` (the
    queries are generated from rules and tables, not from data: a handful per
    process; at most 256 are kept)."""
    found = _RENDERED.get((key, dialect))
    if found is None:
        if len(_RENDERED) >= 256:
            _RENDERED.clear()
        found = _RENDERED[key, dialect] = build().sql(dialect=dialect)
    return found
