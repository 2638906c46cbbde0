"""Fixes of session 10's helper misc: what the help, the API and the messages
say (the false verdicts' tests are in tests/test_hunt_s10.py and
tests/test_city_totals.py)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import qrules
from qrules.engines import evaluate_tables
from tests.conftest import run


def _help(*argv: str) -> str:
    code, out, err = run(*argv, "--help")
    assert code == 0, err
    return re.sub(r"\s+", " ", out)


def test_trust_keys_says_it_trusts_codes_flags_and_missing_markers() -> None:
    """The help named only keys; docs/engines.md says flags, codes and missing
    markers are trusted too."""
    said = _help("check")
    found = said[said.rindex("--trust-keys") :]
    for word in ("codes", "flags", "missing markers", "one of its set or NULL"):
        assert word in found[:700], word
    said = _help("--lang", "zh", "check")
    found = said[said.rindex("--trust-keys") :]
    for word in ("代码", "标志", "缺失标记"):
        assert word in found[:400], word
    doc = evaluate_tables.__doc__ or ""
    assert "flags" in doc
    assert "missing markers" in doc


# -- a district written two ways in a register ---------------------------------------------


_REGISTER = (
    "unit,name,category,district\nA,a,infant_formula_maker,芝罘区\nC,c,infant_formula_maker,芝罘\n"
)
_FORMULA = "infant-formula-makers-system-inspected-yearly"


@pytest.mark.parametrize("engine", ["reference", "duckdb"])
def test_a_district_written_two_ways_in_a_register_is_an_error_naming_both(
    tmp_path: Path, engine: str
) -> None:
    (tmp_path / "register.csv").write_text(_REGISTER, encoding="utf-8")
    (tmp_path / "log.csv").write_text("unit,date,kind\nA,2025-05-01,system\n", encoding="utf-8")
    book = qrules.load("yantai-2023-2025")
    register = qrules.read_register(tmp_path / "register.csv")
    log = qrules.read_log(tmp_path / "log.csv", register)
    options = {"log_from": "2025-01-01", "log_until": "2025-12-31", "engine": engine}
    with pytest.raises(qrules.DataError) as raised:
        qrules.evaluate_records(book, register, log, by_district=True, **options)
    said = str(raised.value)
    assert "'芝罘区', '芝罘' may be one district written two ways (first at rows 2, 3)" in said
    assert "两种写法" in raised.value.render("zh")
    # The city alone is judged on every unit whatever their districts' spelling.
    assert qrules.evaluate_records(book, register, log, **options).results


def test_a_district_written_two_ways_in_a_table_in_place_is_an_error() -> None:
    duckdb = pytest.importorskip("duckdb")
    connection = duckdb.connect()
    connection.execute(
        "CREATE TABLE register AS SELECT * FROM (VALUES ('A', 'a', 'infant_formula_maker',"
        " '芝罘区'), ('C', 'c', 'infant_formula_maker', '芝罘'))"
        " t(unit, name, category, district)"
    )
    connection.execute(
        "CREATE TABLE inspections AS SELECT 'A' AS unit, DATE '2025-05-01' AS date,"
        " 'system' AS kind"
    )
    book = qrules.load("yantai-2023-2025")
    with pytest.raises(qrules.DataError, match="may be one district written two ways"):
        evaluate_tables(
            book,
            connection,
            rules=[book[_FORMULA]],
            by_district=True,
            log_from="2025-01-01",
            log_until="2025-12-31",
        )


# -- the audit of a verdict on a partial sum of districts ----------------------------------


@pytest.mark.parametrize(("first", "second", "verdict"), [(2, 2, "unknown"), (5, 4, "met")])
def test_a_sum_over_years_with_a_partial_sum_of_districts_audits_clean(
    tmp_path: Path, first: int, second: int, verdict: str
) -> None:
    """2024's city value is the sum of the two districts named (at least that):
    6 + 4 + 6 = 16 may reach 20 (unknown), 6 + 9 + 6 = 21 reaches it whatever the
    others (met). The line logs the sum as derived, and audit judges it so."""
    import json  # noqa: PLC0415

    brands = "municipal_agricultural_regional_public_brands"
    figures = tmp_path / "figures.csv"
    figures.write_text(
        "year,district,measure,value\n"
        f"2023,,{brands},6\n2025,,{brands},6\n"
        f"2024,芝罘区,{brands},{first}\n2024,福山区,{brands},{second}\n",
        encoding="utf-8",
    )
    decisions = tmp_path / "decisions.jsonl"
    rule = "municipal-agricultural-regional-public-brands"
    run("check", "yantai-2023-2025", str(figures), "--rule", rule, "--decision-log", str(decisions))
    [line] = decisions.read_text(encoding="utf-8").splitlines()
    logged = json.loads(line)
    assert logged["verdict"] == verdict
    assert logged["derived"] == {"2024": {brands: ["福山区", "芝罘区"]}}
    code, out, err = run("audit", str(decisions))
    assert (code, "clean:" in out) == (0, True), out + err


def test_a_lazy_frame_is_refused_without_polars_warning() -> None:
    """qrules asked a LazyFrame for its columns, and polars warned
    (PerformanceWarning) before qrules' TypeError."""
    import warnings  # noqa: PLC0415

    polars = pytest.importorskip("polars")
    from qrules.testing import assert_meets  # noqa: PLC0415

    lazy = polars.DataFrame({"year": [2025], "measure": ["x"], "value": [1]}).lazy()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(TypeError, match="cannot read figures from LazyFrame"):
            assert_meets(lazy, "yantai-2023-2025")


def test_a_template_never_overwrites_a_file_unasked(tmp_path: Path) -> None:
    figures = tmp_path / "figures.csv"
    figures.write_text("filled in\n", encoding="utf-8")
    code, out, err = run("template", "yantai-2023-2025", "-o", str(figures))
    assert code == 2, out
    assert "exists" in err
    assert "--force" in err
    assert figures.read_text(encoding="utf-8") == "filled in\n"
    code, _, err = run("--lang", "zh", "template", "yantai-2023-2025", "-o", str(figures))
    assert (code, "已存在" in err) == (2, True), err
    code, _, err = run("template", "yantai-2023-2025", "-o", str(figures), "--force")
    assert code == 0, err
    assert figures.read_text(encoding="utf-8-sig").startswith("year,")


def test_a_revision_git_does_not_know_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    """It said only "git rev-parse failed"."""
    root = Path(__file__).parent.parent
    if not (root / ".git").exists():
        pytest.skip("not a git checkout")
    monkeypatch.chdir(root)
    rules = "rules/yantai-2023-2025"
    code, _, err = run("diff", f"no-such-revision-s10:{rules}", rules)
    assert code == 2, err
    assert "no revision 'no-such-revision-s10' in this repository" in err
    assert "git log --oneline" in err
    assert "rev-parse failed" not in err
    code, _, err = run("--lang", "zh", "diff", f"no-such-revision-s10:{rules}", rules)
    assert "本仓库中没有版本" in err


@pytest.mark.parametrize("selection", [("--rule", "nope"), ("--tag", "records")])
def test_a_selection_without_a_rulebook_is_an_error(selection: tuple[str, str]) -> None:
    """It was ignored: every rulebook listed, exit 0."""
    code, out, err = run("list", *selection)
    assert (code, out) == (2, ""), err
    assert f"{selection[0]} chooses rules of a rulebook: give one" in err
    code, _, err = run("--lang", "zh", "list", *selection)
    assert (code, "请给出规则集" in err) == (2, True), err


def test_show_of_an_unknown_rule_points_to_list() -> None:
    code, _, err = run("show", "yantai-2023-2025", "nope")
    assert code == 2
    assert "no rule 'nope' in rulebook 'yantai-2023-2025'; qrules list yantai-2023-2025" in err
    code, _, err = run("show", "yantai-2023-2025", "food-safety-sampling-pass-rat")
    assert "did you mean 'food-safety-sampling-pass-rate'" in err
    code, _, err = run("--lang", "zh", "show", "yantai-2023-2025", "nope")
    assert "qrules list yantai-2023-2025 列出其全部规则" in err


def test_errors_of_records_are_headed_records(tmp_path: Path) -> None:
    """They were headed "dataset '…'", the word for reported figures."""
    duckdb = pytest.importorskip("duckdb")
    database = tmp_path / "records.duckdb"
    connection = duckdb.connect(str(database))
    connection.execute("CREATE TABLE register AS SELECT 'A' AS unit, 'a' AS name")
    connection.execute("CREATE TABLE inspections AS SELECT 'A' AS unit, DATE '2025-01-02' AS date")
    connection.close()
    code, _, err = run("check", "yantai-2023-2025", "--database", f"duckdb:///{database}")
    assert code == 2, err
    assert err.startswith("qrules: records 'register' has 1 problem"), err
    assert "dataset" not in err
    (tmp_path / "register.csv").write_text("unit,name\nA,a\n", encoding="utf-8")
    code, _, err = run(
        "--lang", "zh", "check", "yantai-2023-2025", "--register", str(tmp_path / "register.csv")
    )
    assert code == 2, err
    assert "记录 'register.csv' 有 1 个问题" in err, err


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_every_command_option_and_positional_has_help(lang: str) -> None:
    """``--format`` of every command, the descriptions of list, show, export,
    validate, changelog and schema, and bare positionals had none."""
    import argparse  # noqa: PLC0415

    from qrules.cli import _parser  # noqa: PLC0415

    parser = _parser(lang)  # type: ignore[arg-type]
    [commands] = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    missing = [
        f"{name} {action.option_strings or action.dest}"
        for name, command in commands.choices.items()
        for action in command._actions
        if action.help is None
    ]
    missing += [f"{name}: description" for name, c in commands.choices.items() if not c.description]
    assert missing == []
