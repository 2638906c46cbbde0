"""A rulebook folder as it stood at a git revision (``REV:PATH``), read safely.

The revision and the path come from the command line, and so may come from an
untrusted source (a CI job's parameters, a drafter's pull request). Neither ever
becomes an option of git, and git never writes anything:

1. A revision or path that starts with ``-`` is refused before git is run.
2. git runs with a fixed environment and configuration: no system or global
   config, no pager, no prompt, no hooks, no fsmonitor, no replace objects.
3. The revision is resolved with ``git rev-parse --verify --quiet
   --end-of-options REV^{tree}``; the folder with ``TREE:PATH``, which must be
   a tree. An unknown one is told by git's exit status, not by its words.
4. The folder's files are listed with ``git ls-tree`` and read into memory with
   ``git cat-file --batch``; a symlink or submodule in the folder is refused, and
   every file and the whole folder are bounded in size.
5. qrules itself writes the files, each a plain file under a fresh temporary
   folder, with names checked to stay inside it.
"""

from __future__ import annotations

import os
import posixpath
import subprocess
from pathlib import Path

from ._errors import QRulesError
from ._limits import MAX_RULEBOOK_FILE_BYTES, MAX_RULEBOOK_FILES, MAX_RULEBOOK_FOLDER_BYTES
from ._messages import say

__all__ = ["RevisionError", "split_revision", "write_tree"]

# Settings passed with -c on every call; they win over the repository's own config.
_SAFE_CONFIG = (
    "core.hooksPath=/dev/null",
    "core.fsmonitor=false",
    "core.pager=cat",
    "core.askPass=",
    "credential.helper=",
    "protocol.allow=never",
)

_REGULAR_MODES = frozenset({"100644", "100755"})


class RevisionError(QRulesError, ValueError):
    """A ``REV:PATH`` that cannot be read: a bad revision, path or tree."""


def split_revision(spec: str) -> tuple[str, str] | None:
    """``(revision, path)`` when ``spec`` is ``REV:PATH``, else None.

    A spec that names an existing file or folder is a path, not a revision
    (``C:\\rules`` on Windows, a folder with a colon in its name).
    """
    revision, colon, path = spec.partition(":")
    if not colon or not revision or Path(spec).exists():
        return None
    return revision, path


def _environment() -> dict[str, str]:
    keep = {name: os.environ[name] for name in ("PATH", "SYSTEMROOT") if name in os.environ}
    return {
        **keep,
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_CONFIG_GLOBAL": os.devnull,
        "GIT_TERMINAL_PROMPT": "0",
        "GIT_PAGER": "cat",
        "PAGER": "cat",
        "GIT_NO_REPLACE_OBJECTS": "1",
        "GIT_ATTR_NOSYSTEM": "1",
        "GIT_OPTIONAL_LOCKS": "0",
        "LC_ALL": "C",
        "HOME": os.devnull,
    }


def _run(*args: str, input: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    command = ["git"]
    for setting in _SAFE_CONFIG:
        command += ["-c", setting]
    command += list(args)
    try:
        return subprocess.run(
            command, input=input, capture_output=True, check=False, env=_environment(), timeout=60
        )
    except FileNotFoundError:
        raise RevisionError(say("git.not_installed")) from None
    except subprocess.TimeoutExpired:
        raise RevisionError(say("git.timeout", seconds=60)) from None


def _failed(done: subprocess.CompletedProcess[bytes], command: str) -> RevisionError:
    """git's own last words on a failure, or that ``command`` failed."""
    message = done.stderr.decode(errors="replace").strip().splitlines()
    return RevisionError(
        say("git.said", message=message[-1]) if message else say("git.failed", command=command)
    )


def _git(*args: str, input: bytes | None = None) -> bytes:
    done = _run(*args, input=input)
    if done.returncode != 0:
        raise _failed(done, args[0])
    return done.stdout


def _object(name: str) -> str | None:
    """The object id ``name`` resolves to, or None when it names no object.

    Told by git's exit status, never by its words (which change with versions,
    warnings and translations): with ``--verify --quiet``, 1 is "not a valid
    object name"; any other failure (128: not a repository, a repository
    owned by someone else) is git's own error.
    """
    done = _run("rev-parse", "--verify", "--quiet", "--end-of-options", name)
    if done.returncode == 1:
        return None
    if done.returncode != 0:
        raise _failed(done, "rev-parse")
    return done.stdout.decode().strip()


def _clean_path(path: str) -> str:
    """``path`` relative to the repository's root, or a RevisionError."""
    prefix = _git("rev-parse", "--show-prefix").decode("utf-8", "replace").strip()
    joined = posixpath.normpath(posixpath.join(prefix, path.replace("\\", "/") or "."))
    if joined.startswith("/") or joined == ".." or joined.startswith("../"):
        raise RevisionError(say("git.outside", path=path))
    return "" if joined == "." else joined


def _resolve(revision: str, path: str) -> str:
    for part, what in ((revision, "revision"), (path, "path")):
        if part.startswith("-"):
            raise RevisionError(say(f"git.{what}_dash", part=part))
        if "\0" in part or "\n" in part:
            raise RevisionError(say(f"git.{what}_control", part=part))
    tree = _object(f"{revision}^{{tree}}")
    if tree is None:
        raise RevisionError(say("git.no_revision", revision=revision))
    where = _clean_path(path)
    if not where:
        return tree
    found = _object(f"{tree}:{where}")
    if found is None or _git("cat-file", "-t", found).decode().strip() != "tree":
        raise RevisionError(say("git.not_a_folder", path=path, revision=revision))
    return found


def _entries(tree: str) -> list[tuple[str, str, str]]:
    """(mode, object id, path) of every file under ``tree``."""
    listing = _git("ls-tree", "-r", "-z", "--full-tree", "--end-of-options", tree)
    entries = []
    for record in listing.split(b"\0"):
        if not record:
            continue
        meta, _, name_bytes = record.partition(b"\t")
        mode, _kind, oid = meta.decode().split(" ")
        name = name_bytes.decode("utf-8", "replace")
        if mode not in _REGULAR_MODES:
            kind = (
                say("git.symlink")
                if mode == "120000"
                else say("git.submodule")
                if mode == "160000"
                else say("git.mode", mode=mode)
            )
            raise RevisionError(say("git.not_plain", name=name, kind=kind))
        entries.append((mode, oid, name))
    if len(entries) > MAX_RULEBOOK_FILES:
        raise RevisionError(say("git.too_many_files", count=len(entries), limit=MAX_RULEBOOK_FILES))
    return entries


def _sizes(entries: list[tuple[str, str, str]]) -> None:
    request = b"".join(f"{oid}\n".encode() for _, oid, _ in entries)
    answer = _git("cat-file", "--batch-check=%(objectsize)", input=request).split()
    total = 0
    for (_, _, name), size_text in zip(entries, answer, strict=True):
        size = int(size_text)
        if size > MAX_RULEBOOK_FILE_BYTES:
            raise RevisionError(
                say("git.file_too_large", name=name, size=size, limit=MAX_RULEBOOK_FILE_BYTES)
            )
        total += size
    if total > MAX_RULEBOOK_FOLDER_BYTES:
        raise RevisionError(
            say("git.folder_too_large", size=total, limit=MAX_RULEBOOK_FOLDER_BYTES)
        )


def _contents(entries: list[tuple[str, str, str]]) -> list[bytes]:
    request = b"".join(f"{oid}\n".encode() for _, oid, _ in entries)
    stream = _git("cat-file", "--batch", input=request)
    blobs, at = [], 0
    for _ in entries:
        end = stream.index(b"\n", at)
        size = int(stream[at:end].split(b" ")[2])
        blobs.append(stream[end + 1 : end + 1 + size])
        at = end + 1 + size + 1
    return blobs


def write_tree(revision: str, path: str, folder: Path) -> Path:
    """Write the files of ``path`` at ``revision`` under ``folder``; return the copy's path.

    ``folder`` must be a fresh, empty folder the caller owns (and removes).
    """
    entries = _entries(_resolve(revision, path))
    _sizes(entries)
    target = folder / "rulebook"
    target.mkdir()
    for (_, _, name), blob in zip(entries, _contents(entries), strict=True):
        parts = name.split("/")
        if any(part in ("", ".", "..") for part in parts) or ":" in name or "\\" in name:
            raise RevisionError(say("git.not_a_file_name", name=name))
        destination = target.joinpath(*parts)
        destination.parent.mkdir(parents=True, exist_ok=True)
        with open(destination, "xb") as file:
            file.write(blob)
    return target
