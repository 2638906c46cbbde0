"""Findings of session 13's adversarial review (helper hunt): the Python API a
data team's tests use, tables judged in place with unusual column types, the
reports of hostile data, and rulebooks from outside; each a reproducer of a
defect fixed here.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

import qrules
from qrules.testing import assert_meets, evaluate_for_test
from tests.conftest import run

BOOK = "yantai-2023-2025"
FORMULA = "infant-formula-makers-system-inspected-yearly"
KITCHENS = "central-kitchens-in-internet-bright-kitchen"
MINI = Path(__file__).parent / "data" / "rulebooks" / "mini"
TWO_YEARS = {"log_from": "2024-01-01", "log_until": "2025-12-31"}


@pytest.fixture(scope="module")
def book() -> qrules.Rulebook:
    return qrules.load(BOOK)


def _verdicts(evaluation: qrules.Evaluation) -> list[tuple[int, str]]:
    return sorted((r.year, r.verdict.value) for r in evaluation if r.district is None)


# -- a DuckDB TIMESTAMP_NS date, judged in place ------------------------------------------------


@pytest.mark.parametrize("column", ["date", "registered"])
def test_a_nanosecond_timestamp_is_its_own_day_in_place(book: qrules.Rulebook, column: str) -> None:
    """A pandas ``datetime64[ns]`` column registered in DuckDB (or a
    ``TIMESTAMP_NS`` column) judged in place: DuckDB's cast to DATE rounds to
    microseconds first, so an inspection at 2024-12-31 23:59:59.9999999 was
    counted in 2025 ("2024 not met, 2025 met"), where the same frame read by
    qrules (and a Parquet file of it) is 2024's: met in 2024, not met in 2025.
    A registration at that instant made the unit 2025's too."""
    duckdb = pytest.importorskip("duckdb")
    pd = pytest.importorskip("pandas")
    from qrules.engines import evaluate_tables  # noqa: PLC0415

    late = pd.to_datetime(["2024-12-31 23:59:59.9999999"])
    if column == "date":
        register = pd.DataFrame({"unit": ["A"], "category": ["infant_formula_maker"]})
        log = pd.DataFrame({"unit": ["A"], "date": late, "kind": ["system"]})
    else:
        register = pd.DataFrame(
            {
                "unit": ["A", "B"],
                "category": ["infant_formula_maker"] * 2,
                "registered": late.repeat(2),
            }
        )
        log = pd.DataFrame(
            {
                "unit": ["B", "B"],
                "date": pd.to_datetime(["2024-12-31", "2025-03-01"]),
                "kind": ["system"] * 2,
            }
        )
    connection = duckdb.connect()
    connection.register("register", register)
    connection.register("inspections", log)
    assert "TIMESTAMP_NS" in str(
        connection.execute(
            f"DESCRIBE {'inspections' if column == 'date' else 'register'}"
        ).fetchall()
    )
    in_place = evaluate_tables(book, connection, rules=[book[FORMULA]], **TWO_YEARS)
    read = evaluate_for_test(None, book, rules=FORMULA, register=register, log=log, **TWO_YEARS)
    assert _verdicts(in_place) == _verdicts(read)
    if column == "date":
        assert _verdicts(read) == [(2024, "met"), (2025, "not_met")]
    else:  # A registered on 31 December 2024 is in 2024's population, uninspected
        assert _verdicts(read) == [(2024, "not_met"), (2025, "not_met")]


# -- assert_meets' message of hostile records ----------------------------------------------------


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_assertion_message_shows_control_characters_not_runs_them(
    book: qrules.Rulebook, lang: str
) -> None:
    """A unit's name with a line break and an ANSI escape, a unit id with one:
    `assert_meets`'s message printed them raw, so that a register could forge a
    line of the CI log ("FAKE: all rules met") and clear or recolour the
    terminal showing it; the CLI's outputs show them as ``\\x1b``, ``\\x0a``."""
    register = [
        {
            "unit": "CK1\x1b[2J",
            "name": "a\x1b[31mRED\nFAKE: all rules met",
            "category": "central_kitchen",
        },
        {
            "unit": "CK2",
            "name": "b\u2028c",
            "category": "central_kitchen",
            "district": "芝罘区\x1b[0m",
        },
    ]
    register = [{**row, "internet_bright_kitchen": "否"} for row in register]
    with pytest.raises(AssertionError) as raised:
        assert_meets(None, book, rules=KITCHENS, register=register, lang=lang)  # type: ignore[arg-type]
    message = str(raised.value)
    assert "\x1b" not in message
    assert "\u2028" not in message
    assert not any(line.startswith("FAKE") for line in message.splitlines())
    assert "CK1\\x1b[2J" in message
    assert "a\\x1b[31mRED\\x0aFAKE: all rules met" in message


# -- a rulebook from outside ------------------------------------------------------------------


def _mini_with(tmp_path: Path, measures: Callable[[str], str]) -> Path:
    folder = tmp_path / "mini"
    shutil.copytree(MINI, folder)
    path = folder / "measures.toml"
    path.write_text(measures(path.read_text(encoding="utf-8")), encoding="utf-8")
    return folder


def _bounded(text: str, measure: str, at_most: str) -> str:
    header = f"[measure.{measure}]\n"
    start = text.index(header)
    end = text.index("unit = ", start)
    end = text.index("\n", end) + 1
    return f"{text[:end]}at_most = {at_most}\n{text[end:]}"


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_at_most_going_round_is_a_rulebook_error(tmp_path: Path, lang: str) -> None:
    """``passed`` at most ``sampled`` at most ``passed`` (and a ring of three):
    the measures could only be equal (a pass rate always 100 on any figures the
    rulebook accepts), yet ``qrules validate`` said "ok"."""
    rings = {
        "passed": '"sampled"',
        "sampled": '"passed"',
        "inspected": '"units"',
        "units": '["firms"]',
        "firms": '"inspected"',
    }

    def bounded(text: str) -> str:
        for measure, at_most in rings.items():
            text = _bounded(text, measure, at_most)
        return text

    folder = _mini_with(tmp_path, bounded)
    code, out, err = run("--lang", lang, "validate", str(folder))
    assert code == 2, (out, err)
    lines = (out + err).splitlines()
    assert len(lines) == 1 + 5, out + err  # the heading, one line a measure of each ring
    ring = [line for line in lines if "'passed'" in line or "'sampled'" in line]
    assert len(ring) == 2
    assert all("passed" in line and "sampled" in line and "units" not in line for line in ring)
    three = [
        line for line in lines if "'firms'" in line or "'units'" in line or "'inspected'" in line
    ]
    assert len(three) == 3
    assert all("firms" in line and "inspected" in line and "units" in line for line in three)
    assert "Traceback" not in out + err


def test_at_most_in_a_line_is_no_ring(tmp_path: Path) -> None:
    """A part at most its whole at most a larger whole is a chain, not a ring."""
    folder = _mini_with(
        tmp_path,
        lambda text: _bounded(_bounded(text, "inspected", '"units"'), "units", '"firms"'),
    )
    code, out, err = run("validate", str(folder))
    assert code == 0, (out, err)


# -- rules= given as ids ------------------------------------------------------------------------


def test_rules_may_be_ids_on_every_entry_point(book: qrules.Rulebook) -> None:
    """``rules="rule-id"`` (or a list of ids), as `assert_meets` takes them:
    `Rulebook.evaluate`, `evaluate_records` and `evaluate_tables` failed with
    ``AttributeError: 'str' object has no attribute 'records'``."""
    duckdb = pytest.importorskip("duckdb")
    from qrules.engines import evaluate_records, evaluate_tables, sql_for  # noqa: PLC0415

    figures = {"food_safety_sampling_pass_rate": 99}
    rate = "food-safety-sampling-pass-rate"
    for rules in (rate, [rate], [book[rate]], (r for r in [rate])):
        assert [r.verdict.value for r in book.evaluate(figures, rules=rules)] == ["met"]
    register = qrules.read_register([{"unit": "A", "category": "infant_formula_maker"}])
    log = qrules.read_log([{"unit": "A", "date": "2024-05-01", "kind": "system"}], register)
    year = {"log_from": "2024-01-01", "log_until": "2024-12-31"}
    for engine in ("reference", "duckdb"):
        evaluation = evaluate_records(book, register, log, rules=FORMULA, engine=engine, **year)
        assert _verdicts(evaluation) == [(2024, "met")]
    connection = duckdb.connect()
    connection.execute("CREATE TABLE register(unit TEXT, category TEXT)")
    connection.execute("INSERT INTO register VALUES ('A', 'infant_formula_maker')")
    connection.execute("CREATE TABLE inspections(unit TEXT, date DATE, kind TEXT)")
    connection.execute("INSERT INTO inspections VALUES ('A', DATE '2024-05-01', 'system')")
    assert _verdicts(evaluate_tables(book, connection, rules=[FORMULA], **year)) == [(2024, "met")]
    assert sql_for(book, rules=FORMULA) == sql_for(book, rules=[book[FORMULA]])


@pytest.mark.parametrize(
    ("rules", "error"),
    [
        ("food-safety-sampling-pass-rat", qrules.UnknownRuleError),
        (["food-safety-sampling-pass-rate", 5], TypeError),
        (5, TypeError),
    ],
)
def test_rules_neither_rules_nor_ids_are_said_so(
    book: qrules.Rulebook, rules: object, error: type[Exception]
) -> None:
    with pytest.raises(error, match=r"pass-rate'\?|rules= takes rules or rule ids"):
        book.evaluate({}, rules=rules)  # type: ignore[arg-type]
