"""Every output escapes what came from the inputs for its format (qrules._escape).

The payloads (script tags, ``|``, control characters, ANSI escapes, U+2028,
template braces) go in through every field a user controls: district names in
a dataset, titles, quotes and interpretations in a rulebook, unit codes and
names in a register and log. Each output must then parse as its format and
say the true status: a district name cannot add a cell to the Markdown trends
table and forge "reached", nor colour or rewrite a terminal.
"""

from __future__ import annotations

import csv
import html
import json
import re
import shutil
import unicodedata
import xml.etree.ElementTree as ET
from pathlib import Path
from xml.sax.saxutils import quoteattr

import pytest

from qrules import _escape
from qrules._tabular import INVISIBLE

from .conftest import MINI, RECORDS, records_options, run

PAYLOADS = (
    "<script>alert(1)</script>",
    "x | reached | met |",
    "\x1b[31mRED\x1b[0m\x1b]0;title\x07",
    "c1\x85\x9b2J",
    "line\u2028sep\u2029end",
    "{{7*7}}",
    "${7*7}",
    "back\\slash`code`*em*[link](javascript:alert(1))",
    "bidi\u202eevil\u2066",
    "new\nline\rreturn\ttab",
)
#: The payloads as the readers read them: exact, but for the invisible format
#: characters (the bidi override and isolate) that every reader removes
#: (`_tabular.normal`), which never reach an output at all.
READ = {INVISIBLE.sub("", p) for p in PAYLOADS}

# What a terminal or an XML parser must never receive (a line break excepted).
_FORBIDDEN = re.compile(
    "[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]"
)


def _terminal_safe(text: str) -> None:
    found = _FORBIDDEN.search(text)
    assert found is None, f"{found.group()!r} in {text[found.start() - 40 :][:80]!r}"


def _cells(line: str) -> list[str]:
    """A Markdown table row's cells: split on every ``|`` not escaped."""
    return re.split(r"(?<!\\)\|", line.strip())[1:-1]


def _outside_code_blocks(text: str) -> str:
    """The text outside fenced code blocks (inside one, text is literal), after
    checking that each block ends with the fence it opened with."""
    kept: list[str] = []
    fence: str | None = None
    for line in text.splitlines():
        if fence is None and re.fullmatch(r"`{3,}", line):
            fence = line
        elif fence is not None:
            if line == fence:
                fence = None
            else:
                assert not re.fullmatch(r"`{3,}", line), "a line of data closes the block"
        else:
            kept.append(line)
    assert fence is None, "a code block is not closed"
    return "\n".join(kept)


def _markdown_safe(text: str) -> list[list[list[str]]]:
    """Every table keeps its header's column count; no markup, no raw control
    character, no template braces. Returns the tables' rows of cells."""
    _terminal_safe(text)
    text = _outside_code_blocks(text)
    assert "<script" not in text
    assert "{{" not in text
    assert "${" not in text
    assert "](" not in text.replace("\\](", "")  # no link made of data
    tables: list[list[list[str]]] = []
    current: list[list[str]] | None = None
    for line in text.splitlines():
        if line.startswith("|"):
            if current is None:
                current = []
                tables.append(current)
            current.append(_cells(line))
        else:
            current = None
    for table in tables:
        width = len(table[0])
        assert all(len(row) == width for row in table), table
    return tables


def _junit_safe(text: str) -> ET.Element:
    _terminal_safe(text)
    suite = ET.fromstring(text.encode("utf-8"))
    cases = suite.findall("testcase")
    assert len(cases) == int(suite.get("tests", "-1"))
    assert len([c for c in cases if c.find("failure") is not None]) == int(
        suite.get("failures", "-1")
    )
    return suite


def _html_safe(text: str) -> dict[str, object]:
    assert "<script>alert" not in text
    data = re.search(
        r'<script type="application/json" id="qrules-data">(.*?)</script>', text, re.DOTALL
    )
    assert data is not None
    assert "</" not in data.group(1)
    _terminal_safe(data.group(1))
    return dict(json.loads(data.group(1)))


# -- district names in a dataset ---------------------------------------------------


def _book(figures: Path) -> str:
    """The mini rulebook beside ``figures``, its pass rate every district's."""
    return str(figures.parent / "mini")


@pytest.fixture
def districts(tmp_path: Path) -> Path:
    """The mini rulebook's figures, and the same figures for a district named by
    each payload, over three years (so that trends are drawn)."""
    # The pass rate is every district's to reach, so each district is judged.
    mini = tmp_path / "mini"
    shutil.copytree(MINI, mini)
    rules = mini / "rules.toml"
    rules.write_text(
        rules.read_text(encoding="utf-8").replace(
            'tags = ["food"]\n', 'tags = ["food"]\nscope = "each-district"\n', 1
        ),
        encoding="utf-8",
    )
    path = tmp_path / "figures.csv"
    with path.open("w", encoding="utf-8", newline="") as file:
        writer = csv.writer(file)
        writer.writerow(["year", "district", "measure", "value"])
        for district in ("", *PAYLOADS):
            for year, passed in ((2023, 980), (2024, 984), (2025, 990)):
                writer.writerow([year, district, "passed", passed])
                writer.writerow([year, district, "sampled", 1000])
    return path


def test_district_names_in_every_check_format(districts: Path) -> None:
    _, table, _ = run("check", _book(districts), str(districts))
    _terminal_safe(table)
    _, markdown, _ = run("check", _book(districts), str(districts), "--format", "markdown")
    _markdown_safe(markdown)
    _, junit, _ = run("check", _book(districts), str(districts), "--format", "junit")
    _junit_safe(junit)
    _, out, _ = run("check", _book(districts), str(districts), "--format", "json")
    document = json.loads(out)  # JSON carries the names exactly
    assert {r.get("district") for r in document["results"]} >= READ - {None}


def test_a_district_cannot_forge_a_status_in_the_trends_table(
    districts: Path, tmp_path: Path
) -> None:
    code, out, err = run(
        "report", _book(districts), str(districts), "--format", "markdown", "-o", "-"
    )
    assert code == 0, err
    tables = _markdown_safe(out)
    trends = tables[-1]
    assert trends[0] == [" rule ", " district ", " path ", " outlook ", " status "]
    statuses = {row[-1].strip() for row in trends[2:]}
    # Every district's pass rate reaches 99 >= 98.5: the status is the true one.
    assert statuses == {"reached"}, statuses
    spoofed = [row for row in trends[2:] if "reached" in row[1]]
    assert spoofed, "the spoofing district is in the table, in its own cell"
    assert all(len(row) == 5 for row in spoofed)


def test_district_names_in_the_html_report(districts: Path, tmp_path: Path) -> None:
    output = tmp_path / "report.html"
    assert run("report", _book(districts), str(districts), "-o", str(output))[0] == 0
    data = _html_safe(output.read_text(encoding="utf-8"))
    names = {d["name"] for d in data["districts"]}  # type: ignore[union-attr]
    assert names >= READ  # the data is exact; the page puts it in as text


# -- titles, quotes and interpretations in a user rulebook -------------------------


@pytest.fixture
def hostile(tmp_path: Path) -> Path:
    """The mini rulebook with each text a rule file carries made of the payloads."""
    folder = tmp_path / "hostile"
    shutil.copytree(MINI, folder)
    payload = " ".join(p.replace("\n", " ").replace("\r", " ") for p in PAYLOADS)
    toml_text = json.dumps(payload)  # a JSON string is a TOML basic string
    # (the quote ends in its target: a rule's requirement is a target its quote writes)
    quote = json.dumps(payload + "≥98.5")
    with (folder / "plan.txt").open("a", encoding="utf-8") as file:
        file.write("\n" + payload + "≥98.5\n")
    rules = (folder / "rules.toml").read_text(encoding="utf-8")
    title = 'title = { zh = "食品安全抽检合格率", en = "Food safety sampling pass rate" }'
    rules = rules.replace(
        title, f"title = {{ zh = {toml_text}, en = {toml_text} }}\ninterpretation = {toml_text}", 1
    )
    rules = rules.replace(
        'section = "一"\nquote = "食品安全抽检合格率≥98.5"',
        f"section = {toml_text}\nquote = {quote}",
        1,
    )
    (folder / "rules.toml").write_text(rules, encoding="utf-8")
    plan = folder / "plan.toml"  # a new version, so that changelog writes its section
    plan.write_text(
        plan.read_text(encoding="utf-8").replace('version = "1.0.0"', 'version = "2.0.0"'),
        encoding="utf-8",
    )
    assert run("validate", str(folder))[0] == 0, run("validate", str(folder))[1]
    return folder


def test_rule_texts_in_every_rulebook_output(hostile: Path, tmp_path: Path) -> None:
    sample = str(MINI / "samples" / "figures.csv")
    for argv in (
        ("list", str(hostile)),
        ("show", str(hostile), "pass-rate"),
        ("check", str(hostile), sample),
        ("lint", str(hostile)),
        ("diff", str(MINI), str(hostile)),
    ):
        _, out, _ = run(*argv)
        _terminal_safe(out)
    for argv in (
        ("check", str(hostile), sample, "--format", "markdown"),
        ("export", str(hostile), "--format", "markdown"),
        ("diff", str(MINI), str(hostile), "--format", "markdown"),
        ("changelog", str(MINI), str(hostile)),
    ):
        _, out, _ = run(*argv)
        assert out
        _markdown_safe(out)
    _, out, _ = run("check", str(hostile), sample, "--format", "junit")
    suite = _junit_safe(out)
    assert any(c.get("classname", "").startswith("mini.<script>") for c in suite.iter("testcase"))
    _, out, _ = run("diff", str(MINI), str(hostile), "--format", "json")
    assert json.loads(out)["changed"] is True
    output = tmp_path / "report.html"
    assert run("report", str(hostile), sample, "-o", str(output))[0] == 0
    _html_safe(output.read_text(encoding="utf-8"))


# -- unit codes and names in records -----------------------------------------------


@pytest.fixture
def units(tmp_path: Path) -> tuple[Path, Path]:
    """A register of central kitchens named and coded by the payloads, never
    inspected (so each is a failing unit, listed in every output)."""
    register, log = tmp_path / "register.csv", tmp_path / "inspections.csv"
    with register.open("w", encoding="utf-8", newline="") as file:
        writer = csv.writer(file)
        writer.writerow(["unit", "name", "district", "category", "risk_level", "registered"])
        for index, payload in enumerate(PAYLOADS):
            writer.writerow(
                [f"K{index}{payload}", payload, payload, "central_kitchen", "high", "2020-01-01"]
            )
    with log.open("w", encoding="utf-8", newline="") as file:
        writer = csv.writer(file)
        writer.writerow(["inspection", "unit", "date", "kind", "result"])
        writer.writerow(["I1", f"K0{PAYLOADS[0]}", "2023-03-01", "routine", "compliant"])
    return register, log


def test_unit_codes_in_every_records_output(units: tuple[Path, Path]) -> None:
    register, log = units
    argv = (
        "check",
        str(RECORDS),
        *records_options(register, log),
        "--engine",
        "reference",
        "--by-district",
    )
    code, table, err = run(*argv)
    assert code in (0, 1), err
    _terminal_safe(table)
    _, markdown, _ = run(*argv, "--format", "markdown")
    _markdown_safe(markdown)
    _, junit, _ = run(*argv, "--format", "junit")
    _junit_safe(junit)
    _, out, _ = run(*argv, "--format", "json")
    assert json.loads(out)["results"]


# -- the helpers themselves ------------------------------------------------------


@pytest.mark.parametrize("payload", PAYLOADS)
def test_escaped_text_reads_back_as_written(payload: str) -> None:
    shown = _escape.terminal(payload)
    _terminal_safe(shown)
    assert "\n" not in shown
    # Every character that is not a control shows as itself.
    assert [c for c in shown if unicodedata.category(c) != "Cc"]
    cell = _escape.markdown(payload)
    assert len(_cells(f"| {cell} |")) == 1
    assert (
        html.unescape(cell)
        .replace("\\", "")
        .startswith(
            _escape.terminal(payload.replace("\n", " ").replace("\r", " ")).replace("\\", "")[:3]
        )
    )
    attribute = quoteattr(_escape.xml(payload))
    ET.fromstring(f"<a b={attribute}>{_escape.html(_escape.xml(payload, lines=True))}</a>")


def test_a_code_fence_is_longer_than_any_backticks_inside() -> None:
    assert _escape.code_fence(["a ```` b"]) == "`````"
    assert _escape.code_fence(["plain"]) == "```"
