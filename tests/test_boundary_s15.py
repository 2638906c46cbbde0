"""The error boundary and the files qrules writes (session 15): one atomic
write for the outputs and the caches, the umask read without changing it,
argparse's errors in one or two lines, the system's refusals in either
language."""

from __future__ import annotations

import argparse
import errno
import os
import re
import stat
from pathlib import Path

import pytest

from qrules import _boundary, _cache, _messages, cli
from tests.conftest import run
from tests.test_languages import leftover, shown

SRC = Path(__file__).resolve().parents[1] / "src" / "qrules"


# -- one atomic write ------------------------------------------------------------


def test_one_place_writes_a_file_by_a_rename() -> None:
    """The outputs (`write_file`) and the caches (`write_atomically`) write
    through one helper: no other module makes a temporary file or renames one
    into place."""
    found = [
        f"{path.relative_to(SRC)}: {call}"
        for path in sorted(SRC.rglob("*.py"))
        for call in re.findall(
            r"\b(?:tempfile\.mkstemp|os\.replace|os\.rename)\(", path.read_text()
        )
    ]
    assert found == ["_boundary.py: tempfile.mkstemp(", "_boundary.py: os.replace("]


def test_the_helper_writes_whole_with_the_mode_asked(tmp_path: Path) -> None:
    target = tmp_path / "out.txt"
    target.write_bytes(b"old")
    _boundary.replace_file(target, b"new")
    assert target.read_bytes() == b"new"
    assert stat.S_IMODE(target.stat().st_mode) == 0o600  # (no mode: private, as a cache)
    _boundary.replace_file(target, b"newer", mode=0o640)
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    assert [p.name for p in tmp_path.iterdir()] == ["out.txt"]


@pytest.mark.parametrize("failing", ["write", "chmod", "replace"])
def test_the_helper_leaves_no_temporary_file_on_failure(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, failing: str
) -> None:
    target = tmp_path / "out.txt"
    target.write_bytes(b"old")

    def refused(*_: object, **__: object) -> None:
        raise OSError(28, "No space left on device")

    if failing == "write":
        data: object = "not bytes"  # TypeError from the write: not an OSError, cleaned up too
        error: type[BaseException] = TypeError
    else:
        data, error = b"new", OSError
        monkeypatch.setattr(os, failing, refused)
    with pytest.raises(error):
        _boundary.replace_file(target, data, mode=0o644)  # type: ignore[arg-type]
    assert [p.name for p in tmp_path.iterdir()] == ["out.txt"]
    assert target.read_bytes() == b"old"


def test_a_cache_not_written_is_no_error_and_leaves_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refused(*_: object, **__: object) -> None:
        raise OSError(28, "No space left on device")

    first, second = tmp_path / "a" / "cache.json", tmp_path / "b" / "cache.json"
    monkeypatch.setattr(os, "replace", refused)
    _cache.write_atomically([first, second], b"{}")
    assert list(first.parent.iterdir()) == []
    assert list(second.parent.iterdir()) == []
    monkeypatch.undo()
    _cache.write_atomically([first, second], b"{}")
    assert first.read_bytes() == b"{}"
    assert stat.S_IMODE(first.parent.stat().st_mode) == 0o700
    assert stat.S_IMODE(first.stat().st_mode) == 0o600


# -- the umask ---------------------------------------------------------------------


def _has_proc_umask() -> bool:
    try:
        return b"\nUmask:" in Path("/proc/self/status").read_bytes()
    except OSError:
        return False


@pytest.mark.skipif(not _has_proc_umask(), reason="no Umask line in /proc/self/status")
def test_the_umask_is_read_without_changing_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Setting the umask to read it (and setting it back) changes it for every
    thread of a library user meanwhile: a new output's mode is worked out from
    the umask the system reports."""
    mask = os.umask(0o027)
    try:
        calls: list[object] = []

        def changed(*args: object) -> int:
            calls.append(args)
            raise AssertionError("the umask was changed")

        monkeypatch.setattr(os, "umask", changed)
        output = tmp_path / "report.json"
        code, _, err = run("export", "yantai-2023-2025", "-o", str(output))
        assert (code, err, calls) == (0, "", [])
        assert stat.S_IMODE(output.stat().st_mode) == 0o640
    finally:
        monkeypatch.undo()
        os.umask(mask)


def test_the_umask_without_proc_is_set_and_set_back(monkeypatch: pytest.MonkeyPatch) -> None:
    """Where the system does not report it (no ``/proc``), the umask is read
    the old way, and left as it was."""

    def no_proc(*_: object, **__: object) -> None:
        raise FileNotFoundError(2, "No such file or directory", "/proc/self/status")

    mask = os.umask(0o027)
    try:
        monkeypatch.setattr(_boundary, "open", no_proc, raising=False)
        assert _boundary._umask() == 0o027
        assert os.umask(0o027) == 0o027
    finally:
        os.umask(mask)


# -- argparse's errors in two lines ---------------------------------------------------

YANTAI = "yantai-2023-2025"


def _commands() -> dict[str, argparse.ArgumentParser]:
    parser = cli._parser("en")
    return next(a.choices for a in parser._actions if isinstance(a, argparse._SubParsersAction))


def _argparse_errors() -> list[tuple[list[str], str]]:
    """Every kind of argparse error, on every command: each command line with
    the command whose usage its error points to."""
    cases: list[tuple[list[str], str]] = [
        ([], "qrules"),  # no command
        (["chek"], "qrules"),  # no such command
        (["--bogus"], "qrules"),
        (["check", YANTAI, "--lo", "x"], "qrules check"),  # ambiguous
        (["check", YANTAI, "--as-of", "2024-02-30"], "qrules check"),  # a type of qrules'
        (["check", YANTAI, "--year", "x"], "qrules check"),  # int
        (["check", YANTAI, "--header-row", "1.5"], "qrules check"),
        (["check", YANTAI, "--engine", "mysql"], "qrules check"),
        (["changelog", YANTAI, YANTAI, "--date", "x"], "qrules changelog"),
        (["template", YANTAI, "--years", "later"], "qrules template"),
    ]
    for name, command in _commands().items():
        prog = f"qrules {name}"
        cases += [
            ([name, "--no-such-option"], prog),  # unrecognized
            ([name, "--lang", "fr"], prog),  # a bad choice
            ([name, "--debug=yes"], prog),  # a flag given a value
            ([name, "--section"] if name in ("check", "list") else [name, "--lang"], prog),
        ]
        if any(a.required for a in command._actions):
            cases.append(([name], prog))  # a required argument missing
    return cases


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_every_argparse_error_is_two_lines(lang: str) -> None:
    """``qrules check yantai-2023-2025 --as-of 2024-02-30`` printed argparse's
    fifteen lines of usage above its error: now what is wrong, and where the
    usage is, in the language asked for, exit 2."""
    _messages.marking(False)
    for argv, prog in _argparse_errors():
        code, out, err = run(*argv, "--lang", lang) if argv else run("--lang", lang)
        lines = err.splitlines()
        error = f"{prog}: error: " if lang == "en" else f"{prog}:错误:"
        helped = (
            f"run '{prog} --help' for the usage"
            if lang == "en"
            else f"运行 '{prog} --help --lang zh' 查看用法"
        )
        assert (code, out, len(lines)) == (2, "", 2), (argv, err)
        assert lines[0].startswith(error), (argv, err)
        assert lines[1] == helped, (argv, err)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_every_argparse_error_speaks_one_language(lang: str) -> None:
    _messages.marking(True)
    try:
        found = {}
        for argv, _ in _argparse_errors():
            _, out, err = run(*argv, "--lang", lang)
            left = leftover(shown(out, err), lang)
            if left:
                found[" ".join(argv)] = left
    finally:
        _messages.marking(False)
    assert found == {}


def test_an_unrecognized_argument_points_to_its_commands_usage() -> None:
    _messages.marking(False)
    _, _, err = run("check", YANTAI, "--sample", "--bogus", "x")
    assert err == (
        "qrules check: error: unrecognized arguments: --bogus x\n"
        "run 'qrules check --help' for the usage\n"
    )
    _, _, err = run("check", YANTAI, "--year", "x", "--lang", "zh")
    assert err.splitlines() == [
        "qrules check:错误:参数 --year:'x' 不是整数",
        "运行 'qrules check --help --lang zh' 查看用法",
    ]
    _, _, err = run("diff", "--lang", "zh")
    assert err.splitlines()[0] == "qrules diff:错误:缺少必需的参数:old、new"


@pytest.mark.parametrize(
    ("message", "en", "zh"),
    [
        (
            "not allowed with argument --a",
            "not allowed with argument --a",
            "不能与参数 --a 同时使用",
        ),
        (
            "one of the arguments --a --b is required",
            "one of the arguments --a --b is required",
            "需要参数 --a --b 之一",
        ),
        ("expected 2 arguments", "expected 2 arguments", "需要 2 个值"),
        ("unexpected option string: -x", "unexpected option string: -x", "意外的选项:-x"),
        (
            "unknown parser 'x' (choices: check, show)",
            "unknown parser 'x' (choices: check, show)",
            "未知的命令 'x'(可选:check、show)",
        ),
    ],
)
def test_argparse_errors_no_command_makes_yet_are_in_the_catalog(
    message: str, en: str, zh: str
) -> None:
    """argparse's errors of exclusive options, a fixed number of values and a
    parser chosen by name (none of qrules' commands has them yet)."""
    _messages.marking(False)
    said = cli._argparse_said(message)
    assert (said.en, said.zh) == (en, zh)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_help_is_as_it_was(lang: str) -> None:
    _messages.marking(False)
    for argv in (["--help"], ["check", "--help"], ["template", "-h"]):
        code, out, err = run(*argv, "--lang", lang)
        assert (code, err) == (0, "")
        assert out.startswith("usage: qrules" if lang == "en" else "用法:qrules")
        assert len(out.splitlines()) > 10


# -- the system's refusals in either language -----------------------------------------

#: The common refusals, with the words of each language (the system's English
#: words, ``strerror``, were shown under zh and en alike).
REFUSALS = {
    errno.ENOENT: ("没有这个文件或文件夹", "no such file or folder"),
    errno.EACCES: ("没有权限", "permission denied"),
    errno.EPERM: ("不允许此操作", "operation not permitted"),
    errno.EISDIR: ("是文件夹,此处需要文件", "is a folder, where a file is expected"),
    errno.ENOTDIR: (
        "路径中有一部分是文件而不是文件夹",
        "a part of the path is a file, not a folder",
    ),
    errno.ENOSPC: ("磁盘空间不足", "no space left on device"),
    errno.EROFS: ("文件系统只读", "read-only file system"),
    errno.ELOOP: ("符号链接层数过多", "too many levels of symbolic links"),
    errno.ENAMETOOLONG: ("文件名过长", "file name too long"),
    errno.EEXIST: ("已存在", "already exists"),
    errno.EMFILE: ("打开的文件过多", "too many open files"),
}


@pytest.mark.parametrize("number", sorted(REFUSALS), ids=errno.errorcode.get)
def test_the_common_refusals_are_the_catalogs_in_both_languages(number: int) -> None:
    _messages.marking(False)
    said = _boundary.os_reason(OSError(number, os.strerror(number), "/some/file"))
    assert (said.zh, said.en) == REFUSALS[number]
    assert not re.search("[A-Za-z]", said.zh)


def test_a_refusal_of_its_class_alone_is_said_by_its_class() -> None:
    _messages.marking(False)
    assert _boundary.os_reason(FileExistsError("x")).en == "already exists"
    assert _boundary.os_reason(TimeoutError("timed out")).zh == "连接超时"


def test_another_refusal_is_the_systems_words() -> None:
    _messages.marking(False)
    said = _boundary.os_reason(OSError(errno.EIO, "Input/output error"))
    assert (said.zh, said.en) == ("Input/output error", "Input/output error")


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_an_output_refused_by_the_system_is_said_in_the_language(
    lang: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``-o`` on a read-only file system: "Read-only file system" under zh too."""

    def refused(*_: object, **__: object) -> None:
        raise OSError(errno.EROFS, "Read-only file system")

    _messages.marking(False)
    monkeypatch.setattr(os, "replace", refused)
    output = tmp_path / "out.json"
    code, _, err = run("export", YANTAI, "-o", str(output), "--lang", lang)
    said = (
        f"qrules: cannot write '{output}': cannot be written: read-only file system\n"
        if lang == "en"
        else f"qrules:无法写入 '{output}':无法写入:文件系统只读\n"
    )
    assert (code, err) == (2, said)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_an_os_error_no_reader_said_is_in_the_language(
    lang: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An OS error that reaches the command line's boundary, naming a file: not
    called a dataset, nor said to be read (which it was is not known there)."""

    def refused(args: object, out: object) -> int:
        raise FileExistsError(errno.EEXIST, "File exists", "/some/where")

    monkeypatch.setitem(cli._COMMANDS, "list", refused)
    _messages.marking(False)
    code, _, err = run("list", "--lang", lang)
    assert code == 2
    assert err == (
        "qrules: /some/where: already exists\n" if lang == "en" else "qrules:/some/where:已存在\n"
    )


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize(
    "argv",
    [
        ["check", YANTAI, "--sample", "-o", "{long}"],
        ["check", YANTAI, "--sample", "--decision-log", "{long}"],
        ["template", YANTAI, "-o", "{long}.csv"],
    ],
    ids=["output", "decision-log", "template"],
)
def test_an_output_the_system_will_not_look_at_is_an_output_error(
    argv: list[str], lang: str, tmp_path: Path
) -> None:
    """An output's name too long: it was said as a dataset that cannot be
    read ("dataset '…/xxx…' has 1 problem: xxx…: cannot be read: file name too
    long"), or as a file of no kind."""
    _messages.marking(False)
    long = str(tmp_path / ("x" * 300))
    given = [a.format(long=long) for a in argv]
    code, _, err = run(*given, "--lang", lang)
    said = (
        f"qrules: cannot write '{given[-1]}': cannot be written: file name too long\n"
        if lang == "en"
        else f"qrules:无法写入 '{given[-1]}':无法写入:文件名过长\n"
    )
    assert (code, err) == (2, said)
