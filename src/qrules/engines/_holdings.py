"""What the tables hold, read before anything is counted: rows, the values in
the columns a row needs, the log's reach, and (unless they are trusted) the
keys a database may not enforce. See `summarize`.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Hashable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import attrs

from .._data import MISSING_MARKERS
from .._errors import DataError, Problem
from .._idnumbers import Numbers, from_statistics, number_sql, repeats_sql
from .._messages import Text, listed, say
from .._recordspec import FLAGS, RECORD_CODES
from .._results import Reconciliation
from ..records.doubts import VACANT
from ._builders import (
    CODED,
    MARKER_SPELLINGS,
    coded_filled,
    coded_rejected,
    count,
    dated,
    error_valued,
    filtered,
    lacks,
    marked,
    not_null,
    number,
    rejected_log,
    rejected_register,
    rendered,
    usable,
)
from ._spelled import (
    plain_heads,
    spelled,
    spelled_among,
    spelled_otherwise,
    spelled_somewhere,
)
from ._sqltext import exp, kept

if TYPE_CHECKING:
    from ._rejected import Rejections
    from .sql import Database, Table

__all__ = [
    "Summary",
    "plain_counts",
    "plain_named",
    "reconciliations",
    "summarize",
]


#: The dialects whose key check of tables without a row to reject is
#: `_lean_keys`, two plain passes over the log (Spark reads the log once for
#: each: it keeps `_keys`, one pass).
_LEAN = ("duckdb", "postgres")


@attrs.frozen
class Summary:
    """What the tables hold, before anything is counted: the register's rows and
    those without a unit id or category; the log's rows, those with a unit id and
    a date, and the first and last of those dates."""

    register_rows: int
    register_unusable: int
    log_rows: int = 0
    #: The log's rows that are counted: with a unit id and a date (and, when the
    #: keys are checked, a unit of the register).
    log_used: int = 0
    first_day: dt.date | None = None
    last_day: dt.date | None = None
    #: When the keys are checked: the log's rows with a unit id and a date whose
    #: unit is not in the register, and a few of those units.
    log_unknown: int = 0
    unknown_units: tuple[str, ...] = ()
    #: A watched table has rows to reject (found in the key check's pass).
    unclean: bool = False
    #: The log's columns (``kind``, ``result``) that a pass already made was
    #: asked about (`summarize`'s ``lacking``), each with whether a row lacks a
    #: value there as `lacking` asks it (with the keys checked, a value that is
    #: not one of the codes, `lacks`): the answer the doubts need of the log
    #: (`Doubts.told`), given without a query of its own.
    lacks: tuple[tuple[str, bool], ...] = ()
    #: The register's columns of `VACANT` in which no counted row lacks a value
    #: as `vacant` asks it (`Doubts.filled`), told by passes made already: a
    #: column without a NULL (`plain_counts`) whose codes are trusted (the keys
    #: trusted: a code is one of its set or NULL), or whose distinct values the
    #: key check's look found all values (`_codes_rejected`).
    filled: frozenset[str] = frozenset()
    #: Every log row has an inspection id, so that no two can be one inspection
    #: exported twice: with the keys trusted (a missing id is NULL), no NULL
    #: in the column, by the plain counts; with them checked (a missing id may
    #: be a marker, ``NA``), as DuckDB's statistics prove it (`ids_stated`),
    #: read by the key check's first look (`_heads`). ``False``: a row may
    #: lack one, and what could prove otherwise was read (`Doubts.stated`: not
    #: read again); ``None``: not known without asking.
    ids_given: bool | None = None


def plain_counts(
    database: Database,
    register: Table,
    log: Table | None,
    looks: tuple[Hashable, Callable[[], Sequence[exp.Expr]]] | None = None,
) -> tuple[Any, ...]:
    """The tables' plain counts (rows, unit ids and categories of the register;
    rows, unit ids and dates of the log, its first and last date, and its
    kinds and results), which a database can often answer from its
    statistics; then the values of ``looks`` (a key naming its inputs and a
    builder of scalar columns of the caller's: the tables' collations, asked
    in the same round trip)."""
    if looks is None:
        return tuple(database.fetch(_summary_sql(register, log, database.dialect, exact=False))[0])
    key, columns = looks

    def build(register: Table, log: Table | None) -> exp.Select:
        return _summary(register, log, exact=False).select(*columns())

    text = _summary_text(("summary looks", key), register, log, database.dialect, build)
    return tuple(database.fetch(text)[0])


def summarize(
    database: Database,
    register: Table,
    log: Table | None,
    *,
    check_keys: bool = False,
    exact_log: bool = False,
    plain: tuple[Any, ...] | None = None,
    lacking: frozenset[str] = frozenset(),
) -> Summary:
    """The tables' `Summary`.

    First from plain column counts, minima and maxima, which a database can
    often answer from its statistics without reading the rows (DuckDB does):
    exact whenever the unit ids of a table are all there, or (the register)
    its categories are. Only when both of a table's columns have gaps is a
    second, row-by-row pass run for the rows that have both.

    With ``check_keys``, one more pass checks what a database may not enforce:
    that a unit id is in one row of the register, and an inspection id (when
    the log has them) in one row of the log (`DataError` otherwise: they would
    be counted twice), and which log rows name a unit that is not in the
    register (not counted; the log's first and last dates are then those of
    the rows that are).

    ``lacking``: the log's columns (``kind``, ``result``) of which the doubts
    may ask whether a row lacks a value (`Summary.lacks`): answered in the
    key check's pass over every row of a watched log, which tests its codes
    already; with the keys trusted (a NULL is the only lack: see `lacking`),
    by the plain counts (the rows with a value in each).
    """
    summary = _tallies(
        database,
        register,
        log,
        log_exact=not check_keys,
        exact_log=exact_log,
        plain=plain,
        lacking=frozenset() if check_keys else lacking,
        trusted=not check_keys,
    )
    if not check_keys:
        return summary
    # (A missing id may be a marker: told by statistics, if at all, `_heads`.)
    summary = attrs.evolve(summary, ids_given=None)
    asked = lacking if log is not None and log.watched else frozenset()
    if database.dialect in _LEAN and register.checked and (log is None or log.checked):
        return _lean_checked(database, register, log, summary, asked)
    keys = functools.partial(_keys, dialect=database.dialect, lacking=asked)
    summary = attrs.evolve(summary, filled=frozenset())  # (no look at the values)
    return _checked(
        database, register, log, summary, _named(database, ("keys", asked), register, log, keys)
    )


def _named(
    database: Database,
    kind: Hashable,
    register: Table,
    log: Table | None,
    build: Callable[[Table, Table | None], exp.Select],
) -> dict[str, Any]:
    """The one row of one of the key check's queries, by its columns' names."""
    text = _summary_text(kind, register, log, database.dialect, build)
    found = database.fetch(text, again=True)[0]  # (run at every evaluation)
    names = kept(
        (f"{kind}: names", repr(register), repr(log)),
        lambda: ",".join(build(register, log).named_selects),
    ).split(",")
    return dict(zip(names, found, strict=True))


def _lean_checked(
    database: Database,
    register: Table,
    log: Table | None,
    summary: Summary,
    lacking: frozenset[str] = frozenset(),
) -> Summary:
    """`summarize`'s key check of tables without a row to reject (or watched),
    in queries shaped as one would check the keys by hand (`_lean_keys`): the
    same `Summary`, unclean flag and `DataError` as `_keys`. Its ids spelled
    otherwise are those of a first look over each whole column
    (`spelled_among`; on DuckDB, at their last characters only when its
    statistics prove the rest plain, `_heads`; the log's inspection ids not
    at all where a map of bits over their numbers tells their repeats,
    `_numbers_repeated`, whose count the ids' spelling is looked at for only
    when it is not none, `_exact_repeats`), and the values of the
    register's columns of few values are tested in Python (`_codes_rejected`):
    all asked again exactly, in SQL, when either finds any; the counted rows'
    reach and repeated inspection ids are those of all the rows, asked again
    (`_known_reach`) when a row of a unit not in the register could hold the
    first or last date or repeat an id. (``lacking``: `summarize`'s.)"""
    heads, numbers, given = _heads(database, register, log, summary)
    summary = attrs.evolve(summary, ids_given=given)
    lean = functools.partial(_lean_keys, dialect=database.dialect, heads=heads, lacking=lacking)
    row, values = _lean_row(
        database,
        ("lean keys", heads, numbers, lacking),
        register,
        log,
        functools.partial(lean, exact=False, numbers=numbers),
        look=register.watched and bool(_coded(register)),
        together=numbers is not None,
    )
    looked: frozenset[str] = frozenset()
    if not row["bad_units"] and values is not None:
        rejected, looked = _codes_rejected(database, register, values)
        if rejected:
            row = {**row, "bad_units": 1}
    # (The columns without a NULL whose values the look found all filled.)
    summary = attrs.evolve(summary, filled=summary.filled & looked)
    if row["bad_units"] or row.get("bad_inspections"):
        # Ids spelled otherwise at a first look: the exact test says which.
        row, _ = _lean_row(database, ("lean keys exact", lacking), register, log, lean)
    elif numbers is not None and row["repeated_inspections"]:
        # Inspection ids whose numbers repeat, or that have none
        # (`_numbers_repeated`): the ids compared, how many repeat, as stored,
        # so only once the look at their spelling the map of bits spared
        # (`_lean_keys`) finds none spelled otherwise; else the exact test.
        repeats = functools.partial(_exact_repeats, heads="log" in heads)
        row = {**row, **_named(database, ("repeats", heads), register, log, repeats)}
        if row["bad_inspections"]:
            row, _ = _lean_row(database, ("lean keys exact", lacking), register, log, lean)
    if log is None or row["bad_units"] or row["bad_inspections"]:
        return _checked(database, register, log, summary, row)
    unknown = int(row["unknown"])
    first, last = summary.first_day, summary.last_day
    if unknown and (
        first is None
        or last is None
        or row["unknown_first"] <= first
        or row["unknown_last"] >= last
        or row["repeated_inspections"]
    ):
        # A row of a unit not in the register may hold the first or last date,
        # or repeat an id of a counted row: the counted rows' own.
        reach = _named(database, "known reach", register, log, _known_reach)
        first, last = reach["first_day"], reach["last_day"]
        row = {**row, "repeated_inspections": reach["repeated_inspections"]}
    row = {**row, "used": summary.log_used - unknown, "first_day": first, "last_day": last}
    return _checked(database, register, log, summary, row)


#: The id columns a watched table's first look takes over the whole column
#: (`spelled_among`), by table.
_LOOKED = {"register": "unit", "log": "inspection"}

#: A table of fewer rows has its ids looked at whole (`_heads`): the look at
#: their first characters costs DuckDB about 6 ns a row, asking for the
#: statistics about 1 ms.
_HEADS_FROM = 250_000


def _heads(
    database: Database, register: Table, log: Table | None, summary: Summary
) -> tuple[tuple[str, ...], Numbers | None, bool | None]:
    """The tables (``register``, ``log``) whose id column at the lean key
    check's first look (`_LOOKED`) DuckDB's statistics prove ASCII with
    printable first characters (`plain_heads`): that look then takes only its
    values' last characters; and where the log's inspection ids' numbers lie,
    by the same statistics (`_idnumbers.from_statistics`), for that look to tell whether an id
    repeats by a map of bits; and whether they prove that every log row has an
    inspection id (`ids_stated`, `Summary.ids_given`; ``None`` where the log's
    were not read). One query reading one
    row of each table (DuckDB answers ``stats()`` as it plans it); none
    elsewhere, nor for a table of fewer than `_HEADS_FROM` rows or not
    watched, or whose id is not text."""
    if database.dialect != "duckdb":
        return (), None, None
    tables = {"register": (register, summary.register_rows), "log": (log, summary.log_rows)}
    looked = {
        kind: table
        for kind, (table, rows) in tables.items()
        if table is not None
        and rows >= _HEADS_FROM
        and table.watched
        and table.has(_LOOKED[kind])
        and table.type(_LOOKED[kind]) == "text"
    }
    if not looked:
        return (), None, None

    def statistics(register: Table, log: Table | None) -> exp.Select:
        return exp.select(
            *(
                exp.alias_(
                    exp.select(
                        exp.Anonymous(this="STATS", expressions=[table.raw(_LOOKED[kind], "t")])
                    )
                    .from_(table.ref("t"))
                    .limit(1)
                    .subquery(),
                    kind,
                )
                for kind, table in looked.items()
            )
        )

    found = database.fetch(
        _summary_text(("heads", tuple(looked)), register, log, database.dialect, statistics)
    )[0]
    stated = dict(zip(looked, found, strict=True))
    heads = tuple(kind for kind, value in stated.items() if plain_heads(value))
    numbers = from_statistics(stated["log"], summary.log_rows) if "log" in heads else None
    given = None if log is None or "log" not in stated else ids_stated(stated["log"], log)
    return heads, numbers, given


#: The most bytes of a missing marker (``暂无``: 6).
_LONGEST_MARKER = max(len(marker.encode()) for marker in MISSING_MARKERS)
#: The missing markers in ASCII, as `marked` finds them (``NA``, ``na``, ``-``, …).
_ASCII_MARKERS = tuple(m for m in MARKER_SPELLINGS if m.isascii())


def ids_stated(stated: object, log: Table) -> bool:
    """Whether ``stated``, DuckDB's statistics of the log's inspection ids (its
    ``stats()``, answered as it plans a query, reading no row), proves that
    every row has one: no NULL, and (text not read by qrules already) every
    value longer than a missing marker (``NA``, ``—``), or every value ASCII
    between a least and a greatest that leave no marker between them."""
    if not isinstance(stated, Mapping) or stated.get("has_null") is not False:
        return False
    if log.read or log.type("inspection") != "text":
        return True
    shortest = stated.get("min_string_length")
    if isinstance(shortest, int) and shortest > _LONGEST_MARKER:
        return True
    # (``J0`` to ``J999999``: the statistics keep a value's first bytes only,
    # the greatest is any value they begin.)
    least, greatest = stated.get("min"), stated.get("max")
    if stated.get("has_unicode") is not False:
        return False
    if not (isinstance(least, str) and isinstance(greatest, str) and least and greatest):
        return False
    if "\\" in least + greatest:  # (a control character, written escaped)
        return False
    return all(m < least or (m > greatest and not m.startswith(greatest)) for m in _ASCII_MARKERS)


def _checked(
    database: Database, register: Table, log: Table | None, summary: Summary, row: Mapping[str, Any]
) -> Summary:
    """The `Summary` with the key check's ``row`` (`_keys`' columns): unclean
    when a watched table has rows to reject; a `DataError` for repeated keys;
    else the log's rows counted, its reach, and the rows of units not in the
    register, with a few of those units."""
    dialect = database.dialect
    if row["bad_units"] or row.get("bad_inspections"):
        return attrs.evolve(summary, unclean=True)
    for table, extra, what, build, reader in (
        (register, row["repeated"], "unit", _duplicates, "read_register"),
        (log, row.get("repeated_inspections", 0), "inspection", _duplicate_inspections, "read_log"),
    ):
        if extra:
            assert table is not None
            shown = [
                str(u)
                for (u,) in database.fetch(
                    _summary_text(f"repeated {what}", register, log, dialect, build)
                )
            ]
            raise DataError(
                table.name,
                [
                    Problem(
                        table.name,
                        say(
                            f"engines.repeated_{what}",
                            ids=_some(shown, 10),
                            extra=extra,
                            s="" if extra == 1 else "s",
                        ),
                        hint=say(f"engines.repeated_{what}_hint", reader=reader),
                    )
                ],
            )
    if log is None:
        return summary
    lacks = tuple((c, bool(row[f"lacking_{c}"])) for c in _LACKING if f"lacking_{c}" in row)
    unknown, used, first, last = (
        int(row["unknown"]),
        int(row["used"]),
        row["first_day"],
        row["last_day"],
    )
    units = (
        tuple(
            str(u)
            for (u,) in database.fetch(_summary_text("unknown", register, log, dialect, _unknown))
        )
        if unknown
        else ()
    )
    return attrs.evolve(
        summary,
        log_used=used,
        first_day=first,
        last_day=last,
        log_unknown=unknown,
        unknown_units=units,
        lacks=lacks,
    )


def _some(units: Sequence[str], shown: int) -> Text:
    """Up to ``shown`` unit ids, quoted, and ``…`` when there are more (the
    queries ask for one more than is shown)."""
    return listed(map(repr, units), most=shown)


def _tallies(
    database: Database,
    register: Table,
    log: Table | None,
    *,
    log_exact: bool = True,
    exact_log: bool = False,
    plain: tuple[Any, ...] | None = None,
    lacking: frozenset[str] = frozenset(),
    trusted: bool = True,
) -> Summary:
    """`summarize` without the keys (``log_exact=False``: the log's counted rows
    and reach are left as the plain counts give them, when the key check will
    count them anyway; ``exact_log``: the log has rows qrules rejects, so its
    reach is counted row by row; ``plain``: `plain_counts`, when already read;
    ``lacking``: `Summary.lacks` of those columns, a NULL the only lack;
    ``trusted``: the keys and codes are, `Summary.filled`; else its columns
    without a NULL, for the key check to narrow)."""
    row = plain if plain is not None else plain_counts(database, register, log)
    rows, units, categories = (int(v) for v in row[:3])
    unusable = rows - min(units, categories) if rows in (units, categories) else None
    log_rows, log_units, dates = (int(v) for v in row[3:6]) if log is not None else (0, 0, 0)
    first, last = row[6:8] if log is not None else (None, None)
    inexact_log = log if log_exact and (log_units != log_rows or exact_log) else None
    if unusable is None or inexact_log is not None:
        exact = database.fetch(_summary_sql(register, inexact_log, database.dialect, exact=True))[0]
        unusable = int(exact[1])
        if inexact_log is not None:
            dates, first, last = int(exact[3]), exact[4], exact[5]
    named = plain_named(register, log, row)
    lacks: tuple[tuple[str, bool], ...] = ()
    if log is not None and lacking:
        # (A missing column: every row lacks it, as `lacking` asks.)
        lacks = tuple(
            (c, log_rows > 0 and (not log.has(c) or int(named[f"log_{c}s"]) < log_rows))
            for c in _LACKING
            if c in lacking
        )
    # (Columns without a NULL: filled when their codes are trusted, else when
    # the key check's look finds each of their values filled, `_lean_checked`.)
    filled = frozenset(
        c
        for c in VACANT
        if register.has(c)
        and int(named[f"register_{c}_values"]) == rows
        and (c in RECORD_CODES or not trusted)
    )
    ids_given = None if log is None else log.has("inspection") and int(named["log_ids"]) == log_rows
    return Summary(
        rows,
        unusable,
        log_rows,
        dates,
        first,
        last,
        lacks=lacks,
        filled=filled,
        ids_given=ids_given,
    )


def _summary_sql(register: Table, log: Table | None, dialect: str, *, exact: bool) -> str:
    return _summary_text(
        f"summary {exact}", register, log, dialect, functools.partial(_summary, exact=exact)
    )


def _summary_text(
    kind: Hashable,
    register: Table,
    log: Table | None,
    dialect: str,
    build: Callable[[Table, Table | None], exp.Query],
) -> str:
    """The text of one of the queries that read what the tables hold, generated
    once per kind, pair of tables and dialect."""
    return rendered((kind, repr(register), repr(log)), lambda: build(register, log), dialect)


def _known(register: Table, log: Table) -> exp.Expr:
    """A log row's unit is in a counted row of the register."""
    registered = (
        exp.select(register.column("unit", "r")).from_(register.ref("r")).where(usable(register))
    )
    return log.column("unit", "l").isin(query=registered)


def _keys(
    register: Table,
    log: Table | None,
    *,
    dialect: str = "",
    lacking: frozenset[str] = frozenset(),
) -> exp.Select:
    """One row: the register's rows that repeat a unit id; with a log, its rows
    (with a unit id and a date) whose unit is not in the register, those whose
    unit is, the first and last date of those, and those of them that repeat
    an inspection id (0 when the log has no inspection ids), and those
    lacking a value in each of ``lacking`` (`_lacking`). (``dialect``:
    `_coded_columns`'.)"""
    registers = _register_keys(register, dialect=dialect)
    if log is None:
        return registers
    return _side_by_side(registers, _log_keys(register, log, lacking))


def _register_keys(
    register: Table, *, exact: bool = True, dialect: str = "", heads: bool = False
) -> exp.Select:
    """One row: the register's counted rows that repeat a unit id, and (a
    watched register) those with codes, flags or markers to reject (``exact``;
    else more than 0 when a first look finds some: its unit ids spelled
    otherwise looked at over the whole column, `spelled_among`, with ``heads``
    proven: `_heads`)."""
    unit = register.column("unit", "r")
    bad: exp.Expr = number(0)
    if register.watched:
        # A watched table's ids, codes, flags and markers are checked in the
        # same pass: those of columns of few values once per distinct value.
        bad = count(rejected_register(register, "r", every=True, part="row", exact=exact))
        if not exact:
            # A first look: its unit ids spelled otherwise over the whole
            # column; the values of its columns of few values in Python
            # (`_codes_rejected`).
            respelled = spelled_among(register, "unit", "r", heads=heads)
            if respelled is not None:
                bad = exp.Add(this=bad, expression=respelled)
            return (
                exp.select(exp.alias_(_repeats(unit), "repeated"), exp.alias_(bad, "bad_units"))
                .from_(register.ref("r"))
                .where(usable(register))
            )
        coded = _coded_rejections(register, None, dialect=dialect)
        bad = exp.Add(this=bad, expression=coded.subquery())
    return (
        exp.select(exp.alias_(_repeats(unit), "repeated"), exp.alias_(bad, "bad_units"))
        .from_(register.ref("r"))
        .where(usable(register))
    )


def _coded(register: Table) -> dict[str, list[str]]:
    """The stored columns of a watched register's `CODED` columns that its key
    check tests (not a flag stored BOOLEAN without codes), each with the
    canonical columns it holds."""
    found: dict[str, list[str]] = {}
    for c in CODED:
        if register.has(c) and (
            c not in FLAGS or register.type(c) != "boolean" or register.codes.get(c)
        ):
            found.setdefault(register.columns[c], []).append(c)
    return found


#: At most this many distinct values of a watched register's `CODED` columns
#: are fetched and tested in Python (`_codes_rejected`); with more, SQL tests
#: their combinations (`_coded_rejections`).
_MOST_CODED = 10_000


def _codes_rejected(
    database: Database, register: Table, rows: Sequence[Sequence[Any]]
) -> tuple[bool, frozenset[str]]:
    """Whether a watched register may hold a counted row whose `CODED` columns
    `rejected_register` rejects: each column's distinct values, fetched in one
    pass (`_coded_values`' ``rows``), tested in Python (`coded_rejected`); when
    they are more than `_MOST_CODED`, tested in SQL (`_coded_rejections`). And
    its columns of `VACANT` whose values are each filled as `vacant` asks
    (`coded_filled`; a NULL aside: the plain counts count them), when fetched."""
    columns = _coded(register)
    if not columns:
        return False, frozenset()
    dialect = database.dialect
    if len(rows) > _MOST_CODED:  # too many to fetch: tested in SQL
        rejections = functools.partial(_coded_rejections, dialect=dialect)
        text = _summary_text("coded rejections", register, None, dialect, rejections)
        return bool(database.fetch(text)[0][0]), frozenset()
    held = list(columns.values())
    found = [
        (column, value)
        for row in rows
        for value, canonical in zip(row, held, strict=True)
        if value is not None
        for column in canonical
    ]
    unfilled = {c for c, value in found if c in VACANT and not coded_filled(register, c, value)}
    return (
        any(coded_rejected(register, c, value) for c, value in found),
        frozenset(c for c in VACANT if c not in unfilled and any(c in h for h in held)),
    )


def _coded_rejections(register: Table, log: Table | None, *, dialect: str = "") -> exp.Select:
    """One row: how many distinct combinations of a watched register's `CODED`
    columns' values (in its counted rows) `rejected_register` rejects."""
    values = (
        exp.select(*_coded_columns(register, dialect))
        .distinct()
        .from_(register.ref("r"))
        .where(usable(register))
    )
    # (A FILTER, not a WHERE, which a database would push below the DISTINCT.)
    return exp.select(count(rejected_register(register, "r", every=True, part="coded"))).from_(
        values.subquery("r")
    )


def _coded_values(register: Table, log: Table | None, *, dialect: str = "") -> exp.Select:
    """The distinct values, as stored, of a watched register's `CODED` columns
    in its counted rows: one row per value of one column (the others NULL; a
    NULL is never rejected), at most `_MOST_CODED` and one."""
    columns = _coded_columns(register, dialect)
    query = exp.select(*columns).from_(register.ref("r")).where(usable(register))
    grouped = [c.this if isinstance(c, exp.Alias) else c for c in columns]
    query.set(
        "group",
        exp.Group(
            grouping_sets=[
                exp.GroupingSets(expressions=[exp.Tuple(expressions=[c.copy()]) for c in grouped])
            ]
        ),
    )
    return query.limit(_MOST_CODED + 1)


#: The dialects whose text columns may have a collation of their own, and the
#: name of their binary one (compared byte for byte).
_BINARY = {"duckdb": "C", "postgres": "C"}


def _coded_columns(register: Table, dialect: str) -> list[exp.Expr]:
    """The stored columns of `_coded`, as their distinct values are taken: a
    text column under its dialect's binary collation (`_BINARY`), so that a
    collation of its own (DuckDB's NFC, NOACCENT or NOCASE, a nondeterministic
    ICU one in PostgreSQL) does not make one value of two it holds equal
    (``'é'`` and ``'e\u0301'``) and only that one tested: each is, as the test
    row by row and the readers read them."""
    binary = _BINARY.get(dialect)
    columns: list[exp.Expr] = []
    for stored, canonical in _coded(register).items():
        column = register.stored_column(stored, "r")  # (`Table.padded`: its text)
        if binary is not None and register.type(canonical[0]) == "text":
            column = exp.Collate(this=column, expression=exp.Identifier(this=binary, quoted=True))
        if not isinstance(column, exp.Column):
            column = exp.alias_(column, stored, quoted=True)
        columns.append(column)
    return columns


def _log_keys(register: Table, log: Table, lacking: frozenset[str] = frozenset()) -> exp.Select:
    """One row of the log's side of the key check (see `_keys`)."""
    known = exp.column("known", "k")
    date = exp.column("date", "k")

    def among(aggregate: exp.Expr) -> exp.Expr:
        return filtered(aggregate, known.copy())

    columns = [
        exp.alias_(log.column("date", "l"), "date"),
        exp.alias_(_known(register, log), "known"),
    ]
    repeated: exp.Expr = number(0)
    if log.has("inspection"):
        columns.append(exp.alias_(_inspection_id(log, "l"), "inspection"))
        inspection = exp.column("inspection", "k")
        repeated = exp.Sub(
            this=among(exp.Count(this=inspection)),
            expression=among(exp.Count(this=exp.Distinct(expressions=[inspection.copy()]))),
        )
    # A watched log's kinds and results are checked in the same pass.
    watched = log.watched and (log.has("kind") or log.has("result"))
    if watched:
        columns.append(exp.alias_(rejected_log(log, "l", every=True), "bad"))
    bad = count(exp.column("bad", "k")) if watched else number(0)
    # And its inspection ids, on every row: an id spelled otherwise repeats
    # another row's id to a reader whichever unit either row is of (a row of a
    # unit no rule counts can make a counted unit's later row the repeat).
    respelled = spelled_otherwise(log, "inspection", "l")
    if log.watched and respelled is not None:
        columns.append(exp.alias_(respelled, "respelled"))
        bad = exp.Add(this=bad, expression=count(exp.column("respelled", "k")))
    # And its unit ids, among the rows whose unit is not the register's (an id
    # spelled otherwise, or a missing marker, is one of those): tested there
    # only, not row by row.
    if log.watched and spelled_otherwise(log, "unit", "l") is not None:
        columns.append(exp.alias_(log.raw("unit", "l"), "stored_unit"))
        stored = exp.column("stored_unit", "k")
        # (A CASE, not an AND: a database skips the test on the register's units.)
        bad = exp.Add(
            this=bad,
            expression=count(
                exp.Case()
                .when(known.copy(), exp.false())
                .else_(
                    exp.or_(
                        spelled(stored, utf8=log.utf8),
                        marked(stored.copy()),
                        error_valued(stored.copy()),
                    )
                )
            ),
        )
    lacked = _lacking(log, lacking)
    # (Each row's lack tested beside its codes, in the same projection.)
    columns += [exp.alias_(test, name) for name, test in lacked]
    rows = exp.select(*columns).from_(log.ref("l")).where(dated(log))
    return exp.select(
        exp.alias_(count(exp.not_(known)), "unknown"),
        exp.alias_(count(known.copy()), "used"),
        exp.alias_(among(exp.Min(this=date)), "first_day"),
        exp.alias_(among(exp.Max(this=date.copy())), "last_day"),
        exp.alias_(repeated, "repeated_inspections"),
        exp.alias_(bad, "bad_inspections"),
        *(exp.alias_(count(exp.column(name, "k")), name) for name, _ in lacked),
    ).from_(rows.subquery("k"))


#: The columns whose lack a key check's pass may count (`_lacking`).
_LACKING = ("kind", "result")


def _lacking(log: Table, lacking: frozenset[str]) -> list[tuple[str, exp.Expr]]:
    """For each of ``lacking`` (`_LACKING`), the name of the key check's column
    counting the log's rows that lack a value there, and the test (`lacks`,
    as `lacking` asks it), in a watched log's pass (which tests its codes:
    DuckDB then tests each code against its set once for both)."""
    if not log.watched:
        return []
    return [(f"lacking_{c}", lacks(log, (c,))) for c in _LACKING if c in lacking]


#: The parts of the lean key check (`_lean_keys`).
_LEAN_PARTS = ("register", "unknown", "rows")


def _lean_row(
    database: Database,
    kind: Hashable,
    register: Table,
    log: Table | None,
    lean: Callable[..., exp.Select],
    *,
    look: bool = False,
    together: bool = False,
) -> tuple[dict[str, Any], Sequence[Sequence[Any]] | None]:
    """The lean key check's one row (`_keys`' columns, `_named`), its parts
    (`_LEAN_PARTS`: the register's, the log's rows of units not in it, every log
    row) asked in two queries: the register's and the log's rows of units not
    in it side by side, then every log row. (As one query, side by side, DuckDB
    keeps each part's hash tables until the query ends: its peak memory the
    sum of theirs, about 1.35 times the largest's, the log's distinct
    inspection ids, at 100,000 units; the first two parts' are the register's
    units, a tenth of it. DuckDB reads a register of one row group on one
    thread: the two parts and the look run side by side.) ``together``: every
    log row's part holds no hash table (its repeated ids told by a map of bits,
    `_numbers_repeated`), and is asked in the same query: one query less, and
    DuckDB runs the log's pass beside the register's. With ``look``, the look
    at the register's values (`_coded_values`' rows, given second) is asked
    with the first parts, as one query (`_beside_look`)."""
    register_part = functools.partial(lean, part="register")

    def first(register: Table, log: Table | None) -> exp.Select:
        if log is None:
            return register_part(register, log)
        parts = _side_by_side(register_part(register, log), lean(register, log, part="unknown"))
        if together:
            parts = _side_by_side(parts, lean(register, log, part="rows"))
        return parts

    values = None
    if look:
        row, values = _beside_look(database, (kind, "first"), register, log, first)
    else:
        row = _named(database, (kind, "first"), register, log, first)
    if log is not None:
        if not together:
            rows = functools.partial(lean, part="rows")
            row |= _named(database, (kind, "rows"), register, log, rows)
        row["bad_inspections"] = row["unknown_bad"] + row["rows_bad"]
    return row, values


def _beside_look(
    database: Database,
    kind: Hashable,
    register: Table,
    log: Table | None,
    build: Callable[[Table, Table | None], exp.Select],
) -> tuple[dict[str, Any], Sequence[Sequence[Any]]]:
    """The one row of ``build`` (a part of the register's key check, by its
    columns' names) and the rows of the look at the register's values
    (`_coded_values`), asked as one query: each reads the register, which
    DuckDB reads on one thread when it is one row group (100,000 rows), and
    runs the two side by side (about 6 ms less at 100,000 units)."""
    dialect = database.dialect

    def both(register: Table, log: Table | None) -> exp.Query:
        part = build(register, log)
        values = _coded_values(register, log, dialect=dialect)
        names, looked = part.named_selects, values.named_selects
        first = exp.select(
            exp.alias_(number(0), "qrules_part"),
            *(exp.column(n, "s") for n in names),
            *(exp.alias_(exp.null(), f"qrules_v{i}") for i in range(len(looked))),
        ).from_(part.subquery("s"))
        second = exp.select(
            number(1),
            *(exp.null() for _ in names),
            *(exp.column(n, "t", quoted=True) for n in looked),
        ).from_(values.subquery("t"))
        return exp.union(first, second, distinct=False)

    text = _summary_text(("beside look", kind), register, log, dialect, both)
    rows = database.fetch(text, again=True)  # (run at every evaluation)
    names = kept(
        (f"{kind}: names", repr(register), repr(log)),
        lambda: ",".join(build(register, log).named_selects),
    ).split(",")
    [found] = [r[1 : 1 + len(names)] for r in rows if r[0] == 0]
    values = [r[1 + len(names) :] for r in rows if r[0] != 0]
    return dict(zip(names, found, strict=True)), values


def _lean_keys(
    register: Table,
    log: Table | None,
    *,
    part: str,
    exact: bool = True,
    dialect: str = "",
    heads: tuple[str, ...] = (),
    lacking: frozenset[str] = frozenset(),
    numbers: Numbers | None = None,
) -> exp.Select:
    """One ``part`` of `_keys` for tables without a row to reject (their rows
    all counted; `_lean_row`): the register's (`_register_keys`), and the log's
    as two plain passes rather than one row by row with whether its unit is
    the register's. The rows whose unit is not in the register (``unknown``,
    an anti-join: how many, their first and last date, and, watched, whether
    one's id is spelled otherwise); and every row (``rows``: inspection ids
    repeated, and, watched, codes to reject or inspection ids spelled
    otherwise). ``exact``: ids spelled otherwise as `spelled` finds them, else
    at its first look (the rows to reject, and perhaps others; ``heads``: the
    tables whose ids' first characters need no look, `_heads`; ``lacking``:
    the rows lacking a value in each of them counted too, `_lacking`;
    ``numbers``: where the inspection ids' numbers lie, their repeats then
    counted by a map of bits, at least as many as the ids', `_numbers_repeated`).
    (``dialect``: `_coded_columns`'.)"""
    if part == "register":
        return _register_keys(register, exact=exact, dialect=dialect, heads="register" in heads)
    assert log is not None
    if part == "unknown":
        return _unknown_keys(register, log, exact=exact, dialect=dialect)
    repeated: exp.Expr = number(0)
    if log.has("inspection") and numbers is not None and not exact:
        # (As stored: a marker has no number, and sends the ids to `_repeats`.)
        repeated = _numbers_repeated(log.column("inspection", "l"), numbers)
    elif log.has("inspection"):
        repeated = _repeats(_inspection_id(log, "l"))
    bad: exp.Expr = number(0)
    if log.watched:
        tests = [rejected_log(log, "l", every=True, exact=exact)]
        respelled = spelled_otherwise(log, "inspection", "l") if exact else None
        if respelled is not None:
            tests.append(respelled)
        bad = count(exp.or_(*tests))
        # (Its first look: over the whole column. With a map of bits, none:
        # `_numbers_repeated`.)
        among = None
        if not exact and numbers is None:
            among = spelled_among(log, "inspection", "l", heads="log" in heads)
        if among is not None:
            bad = exp.Add(this=bad, expression=among)
    rows = exp.select(
        exp.alias_(repeated, "repeated_inspections"),
        exp.alias_(bad, "rows_bad"),
        *(exp.alias_(count(test), name) for name, test in _lacking(log, lacking)),
    )
    if log.has("inspection") or log.watched:  # (else a row of zeros, reading nothing)
        rows = rows.from_(log.ref("l")).where(dated(log))
    return rows


def _exact_repeats(register: Table, log: Table | None, *, heads: bool = False) -> exp.Select:
    """How many rows of the log repeat an inspection id (`_lean_keys`' rows:
    its dated ones), the ids compared as stored; and (``bad_inspections``)
    whether one may be spelled otherwise, which the map of bits did not look
    at (`_numbers_repeated`; ``heads``: `spelled_among`'s), the ids then to be
    compared as the readers read them."""
    assert log is not None
    spelled = spelled_among(log, "inspection", "l", heads=heads) if log.watched else None
    return (
        exp.select(
            exp.alias_(_repeats(_inspection_id(log, "l")), "repeated_inspections"),
            exp.alias_(number(0) if spelled is None else spelled, "bad_inspections"),
        )
        .from_(log.ref("l"))
        .where(dated(log))
    )


def _unknown_keys(register: Table, log: Table, *, exact: bool, dialect: str = "") -> exp.Select:
    """`_lean_keys`' log rows of units not in the register. On DuckDB, the
    log's distinct units first, then the rows of those the register lacks
    (`_unknown_units`): an empty build side, as clean tables have, spares the
    probe of every row, which costs DuckDB more than grouping them."""
    date = log.column("date", "l")
    units = (
        exp.select(exp.alias_(register.column("unit", "r"), "unit"))
        .from_(register.ref("r"))
        .where(usable(register))
    )
    bad: exp.Expr = number(0)
    if log.watched and spelled_otherwise(log, "unit", "l") is not None:
        # (An id spelled otherwise, a missing marker or an Excel error value's
        # text: no unit id, `rejected_log`.)
        stored = log.raw("unit", "l")
        unread = exp.or_(marked(stored.copy()), error_valued(stored.copy()))
        bad = (
            count(exp.or_(spelled(stored, utf8=log.utf8), unread))
            if exact
            else exp.Add(this=spelled_somewhere(stored, utf8=log.utf8), expression=count(unread))
        )
    chosen = exp.select(
        exp.alias_(count(), "unknown"),
        exp.alias_(exp.Min(this=date), "unknown_first"),
        exp.alias_(exp.Max(this=date.copy()), "unknown_last"),
        exp.alias_(bad, "unknown_bad"),
    ).from_(log.ref("l"))
    if dialect == "duckdb":
        return chosen.where(
            exp.and_(
                dated(log),
                log.column("unit", "l").isin(query=_unknown_units(units, log)),
            )
        )
    return _lacked(chosen, log.column("unit", "l"), units, dated(log))


def _unknown_units(units: exp.Select, log: Table) -> exp.Select:
    """The log's units (of rows that can be counted) that ``units`` (the
    register's usable units, as ``unit``) lack: its distinct units, an
    anti-join."""
    logged = (
        exp.select(exp.alias_(log.column("unit", "l"), "unit"))
        .distinct()
        .from_(log.ref("l"))
        .where(dated(log))
    )
    chosen = exp.select(exp.column("unit", "qrules_u")).from_(logged.subquery("qrules_u"))
    return _lacked(chosen, exp.column("unit", "qrules_u"), units)


def _lacked(
    query: exp.Select, unit: exp.Expr, units: exp.Select, where: exp.Expr | None = None
) -> exp.Select:
    """``query``'s rows (and ``where``) whose ``unit`` ``units`` (the
    register's usable units, as ``unit``) lack: a left join kept where it
    finds none, an anti-join on every database, where a correlated NOT EXISTS
    is planned by some as a join per distinct unit."""
    matched = exp.column("unit", "qrules_r")
    lacking = exp.Is(this=matched.copy(), expression=exp.null())
    return query.join(units.subquery("qrules_r"), join_type="left", on=matched.eq(unit)).where(
        lacking if where is None else exp.and_(where, lacking)
    )


def _known_reach(register: Table, log: Table | None) -> exp.Select:
    """One row: the first and last date of the log's rows whose unit is in the
    register, and how many of them repeat an inspection id."""
    assert log is not None
    date = log.column("date", "l")
    repeated: exp.Expr = number(0)
    if log.has("inspection"):
        repeated = _repeats(_inspection_id(log, "l"))
    return (
        exp.select(
            exp.alias_(exp.Min(this=date), "first_day"),
            exp.alias_(exp.Max(this=date.copy()), "last_day"),
            exp.alias_(repeated, "repeated_inspections"),
        )
        .from_(log.ref("l"))
        .where(exp.and_(dated(log), _known(register, log)))
    )


def _side_by_side(registers: exp.Select, logs: exp.Select, *, last: int = 0) -> exp.Select:
    """The one row of each of two one-row queries (the register's, the log's), as
    one row: one round trip for both (the register's ``last`` columns after the
    log's)."""
    names = registers.named_selects
    first, after = names[: len(names) - last], names[len(names) - last :]
    return (
        exp.select(
            *(exp.column(c, "s") for c in first),
            *(exp.column(c, "g") for c in logs.named_selects),
            *(exp.column(c, "s") for c in after),
        )
        .from_(registers.subquery("s"))
        .join(logs.subquery("g"), join_type="cross")
    )


def _repeats(column: exp.Expr) -> exp.Expr:
    """How many more rows than distinct values of ``column`` (NULLs aside)."""
    return exp.Sub(
        this=exp.Count(this=column),
        expression=exp.Count(this=exp.Distinct(expressions=[column.copy()])),
    )


def _inspection_id(log: Table, alias: str) -> exp.Expr:
    """A log's inspection id as the readers read it where ids repeat: a
    missing marker (``NA``, ``—``: `marked`) is no id, repeating none."""
    column = log.column("inspection", alias)
    if log.read:  # (its markers read as missing already)
        return column
    return exp.Case().when(marked(column.copy()), exp.null()).else_(column)


def _numbers_repeated(column: exp.Expr, numbers: Numbers) -> exp.Expr:
    """How many more ids of ``column`` than distinct numbers among them, told
    by a map of a bit for each number (`_idnumbers.repeats_sql`), not a hash
    table of the ids: at least the ids' own repeats, so none when it is none;
    else the exact count (`_repeats`) says how many. (DuckDB only.)

    At least the repeats of the ids as the readers read them, too, with no
    look at their spelling (`spelled_among`): there is a map only where
    DuckDB's statistics prove the ids ASCII, their first characters printable
    (`_heads`), so a reader reads one trimmed at its end only (`normal`), or
    missing (a marker, which has no number); two ids it reads alike then
    differ only by white space after the same characters, which DuckDB's
    cast either passes over (a space, a tab, a line end: the same number) or
    refuses (``\x1c`` to ``\x1f``: no number, counted as a repeat). Where
    the count is not none, the ids are compared as stored once that look
    finds none spelled otherwise (`_exact_repeats`)."""
    ids = column.sql(dialect="duckdb")
    text = repeats_sql(ids, number_sql(ids, numbers.skip), numbers.low, numbers.high)
    return exp.maybe_parse(text, dialect="duckdb")


def _repeated(table: Table, value: exp.Expr, alias: str, where: exp.Expr) -> exp.Select:
    """Eleven values of a column (``value``: as read) that are in more than one
    of the rows ``where`` holds (ten are shown)."""
    return (
        exp.select(exp.alias_(exp.cast(value, "VARCHAR"), "id"))
        .from_(table.ref(alias))
        .where(exp.and_(where, not_null(value.copy())))
        .group_by(value.copy())
        .having(exp.GT(this=count(), expression=number(1)))
        .order_by(exp.column("id"))
        .limit(11)
    )


def _duplicates(register: Table, log: Table | None) -> exp.Select:
    """Unit ids in more than one counted row of the register."""
    return _repeated(register, register.column("unit", "r"), "r", usable(register))


def _duplicate_inspections(register: Table, log: Table | None) -> exp.Select:
    """Inspection ids in more than one counted row of the log."""
    assert log is not None
    return _repeated(
        log, _inspection_id(log, "l"), "l", exp.and_(dated(log), _known(register, log))
    )


def _unknown(register: Table, log: Table | None) -> exp.Select:
    """Six unit ids of the log that are not in the register (five are shown)."""
    assert log is not None
    return (
        exp.select(exp.alias_(exp.cast(log.column("unit", "l"), "VARCHAR"), "unit"))
        .distinct()
        .from_(log.ref("l"))
        .where(exp.and_(dated(log), exp.not_(_known(register, log))))
        .order_by(exp.column("unit"))
        .limit(6)
    )


def _summary(register: Table, log: Table | None, *, exact: bool) -> exp.Select:
    """One row: ``exact``, the `Summary`'s columns, counted row by row; else the
    rows, and the values in the columns that decide them (the register's unit
    ids and categories; the log's unit ids and dates, with the first and last
    date): one pass over each table either way."""
    unit, category = register.column("unit", "r"), register.column("category", "r")
    if exact:
        columns = [
            ("register_rows", count()),
            ("register_unusable", count(exp.not_(usable(register)))),
        ]
    else:
        columns = [
            ("register_rows", count()),
            ("register_units", exp.Count(this=unit)),
            ("register_categories", exp.Count(this=category)),
        ]
    extras = [] if exact else _plain_registers(register)
    registers = exp.select(*(exp.alias_(e, n) for n, e in [*columns, *extras])).from_(
        register.ref("r")
    )
    if log is None:
        return registers
    date = log.column("date", "l")
    if exact:
        logged = [
            ("log_rows", count()),
            ("log_used", count(dated(log))),
            ("first_day", filtered(exp.Min(this=date.copy()), dated(log))),
            ("last_day", filtered(exp.Max(this=date.copy()), dated(log))),
        ]
    else:
        logged = [
            ("log_rows", count()),
            ("log_units", exp.Count(this=log.column("unit", "l"))),
            ("log_dates", exp.Count(this=date.copy())),
            ("first_day", exp.Min(this=date.copy())),
            ("last_day", exp.Max(this=date.copy())),
            # (The rows with a kind, a result: whether a NULL lacks one, `_tallies`.)
            *((f"log_{c}s", exp.Count(this=log.raw(c, "l"))) for c in _LACKING if log.has(c)),
            # (The rows with an inspection id: `Summary.ids_given`.)
            *(
                [("log_ids", exp.Count(this=log.raw("inspection", "l")))]
                if log.has("inspection")
                else []
            ),
        ]
    return _side_by_side(
        registers,
        exp.select(*(exp.alias_(e, n) for n, e in logged)).from_(log.ref("l")),
        last=len(extras),
    )


def _plain_registers(register: Table) -> list[tuple[str, exp.Expr]]:
    """The register's plain counts asked after the log's (`plain_counts`, its
    row read by name, `plain_named`): its latest registration (a DATE or
    TIMESTAMP column: a text one is read row by row anyway) and its first,
    the first and last closing (dates the readers read: `out_of_years`), and the rows with
    a value in each of its columns of `VACANT` (`Summary.filled`)."""
    found: list[tuple[str, exp.Expr]] = []
    if register.has("registered") and register.type("registered") != "text":
        registered = register.column("registered", "r")
        found.append(("last_registered", exp.Max(this=registered)))
        # (Its first, and the first and last closing: in the years read, `out_of_years`.)
        found.append(("first_registered", exp.Min(this=registered.copy())))
    if register.has("closed") and register.type("closed") != "text":
        closed = register.column("closed", "r")
        found += [
            ("first_closed", exp.Min(this=closed)),
            ("last_closed", exp.Max(this=closed.copy())),
        ]
    found += [
        (f"register_{c}_values", exp.Count(this=register.raw(c, "r")))
        for c in sorted(VACANT)
        if register.has(c)
    ]
    return found


def plain_named(register: Table, log: Table | None, row: Sequence[Any]) -> dict[str, Any]:
    """`plain_counts`' row (without the caller's ``looks``), by its columns' names."""
    names = kept(
        ("summary names", repr(register), repr(log)),
        lambda: ",".join(_summary(register, log, exact=False).named_selects),
    ).split(",")
    return dict(zip(names, row, strict=True))


def _unregistered(
    table: str, rows: int, units: Sequence[str], of_rejected: int, rejected_units: Sequence[str]
) -> list[Problem]:
    """The problems naming a log's ``rows`` counted rows whose unit is not a
    counted register row's (``units``: six of them): those ``of_rejected``
    whose unit's register row was rejected (six of them, ``rejected_units``)
    said apart, as the readers say them (the unit is in the register)."""
    said = []
    if of_rejected:
        said.append(
            say(
                "engines.rejected_units",
                count=of_rejected,
                ids=_some(rejected_units, 5),
                s="" if of_rejected == 1 else "s",
            )
        )
    if rows > of_rejected:
        said.append(say("engines.unknown_units", count=rows - of_rejected, ids=_some(units, 5)))
    return [Problem(table, s) for s in said]


def reconciliations(
    register: Table, log: Table | None, summary: Summary, rejected: Rejections
) -> tuple[Reconciliation, ...]:
    """How the tables' rows were counted: rows qrules rejects (each named with
    its reason) are not; nor, when the keys are checked, log rows of units that
    are not in the register."""
    rows = summary.register_rows
    tables = [
        Reconciliation(
            register.name,
            "register",
            rows,
            rows - rejected.register_rows,
            rejected.register_rows,
            rejected.register_problems,
        )
    ]
    if log is not None:
        rows, unknown = summary.log_rows, summary.log_unknown
        problems = list(rejected.log_problems)
        if unknown:
            problems += _unregistered(
                log.name,
                unknown,
                rejected.units_unknown if rejected.log_of_rejected else summary.unknown_units,
                rejected.log_of_rejected,
                rejected.units_of_rejected,
            )
        used = rows - rejected.log_rows - unknown
        tables.append(
            Reconciliation(
                log.name, "log", rows, used, rows - used, tuple(problems), rejected.log_notes
            )
        )
    return tuple(tables)
