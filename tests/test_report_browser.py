"""The HTML report as a person sees it: opened in a real headless Chromium.

Chromium comes from the system's packages (Debian's ``chromium``; ``.ci/run``
installs it) and is driven by Playwright, which is told where it is, so no
browser is ever downloaded. Without Chromium these tests fail with a message
saying how to get it: they are the only check that the charts draw and the
filters work.

The last test takes the screenshot the docs show; with QRULES_UPDATE_SCREENSHOT=1
it saves it as ``docs/images/report.png``.
"""

from __future__ import annotations

import csv
import os
import shutil
import subprocess
from collections.abc import Iterator
from fractions import Fraction
from pathlib import Path
from typing import Any

import attrs
import pytest

import qrules
from qrules._expr import format_number
from qrules._html import evaluation_html
from qrules._results import FailingUnit

from .conftest import SAMPLE_RECORDS, if02_records, log_year, records_options, run

ROOT = Path(__file__).parent.parent
SCREENSHOT = ROOT / "docs" / "images" / "report.png"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}

#: Sixteen invented districts, some with long names, as a city office reports them.
DISTRICTS = [f"示例{c}区" for c in "甲乙丙丁戊己庚辛壬癸"] + [
    "示例经济技术开发区",
    "示例高新技术产业开发区",
    "示例综合试验区",
    "示例国家级自然保护区",
    "示例子区",
    "示例丑区",
]


SYSTEM_PACKAGES = Path(__file__).parent.parent / ".ci" / "system-packages"


def chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None and os.geteuid() == 0 and shutil.which("apt-get"):
        # A fresh machine: install it from the system's packages, as CI does.
        subprocess.run(["bash", str(SYSTEM_PACKAGES)], check=False)
        found = shutil.which("chromium")
    if found is None and Path("/usr/bin/chromium").is_file():
        found = "/usr/bin/chromium"
    if found is None:
        pytest.fail(
            "Chromium is not installed: the report's browser test needs it. "
            "Install the system package (Debian: apt-get install chromium); "
            ".ci/run does so before the tests."
        )
    return found


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    try:
        from playwright.sync_api import sync_playwright  # noqa: PLC0415 (only this test)
    except ImportError:
        pytest.fail("Playwright is not installed: python -m pip install -e '.[test]'")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=chromium(), args=CHROMIUM_ARGS)
        yield launched
        launched.close()


def sixteen_districts(path: Path) -> Path:
    """The shipped sample spread over sixteen districts, scaled a little for each;
    2023 and 2024 for all, 2025 for every other one (so some are projected)."""
    rulebook = qrules.load("yantai-2023-2025")
    sample = qrules.read_dataset(
        Path(rulebook.path) / "samples" / "synthetic-2023-2025.csv", rulebook
    )
    with path.open("w", newline="", encoding="utf-8") as file:
        writer = csv.writer(file)
        writer.writerow(["year", "district", "measure", "value"])
        for index, district in enumerate(DISTRICTS):
            for row in sample.observations:
                if row.value is None or (row.year == 2025 and index % 2):
                    continue
                if rulebook.measures[row.measure].unit.integer:
                    value = Fraction(round(row.value * Fraction(85 + 2 * index, 100)))
                else:
                    value = min(
                        Fraction(100), max(Fraction(0), row.value + Fraction(index - 10, 10))
                    )
                writer.writerow([row.year, district, row.measure, format_number(value)])
    return path


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("reports")
    data = sixteen_districts(folder / "districts.csv")
    made = {
        "sample": ("report", "yantai-2023-2025", "--sample"),
        "sample-zh": ("report", "yantai-2023-2025", "--sample", "--lang", "zh"),
        "districts": ("report", "yantai-2023-2025", str(data)),
    }
    paths = {}
    for name, argv in made.items():
        paths[name] = folder / f"{name}.html"
        assert run(*argv, "-o", str(paths[name]))[0] == 0
    mixed = folder / "mixed.csv"
    mixed.write_text(
        "year,measure,value\n2024,special_medical_food_makers_system_inspected_share,100\n",
        encoding="utf-8",
    )
    paths["mixed"] = folder / "mixed.html"
    assert (
        run(
            "report",
            "yantai-2023-2025",
            str(mixed),
            *SAMPLE_RECORDS,
            "--engine",
            "reference",
            "--log-until",
            "2025-12-31",
            "--rule",
            "special-medical-food-makers-system-inspected-yearly",
            "-o",
            str(paths["mixed"]),
        )[0]
        == 0
    )
    paths["units"] = folder / "units.html"
    paths["units"].write_text(with_failing_units(), encoding="utf-8")
    return paths


def with_failing_units() -> str:
    """A records rule that 40 units fail, some with long names, for the units table."""
    rulebook = qrules.load("yantai-2023-2025")
    evaluation = rulebook.evaluate(
        qrules.read_dataset(Path(rulebook.path) / "samples" / "synthetic-2023-2025.csv", rulebook)
    )
    units = tuple(
        FailingUnit(
            f"CT{i:04d}",
            f"样例餐饮单位{i:02d}" + "（集体用餐配送中心）" * (i % 3),
            DISTRICTS[i % 16],
            qrules.Text("2024-12-31 前还需检查 1 次", "1 more inspection by 2024-12-31"),
            1,
        )
        for i in range(40)
    )
    index = next(
        i
        for i, r in enumerate(evaluation.results)
        if r.rule.id == "high-risk-catering-units-inspected-twice-yearly"
    )
    result = attrs.evolve(
        evaluation.results[index],
        verdict=qrules.Verdict.NOT_MET,
        population=1200,
        meeting=1160,
        failing_units=units,
    )
    results = list(evaluation.results)
    results[index] = result
    return evaluation_html(attrs.evolve(evaluation, results=tuple(results)))


class Page:
    """An opened report, with the few questions the tests ask of it."""

    def __init__(self, browser: Any, path: Path, viewport: dict[str, int]) -> None:
        self.page = browser.new_page(viewport=viewport)
        self.requests: list[str] = []
        self.errors: list[str] = []
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))
        self.page.on(
            "console",
            lambda message: self.errors.append(message.text) if message.type == "error" else None,
        )

        def route(route: Any) -> None:
            url = route.request.url
            if url.startswith("file:"):
                route.continue_()
            else:
                self.requests.append(url)
                route.abort()

        self.page.route("**/*", route)
        self.page.goto(path.as_uri())
        self.page.wait_for_selector("html[data-ready]")
        self.settle()

    def settle(self) -> None:
        # Charts are drawn when their box first has a size (a ResizeObserver).
        self.page.wait_for_function(
            "[...document.querySelectorAll('.chart')].filter(c => c.offsetParent !== null)"
            ".every(c => c.dataset.rendered === 'true')"
        )

    def js(self, script: str) -> Any:
        return self.page.evaluate(script)

    def choose(self, select: str, value: str) -> None:
        self.page.select_option(select, value)
        self.settle()

    def visible_rows(self) -> list[dict[str, str]]:
        return list(
            self.js(
                "[...document.querySelectorAll('article.rule')]"
                ".filter(a => a.offsetParent !== null)"
                ".map(a => ({id: a.dataset.id, verdict: a.dataset.verdict}))"
            )
        )

    def drawn_charts(self) -> int:
        """Visible charts whose SVG has a size and holds drawn shapes."""
        return int(
            self.js(
                "[...document.querySelectorAll('.chart')].filter(c => c.offsetParent !== null)"
                ".filter(c => { const s = c.querySelector('svg'); if (!s) return false;"
                " const r = s.getBoundingClientRect();"
                " return r.width > 0 && r.height > 0 && s.querySelectorAll('path').length > 0; })"
                ".length"
            )
        )

    def overflowing(self) -> list[str]:
        """Elements wider than their box, or reaching past the window's right edge."""
        return list(
            self.js("""() => {
            const width = document.documentElement.clientWidth;
            const bad = [];
            const name = e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') +
                (e.className && typeof e.className === 'string' ? '.' + e.className : '') +
                (e.dataset && e.dataset.id ? '[' + e.dataset.id + ']' : '');
            for (const e of [document.documentElement, document.body]) {
                if (e.scrollWidth > e.clientWidth) bad.push(name(e) + ' scrolls sideways');
            }
            const boxes = document.querySelectorAll(
                '.top, .controls, main, footer, .group, .rule, .rule > *, .chart, ' +
                '.overview figure, .summary, blockquote, .units-wrap, table.units, .strip');
            for (const e of boxes) {
                if (e.offsetParent === null) continue;
                if (e.scrollWidth > e.clientWidth + 1) bad.push(name(e) + ' overflows');
                const r = e.getBoundingClientRect();
                if (r.right > width + 1) bad.push(name(e) + ' passes the right edge');
            }
            return bad;
        }""")
        )

    def close(self) -> None:
        assert self.errors == [], self.errors
        assert self.requests == [], f"the report asked the network for {self.requests}"
        self.page.close()


@pytest.fixture
def opened(browser: Any) -> Iterator[Any]:
    pages: list[Page] = []

    def open_(path: Path, viewport: dict[str, int] = DESKTOP) -> Page:
        page = Page(browser, path, viewport)
        pages.append(page)
        return page

    yield open_
    for page in pages:
        page.close()


def test_the_charts_draw_without_the_network(opened: Any, reports: dict[str, Path]) -> None:
    page = opened(reports["sample"])
    rules = len(page.visible_rows())
    assert rules == 94
    # A bullet chart for every rule, a trend for each with two years, the overview.
    assert page.drawn_charts() >= rules + 80
    assert page.js("document.querySelectorAll('script[src], link[href]').length") == 0


def test_the_verdict_filter_shows_only_that_verdict(opened: Any, reports: dict[str, Path]) -> None:
    page = opened(reports["sample"])
    page.choose("#f-verdict", "not_met")
    rows = page.visible_rows()
    assert rows
    assert {r["verdict"] for r in rows} == {"not_met"}
    assert len(rows) == int(
        page.js("document.querySelector('.tile[data-verdict=not_met] b').textContent")
    )
    assert page.js("document.getElementById('shown').textContent") == (
        f"{len(rows)} of 94 rules shown"
    )
    assert page.drawn_charts() >= len(rows)
    page.choose("#f-verdict", "")
    assert len(page.visible_rows()) == 94
    # The summary tiles filter too.
    page.page.click(".tile[data-verdict=unknown]")
    page.settle()
    assert {r["verdict"] for r in page.visible_rows()} == {"unknown"}


def test_the_section_filter(opened: Any, reports: dict[str, Path]) -> None:
    page = opened(reports["sample"])
    rulebook = qrules.load("yantai-2023-2025")
    section = "二、(二) 专栏2 / 提升食品药品质量"
    page.choose("#f-section", section)
    expected = [r.id for r in rulebook.select(section=section)]
    assert [r["id"] for r in page.visible_rows()] == expected
    assert page.js("[...document.querySelectorAll('.group')].filter(g => !g.hidden).length") == 1
    top = "二、(五) 专栏7"
    page.choose("#f-section", top)
    assert [r["id"] for r in page.visible_rows()] == [r.id for r in rulebook.select(section=top)]


def test_the_responsible_body_filter(opened: Any, reports: dict[str, Path]) -> None:
    page = opened(reports["sample"])
    rulebook = qrules.load("yantai-2023-2025")
    page.choose("#f-body", "market-regulation")
    expected = [r.id for r in rulebook.select(responsible="市市场监管局")]
    assert [r["id"] for r in page.visible_rows()] == expected
    # The misprint 市市场监管局局 is the same body: its rules are among those shown.
    assert "national-industry-standards-made-or-revised" in expected
    page.choose("#f-body", "longkou-government")
    assert [r["id"] for r in page.visible_rows()] == [
        r.id for r in rulebook.select(responsible="龙口市")
    ]
    page.choose("#f-body", "")
    assert len(page.visible_rows()) == 94


def test_the_district_filter(opened: Any, reports: dict[str, Path]) -> None:
    page = opened(reports["districts"])
    options = page.js("[...document.querySelectorAll('#f-district option')].map(o => o.value)")
    # The city (judged on the sums of its districts' rows) and each district.
    assert sorted(options) == sorted(["", *DISTRICTS])
    rulebook = qrules.load("yantai-2023-2025")
    evaluation = rulebook.evaluate(
        qrules.read_dataset(reports["districts"].parent / "districts.csv", rulebook)
    )
    each = {r.id for r in rulebook if r.scope == "each-district"}
    for district in ("示例高新技术产业开发区", "示例乙区"):
        page.choose("#f-district", district)
        rows = page.visible_rows()
        # A district shows only the rules that apply to it.
        assert {r["id"] for r in rows} == each
        results = [r for r in evaluation if r.district == district]
        not_met = {r.rule.id for r in results if r.verdict is qrules.Verdict.NOT_MET}
        assert {r["id"] for r in rows if r["verdict"] == "not_met"} == not_met
        assert page.js("document.querySelector('.summary-for').textContent").startswith(district)
        # The "By district" chart marks the district shown, and only it.
        marked = page.js(
            "(() => { const option = document.querySelectorAll('#overview .chart')[1]"
            "._option; return option.yAxis.axisLabel.formatter ? option.yAxis.data"
            ".filter((name, i) => option.yAxis.axisLabel.formatter(name, i)"
            ".startsWith('{current|')) : []; })()"
        )
        assert marked == [district]
    # Each rule's strip of districts switches district too, and counts the
    # districts without the city.
    page.choose("#f-district", "")
    assert (
        page.js("document.querySelector('#rule-food-safety-sampling-pass-rate .strip')") is None
    )  # the city's rule: no strip of districts
    strip = "#rule-nonconforming-food-disposal-rate .strip"
    assert page.js(f"document.querySelector('{strip} .count').textContent").endswith(
        f"of {len(DISTRICTS)} districts met"
    )
    page.page.click(f"{strip} button >> nth=1")
    page.settle()
    assert page.js("document.getElementById('f-district').value") == (
        page.js("document.querySelectorAll('#f-district option')[1].value")
    )
    page.choose("#f-verdict", "not_met")
    assert {r["verdict"] for r in page.visible_rows()} <= {"not_met"}


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
@pytest.mark.parametrize("report", ["sample", "districts", "units", "sample-zh"])
def test_nothing_is_cut_off(
    opened: Any, reports: dict[str, Path], report: str, viewport: dict[str, int]
) -> None:
    page = opened(reports[report], viewport)
    page.js("document.querySelectorAll('details').forEach(d => d.open = true)")
    page.settle()
    assert page.overflowing() == []
    assert page.drawn_charts() >= 94


def test_failing_units_are_listed(opened: Any, reports: dict[str, Path]) -> None:
    page = opened(reports["units"], PHONE)
    row = "#rule-high-risk-catering-units-inspected-twice-yearly"
    page.page.click(f"{row} details.units summary")
    assert page.js(f"document.querySelectorAll('{row} table.units tbody tr').length") == 40
    assert page.page.is_visible(f"{row} table.units")
    assert "1160 of 1200 units meet it" in page.js(f"document.querySelector('{row}').innerText")


def test_figures_and_records_that_disagree(opened: Any, reports: dict[str, Path]) -> None:
    page = opened(reports["mixed"], PHONE)
    row = "#rule-special-medical-food-makers-system-inspected-yearly"
    notes = page.js(
        f"[...document.querySelectorAll('{row} .note.disagreement')].map(n => n.innerText)"
    )
    assert notes == [
        "Figures and records disagree: 2024 · reported figures: the records give: not met, "
        "50 (1/2)",
        "Figures and records disagree: 2024 · records: the reported figures give: met, 100",
    ]
    chips = page.js(f"[...document.querySelectorAll('{row} .chips .badge')].map(b => b.innerText)")
    assert "✗ 2024 records" in chips
    assert page.overflowing() == []


def test_the_chinese_report(opened: Any, reports: dict[str, Path]) -> None:
    page = opened(reports["sample-zh"])
    assert page.js("document.documentElement.lang") == "zh-CN"
    titles = page.js("[...document.querySelectorAll('article.rule h4')].map(h => h.textContent)")
    assert "食品安全抽检合格率" in titles
    assert page.js("document.querySelector('.tile[data-verdict=not_met]').innerText").endswith(
        "未达标"
    )
    assert page.js("document.querySelector('label[for=f-section]').innerText").startswith("章节")


def test_screenshot_for_the_docs(opened: Any, reports: dict[str, Path], tmp_path: Path) -> None:
    # The docs' screenshot is rewritten only when asked for
    # (QRULES_UPDATE_SCREENSHOT=1), so that a test run leaves the tree as it was.
    target = SCREENSHOT if os.environ.get("QRULES_UPDATE_SCREENSHOT") else (tmp_path / "report.png")
    page = opened(reports["districts"], {"width": 1280, "height": 1500})
    page.choose("#f-district", "示例庚区")  # one with 2025 figures: all three verdicts
    page.page.screenshot(path=str(target), type="png")
    assert target.read_bytes().startswith(b"\x89PNG")
    assert target.stat().st_size < 1_000_000
    assert SCREENSHOT.is_file()


def test_rejected_rows_are_named_and_linked(opened: Any, tmp_path: Path) -> None:
    """Issue 11's IF02: the report names every rejected row with its reason (in a
    collapsed list with a count), and the result they make unknown links to them."""
    register, log = if02_records(tmp_path)
    path = tmp_path / "report.html"
    code, _, _ = run(
        "report",
        "yantai-2023-2025",
        *records_options(register, log),
        *log_year(2024),
        "--rule",
        "infant-formula-makers-system-inspected-yearly",
        "--engine",
        "reference",
        "-o",
        str(path),
    )
    assert code == 0
    page = opened(path)
    assert page.visible_rows() == [
        {"id": "infant-formula-makers-system-inspected-yearly", "verdict": "unknown"}
    ]
    summaries = page.js(
        "[...document.querySelectorAll('details.rejected > summary')].map(s => s.textContent)"
    )
    assert summaries == ["Rejected rows of the register register.csv (1)"]
    item = "document.getElementById('rejected-register-3')"
    assert page.js(f"{item}.textContent") == (
        "register.csv, row 3, column 'registered': '2020-02-30' is not a date: no such day"
    )
    assert page.js(f"{item}.closest('details').open") is False  # collapsed
    page.page.click("a[href='#rejected-register-3']")
    assert page.js(f"{item}.closest('details').open") is True
