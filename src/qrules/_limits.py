"""Bounds on everything qrules reads, in one place (see docs/security.md).

Inputs may come from untrusted sources; each read is bounded so that a small
file cannot make qrules run without end or exhaust memory.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

__all__ = [
    "MAX_ARROW_BYTES",
    "MAX_ARROW_CELLS",
    "MAX_COVERAGE_REPORT_BYTES",
    "MAX_CSV_FIELD_CHARS",
    "MAX_DECISION_LOG_BYTES",
    "MAX_DECISION_LOG_LINES",
    "MAX_DECISION_LOG_LINE_BYTES",
    "MAX_DIFF_CONJUNCTIONS",
    "MAX_DIFF_SECONDS",
    "MAX_DISTRICTS",
    "MAX_INTERPRETATION_CHARS",
    "MAX_JSON_DATASET_BYTES",
    "MAX_JSON_DATASET_VALUES",
    "MAX_MAPPING_FILE_BYTES",
    "MAX_MESSAGE_CHARS",
    "MAX_NUMBER_DIGITS",
    "MAX_NUMBER_MAGNITUDE",
    "MAX_PLAN_TEXT_NUMBERS",
    "MAX_QUOTE_CHARS",
    "MAX_RULEBOOK_FILES",
    "MAX_RULEBOOK_FILE_BYTES",
    "MAX_RULEBOOK_FOLDER_BYTES",
    "MAX_SHEET_COLUMNS",
    "MAX_SHOWN_DIGITS",
    "MAX_SYMBOLIC_DEGREE",
    "MAX_SYMBOLIC_TERMS",
    "MAX_WHOLE_FILE_BYTES",
    "MAX_XLSX_MERGES",
    "MAX_XLSX_PART_BYTES",
    "MAX_XLSX_RATIO",
    "MAX_XLSX_SHARED_STRINGS",
    "number_problem",
]

#: The largest file of a rulebook folder (plan text, TOML) that is read.
MAX_RULEBOOK_FILE_BYTES = 4 * 1024 * 1024
#: ``qrules lint``: the most numbers (and phrases that state a target without
#: one, such as 全覆盖) a plan's text may write; lint reads each with its clause
#: and sentence. The Yantai plan writes 559 in 68 KB; a 4 MiB text of ``1-1-…``
#: writes two million.
MAX_PLAN_TEXT_NUMBERS = 10_000
#: The longest quote of a plan's text (a rule's, a target's, an ``[[ignore]]``
#: entry's): a sentence, a paragraph or a row of a table. The Yantai quotes are
#: at most 97 characters.
MAX_QUOTE_CHARS = 10_000
#: The longest interpretation of a rule, in each language: its numbers are
#: read to excuse a target its quote does not write. The Yantai plan's are at
#: most 1,000 characters.
MAX_INTERPRETATION_CHARS = 10_000
#: The most files a rulebook folder may hold.
MAX_RULEBOOK_FILES = 1_000
#: The most bytes a rulebook folder may hold in all.
MAX_RULEBOOK_FOLDER_BYTES = 32 * 1024 * 1024

#: A value read (a reported figure, a number in a register or log) is at most
#: this in magnitude ...
MAX_NUMBER_MAGNITUDE = 10**30
#: ... and is written with at most this many digits (no leading zeros before
#: the point, no trailing zeros after it; a fraction's numerator and
#: denominator each at most this many). Together they keep every exact
#: value's numerator and denominator under 10^60, so no sum, rate or message
#: comes near Python's 4,300-digit limit on converting integers to text.
MAX_NUMBER_DIGITS = 60
#: A field of a CSV file, in characters: the csv module's own limit, which
#: qrules leaves in place (a longer field is a `DataError` naming the line).
MAX_CSV_FIELD_CHARS = 131_072
#: The largest part of an ``.xlsx`` file (a sheet's XML, the shared strings)
#: once uncompressed; checked in the zip's directory before anything is read.
MAX_XLSX_PART_BYTES = 512 * 1024 * 1024
#: The most a part of an ``.xlsx`` file may expand when uncompressed (parts
#: over 1 MiB); spreadsheets compress 5 to 30 times, a zip bomb thousands.
MAX_XLSX_RATIO = 200
#: The most shared strings (the distinct texts of its cells, every sheet's)
#: an ``.xlsx`` file may hold, counted in its XML before openpyxl reads them.
#: openpyxl makes each a Python object at some 80 µs (a million took 84 s);
#: their text is bounded by the part's size. A register of some 150,000
#: units with six text columns of their own has a million: a larger one is
#: given as CSV or Parquet (the refusal says so), read column by column.
MAX_XLSX_SHARED_STRINGS = 1_048_576
#: The most merged ranges an ``.xlsx`` sheet may have (16 bytes each, held
#: while it is read): a register merging each district's or unit's rows has
#: fewer than it has rows.
MAX_XLSX_MERGES = 1_048_576
#: The largest file read whole into memory to be decoded (a CSV file the row
#: readers read, one in an encoding other than UTF-8): 2 GiB, some 40 million
#: inspections. A larger one is refused before it is read (judge it in a
#: database, ``--database``, or give it as UTF-8 or Parquet, read as they stream).
MAX_WHOLE_FILE_BYTES = 2 * 1024**3
#: The most columns (cells of a row) a sheet of reported figures may have, in
#: any format: Excel's own limit. Each header cell is compared with every name
#: a column may have; two million columns in a 4 MB CSV file took minutes.
MAX_SHEET_COLUMNS = 16_384
#: The largest JSON dataset of reported figures (a few hundred figures a year
#: take kilobytes).
MAX_JSON_DATASET_BYTES = 64 * 1024 * 1024
#: The most values (and keys) a JSON dataset of reported figures may hold,
#: counted from above by its commas and opening brackets before it is parsed:
#: each becomes a Python object (``[{},{},…]`` in 64 MiB would be 22 million
#: dictionaries, gigabytes). The Yantai sample figures (275) count 1,376.
MAX_JSON_DATASET_VALUES = 1_000_000
#: The largest mapping file (TOML naming columns and codes).
MAX_MAPPING_FILE_BYTES = 1024 * 1024
#: The most a Parquet file's data may take encoded and uncompressed (its row
#: groups' sizes, from its footer, before a row is read), and the largest Arrow
#: IPC (Feather) file: some 80 million inspections.
MAX_ARROW_BYTES = 4 * 1024**3
#: The most cells (rows times columns, from its footer) of a Parquet file: a
#: value repeated through a dictionary takes a few bytes encoded however many
#: rows hold it (10 million inspections of five columns are 50 million).
MAX_ARROW_CELLS = 500_000_000
#: A value (computed from values read, say by a formula that multiplies
#: them) whose exact numerator or denominator is longer than this many digits
#: is written rounded to six digits (``≈1.23457e+4470``); verdicts stay exact.
MAX_SHOWN_DIGITS = 100
#: Each part of a problem (its message, place, hint) is cut to this many
#: characters, keeping its start and end: a cell echoed in a message is shown
#: by its first and last 500 characters.
MAX_MESSAGE_CHARS = 1_000

#: ``qrules diff``: the most conjunctions the disjunctive normal form of one
#: implication may have (counted before it is built); beyond it the comparison
#: is *undecided*.
MAX_DIFF_CONJUNCTIONS = 64
#: ``qrules diff``: the seconds one comparison of two requirements may take,
#: checked between its conjunctions; beyond it, *undecided*.
MAX_DIFF_SECONDS = 5.0
#: Distinct district names one sheet, template or judged register may hold:
#: a city has a few dozen; telling which are one district written two ways
#: (`_data.spelled_twice`) compares them pair by pair.
MAX_DISTRICTS = 500
#: ``qrules diff`` and ``lint``: the highest degree in the measures that a
#: comparison's integer form may have (bounded from the expression's tree,
#: before sympy sees it); beyond it, *undecided*.
MAX_SYMBOLIC_DEGREE = 8
#: ``qrules diff`` and ``lint``: the most terms that a comparison's integer
#: form may have once expanded (bounded the same way); beyond it, *undecided*.
MAX_SYMBOLIC_TERMS = 1_000

#: The longest line of a decision log that ``qrules audit`` reads.
MAX_DECISION_LOG_LINE_BYTES = 1024 * 1024
#: The most lines of a decision log that ``qrules audit`` reads, and the
#: largest log, both refused before a line is audited. The audit streams the
#: log (a line's chain needs only the line before it), but what it reports
#: grows with the lines (each line not a record is a finding: a million lines
#: of ``x`` took 82 s and 640 MB), and each record is judged again (some
#: 0.4 ms). A check of the Yantai rulebook logs 124 lines of about 900 bytes:
#: a million is some 8,000 checks. Each log file is a chain of its own: start
#: a new one (and audit each) rather than let one grow without end.
MAX_DECISION_LOG_LINES = 1_000_000
MAX_DECISION_LOG_BYTES = 1024**3
#: The largest rule coverage report that ``qrules coverage`` reads.
MAX_COVERAGE_REPORT_BYTES = 64 * 1024 * 1024


def number_problem(value: Decimal | Fraction | int) -> str | None:
    """Why a number is beyond `MAX_NUMBER_MAGNITUDE` or `MAX_NUMBER_DIGITS`
    (``None`` when it is within both), decided without ever computing a large
    exact value (``Decimal('1e100000000')`` is looked at, not expanded).

    >>> number_problem(Decimal("98.5")) is None, number_problem(Decimal("1E+31"))
    (True, 'limits.too_large')
    """
    if isinstance(value, int):
        return _TOO_LARGE if abs(value) > MAX_NUMBER_MAGNITUDE else None
    if isinstance(value, Fraction):
        if abs(value.numerator) > MAX_NUMBER_MAGNITUDE * value.denominator:
            return _TOO_LARGE
        if max(abs(value.numerator), value.denominator) >= 10**MAX_NUMBER_DIGITS:
            return _TOO_LONG
        return None
    if not value.is_finite() or value.is_zero():
        return None
    if value.adjusted() > 30 or value.copy_abs() > MAX_NUMBER_MAGNITUDE:
        return _TOO_LARGE
    # The digits of the plain notation (123.45, 0.00012, 1200), without leading
    # zeros before the point or trailing zeros after it: from the first digit
    # (the units, for a value under 1) down to the last non-zero one (the units,
    # for a whole number).
    _, digits, exponent = value.as_tuple()
    assert isinstance(exponent, int)
    zeros = len(digits) - len(bytes(digits).rstrip(b"\0"))
    last = min(exponent + zeros, 0)
    first = max(value.adjusted(), -1)
    return _TOO_LONG if first - last + 1 > MAX_NUMBER_DIGITS else None


#: Message ids (`_messages`) of the two ways a number is beyond the limits.
_TOO_LARGE = "limits.too_large"
_TOO_LONG = "limits.too_long"
