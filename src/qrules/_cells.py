"""What an empty cell is, for every reader of tables: a value that is
`missing` (nothing, NaN, NaT, pandas' NA) and a cell that is `blank` (missing,
or text of white space only).

One definition below every reader: the figures reader (`_figures`), the
records readers (`records.read`) and the merged cells of a sheet (`_xlsx`)
pass over the same blank rows and fill the same blank cells.
"""

from __future__ import annotations

__all__ = ["blank", "missing"]


def missing(value: object) -> bool:
    """Whether a value is no value: ``None``, NaN, NaT or pandas' NA."""
    if value is None:
        return True
    try:
        return bool(value != value)  # noqa: PLR0124 (NaN and NaT are not equal to themselves)
    except (TypeError, ValueError):
        return True  # pandas' NA refuses to be a truth value


def blank(value: object) -> bool:
    """Whether a cell is blank: `missing`, or text of white space only
    (``"  "``). A marker of a missing figure (``—``, ``NA``) is not blank: it is
    written, and each reader reads it as missing in its own place."""
    if type(value) is str:  # the common case first: a sheet's cells are text
        return not value.strip()
    return missing(value) or (isinstance(value, str) and not value.strip())
