"""Imports point one way: no cycle between qrules' modules, no module reaching
into another's underscore names, and every import going down the layers that
docs/architecture.md draws.

The import graph is read from the sources with `ast` (nothing is imported), and
counts every import that runs: at the top of a module and inside functions
alike. Imports under ``if TYPE_CHECKING:`` never run, so they are left out of
the graph (a module may name a type of a layer above it in an annotation).
Importing a submodule first imports its package (``qrules.records.read``
imports ``qrules.records``): Python does that itself, so it is no edge here;
``from . import name`` in a submodule, when ``name`` is not a module, is an
edge to the package's ``__init__``.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

import attrs

SRC = Path(__file__).parent.parent / "src"
PACKAGE = SRC / "qrules"
ARCHITECTURE = Path(__file__).parent.parent / "docs" / "architecture.md"


@attrs.frozen
class Import:
    """One import statement's target in a module: ``name`` imported from
    ``module`` (``name`` is ``None`` for ``import module``)."""

    module: str
    name: str | None
    line: int


def _modules() -> dict[str, Path]:
    """Every module of the package, by dotted name (a package by its own name)."""
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = list(path.relative_to(SRC).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


MODULES = _modules()


def _type_checking_only(tree: ast.Module) -> set[int]:
    """The ids of the nodes under ``if TYPE_CHECKING:`` (not its ``else``)."""
    hidden: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and re.fullmatch(
            r"(typing\.)?_?TYPE_CHECKING", ast.unparse(node.test)
        ):
            for statement in node.body:
                hidden.update(id(n) for n in ast.walk(statement))
    return hidden


def imports(module: str) -> Iterator[Import]:
    """The imports of ``module`` that run, wherever they are in it."""
    path = MODULES[module]
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    hidden = _type_checking_only(tree)
    package = module.split(".") if path.name == "__init__.py" else module.split(".")[:-1]
    for node in ast.walk(tree):
        if id(node) in hidden:
            continue
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield Import(alias.name, None, node.lineno)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - node.level + 1]
                target = ".".join([*base, *([node.module] if node.module else [])])
            else:
                target = node.module or ""
            for alias in node.names:
                yield Import(target, alias.name, node.lineno)


def edges() -> dict[str, set[str]]:
    """Which qrules modules each module imports when it runs."""
    graph: dict[str, set[str]] = {m: set() for m in MODULES}
    for module in MODULES:
        for found in imports(module):
            submodule = f"{found.module}.{found.name}"
            target = submodule if submodule in MODULES else found.module
            if target in MODULES and target != module:
                graph[module].add(target)
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for target in sorted(graph[node]):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_no_import_cycle() -> None:
    found = cycles(edges())
    assert not found, "runtime import cycles:\n" + "\n".join(" <-> ".join(c) for c in found)


def test_the_graph_sees_a_cycle() -> None:
    # The check itself can fail: a cycle through a function-local import is one.
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


def _private(name: str | None) -> bool:
    return name is not None and name.startswith("_") and not name.startswith("__")


def test_no_import_of_another_modules_underscore_name() -> None:
    # ``from ._tabular import _x`` reaches into a module; a shared helper gets a
    # name without the underscore (a submodule such as ``_forms`` is a module,
    # not a name inside one).
    reached = []
    for module in MODULES:
        for found in imports(module):
            if not found.module.startswith("qrules") or not _private(found.name):
                continue
            if f"{found.module}.{found.name}" in MODULES:
                continue
            reached.append(f"{module}:{found.line}: {found.name} from {found.module}")
    assert not reached, "underscore names imported from another module:\n" + "\n".join(reached)


# -- the layers of docs/architecture.md ----------------------------------------


def layers() -> list[list[str]]:
    """The layers drawn in docs/architecture.md, top first, each a list of
    modules: paths under ``src/qrules`` (``engines/`` is every module of that
    package not listed on its own)."""
    text = ARCHITECTURE.read_text(encoding="utf-8")
    block = text.split("## Layers", 1)[1].split("```text\n", 1)[1].split("```", 1)[0]
    drawn: list[list[str]] = []
    pending = ""
    for line in block.splitlines():
        names = re.split(r"\s{2,}", line.strip(), maxsplit=1)[0]
        pending += names
        if pending.endswith(","):
            pending += " "
            continue
        drawn.append([n.strip() for n in pending.split(",") if n.strip()])
        pending = ""
    return drawn


def _module_of(path: str) -> str:
    parts = ["qrules", *path.removesuffix(".py").split("/")]
    return ".".join(parts[:-1]) if parts[-1] == "__init__" else ".".join(parts)


def layer_of() -> dict[str, int]:
    """Each module's layer (0 is the top)."""
    where: dict[str, int] = {}
    packages: dict[str, int] = {}
    for number, layer in enumerate(layers()):
        for path in layer:
            if path.endswith("/"):
                packages[_module_of(path.rstrip("/"))] = number
            else:
                module = _module_of(path)
                assert module in MODULES, f"docs/architecture.md draws {path}, which is no module"
                assert module not in where, f"docs/architecture.md draws {path} twice"
                where[module] = number
    for module in MODULES:
        if module not in where:
            package = next((p for p in packages if module == p or module.startswith(p + ".")), None)
            assert package is not None, f"{module} is in no layer of docs/architecture.md"
            where[module] = packages[package]
    return where


def test_every_module_is_in_one_layer() -> None:
    assert set(layer_of()) == set(MODULES)


def test_imports_point_down_the_layers() -> None:
    where = layer_of()
    upward = [
        f"{module} (layer {where[module]}) imports {target} (layer {where[target]})"
        for module, targets in edges().items()
        for target in sorted(targets)
        if where[target] < where[module]
    ]
    assert not upward, "imports up the layers of docs/architecture.md:\n" + "\n".join(upward)
