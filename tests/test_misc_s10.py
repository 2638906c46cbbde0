"""Fixes of session 10's helper misc: what the help, the API and the messages
say (the false verdicts' tests are in tests/test_hunt_s10.py and
tests/test_city_totals.py)."""

from __future__ import annotations

import re

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
