"""Bounds on everything qrules reads, in one place (see docs/security.md).

Inputs may come from untrusted sources; each read is bounded so that a small
file cannot make qrules run without end or exhaust memory.
"""

from __future__ import annotations

__all__ = [
    "MAX_COVERAGE_REPORT_BYTES",
    "MAX_DECISION_LOG_LINE_BYTES",
    "MAX_RULEBOOK_FILES",
    "MAX_RULEBOOK_FILE_BYTES",
    "MAX_RULEBOOK_FOLDER_BYTES",
]

#: The largest file of a rulebook folder (plan text, TOML) that is read.
MAX_RULEBOOK_FILE_BYTES = 4 * 1024 * 1024
#: The most files a rulebook folder may hold.
MAX_RULEBOOK_FILES = 1_000
#: The most bytes a rulebook folder may hold in all.
MAX_RULEBOOK_FOLDER_BYTES = 32 * 1024 * 1024
#: The longest line of a decision log that ``qrules audit`` reads.
MAX_DECISION_LOG_LINE_BYTES = 1024 * 1024
#: The largest rule coverage report that ``qrules coverage`` reads.
MAX_COVERAGE_REPORT_BYTES = 64 * 1024 * 1024
