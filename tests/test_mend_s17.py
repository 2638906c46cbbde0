"""Session 17's mends (mend17) of what session 16 left, and of names a user
gives that qrules read one way and wrote another."""

from __future__ import annotations

import collections
import datetime as dt
import os
import stat
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

import qrules
from qrules import Verdict
from qrules._boundary import OutputError, write_file, writing
from qrules._tabular import not_a_cell
from qrules.engines import evaluate_tables

INSPECTED = "infant-formula-makers-system-inspected-yearly"
YEAR = {"log_from": "2024-01-01", "log_until": "2024-12-31"}

# -- _tabular.not_a_cell: which cells hold no one value ---------------------------------------

_A_LIST = "the cell holds a list, not text, a number or a date: it is not read"


@pytest.mark.parametrize(
    ("value", "said"),
    [
        ("IF01", None),
        ("#REF!", None),  # (an error value is `unread_cell`'s to say)
        (5297, None),
        (1.5, None),
        (True, None),
        (None, None),
        (Decimal("1.5"), None),
        (dt.date(2024, 3, 1), None),
        (dt.datetime(2024, 3, 1, 9), None),
        (b"IF01", "the cell holds bytes (b'IF01'), not text"),
        (bytearray(b"IF01"), "the cell holds bytes (b'IF01'), not text"),
        (memoryview(b"IF01"), "the cell holds bytes (b'IF01'), not text"),
        (b"x" * 30, "the cell holds bytes (b'" + "x" * 24 + "'…), not text"),
        ({"unit": "IF01"}, "the cell holds an object of keys and values"),
        (["IF01"], _A_LIST),
        (("IF01",), _A_LIST),
        ({"IF01"}, _A_LIST),
        (frozenset({"IF01"}), _A_LIST),
        ([], _A_LIST),
        (range(3), _A_LIST),
        (collections.deque(["IF01"]), _A_LIST),
        ({"IF01": 1}.keys(), _A_LIST),
    ],
    ids=repr,
)
def test_a_cell_of_one_value_is_read_and_one_of_several_or_of_bytes_is_not(
    value: object, said: str | None
) -> None:
    """Which cells `not_a_cell` refuses, and as what: a text (however it was
    typed), a number, a date or nothing is one value; bytes, a mapping, a
    sequence or a set (but a text) are not. The concrete types it once
    listed beside `Sequence` and `Set` are both's (session 16's note)."""
    why = not_a_cell(value)
    if said is None:
        assert why is None
    else:
        assert why is not None
        assert str(why[0]).startswith(said)


def test_a_subclass_of_text_or_of_a_number_is_one_value() -> None:
    """A subclass of ``str`` (numpy's ``str_``, which is a `Sequence`) is read
    as text, not as a list of characters; numpy's scalars and pandas'
    timestamps, not in the fast path's set of types, are read as well; an
    array of numpy's, of any length, is a list."""
    numpy = pytest.importorskip("numpy")

    class Code(str):
        pass

    for value in (Code("IF01"), numpy.str_("IF01"), numpy.int64(7), numpy.float64(1.5)):
        assert not_a_cell(value) is None, value
    assert not_a_cell(numpy.array("IF01")) is None  # (no dimension: one value)
    for array in (numpy.array(["IF01"]), numpy.array([], dtype=object), numpy.zeros((2, 2))):
        why = not_a_cell(array)
        assert why is not None
        assert str(why[0]) == _A_LIST
    pandas = pytest.importorskip("pandas")
    assert not_a_cell(pandas.Timestamp("2024-03-01")) is None


# -- _boundary.write_file: one look at the output's name ---------------------------------------


def _looks(monkeypatch: pytest.MonkeyPatch, path: Path, then: Callable[[int], None]) -> list[bool]:
    """Count every look (``os.stat``, followed or not: `Path.is_symlink`'s
    too) at ``path``, calling ``then`` with each look's number after it."""
    looks: list[bool] = []
    real = os.stat

    def stat(name: Any, *args: Any, follow_symlinks: bool = True, **kwargs: Any) -> Any:
        found = real(name, *args, follow_symlinks=follow_symlinks, **kwargs)
        if os.fspath(name) == os.fspath(path):
            looks.append(follow_symlinks)
            then(len(looks))
        return found

    monkeypatch.setattr(os, "stat", stat)
    return looks


def test_an_output_file_is_looked_at_once_not_following_a_link(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`write_file` asked `Path.is_symlink` twice and `os.stat` once of a
    plain output (session 16's note): one look, not following a link, now
    answers all three (a link? a file? its mode?)."""
    out = tmp_path / "out.csv"
    out.write_bytes(b"old")
    out.chmod(0o640)
    looks = _looks(monkeypatch, out, lambda _: None)
    write_file(out, b"new")
    assert looks == [False]
    assert out.read_bytes() == b"new"
    assert stat.S_IMODE(out.stat().st_mode) == 0o640


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_a_link_put_in_place_of_a_fifo_after_it_was_looked_at_is_not_followed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An output that was a FIFO when looked at, replaced then by a link to
    a file (someone with write access to the folder, racing ``-o``): the
    file it names was opened through the link and overwritten when the swap
    came between the last look and the open. It is now opened without
    following a link (``O_NOFOLLOW``): refused by the system, an
    `OutputError`; the file is untouched. (The old code looked three times;
    a swap after its second or third look was a case of its own, which the
    one look now leaves no room for: the swap is after the only look.)"""
    fifo, victim = tmp_path / "out.fifo", tmp_path / "victim.txt"
    victim.write_bytes(b"keep")
    os.mkfifo(fifo)
    reader = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)  # (so that a writer does not wait)

    def swap(look: int) -> None:
        assert look == 1, "one look, not following a link"
        fifo.unlink()
        fifo.symlink_to(victim)

    try:
        looks = _looks(monkeypatch, fifo, swap)
        with writing(fifo):
            write_file(fifo, b"new")
    except OutputError:
        pass  # (refused: the link, seen; or the system's "too many levels of links")
    finally:
        monkeypatch.undo()
        os.close(reader)
    assert looks == [False]  # (swapped after it: the case is one of a race, not of none)
    assert victim.read_bytes() == b"keep"


# -- Table names on PostgreSQL: read and written by one rule ----------------------------------

_SCHEMA = "mend_s17"


@pytest.fixture
def book() -> qrules.Rulebook:
    return qrules.load("yantai-2023-2025")


def _made(engine: str, connection: Any, *statements: str) -> None:
    """``statements`` run in a schema ``mend_s17`` made afresh (``{s}``)."""
    connection.execute(f"DROP SCHEMA IF EXISTS {_SCHEMA} CASCADE")
    connection.execute(f"CREATE SCHEMA {_SCHEMA}")
    for statement in statements:
        connection.execute(statement.format(s=_SCHEMA))


def _judged(book: qrules.Rulebook, connection: Any, **names: str) -> qrules.Evaluation:
    return evaluate_tables(book, connection, rules=[book[INSPECTED]], **YEAR, **names)


def test_a_name_is_read_and_written_as_given_on_every_engine(
    book: qrules.Rulebook, engine: tuple[str, Any]
) -> None:
    """The rule qrules has for a table's name, read (``register=``, ``log=``)
    or written (``failing_units_to=``): the name as given, each part quoted,
    on every engine. A table made by pandas' ``to_sql("Register")`` (quoted
    by SQLAlchemy, as any name with a capital is) is read as
    ``register="Register"``, and ``failing_units_to="Out2"`` makes the
    table ``register="Out2"`` would read: ``"Out2"``. DuckDB holds names
    without case, so there ``out2`` is that table too; PostgreSQL keeps case,
    so there ``SELECT … FROM Out2`` (``out2``) is not (docs/engines.md)."""
    name, connection = engine
    _made(
        name,
        connection,
        'CREATE TABLE {s}."Register" (unit text, category text)',
        'CREATE TABLE {s}."Inspections" (unit text, date date, kind text, result text)',
        "INSERT INTO {s}.\"Register\" VALUES ('IF01', 'infant_formula_maker')",
    )
    found = _judged(
        book,
        connection,
        register=f"{_SCHEMA}.Register",
        log=f"{_SCHEMA}.Inspections",
        failing_units_to=f"{_SCHEMA}.Out2",
    )
    assert [r.verdict for r in found] == [Verdict.NOT_MET]
    written = f'SELECT unit, verdict FROM {_SCHEMA}."Out2"'
    assert connection.execute(written).fetchall() == [("IF01", "not_met")]
    unquoted = f"SELECT unit FROM {_SCHEMA}.Out2"
    if name == "duckdb":
        assert connection.execute(unquoted).fetchall() == [("IF01",)]
    else:
        psycopg = pytest.importorskip("psycopg")
        with pytest.raises(psycopg.errors.UndefinedTable):
            connection.execute(unquoted)
    connection.execute(f"DROP SCHEMA {_SCHEMA} CASCADE")


def test_a_name_made_without_quotes_on_postgres_is_named_when_not_found(
    book: qrules.Rulebook, postgres: Any, postgres_url: str
) -> None:
    """``CREATE TABLE mend_s17.Register`` (psql, no quotes) makes ``register``:
    ``register="mend_s17.Register"`` found no table, and the error said only
    to name the table as the database has it. It now says why, in both
    languages, and the name to give; likewise a schema made so, named in
    ``failing_units_to`` (PostgreSQL's "schema does not exist", alone)."""
    _made(
        "postgres",
        postgres,
        "CREATE TABLE {s}.Register (unit text, category text)",
        "CREATE TABLE {s}.Inspections (unit text, date date, kind text, result text)",
    )
    try:
        with pytest.raises(qrules.DataError) as raised:
            _judged(
                book, postgres_url, register=f"{_SCHEMA}.Register", log=f"{_SCHEMA}.inspections"
            )
        [problem] = raised.value.problems
        assert "no table 'mend_s17.Register'" in problem.message
        assert problem.hint is not None
        assert "without double quotes in lower case" in problem.hint
        assert problem.hint.endswith("give 'mend_s17.register'")
        assert "请给出 'mend_s17.register'" in problem.render("zh")
        with pytest.raises(qrules.DataError) as raised:
            _judged(
                book,
                postgres_url,
                register=f"{_SCHEMA}.register",
                log=f"{_SCHEMA}.inspections",
                failing_units_to="MEND_S17.out2",
            )
        [problem] = raised.value.problems
        assert 'schema "MEND_S17" does not exist' in problem.message
        assert problem.hint is not None
        assert problem.hint.endswith("give 'mend_s17'")
        # (A name in lower case not found: no such hint; nor on DuckDB, which has no case.)
        with pytest.raises(qrules.DataError) as raised:
            _judged(
                book, postgres_url, register=f"{_SCHEMA}.registers", log=f"{_SCHEMA}.inspections"
            )
        assert "lower case" not in str(raised.value)
    finally:
        postgres.execute(f"DROP SCHEMA {_SCHEMA} CASCADE")


def test_a_table_to_make_beside_its_twin_in_lower_case_is_refused_on_postgres(
    book: qrules.Rulebook, engine: tuple[str, Any]
) -> None:
    """``failing_units_to="Out3"`` where a table ``out3`` is (made by psql
    without quotes, or by an earlier run given ``out3``): DuckDB refuses it
    (the table is there: names have no case), but PostgreSQL made ``"Out3"``
    beside it, and a later ``SELECT * FROM Out3`` read the old ``out3``, its
    rows taken for this run's failing units. Now refused on PostgreSQL too,
    naming both, and nothing is made; a name without a twin is made as ever."""
    name, connection = engine
    _made(
        name,
        connection,
        "CREATE TABLE {s}.register (unit text, category text)",
        "CREATE TABLE {s}.inspections (unit text, date date, kind text, result text)",
        "CREATE TABLE {s}.out3 (unit text)",
        "INSERT INTO {s}.out3 VALUES ('last year')",
    )
    tables = {"register": f"{_SCHEMA}.register", "log": f"{_SCHEMA}.inspections"}
    with pytest.raises(qrules.DataError) as raised:
        _judged(book, connection, **tables, failing_units_to=f"{_SCHEMA}.Out3")
    made = "SELECT table_name FROM information_schema.tables WHERE table_schema = 'mend_s17'"
    assert sorted(t for (t,) in connection.execute(made).fetchall()) == [
        "inspections",
        "out3",
        "register",
    ]
    if name == "postgres":
        [problem] = raised.value.problems
        assert problem.message == (
            "PostgreSQL: the database has 'mend_s17.out3', the table that mend_s17.Out3 names "
            'in SQL written without double quotes; qrules would make the table "mend_s17"."Out3" '
            "beside it, and a later SELECT … FROM mend_s17.Out3 would read 'mend_s17.out3', not it"
        )
        assert "删除 'mend_s17.out3'" in problem.render("zh")
        _judged(book, connection, **tables, failing_units_to=f"{_SCHEMA}.Out4")
        assert connection.execute(f'SELECT count(*) FROM {_SCHEMA}."Out4"').fetchall() == [(0,)]
    connection.execute(f"DROP SCHEMA {_SCHEMA} CASCADE")


# -- A mapping's column names, in any case: one table, one reading on every engine -----------

_KITCHENS = "central-kitchens-in-internet-bright-kitchen"
_MAPPED = {"register": {"columns": {"unit": "UnitID", "internet_bright_kitchen": "OnlineKitchen"}}}


def test_a_mapping_names_a_column_of_a_table_made_without_quotes_on_every_engine(
    book: qrules.Rulebook, engine: tuple[str, Any]
) -> None:
    """One ``CREATE TABLE`` written without quotes, one mapping naming its
    columns as the statement writes them (``UnitID``, ``OnlineKitchen``):
    DuckDB keeps the case and judged it met; PostgreSQL holds ``unitid`` and
    ``onlinekitchen``, which the mapping's names, compared with case, did not
    find: "no 'unit' column", or, for the flag alone, unknown. A mapping's
    name is now compared in any case, as a canonical name is."""
    name, connection = engine
    _made(
        name,
        connection,
        "CREATE TABLE {s}.register (UnitID text, category text, OnlineKitchen boolean)",
        "INSERT INTO {s}.register VALUES ('C1', 'central_kitchen', true), "
        "('C2', 'central_kitchen', true)",
    )
    found = evaluate_tables(
        book,
        connection,
        register=f"{_SCHEMA}.register",
        log=None,
        mapping=_MAPPED,
        rules=[book[_KITCHENS]],
        log_until="2024-12-31",
    )
    assert {(r.year, r.verdict) for r in found if r.district is None} == {
        (2023, Verdict.MET),
        (2024, Verdict.MET),
    }
    connection.execute(f"DROP SCHEMA {_SCHEMA} CASCADE")


def test_a_mapping_names_a_column_in_any_case_and_two_columns_so_named_are_refused(
    tmp_path: Path,
) -> None:
    """A file's header read as a table's: ``unitid`` is the mapping's
    ``UnitID``; a header with both ``UnitID`` and ``unitid`` gives the unit
    twice, and is refused naming both (as ``unit`` beside ``Unit`` is)."""
    one = tmp_path / "one.csv"
    one.write_text("unitid,category\nC1,central_kitchen\n", encoding="utf-8")
    register = qrules.read_register(one, mapping=_MAPPED)
    assert [u.unit for u in register.units] == ["C1"]
    both = tmp_path / "both.csv"
    both.write_text("UnitID,unitid,category\nC1,C2,central_kitchen\n", encoding="utf-8")
    with pytest.raises(qrules.DataError, match=r"'UnitID', 'unitid'.*give 'unit'"):
        qrules.read_register(both, mapping=_MAPPED)
