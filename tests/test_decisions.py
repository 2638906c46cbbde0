"""The decision log: written by check and the Python entry points, audited
clean; tampering detected; a revised rulebook's changed verdicts listed."""

from __future__ import annotations

import json
import time
from pathlib import Path

import attrs
import pytest

import qrules
from qrules import Verdict
from qrules._decisions import audit_log, records_digests
from qrules._limits import MAX_DECISION_LOG_LINE_BYTES

from .conftest import SAMPLE_RECORDS, SAMPLES, run, with_average_rule
from .revisions import apply_revision

SAMPLE = Path(qrules.load("yantai-2023-2025").path) / "samples" / "synthetic-2023-2025.csv"


def shipped(rulebook_id: str, version: str, fingerprint: str, as_of: object) -> qrules.Rulebook:
    book = qrules.load(rulebook_id)
    assert book.fingerprint == fingerprint
    return book


@pytest.fixture(scope="module")
def checked(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A log written by ``qrules check --sample`` and by ``check --register sample``."""
    log = tmp_path_factory.mktemp("log") / "decisions.jsonl"
    assert run("check", "yantai-2023-2025", "--sample", "--decision-log", str(log))[0] == 1
    assert (
        run(
            "check",
            "yantai-2023-2025",
            *SAMPLE_RECORDS,
            "--engine",
            "reference",
            "--decision-log",
            str(log),
        )[0]
        == 1
    )
    return log


def lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines()


def test_a_log_written_by_check_is_audited_clean(checked: Path) -> None:
    records = [json.loads(line) for line in lines(checked)]
    figures = [r for r in records if r["records"] is None]
    counted = [r for r in records if r["records"] is not None]
    book = qrules.load("yantai-2023-2025")
    register = qrules.read_register(SAMPLES / "register.csv")
    log = qrules.read_log(SAMPLES / "inspections.csv", register)
    assert len(figures) == len(book.evaluate(qrules.read_dataset(SAMPLE, book)))
    assert len(counted) == len(qrules.evaluate_records(book, register, log))
    assert records[0]["prev"] is None
    assert {r["engine"] for r in counted} == {"reference"}
    assert [s["kind"] for s in counted[0]["sources"]] == ["register", "log"]
    assert all(s["digest"].startswith("sha256:") for s in counted[0]["sources"])
    dataset = qrules.read_dataset(SAMPLE, book)
    assert figures[0]["sources"][0]["rows"] == dataset.rows_read
    assert counted[0]["sources"][0]["rows"] == register.rows_read
    code, out, _ = run("audit", str(checked))
    assert code == 0, out
    assert f"{len(records)} lines judged by yantai-2023-2025 {book.version}" in out
    assert out.endswith(
        "clean: the chain is intact and every verdict follows from its logged inputs\n"
    )
    code, out, _ = run("audit", str(checked), "--lang", "zh")
    assert code == 0
    assert "复核无误" in out


def test_evaluate_records_logs_the_sample_records(tmp_path: Path, yantai: qrules.Rulebook) -> None:
    register = qrules.read_register(SAMPLES / "register.csv")
    log = qrules.read_log(SAMPLES / "inspections.csv", register)
    path = tmp_path / "records.jsonl"
    evaluation = qrules.evaluate_records(yantai, register, log, by_district=True, decision_log=path)
    written = [json.loads(line) for line in lines(path)]
    assert len(written) == len(evaluation)
    failing = [r for r in written if r["verdict"] == "not_met"]
    assert failing
    assert all(r["records"]["failing_units"] > 0 for r in failing)
    assert written[0]["sources"][1]["rows"] == log.rows_read - log.rows_rejected
    audit = audit_log(path, shipped)
    assert audit.clean, audit
    # Appending continues the chain.
    yantai.evaluate({"food_safety_sampling_pass_rate": "98.4"}, decision_log=path)
    assert audit_log(path, shipped).clean


def test_tables_judged_in_place_are_logged(tmp_path: Path, yantai: qrules.Rulebook) -> None:
    duckdb = pytest.importorskip("duckdb")
    connection = duckdb.connect()
    connection.execute(
        f"CREATE TABLE register AS SELECT * FROM read_csv('{SAMPLES / 'register.csv'}')"
    )
    connection.execute(
        f"CREATE TABLE inspections AS SELECT * FROM read_csv('{SAMPLES / 'inspections.csv'}')"
    )
    path = tmp_path / "tables.jsonl"
    qrules.evaluate_tables(yantai, connection, decision_log=path)
    first = json.loads(lines(path)[0])
    assert first["engine"] == "duckdb"
    assert [(s["kind"], s["digest"]) for s in first["sources"]] == [
        ("register", None),
        ("log", None),
    ]
    assert audit_log(path, shipped).clean


def tampered(checked: Path, tmp_path: Path, change: str) -> Path:
    text = lines(checked)
    if change == "delete":
        del text[40]
    elif change == "edit":
        record = json.loads(text[40])
        record["observed"] = "1" if record["observed"] != "1" else "2"
        edited = json.dumps(record, ensure_ascii=False, separators=(",", ":"))
        assert edited != text[40]
        text[40] = edited
    elif change == "reorder":
        text[40], text[41] = text[41], text[40]
    elif change == "delete first":
        del text[0]
    path = tmp_path / f"{change}.jsonl"
    path.write_text("\n".join(text) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("change", "broken"),
    [("delete", [41]), ("edit", [42]), ("reorder", [41, 42, 43]), ("delete first", [1])],
)
def test_deleting_editing_or_reordering_a_line_is_detected(
    checked: Path, tmp_path: Path, change: str, broken: list[int]
) -> None:
    audit = audit_log(tampered(checked, tmp_path, change), shipped)
    assert not audit.clean
    assert [f.line for f in audit.findings] == broken
    assert all("chain" in f.message.en or "removed" in f.message.en for f in audit.findings)
    code, out, _ = run("audit", str(tampered(checked, tmp_path, change)))
    assert code == 1
    assert f"line {broken[0]}: " in out


def test_a_cut_tail_is_detected_against_the_kept_head(checked: Path, tmp_path: Path) -> None:
    head = audit_log(checked, shipped).head
    assert head is not None
    cut = tmp_path / "cut.jsonl"
    cut.write_text("\n".join(lines(checked)[:-3]) + "\n", encoding="utf-8")
    assert audit_log(cut, shipped).clean  # a chain alone cannot tell
    code, out, _ = run("audit", str(cut), "--head", head)
    assert code == 1
    assert "cut from the end" in out


def test_auditing_against_a_revised_rulebook_lists_the_changed_verdicts(
    checked: Path, tmp_path: Path, yantai: qrules.Rulebook
) -> None:
    revised_folder = apply_revision("yantai-2024", tmp_path)
    revised = qrules.load(revised_folder)
    # What the revised rulebook says of the same figures and records, judged afresh.
    register = qrules.read_register(SAMPLES / "register.csv")
    log = qrules.read_log(SAMPLES / "inspections.csv", register)
    before, after = {}, {}
    for book, verdicts in ((yantai, before), (revised, after)):
        dataset = qrules.read_dataset(SAMPLE, book)
        for result in [
            *book.evaluate(dataset),
            *qrules.evaluate_records(book, register, log, engine="reference"),
        ]:
            verdicts[
                (result.rule.id, result.year, result.district, result.population is not None)
            ] = result.verdict
    expected = sorted(k[:2] for k in before if k in after and before[k] != after[k])
    assert expected  # the revision changes some verdicts of the sample
    removed = sorted({k[0] for k in before if k not in after})
    assert removed == ["yantai-master-craftsmen"]

    audit = audit_log(checked, lambda *_: revised)
    assert sorted((c.rule, c.year) for c in audit.changes) == expected
    assert {c.logged for c in audit.changes} | {c.now for c in audit.changes} <= set(Verdict)
    assert [f.message.en.split(":")[0] for f in audit.findings] == removed
    code, out, _ = run("audit", str(checked), "--rulebook", str(revised_folder))
    assert code == 1
    change = next(c for c in audit.changes if c.rule == "advanced-quality-management-adopters")
    assert f"{change.describe()}" in out
    assert "observed 318, target was >= 300, now >= 350" in out
    code, out, _ = run("audit", str(checked), "--rulebook", str(revised_folder), "--lang", "zh")
    assert "目标由 >= 300 改为 >= 350" in out


def test_a_log_of_an_unknown_rulebook_says_what_to_do(
    checked: Path, tmp_path: Path, mini_copy: Path
) -> None:
    path = tmp_path / "mini.jsonl"
    qrules.load(mini_copy).evaluate({"firms": 301}, decision_log=path)
    code, out, _ = run("audit", str(path))
    assert code == 1
    assert "no rulebook with fingerprint" in out
    assert "--rulebook" in out
    assert run("audit", str(path), "--rulebook", str(mini_copy))[0] == 0


def test_bad_logs_are_bad_input(tmp_path: Path) -> None:
    code, _, err = run("audit", str(tmp_path / "missing.jsonl"))
    assert code == 2
    assert "cannot read the decision log" in err
    (tmp_path / "junk.jsonl").write_text("not json\n{}\n", encoding="utf-8")
    code, out, _ = run("audit", str(tmp_path / "junk.jsonl"))
    assert code == 1
    assert "line 1: not a decision log record" in out
    partial = tmp_path / "partial.jsonl"
    partial.write_text('{"a": 1}', encoding="utf-8")
    code, _, err = run("check", "yantai-2023-2025", "--sample", "--decision-log", str(partial))
    assert code == 2
    assert "last line is incomplete" in err


def test_records_digests_change_with_any_value() -> None:
    register = qrules.read_register(SAMPLES / "register.csv")
    log = qrules.read_log(SAMPLES / "inspections.csv", register)
    before = [d.digest for d in records_digests(register, log)]
    assert before == [d.digest for d in records_digests(register, log)]
    unit = register.rows[3]
    for changed in (
        attrs.evolve(unit, closed=None if unit.closed else unit.registered),
        attrs.evolve(unit, flags=unit.flags ^ {"bright_kitchen"}),
        attrs.evolve(unit, district="其他区"),
    ):
        edited = attrs.evolve(register, rows=(*register.rows[:3], changed, *register.rows[4:]))
        assert records_digests(edited, log)[0].digest != before[0]
    inspection = log.rows[0]
    moved = attrs.evolve(inspection, date=inspection.date.replace(day=1 + inspection.date.day % 27))
    edited_log = attrs.evolve(log, rows=(moved, *log.rows[1:]))
    assert records_digests(register, edited_log)[1].digest != before[1]


def test_an_altered_verdict_is_reported_as_altered(checked: Path, tmp_path: Path) -> None:
    text = lines(checked)
    record = json.loads(text[-1])
    record["verdict"] = "met"  # the last line: no later line's chain notices
    text[-1] = json.dumps(record, ensure_ascii=False, separators=(",", ":"))
    path = tmp_path / "altered.jsonl"
    path.write_text("\n".join(text) + "\n", encoding="utf-8")
    audit = audit_log(path, shipped)
    assert audit.findings == ()
    [change] = audit.changes
    assert change.same_rulebook
    assert change.line == len(text)
    assert "the line was altered" in change.describe()


def test_hostile_logs_are_shown_not_run(checked: Path, tmp_path: Path) -> None:
    record = json.loads(lines(checked)[0])
    record["rule"] = "\x1b[2J\nline 1: clean"
    deep = "[" * 100_000 + "]" * 100_000
    path = tmp_path / "hostile.jsonl"
    path.write_text(json.dumps(record) + "\n" + deep + "\n", encoding="utf-8")
    code, out, _ = run("audit", str(path))
    assert code == 1
    assert "\x1b" not in out
    assert "\\x1b[2J\\x0aline 1: clean: yantai-2023-2025 " in out
    assert "line 2: not a decision log record" in out


def test_hostile_numbers_are_malformed_records_at_once(checked: Path, tmp_path: Path) -> None:
    # 1e300000000 would be expanded to every digit by Fraction(); an infinite year
    # cannot be an integer. Each is a finding on its line, found in well under a second.
    record = json.loads(lines(checked)[0])
    measure = next(iter(record["inputs"]))
    hostile = [{**record, "inputs": {measure: "1e300000000"}}, {**record, "year": float("inf")}]
    path = tmp_path / "hostile.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in hostile), encoding="utf-8")
    started = time.monotonic()
    code, out, _ = run("audit", str(path))
    assert time.monotonic() - started < 5
    assert code == 1
    assert "line 1: a malformed record" in out
    assert "'1e300000000' is not a number as qrules logs them" in out
    assert "line 2: a malformed record" in out


def test_a_line_over_the_limit_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "long.jsonl"
    path.write_bytes(b'{"a": "' + b"x" * MAX_DECISION_LOG_LINE_BYTES + b'"}\n')
    code, _, err = run("audit", str(path))
    assert code == 2
    assert f"line 1: longer than {MAX_DECISION_LOG_LINE_BYTES} bytes" in err


def test_output_never_overwrites_the_log(tmp_path: Path) -> None:
    path = tmp_path / "decisions.jsonl"
    code, _, err = run(
        "check", "yantai-2023-2025", "--sample", "--decision-log", str(path), "-o", str(path)
    )
    assert code == 2
    assert not path.exists()
    assert "-o" in err
    run("check", "yantai-2023-2025", "--sample", "--decision-log", str(path))
    before = path.read_bytes()
    assert run("audit", str(path), "-o", str(path))[0] == 2
    assert path.read_bytes() == before


def test_an_average_is_audited_on_every_reading_of_its_years(
    tmp_path: Path, mini_copy: Path
) -> None:
    # 2024's reported 95 would make the average met, its counts (70 of 100) not:
    # the result is unknown, and the audit judges the same readings again from
    # each year's logged values (the totals alone would give "not met").
    book = with_average_rule(mini_copy)
    figures = tmp_path / "figures.csv"
    figures.write_text(
        "year,measure,value\n"
        + "".join(
            f"{y},pass_rate,95\n{y},passed,{p}\n{y},sampled,100\n"
            for y, p in ((2023, 95), (2024, 70), (2025, 95))
        ),
        encoding="utf-8",
    )
    log = tmp_path / "decisions.jsonl"
    (result,) = book.evaluate(
        qrules.read_dataset(figures, book), rules=[book["average-pass-rate"]], decision_log=log
    )
    assert result.verdict is Verdict.UNKNOWN
    record = json.loads(lines(log)[0])
    assert record["inputs"] == {"pass_rate": "260/3"}
    assert record["yearly"]["2024"] == {"pass_rate": "95", "passed": "70", "sampled": "100"}
    audit = audit_log(log, lambda *_: book)
    assert audit.clean, audit
    # A year's value altered: the verdict no longer follows from the line.
    record["yearly"]["2024"]["passed"] = "95"
    altered = tmp_path / "altered.jsonl"
    altered.write_text(json.dumps(record, ensure_ascii=False) + "\n", encoding="utf-8")
    [change] = audit_log(altered, lambda *_: book).changes
    assert (change.logged, change.now, change.same_rulebook) == (Verdict.UNKNOWN, Verdict.MET, True)
