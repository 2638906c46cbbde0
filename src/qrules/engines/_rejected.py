"""Rows of tables judged in place that qrules would reject: found in SQL, read
in Python.

A table in a database holds rows that a reader would reject (a text date that
does not parse, a flag that is neither yes nor no, a code outside its set, a
date after the log's end). The generated SQL finds them (`rejected_register`,
`rejected_log`) and leaves them out of the counts; this module fetches them,
with the row number a reader gives them (the first row is row 1), and reads
them with the readers' own code (`read_register`, `read_log`), so that each is
rejected for the reason a file reader gives and bounds the counts exactly as
on the reference engine (`qrules.records.doubts`). Nothing is fetched from clean
tables but one count.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import itertools
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import attrs

from .._errors import DataError, Problem
from .._messages import say
from .._model import Text
from .._recordspec import RECORD_CODES
from ..records.doubts import (
    RejectedInspection,
    RejectedUnit,
    Repeated,
    Repeats,
    Unset,
    Vacant,
    repeated_rows,
    unset_rows,
    vacant_units,
)
from ..records.prepare import without_doubtful_dates, without_doubtful_registrations
from ..records.read import (
    READ_DAYS,
    ColumnMapping,
    Inspection,
    Register,
    UnitRecord,
    fetched_rows,
    read_log,
    read_register,
    unit_rejected,
)
from ._builders import (
    count,
    dated,
    lacks,
    marked,
    number,
    rejected_log,
    rejected_register,
    staged_ids,
    usable,
)
from ._holdings import ids_stated, plain_counts, plain_named
from ._spelled import TEXT_COLUMNS, read_otherwise
from ._sqltext import exp, rendered, spoken

if TYPE_CHECKING:
    from .sql import Database, Staged, Table

__all__ = [
    "LIMIT",
    "Rejections",
    "Staging",
    "lacking",
    "placed",
    "rejections",
    "repeats",
    "vacant",
]

#: At most this many rejected rows of a table are read; more is a `DataError`.
LIMIT = 100_000
_ROW = "qrules_row"


@attrs.frozen
class Rejections:
    """The rows of a register and a log table that qrules rejects, read."""

    register_rows: int = 0
    log_rows: int = 0
    units: tuple[RejectedUnit, ...] = ()
    inspections: tuple[RejectedInspection, ...] = ()
    register_problems: tuple[Problem, ...] = ()
    log_problems: tuple[Problem, ...] = ()
    log_notes: tuple[Text, ...] = ()
    #: The tables are to be counted as they are, watched (see `rejections`).
    watched: bool = False
    #: The tables' `plain_counts`, when read and still true of what is counted.
    plain: tuple[Any, ...] | None = None
    #: The log's inspection ids that a row spells otherwise (`Table.twins`).
    twins: frozenset[str] = attrs.field(default=frozenset(), repr=False)
    #: The register's unit ids that a rejected row gives (as a reader reads
    #: it) and a counted row stores (`Table.twins`).
    register_twins: frozenset[str] = attrs.field(default=frozenset(), repr=False)
    #: The tables staged of the twins' ids (`Table.twins_at`): the log's, the register's.
    twins_at: Staged | None = None
    register_twins_at: Staged | None = None
    #: Of the log's counted rows whose unit is not a counted register row's
    #: (`Summary.log_unknown`), those whose unit is a rejected register row's,
    #: and a few of those units: the unit is in the register, its row was
    #: rejected (as a reader says, `records.rejected_unit`).
    log_of_rejected: int = 0
    units_of_rejected: tuple[str, ...] = ()
    #: A few of the other units of such rows, not in the register at all (when
    #: ``log_of_rejected``: the summary's few would mix the two).
    units_unknown: tuple[str, ...] = ()


#: What a table staged is named by in the queries' text (`Staging`): then
#: its number in the evaluation. A hyphen no table name qrules reads has
#: (`qrules._tabular.IDENTIFIER`), so that no table of the user's is taken for it.
_PLACEHOLDER = "qrules-staged-"


class Staging:
    """The tables of ids an evaluation stages (`Database.stage`: the twins'
    ids, read by a semi-join, `Table.twins_at`), each dropped when the
    block ends, however it ends.

    Each is named in the queries by a placeholder (`_PLACEHOLDER` and its
    number in the evaluation), never by its random name, so that a query's
    kept text (`rendered`) is the same at every call: the database `placing`
    gives puts the name in the placeholder's place as each query runs."""

    def __init__(self) -> None:
        self._made: list[tuple[Database, str]] = []
        self._names: dict[str, str] = {}

    def __call__(self, database: Database, values: Iterable[str]) -> Staged:
        ids = sorted(values)
        name = database.stage(ids)
        if name is None:  # (a session that may make no table: the ids in the query)
            return tuple(ids)
        self._made.append((database, name))
        placeholder = f"{_PLACEHOLDER}{len(self._names)}"
        self._names[placeholder] = name
        return placeholder

    def placing(self, database: Any) -> Any:
        """``database``, each query it runs with the staged tables' names in
        their placeholders' places."""
        return _Placing(database, self._names)

    def __enter__(self) -> Staging:
        return self

    def __exit__(self, *raised: object) -> None:
        while self._made:
            database, name = self._made.pop()
            # (After a failure, a driver's own: the error raised is the first.)
            with contextlib.suppress(Exception):
                database.unstage(name)
        self._names.clear()


class _Placing:
    """A `Database` whose queries name the tables staged by their placeholders
    (`Staging`); every other attribute is the database's own."""

    def __init__(self, database: Any, names: dict[str, str]) -> None:
        self._database = database
        self._names = names

    def __getattr__(self, name: str) -> Any:
        return getattr(self._database, name)

    def _placed(self, sql: str) -> str:
        if not self._names or _PLACEHOLDER not in sql:
            return sql  # (no table staged: the text as it is, unread)
        return placed(sql, self._names, self._database.dialect)

    def fetch(self, sql: str, *, again: bool = False) -> Sequence[Sequence[Any]]:
        placed = self._placed(sql)
        # (A text naming a table staged for this evaluation is not run again.)
        return self._database.fetch(placed, again=again and placed is sql)  # type: ignore[no-any-return]

    def stream(self, sql: str) -> Iterable[Sequence[Any]]:
        return self._database.stream(self._placed(sql))  # type: ignore[no-any-return]

    def execute(self, sql: str) -> None:
        self._database.execute(self._placed(sql))

    def columns(self, sql: str) -> list[tuple[str, str]]:
        return self._database.columns(self._placed(sql))  # type: ignore[no-any-return]


def placed(sql: str, names: Mapping[str, str], dialect: str) -> str:
    """``sql`` with each table read ``FROM`` a placeholder of ``names`` read
    from the table it stands for (``schema.table`` allowed): found by
    sqlglot's tokenizer as a quoted name right after ``FROM``, so that a
    string, a column or a user's table that spells the placeholder is left
    as it is."""
    # (sqlglot imported only with tables staged.)
    from sqlglot import TokenType  # noqa: PLC0415
    from sqlglot.dialects.dialect import Dialect  # noqa: PLC0415

    tokens = Dialect.get_or_raise(spoken(dialect)).tokenize(sql)
    parts: list[str] = []
    at = 0
    for before, token in itertools.pairwise(tokens):
        name = names.get(token.text)
        if (
            name is None
            or token.token_type != TokenType.IDENTIFIER
            or before.token_type != TokenType.FROM
        ):
            continue
        *schema, table = name.split(".")
        source = exp.table_(table, db=schema[0] if schema else None, quoted=True)
        parts += [sql[at : token.start], source.sql(dialect=spoken(dialect))]
        at = token.end + 1
    return "".join(parts) + sql[at:]


def _limited(table: Table, where: exp.Expr, alias: str) -> exp.Select:
    found = exp.select(number(1)).from_(table.ref(alias)).where(where).limit(LIMIT + 1)
    return exp.select(exp.Count(this=exp.Star())).from_(found.subquery("x"))


def _numbered(table: Table, alias: str, dialect: str) -> exp.Select:
    """The table's columns qrules reads, as stored, and each row's number (in the
    order a scan gives them, as `read_register` numbers a table's rows)."""
    columns = [
        exp.alias_(table.stored_column(stored, alias), stored, quoted=True)
        if table.reread(stored)
        else exp.column(stored, alias, quoted=True)
        for stored in dict.fromkeys(table.columns.values())
    ]
    window = exp.Window(this=exp.RowNumber())
    if dialect == "spark":  # Spark numbers rows only over an order: the scan's
        window = exp.Window(
            this=exp.RowNumber(),
            order=exp.Order(
                expressions=[exp.Ordered(this=exp.Anonymous(this="monotonically_increasing_id"))]
            ),
        )
    numbered = exp.alias_(window, _ROW)
    return exp.select(*columns, numbered).from_(table.ref(alias))


def _too_many(name: str, what: str) -> DataError:
    """More than `LIMIT` rows to read of a table: ``what`` they are
    (``rejected``, or ``lacking`` a kind or result)."""
    return DataError(
        name,
        [
            Problem(
                name,
                say(f"engines.too_many_{what}", limit=LIMIT),
                hint=say(f"engines.too_many_{what}_hint"),
            )
        ],
    )


def _fetch(
    database: Database,
    table: Table,
    where: exp.Expr | Callable[[], exp.Expr],
    alias: str,
    extra: Sequence[exp.Expr] = (),
    limit: int | None = None,
    key: Hashable | None = None,
) -> tuple[list[str], list[Sequence[Any]]]:
    """The rows ``where`` holds, numbered (``key``: naming every input of the
    query, its text kept: ``where`` is then a builder, called only to make it)."""
    stored = list(dict.fromkeys(table.columns.values()))

    def build() -> exp.Select:
        inner = _numbered(table, alias, database.dialect).subquery(alias)
        query = (
            exp.select(
                *(exp.column(c, alias, quoted=True) for c in stored),
                exp.column(_ROW, alias),
                *extra,
            )
            .from_(inner)
            .where(where() if callable(where) else where)
            .order_by(exp.column(_ROW, alias))
        )
        return query if limit is None else query.limit(limit)

    if key is not None:
        return stored, list(database.fetch(rendered(key, build, database.dialect)))
    return stored, list(database.fetch(build().sql(dialect=spoken(database.dialect))))


def rejections(
    database: Database,
    register: Table,
    log: Table | None,
    mapping: ColumnMapping,
    *,
    strict: bool = False,
    watch: bool = True,
    plain: tuple[Any, ...] | None = None,
    declared: bool = True,
    staging: Staging,
) -> Rejections:
    """The rows of the tables that qrules rejects (``strict``: a `DataError` if any).
    ``declared``: the log's last day (`Table.until`) was declared, not today's
    (a doubtful date is said to be after the one or the other). ``staging``:
    where the twins' ids are staged, for as long as the tables are judged.

    With ``watch``, a table is checked row by row here only when its plain
    counts and latest date (which a database answers from its statistics) show
    rows to reject, or its dates are text; otherwise `Rejections.watched` says
    that its codes, flags and markers are to be checked in the key check's pass
    (`Table.watched`), and this is called again with ``watch=False`` if they
    show any. (``plain``: the tables' `plain_counts`, read already.)
    """
    dialect = database.dialect

    row = plain if plain is not None else plain_counts(database, register, log)
    # (``strict``: every row is looked at here, `_log_fetched`.)
    watched = watch and not strict and _clean_at_a_glance(register, log, row)
    if watched:
        return Rejections(watched=True, plain=row)
    found = [
        int(
            database.fetch(
                _limited(register, rejected_register(register), "r").sql(dialect=spoken(dialect))
            )[0][0]
        )
    ]
    if log is not None:
        found.append(
            int(
                database.fetch(
                    _limited(log, _log_fetched(register, log, strict=strict), "l").sql(
                        dialect=spoken(dialect)
                    )
                )[0][0]
            )
        )
    if not any(found):
        return Rejections()
    for table, many in zip((register, log), found, strict=False):
        if table is not None and many > LIMIT:
            raise _too_many(table.name, "rejected")
    result = Rejections()
    if found[0]:
        register, header, rows = _register_fetched(database, register, staging)
        read = read_register(
            fetched_rows(register.name, header, [(r[-1], r[:-1]) for r in rows]), mapping=mapping
        )
        if register.until is not None:  # (units registered after today: doubtful dates)
            read = without_doubtful_registrations(read, register.until)
        # A row the SQL could not read (a text date or flag in another form
        # than the plain one, an id or code spelled otherwise) that the readers
        # read: each value as they read it, as a file reader reads the row.
        # What they cannot read is a rejected row of theirs (`read.rejected`).
        accepted = tuple(unit_rejected(register.name, u, frozenset()) for u in read.units)
        spelled = _respelled(register, "register", header, rows, 1) | _twinned(
            register, "unit", header, rows, 1, ("engines.unit_twin", "engines.unit_twin_hint")
        )
        problems = read.problems + tuple(
            spelled.get(u.row)
            or Problem(
                register.name,
                say("engines.plain_form"),
                where=say("where.row", row=u.row),
                hint=say("engines.plain_form_hint"),
            )
            for u in read.units
        )
        result = attrs.evolve(
            result,
            register_rows=len(rows),
            units=read.rejected + accepted,
            register_problems=problems,
            register_twins=register.twins,
            register_twins_at=register.twins_at,
        )
    if log is not None and found[0]:
        # (Rows of their units are said apart in the reconciliation: `_unregistered`.)
        result = _outside(database, register, log, result)
    if log is not None and len(found) > 1 and found[1]:
        known = exp.alias_(_known(register, log), "qrules_known")
        header, rows = _fetch(
            database, log, _log_fetched(register, log, strict=strict), "l", [known]
        )
        twins = _twins(database, log, header, rows, staging)
        if twins:  # the rows whose ids these are, rejected too (`Table.twins`)
            log = attrs.evolve(log, twins=twins, twins_at=staging(database, twins))
            header, rows = _fetch(
                database, log, _log_fetched(register, log, strict=strict), "l", [known]
            )
        position = header.index(log.columns["unit"])
        known_units = {str(r[position]) for r in rows if r[-1]}
        # A unit id spelled otherwise ('C1 ') is the register's unit a reader reads.
        known_units |= _registered(
            database,
            register,
            {id_ for r in rows if not r[-1] and (id_ := read_otherwise(r[position]))},
            staging,
        )
        # (The register's rejected rows: a row of one of their units is rejected
        # as the unit of a rejected register row, as a reader says.)
        units = Register(
            register.name,
            tuple(UnitRecord(u, "", "") for u in known_units),
            0,
            rejected=result.units,
        )
        read_rows = [(r[-2], r[:-2]) for r in rows]
        logged = read_log(fetched_rows(log.name, header, read_rows), units, mapping=mapping)
        until = log.until or dt.date.today()
        logged = without_doubtful_dates(logged, until, declared and log.until is not None)
        readable = tuple(
            RejectedInspection(log.name, i.row, i.unit, i.date, i.kind, i.result)
            for i in logged.inspections
        )
        spelled = _respelled(log, "log", header, rows, 2) | _twinned(
            log, "inspection", header, rows, 2, ("engines.twin", "engines.spelled_hint")
        )
        log_problems = logged.problems + tuple(
            spelled.get(i.row)
            or (
                Problem(
                    log.name,
                    say("engines.text_date", date=str(i.date)),
                    where=say("where.row", row=i.row),
                    key="date",
                    hint=say("engines.text_date_hint"),
                )
                if log.type("date") == "text"
                else Problem(  # (its date a DATE: an id the SQL could not check)
                    log.name,
                    say("engines.unchecked_text"),
                    where=say("where.row", row=i.row),
                    hint=say("engines.unchecked_text_hint"),
                )
            )
            for i in logged.inspections
        )
        result = attrs.evolve(
            result,
            log_rows=len(rows),
            twins=log.twins,
            twins_at=log.twins_at,
            inspections=logged.rejected + readable,
            log_problems=log_problems,
            log_notes=tuple(n for n in logged.notes if "doubtful" in n.en),
        )
    if strict:
        every = [*result.register_problems, *result.log_problems]
        raise DataError(register.name if result.register_problems else every[0].file, every)
    return result


def _clean_at_a_glance(register: Table, log: Table | None, row: tuple[Any, ...]) -> bool:
    """Whether the tables' plain counts (``row``) show no row to reject: every
    register row with a unit id and a category, no unit registered after today
    (a doubtful date: its latest), every log row with a unit id and a date,
    none after the log's end; every date in the years the readers read (its
    first and last: `out_of_years`); and no date column of text."""
    text_dates = any(
        register.has(c) and register.type(c) == "text" for c in ("registered", "closed")
    )
    named = plain_named(register, log, row)
    latest = named.get("last_registered")
    # (Dates in the years the readers read: none before the first day, or a
    # closing after the last; a registration or log date after today is.)
    days = [named.get(c) for c in ("first_registered", "first_closed", "last_closed")]
    clean = (
        len(set(row[:3])) == 1
        and not text_dates
        and (latest is None or register.until is None or _by(latest, register.until))
        and all(d is None or _within(d) for d in days)
    )
    if log is None:
        return clean
    total, with_unit, dates, earliest, last = (
        int(row[3]), int(row[4]), int(row[5]), row[6], row[7]
    )  # fmt: skip
    return (
        clean
        and total == with_unit == dates
        and log.type("date") != "text"
        and (earliest is None or _within(earliest))
        and (last is None or log.until is None or _by(last, log.until))
    )


def vacant(database: Database, register: Table, mapping: ColumnMapping, *, proven: bool) -> Vacant:
    """The register table's counted units with no value in one of some columns
    (``risk_level``, ``size``, ``district``; a missing column: every unit), read
    by the readers' own code (`qrules.records.doubts.Vacant`); at most `LIMIT`
    rows are read, more is a `DataError`. ``proven``: as `lacking`'s (a code is
    one of its set or NULL: whether a unit lacks one is whether it is NULL,
    which DuckDB answers from the column's validity)."""

    def empty(column: str) -> exp.Expr:
        if not register.has(column):
            return exp.true()
        if proven and column in RECORD_CODES:
            return register.raw(column, "r").is_(exp.null())
        if column in RECORD_CODES:  # (a CASE: a NULL code is none of them either)
            codes = RECORD_CODES[column]
            return exp.Case().when(register.isin(column, "r", codes), exp.false()).else_(exp.true())
        return marked(register.raw(column, "r"))

    def units(columns: frozenset[str], categories: frozenset[str] | None) -> list[RejectedUnit]:
        def where() -> exp.Expr:
            found = exp.and_(usable(register), exp.or_(*(empty(c) for c in sorted(columns))))
            if categories is None:
                return found
            return exp.and_(found, register.isin("category", "r", sorted(categories)))

        asked = (tuple(sorted(columns)), None if categories is None else tuple(sorted(categories)))

        # Whether any unit is one, first (no rows numbered when none is; its
        # text kept, so that clean tables are judged without sqlglot).
        some = rendered(
            ("vacant", repr(register), asked, proven),
            lambda: exp.select(number(1)).from_(register.ref("r")).where(where()).limit(1),
            database.dialect,
        )
        if not database.fetch(some):
            return []
        header, rows = _fetch(
            database,
            register,
            where,
            "r",
            limit=LIMIT + 1,
            key=("vacant rows", repr(register), asked, proven, LIMIT),
        )
        if len(rows) > LIMIT:
            raise _too_many(register.name, "vacant")
        read = read_register(
            fetched_rows(register.name, header, [(r[-1], r[:-1]) for r in rows]), mapping=mapping
        )
        return vacant_units(
            register.name,
            (
                u
                for u in read.units
                if (categories is None or u.category in categories)
                and any(getattr(u, c) is None for c in columns)
            ),
        )

    return units


def _known(register: Table, log: Table) -> exp.Expr:
    """A log row's unit is a counted register row's."""
    return log.column("unit", "l").isin(
        query=exp.select(register.column("unit", "r"))
        .from_(register.ref("r"))
        .where(usable(register))
    )


def _log_fetched(register: Table, log: Table, *, strict: bool) -> exp.Expr:
    """The log's rows to fetch: those rejected (``strict``: and those of units not
    in the register, for the error to name each row, as a reader's does)."""
    if strict:
        return exp.or_(rejected_log(log), exp.not_(exp.paren(_known(register, log))))
    return rejected_log(log)


def _outside(database: Database, register: Table, log: Table, result: Rejections) -> Rejections:
    """``result`` with the log's counted rows whose unit is not a counted register
    row's counted apart when their unit's register row was rejected, and six
    units of each kind (two counts in one pass, then the units of each found):
    `Rejections.log_of_rejected`."""
    dialect = spoken(database.dialect)
    unit = log.column("unit", "l")
    rejected = unit.copy().isin(
        query=exp.select(register.column("unit", "r"))
        .from_(register.ref("r"))
        .where(
            exp.and_(
                exp.paren(rejected_register(register, every=True)),
                exp.not_(exp.paren(marked(register.column("unit", "r")))),
            )
        )
    )
    outside = exp.and_(exp.paren(dated(log)), exp.not_(exp.paren(_known(register, log))))
    counts = exp.select(count(rejected), count(exp.not_(exp.paren(rejected.copy())))).from_(
        log.ref("l")
    )
    of_rejected, others = (
        int(n or 0) for n in database.fetch(counts.where(outside).sql(dialect=dialect))[0]
    )

    def some(many: int, where: exp.Expr) -> tuple[str, ...]:
        """Six of the units of those rows (five are shown)."""
        if not many:
            return ()
        query = (
            exp.select(exp.alias_(exp.cast(unit.copy(), "VARCHAR"), "unit"))
            .distinct()
            .from_(log.ref("l"))
            .where(exp.and_(outside.copy(), where))
            .order_by(exp.column("unit"))
            .limit(6)
        )
        return tuple(str(u) for (u,) in database.fetch(query.sql(dialect=dialect)))

    return attrs.evolve(
        result,
        log_of_rejected=of_rejected,
        units_of_rejected=some(of_rejected, rejected.copy()),
        units_unknown=some(others, exp.not_(exp.paren(rejected.copy()))),
    )


def lacking(database: Database, log: Table, mapping: ColumnMapping, *, proven: bool) -> Unset:
    """The log table's counted rows of some units lacking a kind or a result (a
    missing column: every row), read by the readers' own code: for a rule that
    counts only some kinds (results), inspections that could count
    (`qrules.records.doubts`). Rows the readers reject are left out (they are
    rejections already); at most `LIMIT` rows are read, more is a `DataError`.
    ``proven``: the codes are trusted as the keys are (``check_keys=False``:
    a database enforcing them, by a ``CHECK`` constraint or a foreign key to
    a table of codes, lets a code be one of its set or NULL, never a missing
    marker), so whether any row may lack them is whether one is NULL, which
    DuckDB answers from the column's validity rather than by comparing every
    code (about 8 ms a million rows). Checked tables may hold a marker (``无``,
    read as missing by the key check as by the readers): every code is
    compared."""

    def absent(columns: frozenset[str]) -> exp.Expr:
        return exp.or_(
            *(
                exp.true() if c not in log.columns else log.raw(c, "l").is_(exp.null())
                for c in sorted(columns)
            )
        )

    def unset(units: frozenset[str] | None, columns: frozenset[str]) -> list[RejectedInspection]:
        if units is None:  # whether any row may lack them (one read when none does)
            some = rendered(
                ("lacking", repr(log), tuple(sorted(columns)), proven),
                lambda: (
                    exp.select(number(1))
                    .from_(log.ref("l"))
                    .where(absent(columns) if proven else lacks(log, columns))
                    .limit(1)
                ),
                database.dialect,
            )
            if database.fetch(some):
                return [RejectedInspection(log.name, 0, "", used=True)]
            return []
        found: list[RejectedInspection] = []
        ordered = sorted(units)
        for start in range(0, len(ordered), 1000):
            chunk = ordered[start : start + 1000]
            where = exp.and_(
                log.column("unit", "l").isin(*(exp.Literal.string(u) for u in chunk)),
                absent(columns) if proven else lacks(log, columns),
            )
            read = _log_rows(database, log, where, chunk, mapping, len(found), "lacking")
            found += unset_rows(log.name, read)
        return found

    return unset


def _log_rows(
    database: Database,
    log: Table,
    where: exp.Expr,
    units: Sequence[str],
    mapping: ColumnMapping,
    read: int,
    what: str,
) -> list[Inspection]:
    """The log table's rows ``where`` holds (of ``units``), read by the readers'
    own code, those dated after the log's end left out: with ``read`` rows read
    already, more than `LIMIT` is a `DataError` (``what`` they are)."""
    header, rows = _fetch(database, log, where, "l", limit=LIMIT + 1 - read)
    if read + len(rows) > LIMIT:
        raise _too_many(log.name, what)
    held = Register(log.name, tuple(UnitRecord(u, "", "") for u in units), 0)
    found = read_log(
        fetched_rows(log.name, header, [(r[-1], r[:-1]) for r in rows]), held, mapping=mapping
    )
    until = log.until or dt.date.today()
    return [i for i in found.inspections if i.date <= until]


def _every_id_given(database: Database, log: Table) -> bool:
    """Whether DuckDB's statistics of the log's inspection ids (its ``stats()``,
    answered as it plans the query, reading no row) prove that every row has
    one (`ids_stated`). Elsewhere, or unproven: ``False``."""
    if database.dialect != "duckdb" or not log.has("inspection"):
        return False
    found = database.fetch(
        rendered(
            ("idless stats", repr(log)),
            lambda: (
                exp.select(exp.Anonymous(this="STATS", expressions=[log.raw("inspection", "l")]))
                .from_(log.ref("l"))
                .limit(1)
            ),
            database.dialect,
        )
    )
    return not found or ids_stated(found[0][0], log)  # (no row: none without an id)


def repeats(
    database: Database,
    register: Table,
    log: Table,
    mapping: ColumnMapping,
    rejected: frozenset[int] = frozenset(),
) -> Repeats:
    """The log table's units whose counted rows without an inspection id repeat
    (`qrules.records.doubts.Repeated`): whether any row lacks an id, asked
    first (one read, none fetched, when every row has one; DuckDB's statistics
    not read again where the key check's look read them, ``stated``); then the units
    with two such rows of a day, every row of theirs and their register rows,
    read by the readers' own code (the rows ``rejected`` left out: they are
    rejections already). At most `LIMIT` rows are read, more is a `DataError`."""

    def missing() -> exp.Expr:
        return marked(log.raw("inspection", "l")) if log.has("inspection") else exp.true()

    def twice() -> exp.Expr:
        unit, day = log.column("unit", "l"), log.column("date", "l")
        return (
            exp.select(unit.copy())
            .from_(log.ref("l"))
            .where(exp.and_(missing(), dated(log)))
            .group_by(unit.copy(), day)
            .having(exp.GT(this=count(), expression=number(1)))
            .distinct()
        )

    def found(*, stated: bool | None = None) -> Repeated:
        if stated if stated is not None else _every_id_given(database, log):
            return Repeated(log.name)
        # (Their text kept: a log without repeats is judged without sqlglot.)
        some = rendered(
            ("idless", repr(log)),
            lambda: exp.select(number(1)).from_(log.ref("l")).where(missing()).limit(1),
            database.dialect,
        )
        if not database.fetch(some):
            return Repeated(log.name)
        units = sorted(
            {
                str(u)
                for (u,) in database.fetch(
                    rendered(("idless twice", repr(log)), twice, database.dialect)
                )
            }
        )
        rows: list[Any] = []
        held: list[UnitRecord] = []
        for start in range(0, len(units), 1000):
            chunk = [exp.Literal.string(u) for u in units[start : start + 1000]]
            of_units = log.column("unit", "l").isin(*chunk)
            read = _log_rows(database, log, of_units, units, mapping, len(rows), "repeated")
            rows += (i for i in read if i.row not in rejected)
            where = exp.and_(
                usable(register),
                register.column("unit", "r").isin(*(c.copy() for c in chunk)),
            )
            header, fetched = _fetch(database, register, where, "r")
            held += read_register(
                fetched_rows(register.name, header, [(r[-1], r[:-1]) for r in fetched]),
                mapping=mapping,
            ).units
        return Repeated(
            log.name,
            repeated_rows(rows),
            {u.unit: u for u in vacant_units(register.name, held) if u.unit is not None},
        )

    return found


#: The columns whose values `_respelled` names when a reader reads them
#: otherwise: the ids and text codes (`TEXT_COLUMNS`), and the codes a row is
#: fetched for when not one of their set as stored (`` system``, ``ｓｙｓｔｅｍ``
#: was blamed on a character the SQL does not check).
_SPELLED = {
    "register": (*TEXT_COLUMNS["register"], "risk_level", "size"),
    "log": (*TEXT_COLUMNS["log"], "kind", "result"),
}


def _respelled(
    table: Table, kind: str, header: Sequence[str], rows: Sequence[Sequence[Any]], extra: int
) -> dict[int, Problem]:
    """For each fetched row (its number ``extra`` columns from its end) with an id
    or code a reader reads otherwise (`read_otherwise`), the problem naming it
    (`_SPELLED`: the ids, and the codes the SQL finds not one of their set)."""
    found: dict[int, Problem] = {}
    for column in _SPELLED[kind]:
        if not table.has(column) or table.type(column) != "text":
            continue
        stored = table.columns[column]
        position = header.index(stored)
        for row in rows:
            read = read_otherwise(row[position])
            number = int(row[-extra])
            if read is None or number in found:
                continue
            found[number] = Problem(
                table.name,
                say("engines.spelled", column=column, value=row[position], read=read),
                where=say("where.row_column", row=number, column=stored),
                hint=say("engines.spelled_hint"),
            )
    return found


def _twins(
    database: Database,
    table: Table,
    header: Sequence[str],
    rows: Sequence[Sequence[Any]],
    staging: Staging,
) -> frozenset[str]:
    """The inspection ids that a fetched log row spells otherwise, as a reader
    reads them, where that row comes before the row that stores the id (so that
    a reader keeps the row spelled otherwise and rejects the other as its repeat)."""
    if not table.has("inspection") or table.type("inspection") != "text":
        return frozenset()
    position = header.index(table.columns["inspection"])
    first: dict[str, int] = {}
    for r in rows:
        if (read := read_otherwise(r[position])) is not None:
            first[read] = min(first.get(read, int(r[-2])), int(r[-2]))
    if not first:
        return frozenset()
    ids = staged_ids(staging(database, first))
    _, stored = _fetch(database, table, table.raw("inspection", "l").isin(query=ids), "l")
    plain: dict[str, int] = {}
    for r in stored:
        plain[str(r[position])] = min(plain.get(str(r[position]), int(r[-1])), int(r[-1]))
    return frozenset(t for t, row in first.items() if t in plain and row < plain[t])


def _twinned(
    table: Table,
    column: str,
    header: Sequence[str],
    rows: Sequence[Sequence[Any]],
    at: int,
    said: tuple[str, str],
) -> dict[int, Problem]:
    """For each fetched row (its number ``at`` places from its end) whose id in
    ``column`` (a log's inspection id, a register's unit id) another row
    spells otherwise (`Table.twins`), the problem naming it: ``said``, the
    catalog's message and hint (each given the row's ``value``)."""
    if not table.twins:
        return {}
    stored = table.columns[column]
    position = header.index(stored)
    message, hint = said
    return {
        int(r[-at]): Problem(
            table.name,
            say(message, value=r[position]),
            where=say("where.row_column", row=int(r[-at]), column=stored),
            key=column,
            hint=say(hint),
        )
        for r in rows
        # (An integer id as the text it is compared as: `Table.column`.)
        if r[position] is not None and str(r[position]) in table.twins
    }


def _register_fetched(
    database: Database, register: Table, staging: Staging
) -> tuple[Table, list[str], list[Sequence[Any]]]:
    """The register's rejected rows (its header and rows, each row's number
    last), with the rows of their unit ids that counted rows store
    (`_unit_twins`: the register then with its `Table.twins`)."""
    header, rows = _fetch(database, register, rejected_register(register), "r")
    twins, staged = _unit_twins(database, register, header, rows, staging)
    if twins:  # the rows storing these ids, rejected too
        register = attrs.evolve(register, twins=twins, twins_at=staged)
        header, rows = _fetch(database, register, rejected_register(register), "r", limit=LIMIT + 1)
        if len(rows) > LIMIT:
            raise _too_many(register.name, "rejected")
    return register, list(header), list(rows)


def _unit_twins(
    database: Database,
    register: Table,
    header: Sequence[str],
    rows: Sequence[Sequence[Any]],
    staging: Staging,
) -> tuple[frozenset[str], Staged | None]:
    """The unit ids of fetched register rows, as a reader reads them (``' C1 '``
    is ``C1``), that a counted row stores too: a reader reads the rows as one
    unit given twice, and which row holds it cannot always tell
    (docs/records.md), so no row of such an id is counted as stored
    (`Table.twins`: all are fetched, and read together as a reader reads
    them), whatever the fetched row was rejected for; and the table of the
    ids staged (every fetched row's: those that are no twin's are only
    rejected rows' ids, so the semi-join over them finds the same rows)."""
    # (An integer unit id is never spelled otherwise, but a row of it rejected
    # for anything else leaves its other rows in doubt all the same.)
    if not register.has("unit"):
        return frozenset(), None
    position = header.index(register.columns["unit"])
    read = {
        id_
        for r in rows
        if r[position] is not None and (id_ := read_otherwise(r[position]) or str(r[position]))
    }
    if not read:
        return frozenset(), None
    staged = staging(database, read)
    return frozenset(_registered(database, register, staged)), staged


def _registered(
    database: Database, register: Table, units: set[str] | Staged, staging: Staging | None = None
) -> set[str]:
    """Those of ``units`` (or of the ids staged so, `Staged`) that are the
    unit id of a counted register row: one semi-join."""
    if not units:
        return set()
    if isinstance(units, str | tuple):
        staged: Staged = units
    else:
        assert staging is not None
        staged = staging(database, units)
    unit = register.column("unit", "r")
    query = (
        exp.select(exp.cast(unit, "VARCHAR"))
        .distinct()
        .from_(register.ref("r"))
        .where(exp.and_(usable(register), unit.copy().isin(query=staged_ids(staged))))
    )
    return {str(u) for (u,) in database.fetch(query.sql(dialect=spoken(database.dialect)))}


def _within(value: object) -> bool:
    """Whether a database's date is one the readers read (`READ_DAYS`); one
    that Python cannot hold (`qrules._fardates.FarDate`) is not."""
    return isinstance(value, dt.date) and READ_DAYS[0] <= _day(value) <= READ_DAYS[1]


def _by(value: object, until: dt.date) -> bool:
    """Whether a database's latest date is ``until`` or earlier; one that Python
    cannot hold (`qrules._fardates.FarDate`: ``infinity``) is not."""
    return isinstance(value, dt.date) and _day(value) <= until


def _day(value: dt.date) -> dt.date:
    """A database's date (a TIMESTAMP's date)."""
    return value.date() if isinstance(value, dt.datetime) else value
