"""Small sqlglot expression builders that the generated queries share."""

from __future__ import annotations

import datetime as dt

from sqlglot import exp

__all__ = ["count", "date_literal", "number"]


def date_literal(day: dt.date) -> exp.Expr:
    """A DATE literal."""
    return exp.cast(exp.Literal.string(day.isoformat()), "DATE")


def count(where: exp.Expr | None = None) -> exp.Expr:
    """``COUNT(*)``, of the rows ``where`` holds when given (``FILTER``)."""
    counted = exp.Count(this=exp.Star())
    return counted if where is None else exp.Filter(this=counted,
                                                    expression=exp.Where(this=where))


def number(value: int) -> exp.Expr:
    """An integer literal."""
    return exp.Literal.number(value)
