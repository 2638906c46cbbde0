"""The log's proofs of the CSV route (`qrules.records.direct`) deferred: the
command line judges the records while they run, and shows what it judged (or
its error) only once they hold; when they do not, the readers read the files
and what was judged is dropped."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from qrules import engines
from qrules._errors import QRulesError
from qrules.records import direct
from tests import test_direct as base
from tests.test_direct_folded import _argv

pytest.importorskip("duckdb")
pytest.importorskip("pyarrow")
pytest.importorskip("sqlglot")


#: Log rows the log's proofs decline (the unit of row 8 unknown; an id given twice).
DECLINED = {"unit unknown": (1, "U999"), "inspection given twice": (0, "J1")}


def _files(tmp_path: Path, change: tuple[int, str] | None) -> tuple[Path, Path]:
    log_rows = base._clean_log(30, 50)
    if change is not None:
        log_rows = base._mutated(log_rows, 7, *change)
    return (
        base._write(tmp_path / "register.csv", base.REGISTER, base._clean_register(30)),
        base._write(tmp_path / "log.csv", base.LOG, log_rows),
    )


@pytest.mark.parametrize("form", sorted(DECLINED))
def test_deferred_proofs_that_fail_are_told_after_the_records_are_given(
    tmp_path: Path, form: str
) -> None:
    """Read with ``defer``, the records are given while the log's proofs run;
    `Direct.confirmed` then says they failed (without ``defer``: ``None``)."""
    register, log = _files(tmp_path, DECLINED[form])
    assert direct.read_files(str(register), str(log)) is None
    found = direct.read_files(str(register), str(log), defer=True)
    assert found is not None
    try:
        assert found.pending is not None
        assert not found.confirmed()
        assert not found.confirmed()  # (asked again: the same answer)
    finally:
        found.close()
    register, log = _files(tmp_path, None)
    found = direct.read_files(str(register), str(log), defer=True)
    assert found is not None
    try:
        assert found.confirmed()
    finally:
        found.close()


@pytest.mark.parametrize("form", sorted(DECLINED))
def test_what_was_judged_before_the_proofs_failed_is_not_shown(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, form: str
) -> None:
    """The command line judges the records DuckDB read, the proofs fail: the
    readers read the files and judge them again, and only that is shown (the
    rejected row and its reason, as without the route)."""
    register, log = _files(tmp_path, DECLINED[form])
    judged: list[str] = []
    real = engines.evaluate_records

    def spy(rulebook: Any, register: Any, *args: Any, **kwargs: Any) -> Any:
        judged.append(type(register.rows).__name__)
        return real(rulebook, register, *args, **kwargs)

    monkeypatch.setattr(engines, "evaluate_records", spy)
    with_route, without = base._both(monkeypatch, *_argv(register, log))
    assert with_route == without
    assert judged[:2] == ["TableRows", "ColumnRows"]  # judged in DuckDB, then again


@pytest.mark.parametrize("proven", [True, False])
def test_an_error_while_judging_waits_for_the_proofs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, proven: bool
) -> None:
    """Judging the records DuckDB read fails: with the proofs holding, that
    error is the command's; with them failing, the readers read the files
    and the error of judging DuckDB's records is dropped."""
    register, log = _files(tmp_path, None if proven else DECLINED["unit unknown"])
    real = engines.evaluate_records

    def failing(rulebook: Any, register: Any, *args: Any, **kwargs: Any) -> Any:
        if isinstance(register.rows, direct.TableRows):
            raise QRulesError("judging failed")
        return real(rulebook, register, *args, **kwargs)

    monkeypatch.setattr(engines, "evaluate_records", failing)
    code, out, err = base.run(*_argv(register, log))
    if proven:
        assert code == 2
        assert "judging failed" in err
    else:
        monkeypatch.setattr(engines, "evaluate_records", real)
        assert (code, out, err) == base.run(*_argv(register, log))
        assert code in (0, 1)
