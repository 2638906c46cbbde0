"""Items earlier sessions noticed and left (session 13, helper leftovers).

1. One rule for a blank cell (`qrules._cells.blank`), below every reader: the
   merged cells of a sheet (`_xlsx`), the figures reader and the records
   readers no longer each keep their own.
2. A template ``qrules template`` writes is one ``qrules check`` accepts as
   written, filled in: a ``--district`` the figures reader would refuse
   (``烟台市``, ``市区``, ``芝罘`` beside ``芝罘区`` ...) is refused when the
   template is written, by the reader's own rules.
3. A figures mapping whose alias is another measure's own name (or two aliases
   compared as one name for two measures) is an error naming the mapping
   file's key, never one measure read as another.
4. A database driver's error a user meets (no table, no column, no right to
   read, no database, a login refused, a server not reached, a URL not read) is
   said in the catalog's words in both languages, with what to do.
5. A psycopg2 connection is refused with a clear error (the postgres engine
   works through psycopg 3, the only driver qrules depends on and tests).
6. JUnit: an unknown result is an error (``type="unknown"``), never a skipped
   test that a CI counts as passed.
"""

from __future__ import annotations

import ast
import csv
import re
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import qrules
from qrules._cells import blank, missing
from qrules.engines import evaluate_tables
from tests.conftest import MINI, run

BOOK = "yantai-2023-2025"
SRC = Path(__file__).parent.parent / "src" / "qrules"
RATE = "food-safety-sampling-pass-rate"


# -- 1. one rule for a blank cell ---------------------------------------------------------


@pytest.mark.parametrize("module", ["_xlsx.py", "_figures.py", "records/read.py"])
def test_every_reader_asks_one_rule_whether_a_cell_is_blank(module: str) -> None:
    """Each reader imports `blank` from `_cells`, and defines no blank-cell
    helper of its own (``_blank``: two were, and they disagreed on NaN)."""
    tree = ast.parse((SRC / module).read_text(encoding="utf-8"))
    own = [
        node.name
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef) and node.name in ("_blank", "blank")
    ]
    assert own == []
    imported = {
        alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and (node.module or "").endswith("_cells")
        for alias in node.names
    }
    assert "blank" in imported


def test_a_blank_cell_is_missing_or_white_space() -> None:
    nan = float("nan")
    for value in (None, nan, "", " ", "\t\n", "\u3000"):
        assert blank(value), repr(value)
    for value in ("0", 0, "—", "NA", "x", False):
        assert not blank(value), repr(value)
    assert missing(nan)
    assert missing(None)
    assert not missing("")
    pandas = pytest.importorskip("pandas")
    assert blank(pandas.NA)
    assert blank(pandas.NaT)


# -- 2. a template check accepts as written ---------------------------------------------


def _filled(path: Path) -> Path:
    """The template at ``path`` with 50 in every value cell (a count of 50, and
    50 %: no bound or relation refuses it), saved beside it."""
    target = path.with_name(f"filled{path.suffix}")
    if path.suffix == ".csv":
        rows = list(csv.reader(path.read_text(encoding="utf-8-sig").splitlines()))
        values = [i for i, h in enumerate(rows[0]) if h == "value" or h.isdigit()]
        for row in rows[1:]:
            for i in values:
                row[i] = "50"
        with target.open("w", encoding="utf-8", newline="") as file:
            csv.writer(file).writerows(rows)
        return target
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.load_workbook(path)
    sheet = book.active
    header = [c.value for c in sheet[1]]
    values = [i for i, h in enumerate(header) if h == "value" or isinstance(h, int)]
    for row in sheet.iter_rows(min_row=2):
        for i in values:
            row[i].value = 50
    book.save(target)
    return target


TEMPLATE_OPTIONS = [
    [],
    ["--layout", "wide"],
    ["--district", "芝罘区", "--district", "福山区"],
    ["--layout", "wide", "--district", "芝罘区"],
    ["--district", "全市", "--district", "芝罘区"],
    ["--years", "2020-2030"],
    ["--district", "=1+1"],
]


@pytest.mark.parametrize("form", ["csv", "xlsx"])
@pytest.mark.parametrize("options", TEMPLATE_OPTIONS, ids=" ".join)
def test_a_template_filled_in_is_checked_as_written(
    form: str, options: list[str], tmp_path: Path
) -> None:
    path = tmp_path / f"template.{form}"
    code, _, err = run("template", BOOK, "--rule", RATE, *options, "-o", str(path))
    assert code == 0, err
    code, _, err = run("check", BOOK, str(_filled(path)), "--rule", RATE)
    assert code in (0, 1), err


def test_a_district_starting_with_equals_is_text_in_an_xlsx_template(tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    path = tmp_path / "template.xlsx"
    run("template", BOOK, "--rule", RATE, "--district", "=1+1", "-o", str(path))
    cell = openpyxl.load_workbook(path).active["B2"]
    assert (cell.value, cell.data_type) == ("=1+1", "s")  # not a formula


REFUSED = [
    (["烟台市"], "names the plan's city", "规划的城市"),
    (["Yantai"], "names the plan's city", "规划的城市"),
    (["市区"], "is a group of districts", "一组区县"),
    (["全市小计"], "is a total, not a district", "是合计"),
    (["NA"], "names nothing", "不是名称"),
    ([" "], "names nothing", "不是名称"),
    (["芝罘", "芝罘区"], "may be one district written two ways", "两种写法"),
    (["芝罘区", "芝罘区"], "reads as the same place as '芝罘区'", "读作同一地区"),
    (["全市", "合计"], "reads as the same place as '全市'", "读作同一地区"),
]


@pytest.mark.parametrize(("districts", "en", "zh"), REFUSED)
def test_a_district_check_would_refuse_is_refused_by_template(
    districts: list[str], en: str, zh: str, tmp_path: Path
) -> None:
    """Before, the template was written (exit 0) and check refused it (exit 2):
    ``烟台市 names the plan's city``."""
    path = tmp_path / "template.csv"
    given = [a for d in districts for a in ("--district", d)]
    for lang, said in (("en", en), ("zh", zh)):
        code, out, err = run("template", BOOK, *given, "-o", str(path), "--lang", lang)
        assert (code, out) == (2, ""), err
        assert said in err
        assert "--district" in err
        assert "Traceback" not in err
    assert not path.exists()


def test_template_refuses_a_district_the_rulebook_does_not_list(mini_copy: Path) -> None:
    plan = mini_copy / "plan.toml"
    text = plan.read_text(encoding="utf-8")
    plan.write_text(
        text.replace('status = "draft"\n', 'status = "draft"\ndistricts = ["芝罘区", "福山区"]\n'),
        encoding="utf-8",
    )
    code, _, err = run("template", str(mini_copy), "--district", "莱山区")
    assert code == 2
    assert "is not one of the districts the rulebook lists" in err
    code, out, _ = run("template", str(mini_copy), "--district", "芝罘区")
    assert code == 0
    assert "芝罘区" in out


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    districts=st.lists(
        st.text(st.sampled_from(list("芝罘福山区市县烟台全合计小 -NAx=")), min_size=0, max_size=5),
        min_size=1,
        max_size=3,
    )
)
def test_any_template_written_is_one_check_accepts(districts: list[str], tmp_path: Path) -> None:
    """Whatever the districts asked for: the template is refused (exit 2) or,
    filled in, checked (exit 0 or 1), never written and then refused."""
    path = tmp_path / "template.csv"
    path.unlink(missing_ok=True)
    given_ = [a for d in districts for a in ("--district", d)]
    code, _, err = run("template", BOOK, "--rule", RATE, *given_, "-o", str(path))
    if code == 2:
        assert "--district" in err
        return
    assert code == 0, err
    code, _, err = run("check", BOOK, str(_filled(path)), "--rule", RATE)
    assert code in (0, 1), (districts, err)


# -- 3. an alias that is another measure's own name -------------------------------------


FIGURES = "year,measure,value\n2025,food_samples_passed,90\n2025,food_samples_tested,100\n"


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize(
    ("alias", "said_en", "said_zh"),
    [
        ('"food_samples_tested" = "food_samples_passed"', "own name", "自己的名称"),
        ('"食品安全抽检批次" = "food_samples_passed"', "own name", "自己的名称"),
        (
            '"Sampled OK" = "food_samples_passed"\n"sampled ok" = "food_samples_tested"',
            "compares as the same name",
            "按同一名称比较",
        ),
    ],
)
def test_an_alias_that_shadows_a_measure_is_an_error_naming_its_key(
    alias: str, said_en: str, said_zh: str, lang: str, tmp_path: Path
) -> None:
    """Before, the tested batches were read as passed ones (the alias won) and
    the rule judged on them, exit 1 or 0."""
    (tmp_path / "figures.csv").write_text(FIGURES, encoding="utf-8")
    (tmp_path / "mapping.toml").write_text(f"[figures.measures]\n{alias}\n", encoding="utf-8")
    code, out, err = run(
        "check",
        BOOK,
        str(tmp_path / "figures.csv"),
        "--mapping",
        str(tmp_path / "mapping.toml"),
        "--rule",
        RATE,
        "--lang",
        lang,
    )
    assert (code, out) == (2, ""), err
    assert "figures.measures." in err  # the mapping file's key
    assert "mapping.toml" in err
    assert (said_en if lang == "en" else said_zh) in err


def test_an_alias_of_a_measure_to_itself_or_a_new_name_is_read(tmp_path: Path) -> None:
    book = qrules.load(BOOK)
    (tmp_path / "figures.csv").write_text(
        FIGURES.replace("food_samples_passed", "合格批次"), encoding="utf-8"
    )
    (tmp_path / "mapping.toml").write_text(
        '[figures.measures]\n"合格批次" = "food_samples_passed"\n'
        '"food_samples_tested" = "food_samples_tested"\n',
        encoding="utf-8",
    )
    dataset = qrules.read_dataset(tmp_path / "figures.csv", book, mapping=tmp_path / "mapping.toml")
    assert {o.measure: o.value for o in dataset.observations} == {
        "food_samples_passed": 90,
        "food_samples_tested": 100,
    }


# -- 4. a driver's error in the catalog's words ------------------------------------------

#: Words of a driver's English that the user no longer sees.
DRIVER_WORDS = ("does not exist", "relation", "Catalog Error", "permission denied", "FATAL")


def _refused(argv: list[str], lang: str) -> str:
    code, out, err = run(*argv, "--lang", lang)
    assert (code, out) == (2, ""), err
    assert "Traceback" not in err
    for words in DRIVER_WORDS:
        assert words not in err, err
    return err


def _server(url: str, database: str | None = None, user: str | None = None) -> str:
    found = re.match(r"postgresql://([^@/]*)@([^/]*)/(.*)", url)
    assert found is not None
    return f"postgresql://{user or found.group(1)}@{found.group(2)}/{database or found.group(3)}"


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_postgres_errors_a_user_meets_are_said_in_both_languages(
    lang: str, postgres: Any, postgres_url: str
) -> None:
    postgres.execute(
        "DROP TABLE IF EXISTS s13_register, s13_hidden;"
        "CREATE TABLE s13_register (unit text, category text);"
        "CREATE TABLE s13_hidden (unit text, category text);"
    )
    postgres.execute(
        "DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'qrules_s13_reader')"
        " THEN CREATE ROLE qrules_s13_reader LOGIN; END IF; END $$;"
    )
    database = str(postgres.info.dbname)
    postgres.execute(f'GRANT CONNECT ON DATABASE "{database}" TO qrules_s13_reader')
    postgres.execute("REVOKE ALL ON s13_hidden FROM qrules_s13_reader")
    check = ["check", BOOK, "--database"]
    cases = [
        (
            [*check, postgres_url, "--register-table", "s13_register", "--log-table", "s13_none"],
            ("the database has no table 's13_none'", "数据库中没有表 's13_none'"),
        ),
        (
            [
                *check,
                _server(postgres_url, user="qrules_s13_reader"),
                "--register-table",
                "s13_hidden",
            ],
            ("may not read table 's13_hidden'", "无权读取表 's13_hidden'"),
        ),
        (
            [*check, _server(postgres_url, database="qrules_s13_no_such_database")],
            ("has no database 'qrules_s13_no_such_database'", "没有数据库"),
        ),
        (
            [*check, _server(postgres_url, user="qrules_s13_nobody")],
            ("refused the URL's user", "拒绝了 URL 中的用户"),
        ),
        (
            [*check, "postgresql://postgres@127.0.0.1:1/x"],
            ("the server cannot be reached", "无法连接到 PostgreSQL 服务器"),
        ),
        (
            [*check, f"{postgres_url}?qrules_s13_option=1"],
            ("cannot read the URL", "无法读取此 URL"),
        ),
    ]
    try:
        for argv, (en, zh) in cases:
            assert (en if lang == "en" else zh) in _refused(argv, lang)
    finally:
        postgres.execute("DROP TABLE IF EXISTS s13_register, s13_hidden")


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_missing_duckdb_table_is_said_in_both_languages(lang: str, tmp_path: Path) -> None:
    duckdb = pytest.importorskip("duckdb")
    path = tmp_path / "records.db"
    with duckdb.connect(str(path)) as connection:
        connection.execute("CREATE TABLE register (unit VARCHAR, category VARCHAR)")
    err = _refused(["check", BOOK, "--database", f"duckdb:///{path}"], lang)
    said = "the database has no table 'inspections'" if lang == "en" else "数据库中没有表"
    assert said in err
    assert "--log-table" in err


def test_a_missing_table_read_through_a_connection_says_what_to_do() -> None:
    duckdb = pytest.importorskip("duckdb")
    with pytest.raises(qrules.DataError) as raised:
        qrules.read_register(duckdb.connect(), table="nowhere")
    assert "DuckDB: the database has no table 'nowhere'" in str(raised.value)
    assert "Catalog Error" not in str(raised.value)
    assert "数据库中没有表 'nowhere'" in raised.value.render("zh")


# -- 5. psycopg2 --------------------------------------------------------------------------


class _Psycopg2Connection:
    """Stands for psycopg2's connection class (psycopg2 is no dependency of
    qrules, not installed here): its module's name is what qrules sees."""

    def cursor(self) -> Any:
        raise AssertionError("never used")


_Psycopg2Connection.__module__ = "psycopg2.extensions"


@pytest.mark.parametrize("engine", [None, "postgres"])
def test_a_psycopg2_connection_is_refused_saying_what_to_pass(
    engine: str | None, yantai: qrules.Rulebook
) -> None:
    """Before, its module (``psycopg2.extensions``) was taken for psycopg's and
    the postgres engine ran on it, to fail on psycopg 3's interface."""
    with pytest.raises(qrules.QRulesError) as raised:
        evaluate_tables(yantai, _Psycopg2Connection(), engine=engine)
    assert "psycopg2 connection" in str(raised.value)
    assert "psycopg.connect(URL)" in str(raised.value)
    assert "psycopg2" in raised.value.render("zh")


# -- 6. JUnit: an unknown result is not a pass --------------------------------------------


def test_junit_says_an_unknown_result_is_an_error_not_a_skipped_test() -> None:
    code, out, _ = run("check", str(MINI), "--sample", "--format", "junit")
    assert code == 1
    suite = ET.fromstring(out.split("\n", 1)[1])
    assert (suite.get("errors"), suite.get("skipped"), suite.get("failures")) == ("2", "0", "2")
    assert suite.find(".//skipped") is None
    errors = suite.findall(".//testcase/error")
    assert len(errors) == 2
    for error in errors:
        assert error.get("type") == "unknown"
        assert error.get("message")
        assert error.text
