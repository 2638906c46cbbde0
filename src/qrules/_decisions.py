"""The decision log: every verdict appended to a JSON Lines file, and audited.

Each line records one result (rule, year, district, verdict, observed,
target, gap, the inputs it was judged on) with the rulebook that gave it (id,
version, fingerprint, ``as_of``), the engine, qrules' version, the time and a
digest of what was read, and carries the SHA-256 of the line before it
(``prev``), so that a line removed, edited or moved breaks the chain.
`audit_log` re-derives every verdict from its logged inputs with a rulebook
(`qrules._replay`) and reports the verdicts it would change, any break in the
chain and any rulebook it cannot find. The schema is in docs/json.md; the
walk-through in docs/audit.md.
"""

from __future__ import annotations

import array
import datetime as dt
import hashlib
import json
import operator
import os
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs

from ._boundary import link_target, os_reason
from ._errors import QRulesError, UnknownRuleError
from ._escape import terminal
from ._expr import format_number
from ._figures import Dataset
from ._limits import (
    MAX_DECISION_LOG_BYTES,
    MAX_DECISION_LOG_LINE_BYTES,
    MAX_DECISION_LOG_LINES,
    MAX_SHOWN_DIGITS,
)
from ._messages import listed, say
from ._model import Lang, Text
from ._replay import replay, stood
from ._results import Evaluation, Result, Verdict, year_span
from ._tabular import irregular
from ._version import __version__
from .records.read import InspectionLog, Register

if TYPE_CHECKING:
    from ._rulebook import Rulebook

__all__ = [
    "DECISION_LOG_SCHEMA_VERSION",
    "Audit",
    "Finding",
    "InputDigest",
    "VerdictChange",
    "append_decisions",
    "audit_json",
    "audit_log",
    "audit_text",
    "data_digest",
    "file_digest",
    "records_digests",
    "rows_digest",
    "table_digests",
]

DECISION_LOG_SCHEMA_VERSION = "1"
_READ_CHUNK = 1024 * 1024


class DecisionLogError(QRulesError, ValueError):
    """A decision log that cannot be appended to or read."""


@attrs.frozen
class InputDigest:
    """What one input of an evaluation was, for the log: a file's or rows' SHA-256
    (``None`` for tables judged where they live: qrules reads their counts)."""

    kind: str
    name: str
    digest: str | None
    rows: int | None = None

    def as_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "name": self.name, "digest": self.digest, "rows": self.rows}


def _sha256(data: bytes) -> str:
    return "sha256:" + hashlib.sha256(data).hexdigest()


def file_digest(path: str | Path, kind: str) -> InputDigest:
    """The SHA-256 of a file's bytes, read in chunks."""
    digest = hashlib.sha256()
    with Path(path).open("rb") as file:
        while chunk := file.read(_READ_CHUNK):
            digest.update(chunk)
    return InputDigest(kind, str(path), "sha256:" + digest.hexdigest())


def rows_digest(kind: str, name: str, rows: Iterable[Iterable[object]]) -> InputDigest:
    """The SHA-256 of rows of values (each written as text, a unit separator
    between values, a record separator between rows): for records in memory."""
    digest = hashlib.sha256()
    count = 0
    batch: list[str] = []
    for row in rows:
        batch.append("\x1f".join("" if v is None else str(v) for v in row))
        count += 1
        if len(batch) == 10_000:
            digest.update(("\x1e".join(batch) + "\x1e").encode("utf-8"))
            batch.clear()
    digest.update(("\x1e".join(batch) + "\x1e").encode("utf-8"))
    return InputDigest(kind, name, "sha256:" + digest.hexdigest(), count)


def data_digest(data: Dataset | Mapping[str, object]) -> InputDigest:
    """The digest of reported figures: a dataset's (measure, year, district,
    value) rows, sorted; or a mapping's items as given."""
    if isinstance(data, Dataset):
        rows = sorted(
            (o.measure, o.year, o.district or "", "" if o.value is None else format_number(o.value))
            for o in data.observations
        )
        return rows_digest("dataset", data.name, rows)
    return rows_digest("values", "<mapping>", sorted((str(k), str(v)) for k, v in data.items()))


def records_digests(register: Register, log: InspectionLog | None) -> list[InputDigest]:
    """The digests of a register's and a log's rows as read (records in memory),
    column by column: each column's values joined, so that a million rows take
    a few C-level joins rather than a million Python strings."""
    found = [
        _columns_digest(
            "register",
            register.name,
            register.rows,
            ("unit", "name", "category", "district", "risk_level", "size"),
            ("registered", "closed"),
            lambda u: ",".join(sorted(u.flags)),
        )
    ]
    if log is not None:
        found.append(
            _columns_digest(
                "log", log.name, log.rows, ("unit", "kind", "result", "inspection"), ("date",)
            )
        )
    return found


def _columns_digest(
    kind: str,
    name: str,
    rows: Sequence[Any],
    texts: Sequence[str],
    dates: Sequence[str],
    extra: Callable[[Any], str] | None = None,
) -> InputDigest:
    digest = hashlib.sha256()
    for column in texts:
        values: list[Any] = list(map(operator.attrgetter(column), rows))
        if values.count(None):  # a missing value is written as NUL, never as text
            values = ["\x00" if v is None else v for v in values]
        digest.update(column.encode() + b"\x1d" + "\x1e".join(values).encode("utf-8"))
    for column in dates:
        # Day numbers (0: no date), as 4-byte integers; a log repeats its few
        # hundred days, so each is converted once.
        days: list[Any] = list(map(operator.attrgetter(column), rows))
        ordinal = {d: 0 if d is None else d.toordinal() for d in set(days)}
        digest.update(
            column.encode() + b"\x1d" + array.array("i", map(ordinal.__getitem__, days)).tobytes()
        )
    if extra is not None:
        digest.update(b"flags\x1d" + "\x1e".join(map(extra, rows)).encode("utf-8"))
    return InputDigest(kind, name, "sha256:" + digest.hexdigest(), len(rows))


def table_digests(evaluation: Evaluation) -> list[InputDigest]:
    """Tables judged where they live: their names and rows counted, no digest
    (qrules reads the database's counts, not the rows)."""
    return [InputDigest(t.kind, t.name, None, t.rows_read) for t in evaluation.records]


# -- writing ------------------------------------------------------------------


def _exact(value: Fraction | None) -> str | None:
    return None if value is None else format_number(value)


def _record(result: Result, header: Mapping[str, Any], listed: bool = True) -> dict[str, Any]:
    target = result.rule.target
    records = None
    if result.population is not None:
        records = {
            "population": result.population,
            "meeting": result.meeting,
            # (Not listed: written to a table, `failing_units_to`; not none.)
            "failing_units": len(result.failing_units) if listed else None,
        }
    return {
        **header,
        "rule": result.rule.id,
        "year": result.year,
        "years": list(result.years or (result.year,)),
        "district": result.district,
        "verdict": result.verdict.value,
        "observed": _exact(result.observed),
        "target": None
        if target is None
        else {"op": target.op, "value": format_number(target.value)},
        "gap": _exact(result.gap),
        "inputs": {m: format_number(v) for m, v in sorted(result.inputs.items())},
        # A sum or average over years: each year's values, so that the audit
        # judges every reading of a share its counts contradict (null otherwise).
        "yearly": {
            str(y): {m: format_number(v) for m, v in sorted(values.items())}
            for y, values in sorted(result.yearly.items())
        }
        or None,
        # City values that their districts' rows contradict: the districts' sum,
        # the other reading the verdict was judged on (null when none).
        "contradicted": {
            str(y): {m: format_number(v) for m, v in sorted(sums.items())}
            for y, sums in sorted(result.contradicted.items())
        }
        or None,
        # City values summed from the districts a dataset named (a rulebook
        # without a list of districts: the least the city's value can be), by
        # year and measure, with those districts: the audit judges them as such.
        "derived": {
            str(y): {d.measure: list(d.districts) for d in result.derived if d.year == y}
            for y in sorted({d.year for d in result.derived})
        }
        or None,
        "records": records,
    }


def _header(
    evaluation: Evaluation, engine: str, sources: Sequence[InputDigest], now: dt.datetime
) -> dict[str, Any]:
    rulebook = evaluation.rulebook
    return {
        "schema_version": DECISION_LOG_SCHEMA_VERSION,
        "time": now.astimezone(dt.UTC).isoformat(timespec="seconds").replace("+00:00", "Z"),
        "rulebook": {
            "id": rulebook.id,
            "version": rulebook.version,
            "fingerprint": rulebook.fingerprint,
        },
        "as_of": None if rulebook.as_of is None else rulebook.as_of.isoformat(),
        "engine": engine,
        "qrules": __version__,
        "dataset": evaluation.dataset or None,
        "sources": [s.as_json() for s in sources],
    }


def append_decisions(
    path: str | Path,
    evaluation: Evaluation,
    *,
    engine: str,
    sources: Sequence[InputDigest] = (),
    now: dt.datetime | None = None,
    listed: bool = True,
) -> int:
    """Append one line per result of ``evaluation`` to the log at ``path``
    (created if missing); returns the number of lines written. ``listed``:
    the results list their failing units (else they went to a table,
    `failing_units_to`: their number is logged as ``null``, unknown here)."""
    rulebook = evaluation.rulebook
    foreign = next((r.rule for r in evaluation.results if not rulebook.owns(r.rule)), None)
    if foreign is not None:
        # Each line says this rulebook (version, fingerprint) judged it: a rule
        # it does not hold would be logged as its verdict, and audited as altered.
        raise UnknownRuleError(
            say(
                "model.not_own_rule",
                rule=foreign.id,
                rulebook=rulebook.id,
                version=rulebook.version,
            )
        )
    header = _header(evaluation, engine, sources, now or dt.datetime.now(dt.UTC))
    path = Path(path)
    if path.is_symlink():
        # (A link left in a shared folder would make qrules append to the file
        # it names, as ``-o`` would overwrite it: `_boundary.write_file`.)
        raise DecisionLogError(say("decisions.link", path=str(path), target=link_target(path)))
    try:
        # (O_NOFOLLOW: a link put in its place since is refused by the system.)
        flags = os.O_RDWR | os.O_CREAT | os.O_APPEND | getattr(os, "O_NOFOLLOW", 0)
        with os.fdopen(os.open(path, flags | getattr(os, "O_CLOEXEC", 0), 0o666), "a+b") as file:
            _lock(file)
            previous = _last_line(file, path)
            if previous is not None and not _a_record(previous):
                raise DecisionLogError(say("decisions.not_a_log", path=str(path)))
            lines = []
            for result in evaluation.results:
                record = _record(result, header, listed)
                record["prev"] = None if previous is None else _sha256(previous)
                previous = json.dumps(record, ensure_ascii=False, separators=(",", ":")).encode(
                    "utf-8"
                )
                lines.append(previous)
            written = b"".join(line + b"\n" for line in lines)
            _refuse_growing_past(path, file, written)
            file.seek(0, os.SEEK_END)
            file.write(written)
            file.flush()
    except OSError as error:
        raise DecisionLogError(
            say("decisions.cannot_append", path=str(path), error=os_reason(error))
        ) from None
    return len(lines)


def _a_record(line: bytes) -> bool:
    """Whether a log's last line is a record as qrules writes them (a JSON
    object with a ``schema_version``): a file of anything else (a report, a
    CSV file named by mistake) is not appended to, and not chained to."""
    try:
        record = json.loads(line)
    except (ValueError, RecursionError):
        return False
    return isinstance(record, dict) and "schema_version" in record


def _lock(file: Any) -> None:
    """Hold the file for this process while it appends (POSIX; elsewhere, none)."""
    try:
        import fcntl  # noqa: PLC0415 (not on Windows)
    except ImportError:  # pragma: no cover
        return
    fcntl.flock(file.fileno(), fcntl.LOCK_EX)


def _last_line(file: Any, path: Path) -> bytes | None:
    """The log's last line (``None`` for an empty log), read from its end."""
    end = file.seek(0, os.SEEK_END)
    if end == 0:
        return None
    tail = b""
    position = end
    while position > 0:
        step = min(64 * 1024, position)
        position -= step
        file.seek(position)
        tail = file.read(step) + tail
        if tail.count(b"\n") >= 2 or len(tail) > MAX_DECISION_LOG_LINE_BYTES + 1:
            break
    if not tail.endswith(b"\n"):
        raise DecisionLogError(say("decisions.incomplete", path=str(path)))
    return tail[:-1].rpartition(b"\n")[2]


# -- auditing -----------------------------------------------------------------


@attrs.frozen
class Finding:
    """Something wrong with a log: a broken chain, a line that is not a record,
    a rulebook or rule that cannot be found."""

    line: int
    message: Text


@attrs.frozen
class VerdictChange:
    """A logged verdict that the audited rulebook would not give."""

    line: int
    rule: str
    year: int
    district: str | None
    logged: Verdict
    now: Verdict
    observed: str | None
    target_logged: str | None
    target_now: str | None
    #: Audited against the very rulebook that gave the verdict (same
    #: fingerprint): the line does not follow from its own inputs.
    same_rulebook: bool = False
    #: The years a sum or average covered (else the year alone).
    years: tuple[int, ...] = ()

    def why(self) -> Text:
        """Why the verdict changed: the target then and now, or an altered line."""
        if self.same_rulebook:
            return say("audit.altered")
        if self.target_logged != self.target_now:
            return say("audit.target_changed", logged=self.target_logged, now=self.target_now)
        return say("audit.computed_differently")

    def said(self) -> Text:
        """The change in words, in both languages."""
        years = year_span(self.years or (self.year,))
        return say(
            "audit.change",
            line=self.line,
            rule=self.rule,
            where=say("audit.where_district", years=years, district=self.district)
            if self.district
            else say("data.value", value=years),
            logged=self.logged.said(),
            now=self.now.said(),
            observed=self.observed if self.observed is not None else "?",
            why=self.why(),
        )

    def describe(self, lang: Lang = "en") -> str:
        return self.said().get(lang)


@attrs.frozen
class Audit:
    """What `audit_log` found."""

    path: str
    lines: int
    #: The digest of the last line: keep it elsewhere to detect a cut tail.
    head: str | None
    findings: tuple[Finding, ...]
    changes: tuple[VerdictChange, ...]
    #: The rulebooks the lines were judged by, and those audited against, with
    #: the number of lines: ``(logged label, audited label, lines)``.
    rulebooks: tuple[tuple[str, str, int], ...]

    @property
    def clean(self) -> bool:
        return not self.findings and not self.changes


#: Gives the rulebook to audit a line against: from the logged id, version,
#: fingerprint and as_of; ``None`` when none can be found.
Resolver = Callable[[str, str, str, dt.date | None], "Rulebook | None"]


def audit_log(path: str | Path, resolve: Resolver, *, head: str | None = None) -> Audit:
    """Audit the decision log at ``path``: its chain, and every verdict
    re-derived with the rulebook ``resolve`` gives for the line."""
    head = None if head is None else _head(head)
    findings: list[Finding] = []
    changes: list[VerdictChange] = []
    counts: dict[tuple[str, str], int] = {}
    missing: set[str] = set()
    books: dict[tuple[str, dt.date | None], Rulebook | None] = {}
    previous: bytes | None = None
    number = 0
    for number, line in _lines(path):
        expected = None if previous is None else _sha256(previous)
        previous = line
        try:
            record = json.loads(line)
            if not isinstance(record, dict):
                raise TypeError("not an object")
        except (ValueError, TypeError, RecursionError):
            findings.append(Finding(number, say("audit.not_a_record")))
            continue
        if record.get("prev") != expected:
            findings.append(Finding(number, _broken(expected, record.get("prev"))))
        try:
            _audit_record(number, record, resolve, books, counts, missing, findings, changes)
        except (KeyError, TypeError, ValueError, ArithmeticError) as error:
            if isinstance(error, QRulesError):
                raise
            # (What is wrong in qrules' words: never a Python exception's text,
            # in English whatever the language; `_Malformed` names the key.)
            said = error.said if isinstance(error, _Malformed) else say("audit.unreadable")
            findings.append(Finding(number, say("audit.malformed", error=said)))
    if head is not None and (previous is None or _sha256(previous) != head):
        findings.append(Finding(number, say("audit.head_differs", head=head)))
    return Audit(
        str(path),
        number,
        None if previous is None else _sha256(previous),
        tuple(findings),
        tuple(changes),
        tuple((a, b, n) for (a, b), n in counts.items()),
    )


def _head(given: str) -> str:
    """A head kept elsewhere, as the log's digests are written (``sha256:`` and
    64 lower-case hexadecimal digits): given back without its ``sha256:`` or in
    upper case it is the same digest, never a false alarm of lines cut; what
    is no SHA-256 digest at all is a `DecisionLogError`."""
    digits = given.strip().lower().removeprefix("sha256:")
    if len(digits) != 64 or not all(c in "0123456789abcdef" for c in digits):
        raise DecisionLogError(say("audit.head_form", head=given))
    return f"sha256:{digits}"


def _broken(expected: str | None, found: object) -> Text:
    if expected is None:
        return say("audit.first_follows")
    if found is None:
        return say("audit.says_first")
    return say("audit.chain_broken")


def _lines(path: str | Path) -> Iterator[tuple[int, bytes]]:
    if irregular(Path(path)):  # a FIFO is never waited on
        raise DecisionLogError(
            say("decisions.cannot_read", path=str(path), error=say("tabular.not_regular"))
        )
    try:
        with Path(path).open("rb") as file:
            _refuse_long_log(path, file)
            for number, line in enumerate(
                iter(lambda: file.readline(MAX_DECISION_LOG_LINE_BYTES + 2), b""), start=1
            ):
                if number > MAX_DECISION_LOG_LINES:  # (a file that grew since it was counted)
                    raise _too_many_lines(path, number)
                if len(line) > MAX_DECISION_LOG_LINE_BYTES + 1:
                    raise DecisionLogError(
                        say(
                            "decisions.too_long",
                            path=str(path),
                            line=number,
                            limit=MAX_DECISION_LOG_LINE_BYTES,
                        )
                    )
                yield number, line.rstrip(b"\n")
    except OSError as error:
        raise DecisionLogError(
            say("decisions.cannot_read", path=str(path), error=os_reason(error))
        ) from None


def _refuse_long_log(path: str | Path, file: Any) -> None:
    """Refuse a decision log of more than `MAX_DECISION_LOG_BYTES` (from its
    size) or `MAX_DECISION_LOG_LINES` (`_counted_lines`) before a line is
    audited; ``file`` is left at its start."""
    size = os.fstat(file.fileno()).st_size
    if size > MAX_DECISION_LOG_BYTES:
        raise _too_many_lines(path, None, size)
    lines = _counted_lines(file, MAX_DECISION_LOG_LINES)
    if lines > MAX_DECISION_LOG_LINES:
        raise _too_many_lines(path, lines)
    file.seek(0)


def _counted_lines(file: Any, most: int) -> int:
    """The lines of ``file`` read from its start (a last one without a line
    end counted too), their ends counted a megabyte at a time (about a second
    a gigabyte); past ``most``, at least that many and one."""
    file.seek(0)
    lines, last = 0, b"\n"
    while chunk := file.read(1 << 20):
        lines, last = lines + int(chunk.count(b"\n")), bytes(chunk[-1:])
        if lines > most:
            return lines
    return lines + (last != b"\n")


def _refuse_growing_past(path: str | Path, file: Any, written: bytes) -> None:
    """Refuse to append ``written`` to a decision log that would then be more
    than ``qrules audit`` reads (`_refuse_long_log`): a log qrules writes is
    one its audit reads. Its lines are counted only when its size leaves room
    for more than `MAX_DECISION_LOG_LINES` (a line is a byte at least)."""
    size = os.fstat(file.fileno()).st_size + len(written)
    if size > MAX_DECISION_LOG_BYTES:
        raise _too_many_lines(path, None, size)
    if size <= MAX_DECISION_LOG_LINES:
        return
    adding = written.count(b"\n")
    lines = _counted_lines(file, MAX_DECISION_LOG_LINES - adding) + adding
    if lines > MAX_DECISION_LOG_LINES:
        raise _too_many_lines(path, lines)


def _too_many_lines(
    path: str | Path, lines: int | None, size: int | None = None
) -> DecisionLogError:
    """A decision log over `MAX_DECISION_LOG_LINES` lines or
    `MAX_DECISION_LOG_BYTES` bytes (``lines`` at least, or ``size``)."""
    return DecisionLogError(
        say(
            "decisions.too_many_lines" if size is None else "decisions.too_big",
            path=str(path),
            lines=lines,
            size=size,
            limit=MAX_DECISION_LOG_LINES,
            mib=MAX_DECISION_LOG_BYTES // 2**20,
        )
    )


def _audit_record(
    number: int,
    record: Mapping[str, Any],
    resolve: Resolver,
    books: dict[tuple[str, dt.date | None], Rulebook | None],
    counts: dict[tuple[str, str], int],
    missing: set[str],
    findings: list[Finding],
    changes: list[VerdictChange],
) -> None:
    if str(_field(record, "schema_version")) != DECISION_LOG_SCHEMA_VERSION:
        findings.append(
            Finding(
                number,
                say(
                    "audit.schema_version",
                    got=record["schema_version"],
                    version=DECISION_LOG_SCHEMA_VERSION,
                ),
            )
        )
        return
    logged = _table(_field(record, "rulebook"), "rulebook")
    book_id, version, fingerprint = (
        _text(logged, key, f"rulebook.{key}") for key in ("id", "version", "fingerprint")
    )
    as_of = _day(_field(record, "as_of"), "as_of")
    key = (fingerprint, as_of)
    if key not in books:
        books[key] = resolve(book_id, version, fingerprint, as_of)
    book = books[key]
    label = f"{book_id} {version} ({fingerprint[:12]})"
    if book is None:
        if key[0] not in missing:
            missing.add(key[0])
            findings.append(
                Finding(number, say("audit.no_rulebook", fingerprint=key[0][:12], rulebook=label))
            )
        return
    audited = f"{book.id} {book.version} ({book.fingerprint[:12]})"
    counts[(label, audited)] = counts.get((label, audited), 0) + 1
    rule_id, year = _text(record, "rule"), _year(_field(record, "year"), "year")
    years = tuple(_year(y, "years") for y in _list(_field(record, "years"), "years"))
    district = _field(record, "district")
    if district is not None and not isinstance(district, str):
        raise _Malformed(say("audit.not_text", key="district", value=_shown(district)))
    was = _verdict(_field(record, "verdict"))
    rule = book.get(rule_id)
    if rule is not None and district is not None:
        # A district with a target of its own was judged against it, as the
        # engine judges it (`Rule.in_district`), not against the city's.
        rule = rule.in_district(district) or rule
    judged = None if rule is None else stood(rule, year, years)
    if judged is None:
        findings.append(
            Finding(number, say("audit.no_rule", rule=rule_id, rulebook=audited, year=year))
        )
        return
    inputs = {
        str(m): _logged_number(v) for m, v in _table(_field(record, "inputs"), "inputs").items()
    }
    # (yearly, contradicted, derived: absent from lines written before they were logged)
    yearly = {
        _year(y, "yearly"): {str(m): _logged_number(v) for m, v in _table(values, "yearly").items()}
        for y, values in _table(record.get("yearly") or {}, "yearly").items()
    }
    if set(yearly) - set(years):
        raise _Malformed(say("audit.yearly"))
    contradicted = {
        _year(y, "contradicted"): {
            str(m): _logged_number(v) for m, v in _table(sums, "contradicted").items()
        }
        for y, sums in _table(record.get("contradicted") or {}, "contradicted").items()
    }
    if set(contradicted) - set(years):
        raise _Malformed(say("audit.yearly"))
    derived = {
        _year(y, "derived"): {
            str(m): tuple(str(d) for d in _list(names, "derived"))
            for m, names in _table(sums, "derived").items()
        }
        for y, sums in _table(record.get("derived") or {}, "derived").items()
    }
    if set(derived) - set(years):
        raise _Malformed(say("audit.yearly"))
    logged_target = _target(_field(record, "target"))
    observed = _field(record, "observed")
    again = replay(book, judged, year, years, inputs, district, yearly, contradicted, derived)
    if again.verdict is not was:
        target = judged.target
        changes.append(
            VerdictChange(
                number,
                rule_id,
                year,
                district,
                was,
                again.verdict,
                observed,
                logged_target,
                None if target is None else f"{target.op} {format_number(target.value)}",
                book.fingerprint == key[0],
                years,
            )
        )


#: A number as `format_number` writes it (``98.5``, ``1/3``); with no exponent,
#: so that a hostile log cannot make ``Fraction("1e300000000")`` compute every digit.
_LOGGED_NUMBER = re.compile(r"-?[0-9]+(?:\.[0-9]+)?(?:/[0-9]+)?")
#: The longest number read from a log: `format_number` writes a longer one rounded.
_MAX_LOGGED_NUMBER_CHARS = 2 * MAX_SHOWN_DIGITS + 4


class _Malformed(ValueError):
    """A record that is not as qrules writes them, and why."""

    def __init__(self, said: Text) -> None:
        super().__init__(said.en)
        self.said = said


def _field(record: Mapping[str, Any], key: str, name: str | None = None) -> Any:
    """A logged record's value of ``key`` (shown as ``name``: ``rulebook.id``);
    a `_Malformed` record when it has none."""
    try:
        return record[key]
    except KeyError:
        raise _Malformed(say("audit.missing_key", key=name or key)) from None


def _shown(value: object) -> str:
    """A logged value as the log writes it (JSON: ``null``, ``true``), clipped."""
    text = json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= 40 else text[:39] + "…"


def _text(record: Mapping[str, Any], key: str, name: str | None = None) -> str:
    """A logged record's text (``rule``, ``rulebook.id``, …)."""
    value = _field(record, key, name)
    if not isinstance(value, str):
        raise _Malformed(say("audit.not_text", key=name or key, value=_shown(value)))
    return value


#: A year as a decision log writes it: a number, or a key of ``yearly`` and the like.
_LOGGED_YEAR = re.compile(r"[0-9]{4}")


def _year(value: object, key: str) -> int:
    """A logged year: an integer from 1000 to 9999 (``year``, in ``years``), or
    such a number written as a key (``yearly``'s ``"2025"``)."""
    if isinstance(value, str) and _LOGGED_YEAR.fullmatch(value):
        return int(value)
    if isinstance(value, int) and not isinstance(value, bool) and 1000 <= value <= 9999:
        return value
    raise _Malformed(say("audit.not_a_year", key=key, value=_shown(value)))


def _list(value: object, key: str) -> list[Any]:
    if not isinstance(value, list):
        raise _Malformed(say("audit.not_a_list", key=key))
    return value


def _day(value: object, key: str) -> dt.date | None:
    """A logged day (``as_of``) written ``YYYY-MM-DD``, or ``None``."""
    if value is None:
        return None
    if isinstance(value, str) and re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", value):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            pass
    raise _Malformed(say("audit.not_a_date", key=key, value=_shown(value)))


def _target(value: object) -> str | None:
    """A logged target (``{"op": ">=", "value": "98.5"}``) as shown, or ``None``."""
    if value is None:
        return None
    target = _table(value, "target")
    return f"{_field(target, 'op', 'target.op')} {_field(target, 'value', 'target.value')}"


def _verdict(value: object) -> Verdict:
    try:
        return Verdict(value)
    except ValueError:
        shown = listed(v.value for v in Verdict)
        raise _Malformed(say("audit.not_a_verdict", value=_shown(value), verdicts=shown)) from None


def _table(value: object, key: str) -> Mapping[str, Any]:
    """A logged table of keys and values (``inputs``, ``yearly``, ...); a
    `_Malformed` record when it is anything else (a hostile or damaged line)."""
    if not isinstance(value, dict):
        raise _Malformed(say("audit.not_a_table", key=key))
    return value


def _logged_number(value: object) -> Fraction:
    """A logged input, exactly; a `ValueError` (a malformed record) unless it is
    written as qrules writes numbers, within `MAX_SHOWN_DIGITS` digits."""
    text = str(value)
    if len(text) > _MAX_LOGGED_NUMBER_CHARS or not _LOGGED_NUMBER.fullmatch(text):
        raise _Malformed(say("audit.not_a_number", text=text[:40]))
    try:
        return Fraction(text)
    except ZeroDivisionError:  # ("1/0")
        raise _Malformed(say("audit.not_a_number", text=text)) from None


def audit_text(audit: Audit, lang: Lang = "en") -> str:
    s = "" if audit.lines == 1 else "s"
    said = [
        say("audit.log_head", path=audit.path, lines=audit.lines, s=s, head=audit.head)
        if audit.head
        else say("audit.log", path=audit.path, lines=audit.lines, s=s)
    ]
    said.extend(
        say(
            "audit.rulebooks",
            count=count,
            s="" if count == 1 else "s",
            logged=logged,
            audited=audited,
        )
        for logged, audited, count in audit.rulebooks
    )
    said.extend(
        say("audit.finding", line=finding.line, message=finding.message)
        for finding in audit.findings
    )
    if audit.changes:
        count = len(audit.changes)
        said.append(say("audit.changes", count=count, s="s" if count > 1 else ""))
        said.extend(say("audit.indented", text=c.said()) for c in audit.changes)
    if audit.clean:
        said.append(say("audit.clean"))
    lines = [text.get(lang) for text in said]
    # Values come from the log, which may be hostile: no control character runs
    # on the terminal, and none can forge a line.
    return "\n".join(terminal(line) for line in lines) + "\n"


def audit_json(audit: Audit) -> str:
    data = {
        "schema_version": DECISION_LOG_SCHEMA_VERSION,
        "path": audit.path,
        "lines": audit.lines,
        "head": audit.head,
        "clean": audit.clean,
        "rulebooks": [{"logged": a, "audited": b, "lines": n} for a, b, n in audit.rulebooks],
        "findings": [
            {"line": f.line, "message": {"zh": f.message.zh, "en": f.message.en}}
            for f in audit.findings
        ],
        "changes": [
            {
                "line": c.line,
                "rule": c.rule,
                "year": c.year,
                "years": list(c.years or (c.year,)),
                "district": c.district,
                "logged": c.logged.value,
                "now": c.now.value,
                "observed": c.observed,
                "target_logged": c.target_logged,
                "target_now": c.target_now,
                "same_rulebook": c.same_rulebook,
            }
            for c in audit.changes
        ],
    }
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
