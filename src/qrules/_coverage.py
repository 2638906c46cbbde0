"""Rule coverage: which verdicts and thresholds a test suite's judgements reached.

A `CoverageRecorder` listens to every evaluation (`qrules._observe`) and keeps,
for each rulebook fingerprint and rule: the verdicts seen; for each comparison
of the requirement, whether its integer form was seen negative, zero (the
*boundary*: the figures sat exactly on the threshold) and positive; and, for a
rule over records, whether a failing unit was ever listed. A rule is **fully
covered** when it was seen met, not met and unknown, every one of its
comparisons was hit exactly on its boundary, and, if it has ``[rule.records]``,
a failing unit was listed. The pytest plugin prints the `CoverageReport`,
writes it (JSON, HTML, Markdown) and gates on it exactly: the share of rules
fully covered is a `Fraction`, so 100 means every rule (see docs/testing.md).
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from fractions import Fraction
from typing import Any

import attrs

from . import _escape
from ._boundary import first_line
from ._errors import QRulesError
from ._messages import say
from ._model import Lang, Text
from ._replay import comparison_signs, conditions
from ._results import Evaluation, Verdict
from ._rulebook import Rulebook

__all__ = [
    "COVERAGE_SCHEMA_VERSION",
    "CoverageRecorder",
    "CoverageReport",
    "RuleCoverage",
    "RulebookCoverage",
    "coverage_html",
    "coverage_json",
    "coverage_markdown",
    "coverage_table",
    "parse_threshold",
    "percent_text",
    "read_coverage",
]

COVERAGE_SCHEMA_VERSION = "1"
_VERDICTS = (Verdict.MET, Verdict.NOT_MET, Verdict.UNKNOWN)
_SIGNS = (-1, 0, 1)


@attrs.define
class _Seen:
    verdicts: set[Verdict] = attrs.field(factory=set)
    signs: dict[int, set[int]] = attrs.field(factory=dict)
    failing_listed: bool = False
    #: Everything there is to see has been seen: later results are skipped cheaply.
    saturated: bool = False


class CoverageRecorder:
    """A listener (`qrules._observe.listening`) recording what each judgement
    reached. ``scope``: the fingerprints of the rulebooks to record (all when
    ``None``)."""

    def __init__(self, scope: frozenset[str] | None = None) -> None:
        self.scope = scope
        self.books: dict[str, Rulebook] = {}
        self.seen: dict[tuple[str, str], _Seen] = {}

    def __call__(self, evaluation: Evaluation) -> None:
        rulebook = evaluation.rulebook
        fingerprint = rulebook.fingerprint
        if self.scope is not None and fingerprint not in self.scope:
            return
        self.books.setdefault(fingerprint, rulebook)
        for result in evaluation.results:
            seen = self.seen.setdefault((fingerprint, result.rule.id), _Seen())
            if seen.saturated:
                continue
            seen.verdicts.add(result.verdict)
            if result.failing_units:
                seen.failing_listed = True
            signs = comparison_signs(
                rulebook, result.rule, result.years or (result.year,), result.inputs
            )
            for index, sign in enumerate(signs):
                if sign is not None:
                    seen.signs.setdefault(index, set()).add(sign)
            seen.saturated = (
                len(seen.verdicts) == len(_VERDICTS)
                and (seen.failing_listed or result.rule.records is None)
                and len(seen.signs) == len(signs)
                and all(len(s) == len(_SIGNS) for s in seen.signs.values())
            )

    def report(self, rulebooks: Iterable[Rulebook] = ()) -> CoverageReport:
        """The report over every rulebook judged (in scope) and ``rulebooks``
        (listed even when never judged: each of their rules then uncovered)."""
        books = dict(self.books)
        for rulebook in rulebooks:
            books.setdefault(rulebook.fingerprint, rulebook)
        return CoverageReport(
            tuple(self._rulebook(books[f]) for f in sorted(books, key=lambda f: (books[f].id, f)))
        )

    def _rulebook(self, rulebook: Rulebook) -> RulebookCoverage:
        rules = []
        for rule in rulebook.rules:
            seen = self.seen.get((rulebook.fingerprint, rule.id), _Seen())
            count = sum(1 for _ in conditions(rule.predicate(rulebook.measures)))
            rules.append(
                RuleCoverage(
                    rule.id,
                    tuple(v.value for v in _VERDICTS if v in seen.verdicts),
                    tuple(_sides(seen.signs.get(i, set())) for i in range(count)),
                    rule.records is not None,
                    seen.failing_listed,
                )
            )
        return RulebookCoverage(rulebook.id, rulebook.version, rulebook.fingerprint, tuple(rules))


def _sides(signs: set[int]) -> tuple[bool, bool, bool]:
    return (-1 in signs, 0 in signs, 1 in signs)


@attrs.frozen
class RuleCoverage:
    """What the judgements of one rule reached."""

    rule: str
    #: The verdicts seen, as in JSON output: ``met``, ``not_met``, ``unknown``.
    verdicts: tuple[str, ...]
    #: For each comparison: seen below, exactly at and above its threshold (the
    #: sign of its integer form: negative, zero, positive).
    comparisons: tuple[tuple[bool, bool, bool], ...]
    records: bool = False
    failing_unit_listed: bool = False

    @property
    def boundary_hit(self) -> bool:
        return all(at for _, at, _ in self.comparisons)

    @property
    def missing(self) -> tuple[str, ...]:
        """What full coverage still needs: verdicts, ``boundary``, ``failing unit``."""
        found = [v.value for v in _VERDICTS if v.value not in self.verdicts]
        if not self.boundary_hit:
            several = len(self.comparisons) > 1
            found.extend(
                f"boundary {i + 1}" if several else "boundary"
                for i, (_, at, _) in enumerate(self.comparisons)
                if not at
            )
        if self.records and not self.failing_unit_listed:
            found.append("failing unit")
        return tuple(found)

    @property
    def covered(self) -> bool:
        return not self.missing


@attrs.frozen
class RulebookCoverage:
    id: str
    version: str
    fingerprint: str
    rules: tuple[RuleCoverage, ...]


@attrs.frozen
class CoverageReport:
    rulebooks: tuple[RulebookCoverage, ...]

    @property
    def total(self) -> int:
        return sum(len(b.rules) for b in self.rulebooks)

    @property
    def covered(self) -> int:
        return sum(r.covered for b in self.rulebooks for r in b.rules)

    @property
    def share(self) -> Fraction:
        """Percent of rules fully covered, exactly (0 when there is no rule)."""
        return Fraction(100 * self.covered, self.total) if self.total else Fraction(0)

    def percent(self) -> str:
        """The share rounded *down* to two places: 99.999 % never reads 100."""
        return percent_text(self.share)

    def under(self, threshold: Fraction) -> Text | None:
        """Why the report fails a gate of ``threshold`` percent; ``None`` if it passes."""
        if self.total == 0:
            return say("coverage.nothing_judged")
        if self.share < threshold:
            return say(
                "coverage.under",
                covered=self.covered,
                total=self.total,
                percent=self.percent(),
                threshold=percent_text(threshold),
            )
        return None


def percent_text(value: Fraction) -> str:
    """A percent rounded *down* to two places."""
    hundredths = math.floor(value * 100)
    whole, part = divmod(hundredths, 100)
    return f"{whole}" if part == 0 else f"{whole}.{part:02d}".rstrip("0")


def parse_threshold(text: str) -> Fraction:
    """A gate's percent, exactly: ``100``, ``99.5``."""
    try:
        value = Fraction(text.strip())
    except (ValueError, ZeroDivisionError):
        value = Fraction(-1)
    if not 0 <= value <= 100:
        raise _CoverageError(say("coverage.fail_under", text=text))
    return value


class _CoverageError(QRulesError, ValueError):
    pass


# -- rendering ---------------------------------------------------------------

_COLUMNS = ("rule", "verdicts", "boundary", "sides", "missing")
#: The words of the table's cells, by the key `RuleCoverage` uses.
_WORDS = {
    "met": "coverage.met",
    "not_met": "coverage.not_met",
    "unknown": "coverage.unknown",
    "boundary": "coverage.boundary",
    "failing unit": "coverage.failing_unit",
    "yes": "coverage.yes",
    "no": "coverage.no",
}


def _headers(lang: Lang) -> list[str]:
    return [say(f"coverage.column.{column}").get(lang) for column in _COLUMNS]


def _word(key: str, lang: Lang) -> str:
    head, _, number = key.partition(" ")
    if head == "boundary" and number:
        return say("coverage.boundary_number", number=number).get(lang)
    return say(_WORDS[key]).get(lang) if key in _WORDS else key


def _rows(
    rulebook: RulebookCoverage, lang: Lang, escape: Callable[[str], str] = _escape.terminal
) -> list[list[str]]:
    """The table's cells, each escaped for its format (a saved report may be hostile)."""
    rows = []
    for rule in rulebook.rules:
        sides = " ".join(
            "".join(mark if seen else "·" for mark, seen in zip("<=>", c, strict=True))
            for c in rule.comparisons
        )
        comma = say("list.enumeration").get(lang)
        rows.append(
            [
                escape(cell)
                for cell in (
                    rule.rule,
                    comma.join(_word(v, lang) for v in rule.verdicts) or "—",
                    _word("yes" if rule.boundary_hit else "no", lang),
                    sides,
                    comma.join(_word(m, lang) for m in rule.missing) or "—",
                )
            ]
        )
    return rows


def _title(
    rulebook: RulebookCoverage, lang: Lang, escape: Callable[[str], str] = _escape.terminal
) -> str:
    covered = sum(r.covered for r in rulebook.rules)
    name = escape(f"{rulebook.id} {rulebook.version}")
    fingerprint = escape(rulebook.fingerprint[:12])
    return say(
        "coverage.title",
        rulebook=name,
        fingerprint=fingerprint,
        covered=covered,
        total=len(rulebook.rules),
    ).get(lang)


def _total(report: CoverageReport, lang: Lang) -> str:
    return say(
        "coverage.total", covered=report.covered, total=report.total, percent=report.percent()
    ).get(lang)


def coverage_table(
    report: CoverageReport, lang: Lang = "en", *, only_missing: bool = False, rows: bool = True
) -> str:
    """The terminal table; ``only_missing`` lists only the rules not fully
    covered, and without ``rows`` only the totals are given."""
    headers = _headers(lang)
    lines: list[str] = []
    for rulebook in report.rulebooks:
        shown = _rows(rulebook, lang) if rows else []
        if only_missing and shown:
            shown = [
                row for row, rule in zip(shown, rulebook.rules, strict=True) if not rule.covered
            ]
        lines.append(_title(rulebook, lang))
        if shown:
            widths = [
                max(_escape.columns(r[i]) for r in [headers, *shown]) for i in range(len(headers))
            ]
            for row in [headers, *shown]:
                lines.append(
                    "  " + "  ".join(_pad(c, w) for c, w in zip(row, widths, strict=True)).rstrip()
                )
    lines.append(_total(report, lang))
    return "\n".join(lines) + "\n"


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _escape.columns(text))


def coverage_markdown(report: CoverageReport, lang: Lang = "en") -> str:
    headers = _headers(lang)
    lines = []
    for rulebook in report.rulebooks:
        lines += [
            f"## {_title(rulebook, lang, _escape.markdown)}",
            "",
            "| " + " | ".join(headers) + " |",
            "|" + "---|" * len(headers),
        ]
        lines += ["| " + " | ".join(row) + " |" for row in _rows(rulebook, lang, _escape.markdown)]
        lines.append("")
    lines.append(_total(report, lang))
    return "\n".join(lines) + "\n"


def coverage_html(report: CoverageReport, lang: Lang = "en") -> str:
    headers = "".join(f"<th>{_escape.html(header)}</th>" for header in _headers(lang))
    parts = [
        f'<!doctype html><html lang="{lang}"><meta charset="utf-8">',
        f"<title>{_escape.html(say('coverage.html_title').get(lang))}</title>",
        "<style>body{font-family:sans-serif}td,th{padding:2px 8px;text-align:left}"
        "tr.missing td{background:#fde8e8}</style>",
    ]
    for rulebook in report.rulebooks:
        parts.append(f"<h2>{_title(rulebook, lang, _escape.html)}</h2><table><tr>{headers}</tr>")
        for row, rule in zip(_rows(rulebook, lang, _escape.html), rulebook.rules, strict=True):
            cells = "".join(f"<td>{c}</td>" for c in row)
            parts.append(f"<tr{'' if rule.covered else ' class=missing'}>{cells}</tr>")
        parts.append("</table>")
    parts.append(f"<p>{_escape.html(_total(report, lang))}</p></html>\n")
    return "\n".join(parts)


def coverage_json(report: CoverageReport) -> str:
    data = {
        "schema_version": COVERAGE_SCHEMA_VERSION,
        "covered": report.covered,
        "total": report.total,
        "rulebooks": [
            {
                "id": b.id,
                "version": b.version,
                "fingerprint": b.fingerprint,
                "rules": [
                    {
                        "id": r.rule,
                        "verdicts": list(r.verdicts),
                        "comparisons": [
                            dict(zip(("below", "at", "above"), c, strict=True))
                            for c in r.comparisons
                        ],
                        "records": r.records,
                        "failing_unit_listed": r.failing_unit_listed,
                        "covered": r.covered,
                        "missing": list(r.missing),
                    }
                    for r in b.rules
                ],
            }
            for b in report.rulebooks
        ],
    }
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def read_coverage(text: str, name: str) -> CoverageReport:
    """A report saved by ``--qrules-coverage-report=json:PATH``."""
    try:
        data = json.loads(text)
        if str(data.get("schema_version")) != COVERAGE_SCHEMA_VERSION:
            raise _CoverageError(
                say(
                    "coverage.schema_version",
                    name=name,
                    got=data.get("schema_version"),
                    version=COVERAGE_SCHEMA_VERSION,
                )
            )
        return CoverageReport(tuple(_book(b) for b in data["rulebooks"]))
    except (ValueError, KeyError, TypeError, AttributeError, RecursionError) as error:
        if isinstance(error, QRulesError):
            raise
        raise _CoverageError(
            say("coverage.not_a_report", name=name, detail=first_line(error))
        ) from None


def _book(data: Mapping[str, Any]) -> RulebookCoverage:
    return RulebookCoverage(
        str(data["id"]),
        str(data["version"]),
        str(data["fingerprint"]),
        tuple(_rule(r) for r in data["rules"]),
    )


def _rule(data: Mapping[str, Any]) -> RuleCoverage:
    verdicts: Sequence[str] = data["verdicts"]
    if not set(verdicts) <= {v.value for v in _VERDICTS}:
        raise ValueError(f"rule {data['id']!r}: unknown verdicts {verdicts!r}")
    return RuleCoverage(
        str(data["id"]),
        tuple(verdicts),
        tuple((bool(c["below"]), bool(c["at"]), bool(c["above"])) for c in data["comparisons"]),
        bool(data["records"]),
        bool(data["failing_unit_listed"]),
    )
