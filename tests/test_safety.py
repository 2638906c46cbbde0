"""A rule file cannot run code.

Each trick known to work against loaders that hand rule text to ``eval``,
``exec`` or sympy's ``sympify`` is written into a copy of the mini rulebook,
in every place a rule file holds text. Where the text is an expression or an
id, the rulebook is refused with a problem that names the file, the rule or
measure, and the key; where it is prose (titles, quotes, tags), it loads as
the very same text and stays inert. The payloads try to create a file named
``PWNED`` in the working directory (a fresh temporary folder): it must never
appear.

The last tests go further: with ``eval``, ``exec``, ``compile``, sympy's
parsers and ``lambdify`` made to fail whenever text reaches them, the mini
and the shipped rulebooks are loaded and judged.
"""

from __future__ import annotations

import ast
import builtins
import importlib
import io
import json
import pickle
import shutil
import sys
import types
from collections.abc import Callable, Iterator
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
import sympy
import sympy.parsing.sympy_parser

import qrules
import qrules._load
from qrules import Problem, RulebookError, Verdict, _escape
from qrules._load import shipped_rulebooks
from qrules.cli import main

from .conftest import MINI

SENTINEL = "PWNED"
TOUCH = "__import__('os').system('touch PWNED')"

#: Tricks against eval-based loaders, by name.
PAYLOADS: dict[str, str] = {
    "import-system": TOUCH,
    "subclasses": "().__class__.__bases__[0].__subclasses__()",
    "lambda": "lambda: 0",
    "exec": f'exec("{TOUCH}")',
    "eval": f'eval("{TOUCH}")',
    "compile": f"compile('{TOUCH}', '', 'exec')",
    "format-field": "{0.__class__}",
    "format-globals": "{0.__init__.__globals__[os].system}",
    "percent-format": "%(passed)s %s",
    "f-string": f"f'{{{TOUCH}}}'",
    "sympy-symbol": "Symbol('x')",
    "sympify": f"sympify('{TOUCH}')",
    "sympy-lambda": "Lambda(x, x)",
    "sympy-power": "E**x",
    "pickle": "cos\nsystem\n(S'touch PWNED'\ntR.",
    "backticks": "`touch PWNED`",
    "semicolon": f"passed; {TOUCH}",
    "newline": f"passed\n{TOUCH}",
    "statement": "import os",
    "walrus": "(x := 1)",
    "comprehension": "[c for c in ().__class__.__base__.__subclasses__()]",
    "attribute": "passed.__class__",
    "subscript": "passed[0]",
    "call": "passed(1)",
    "string-literal": "'98.5'",
    "builtins": "__builtins__",
    "fullwidth": "ｐａｓｓｅｄ",
    "cyrillic": "pаssed",  # the 'а' is CYRILLIC SMALL LETTER A
    "null-byte": "passed\x00",
    "long-name": "p" * 5000,
    "deep-parens": "(" * 500 + "1" + ")" * 500,
    "deep-minus": "-" * 900 + "1",
    "deep-not": "not " * 200 + "passed > 1",
    "power-tower": "9**9**9",
    "huge-number": "9" * 400,
    "exponent": "9e999999999",
}
#: Ids of things that look like ids but are not: each must be refused.
BAD_IDS: dict[str, str] = {
    "import-system": TOUCH,
    "format-field": "{0.__class__}",
    "dunder": "__class__",
    "uppercase": "Pass_Rate",
    "cyrillic": "pаss_rate",
    "fullwidth": "ｐａｓｓ_rate",
    "semicolon": "pass_rate;rm",
    "newline": "pass_rate\nx",
    "space": "pass rate",
    "path": "../../etc/passwd",
    "blank": " ",
}


@pytest.fixture
def book(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A copy of the mini rulebook, with the working directory beside it, and
    a check afterwards that no payload left its sentinel anywhere."""
    folder = tmp_path / "book"
    shutil.copytree(MINI, folder)
    monkeypatch.chdir(tmp_path)
    yield folder
    assert not list(tmp_path.rglob(SENTINEL)), "a payload ran"


def toml(value: str) -> str:
    """``value`` as a TOML basic string (JSON escapes are TOML escapes)."""
    return json.dumps(value, ensure_ascii=False)


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) >= 1, f"{old!r} is not in {path.name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def append(path: Path, text: str) -> None:
    with path.open("a", encoding="utf-8") as file:
        file.write(text)


def refused(folder: Path) -> RulebookError:
    with pytest.raises(RulebookError) as info:
        qrules.load(folder)
    assert not Path(SENTINEL).exists()
    return info.value


def judge(rulebook: qrules.Rulebook, rule_id: str, values: dict[str, object]) -> qrules.Result:
    (result,) = rulebook.evaluate(values, year=2025, rules=[rulebook[rule_id]]).results
    return result


def problem_at(error: RulebookError, file: str, where: str | None, key: str | None) -> Problem:
    """The problem reported at that place; its place shows in the error's text too."""
    found = [p for p in error.problems if (p.file, p.where, p.key) == (file, where, key)]
    assert found, f"no problem at {(file, where, key)} in:\n{error}"
    assert str(found[0]) in str(error)
    return found[0]


# -- expressions ---------------------------------------------------------------


@pytest.mark.parametrize("payload", list(PAYLOADS.values()), ids=list(PAYLOADS))
@pytest.mark.parametrize("form", ["{}", ">= {}", "passed >= {}", "{} >= 1"])
def test_a_requirement_cannot_run_code(book: Path, form: str, payload: str) -> None:
    requirement = form.replace("{}", payload)
    edit(book / "rules.toml", 'requirement = ">= 98.5"', f"requirement = {toml(requirement)}")
    error = refused(book)
    problem_at(error, "rules.toml", "rule 'pass-rate'", "requirement")


@pytest.mark.parametrize("payload", list(PAYLOADS.values()), ids=list(PAYLOADS))
@pytest.mark.parametrize("form", ["{}", "100 * passed / {}", "{} + passed"])
def test_a_formula_cannot_run_code(book: Path, form: str, payload: str) -> None:
    formula = form.replace("{}", payload)
    edit(book / "measures.toml", 'formula = "100 * passed / sampled"', f"formula = {toml(formula)}")
    error = refused(book)
    problem_at(error, "measures.toml", "measure 'pass_rate'", "formula")


@pytest.mark.parametrize(
    "name", ["exec", "eval", "compile", "open", "sympify", "lambdify", "os", "sys", "self"]
)
def test_a_name_is_only_ever_a_measure(book: Path, name: str) -> None:
    # These parse (they are shaped like measure ids) and are refused as unknown
    # measures: a name is looked up among the measures, nowhere else.
    edit(book / "rules.toml", 'requirement = ">= 98.5"', f'requirement = "{name} >= 1"')
    edit(
        book / "measures.toml",
        'formula = "100 * passed / sampled"',
        f'formula = "100 * {name} / sampled"',
    )
    error = refused(book)
    requirement = problem_at(error, "rules.toml", "rule 'pass-rate'", "requirement")
    formula = problem_at(error, "measures.toml", "measure 'pass_rate'", "formula")
    assert f"unknown measure {name!r}" in requirement.message
    assert f"unknown measure {name!r}" in formula.message


def test_an_expression_problem_shows_where_it_is(book: Path) -> None:
    edit(book / "rules.toml", 'requirement = ">= 98.5"', f"requirement = {toml('>= ' + TOUCH)}")
    problem = problem_at(refused(book), "rules.toml", "rule 'pass-rate'", "requirement")
    # The quote after __import__( is the first thing outside the language.
    assert 'unexpected character "\'"' in problem.message
    assert problem.message.splitlines()[-2:] == [f"    >= {TOUCH}", "    " + " " * 14 + "^"]


# -- ids and choices -------------------------------------------------------------


@pytest.mark.parametrize("bad", list(BAD_IDS.values()), ids=list(BAD_IDS))
def test_a_measure_id_must_be_an_id(book: Path, bad: str) -> None:
    append(
        book / "measures.toml",
        f'\n[measure.{toml(bad)}]\nname = {{ zh = "坏", en = "Bad" }}\nunit = "count"\n',
    )
    problem = problem_at(refused(book), "measures.toml", f"measure {bad!r}", None)
    assert "measure ids are" in problem.message


@pytest.mark.parametrize("bad", list(BAD_IDS.values()), ids=list(BAD_IDS))
def test_a_rule_id_must_be_an_id(book: Path, bad: str) -> None:
    edit(book / "rules.toml", 'id = "pass-rate"', f"id = {toml(bad)}")
    problem = problem_at(refused(book), "rules.toml", f"rule {bad!r}", "id")
    assert "is not a rule id" in problem.message or bad.isspace()


@pytest.mark.parametrize("bad", list(BAD_IDS.values()), ids=list(BAD_IDS))
def test_a_rule_names_a_declared_measure(book: Path, bad: str) -> None:
    edit(book / "rules.toml", 'measure = "pass_rate"', f"measure = {toml(bad)}")
    problem = problem_at(refused(book), "rules.toml", "rule 'pass-rate'", "measure")
    assert "unknown measure" in problem.message or bad.isspace()


@pytest.mark.parametrize(
    ("file", "old", "where", "key"),
    [
        pytest.param("measures.toml", 'unit = "percent"', "measure 'pass_rate'", "unit", id="unit"),
        pytest.param(
            "rules.toml",
            'aggregation = "level"',
            "rule 'pass-rate'",
            "aggregation",
            id="aggregation",
        ),
        pytest.param("plan.toml", 'id = "mini"', None, "id", id="rulebook-id"),
        pytest.param("plan.toml", 'status = "draft"', None, "status", id="status"),
    ],
)
@pytest.mark.parametrize(
    "payload", [TOUCH, "{0.__class__}", "percent\n"], ids=["import", "format", "newline"]
)
def test_a_choice_must_be_one_of_its_options(
    book: Path, file: str, old: str, where: str | None, key: str, payload: str
) -> None:
    edit(book / file, old, f"{old.partition(' = ')[0]} = {toml(payload)}")
    problem_at(refused(book), file, where, key)


@pytest.mark.parametrize(
    "path", ["../../../etc/passwd", "/etc/passwd", "..", "samples/figures.csv", "plan.toml/x"]
)
def test_the_plan_text_is_a_file_beside_the_plan(book: Path, path: str) -> None:
    edit(book / "plan.toml", 'text = "plan.txt"', f"text = {toml(path)}")
    problem_at(refused(book), "plan.toml", None, "text")


@pytest.mark.parametrize(
    ("value", "what"),
    [
        pytest.param(f"[{toml(TOUCH)}]", "an array", id="array"),
        pytest.param(f"{{ code = {toml(TOUCH)} }}", "a table", id="table"),
        pytest.param("inf", "a float", id="infinite-float"),
        pytest.param("nan", "a float", id="nan"),
    ],
)
def test_a_requirement_must_be_a_string(book: Path, value: str, what: str) -> None:
    edit(book / "rules.toml", 'requirement = ">= 98.5"', f"requirement = {value}")
    problem = problem_at(refused(book), "rules.toml", "rule 'pass-rate'", "requirement")
    assert f"expected a string, got {what}" in problem.message


# -- prose is inert ---------------------------------------------------------------


def export(folder: Path) -> dict[str, Any]:
    out = io.StringIO()
    assert main(["export", str(folder)], stdout=out) == 0
    return json.loads(out.getvalue())  # type: ignore[no-any-return]


def show(folder: Path, rule_id: str) -> str:
    out = io.StringIO()
    assert main(["show", str(folder), rule_id], stdout=out) == 0
    return out.getvalue()


@pytest.mark.parametrize("payload", list(PAYLOADS.values()), ids=list(PAYLOADS))
def test_prose_is_kept_as_inert_text(book: Path, payload: str) -> None:
    # The quote must be in the plan's text, so the payload goes there too.
    # (followed by the target, which a quote must state).
    quote = f"{payload}≥98.5"
    append(book / "plan.txt", f"\n{quote}\n")
    rules = book / "rules.toml"
    edit(rules, 'quote = "食品安全抽检合格率≥98.5"', f"quote = {toml(quote)}")
    edit(rules, 'tags = ["food"]', f'tags = ["food", {toml(payload)}]')
    edit(
        rules,
        'en = "Food safety sampling pass rate" }',
        f"en = {toml(payload)} }}\ninterpretation = {toml(payload)}",
    )
    edit(book / "measures.toml", 'unit = "percent"', f'unit = "percent"\nnote = {toml(payload)}')

    rulebook = qrules.load(book)
    rule = rulebook["pass-rate"]
    assert rule.source.quote == quote
    assert rule.tags == ("food", payload)
    assert rule.title.en == payload
    # A plain-string interpretation (the older form) is the same words in both languages.
    assert rule.interpretation == qrules.Text(payload, payload)
    assert rulebook.measures["pass_rate"].note == payload
    assert rulebook.select(tags=[payload]) == (rule,)

    exported = next(r for r in export(book)["rules"] if r["id"] == "pass-rate")
    assert (exported["source"]["quote"], exported["tags"], exported["title"]["en"]) == (
        quote,
        ["food", payload],
        payload,
    )
    shown = show(book, "pass-rate")
    assert "<class" not in shown  # no format field was filled in
    if "\n" not in payload:
        # title, quote, tags (and interpretation); control characters shown, not run
        assert shown.count(_escape.terminal(payload)) >= 3
    assert (
        judge(rulebook, "pass-rate", {"passed": 1231, "sampled": 1250}).verdict is Verdict.NOT_MET
    )


def test_python_files_in_a_rulebook_folder_are_never_imported(book: Path) -> None:
    code = f"{TOUCH}\n"
    for name in ("__init__.py", "conftest.py", "rules.py", "plan.py", "setup.py"):
        (book / name).write_text(code, encoding="utf-8")
    (book / "sitecustomize.pth").write_text(f"import os; {TOUCH}\n", encoding="utf-8")
    assert judge(qrules.load(book), "pass-rate", {"pass_rate": "98.5"}).verdict is Verdict.MET


# -- deep and huge -----------------------------------------------------------------


def chain(book: Path, count: int, formula: str) -> None:
    """Measures m1 ... m<count>, each computed from the one before."""
    tables = ['\n[measure.m0]\nname = { zh = "m", en = "m" }\nunit = "score"\n']
    for i in range(1, count + 1):
        tables.append(
            f'\n[measure.m{i}]\nname = {{ zh = "m", en = "m" }}\nunit = "score"\n'
            f'formula = "{formula.format(m=f"m{i - 1}")}"\n'
        )
    append(book / "measures.toml", "".join(tables))
    edit(book / "rules.toml", 'measure = "pass_rate"', f'measure = "m{count}"')
    edit(book / "rules.toml", 'requirement = ">= 98.5"', 'requirement = ">= 1"')


def test_formulas_that_expand_exponentially_are_refused(book: Path) -> None:
    chain(book, 40, "{m} * {m} + {m}")
    error = refused(book)  # a billion laughs, in formulas
    assert any(p.file == "measures.toml" for p in error.problems)


def test_a_long_chain_of_formulas_is_refused_or_judged(book: Path) -> None:
    chain(book, 400, "{m} + 1")
    try:
        rulebook = qrules.load(book)
    except RulebookError as error:
        refusal: RulebookError | None = error
    else:
        refusal = None
    if refusal is not None:
        assert any(p.file == "measures.toml" for p in refusal.problems)
    else:
        result = judge(rulebook, "pass-rate", {"m0": 0})
        assert (result.verdict, result.observed) == (Verdict.MET, 400)


def test_deeply_nested_toml_is_a_rulebook_error(book: Path) -> None:
    edit(book / "rules.toml", 'tags = ["food"]', "tags = " + "[" * 5000 + "]" * 5000)
    problem_at(refused(book), "rules.toml", None, None)


def test_a_requirement_at_the_limits_is_judged(book: Path) -> None:
    deep = "(" * 32 + "passed" + ")" * 32
    long_sum = " + ".join(["passed"] * 50)
    requirement = f"{deep} >= 1 and {long_sum} >= 50 and passed <= {'9' * 30}"
    assert len(requirement) <= 1000
    edit(
        book / "rules.toml",
        'requirement = ">= 98.5"',
        f'requirement = {toml(requirement)}\ninterpretation = "limits: 1, 50 and {"9" * 30}"',
    )
    result = judge(qrules.load(book), "pass-rate", {"passed": 1, "sampled": 2})
    assert result.verdict is Verdict.MET


# -- nothing reaches eval, exec or sympy's parsers -----------------------------------

_sympify_module = importlib.import_module("sympy.core.sympify")

#: Functions that run or parse code, and whether they are refused only when
#: given text (sympy itself sympifies numbers) or on any call at all.
FORBIDDEN: list[tuple[str, Callable[..., Any], bool]] = [
    ("sympify", _sympify_module.sympify, True),
    ("parse_expr", sympy.parsing.sympy_parser.parse_expr, True),
    ("eval_expr", sympy.parsing.sympy_parser.eval_expr, False),
    ("lambdify", sympy.lambdify, False),
    ("pickle.loads", pickle.loads, False),
]
BUILTINS = [("eval", builtins.eval), ("exec", builtins.exec), ("compile", builtins.compile)]


def forbid_code_from_text(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Make every way to run or parse code fail, and record each attempt.

    Each function is replaced wherever a module holds it (``from sympy import
    sympify`` binds it in the importing module), in ``builtins``, and as
    ``sympy.S(...)``. Returns the list that attempts are recorded in.
    """
    attempts: list[str] = []

    def refuse(name: str, original: Callable[..., Any], text_only: bool) -> Callable[..., Any]:
        def refused(*args: Any, **kwargs: Any) -> Any:
            given = [*args, *kwargs.values()]
            if name == "compile" and _only_ast(*args, **kwargs):
                return original(*args, **kwargs)  # ast.parse runs nothing (pytest uses it)
            if not text_only or any(isinstance(a, str | bytes) for a in given):
                attempts.append(name)
                raise AssertionError(f"{name} called with {given!r:.200}")
            return original(*args, **kwargs)

        return refused

    for name, original in BUILTINS:
        monkeypatch.setattr(builtins, name, refuse(name, original, True))
    by_id = {id(original): (name, original, text_only) for name, original, text_only in FORBIDDEN}
    for module in list(sys.modules.values()):
        namespace = getattr(module, "__dict__", None)
        if not isinstance(namespace, dict):
            continue
        for attribute, value in list(namespace.items()):
            found = by_id.get(id(value))
            if found is not None and found[1] is value:
                monkeypatch.setattr(module, attribute, refuse(*found))
    monkeypatch.setattr(
        type(sympy.S), "__call__", staticmethod(refuse("S", _sympify_module.sympify, True))
    )
    return attempts


def _only_ast(
    source: object, filename: object, mode: object, flags: int = 0, *args: object, **kwargs: object
) -> bool:
    return bool(flags & ast.PyCF_ONLY_AST)


def sample_dataset(folder: Path) -> Path:
    samples = sorted((folder / "samples").glob("*.csv"))
    assert samples, f"{folder} ships no sample dataset"
    return samples[0]


@pytest.mark.parametrize("name", ["mini", "yantai-2023-2025"])
def test_no_rule_text_reaches_eval_exec_or_sympy_parsing(
    monkeypatch: pytest.MonkeyPatch, name: str
) -> None:
    if name == "mini":
        folder = MINI
    elif name in qrules.rulebook_names():
        folder = shipped_rulebooks()[name]
    else:
        pytest.skip(f"{name} is not shipped")
    attempts = forbid_code_from_text(monkeypatch)

    rulebook = qrules.load(folder)
    evaluation = rulebook.evaluate(qrules.read_dataset(sample_dataset(folder), rulebook))
    for rule in rulebook:  # compile every requirement with every formula expanded
        rule.predicate(rulebook.measures, frozenset(rulebook.measures))
        assert str(rule.requirement)
    for measure in rulebook.measures.values():
        if measure.formula is not None:
            assert str(measure.formula)

    assert len(evaluation) >= len(rulebook)
    assert {r.verdict for r in evaluation} >= {Verdict.MET, Verdict.NOT_MET}
    assert attempts == []
    with pytest.raises(AssertionError):  # and the guard was up all along
        sympy.sympify("x")
    assert attempts == ["sympify"]


# Each is a lambda so that the function is looked up when called, under the guard.
VULNERABLE: dict[str, Callable[[str], object]] = {
    "sympy.sympify": lambda text: sympy.sympify(text),  # noqa: PLW0108
    "sympy.S": lambda text: sympy.S(text),  # noqa: PLW0108
    "parse_expr": lambda text: sympy.parsing.sympy_parser.parse_expr(text),  # noqa: PLW0108
    "sympy.parse_expr": lambda text: sympy.parse_expr(text),  # noqa: PLW0108
    "lambdify": lambda text: sympy.lambdify([], sympy.Integer(1)),
    "eval": lambda text: eval(text),  # noqa: PLW0108
    "exec": lambda text: exec(text),  # noqa: PLW0108
    "compile": lambda text: compile(text, "<rule>", "eval"),
    "pickle": lambda text: pickle.loads(pickle.dumps(text)),
}


@pytest.mark.parametrize("parse", list(VULNERABLE.values()), ids=list(VULNERABLE))
def test_the_guard_catches_a_loader_that_runs_rule_text(
    monkeypatch: pytest.MonkeyPatch, parse: Callable[[str], object]
) -> None:
    # A loader written the easy way, parsing each requirement with ``parse``:
    # loading the mini rulebook under the guard must fail.
    real = qrules._load.parse_requirement

    def parse_requirement(text: str, measure: str | None = None) -> object:
        parse(f"{measure} {text}")
        return real(text, measure)

    monkeypatch.setattr(qrules._load, "parse_requirement", parse_requirement)
    monkeypatch.setenv("QRULES_CACHE", "off")  # parsed, not read back from the cache
    attempts = forbid_code_from_text(monkeypatch)
    with pytest.raises(AssertionError):
        qrules.load(MINI)
    assert attempts


def test_the_guard_catches_a_name_imported_before_it(monkeypatch: pytest.MonkeyPatch) -> None:
    # As if _expr.py had done ``from sympy import sympify`` at import time.
    module = types.ModuleType("vulnerable")
    module.sympify = sympy.sympify  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "vulnerable", module)
    attempts = forbid_code_from_text(monkeypatch)
    with pytest.raises(AssertionError):
        module.sympify("passed >= 98.5")  # type: ignore[attr-defined]
    assert attempts == ["sympify"]
    assert sympy.sympify(2) == 2  # sympy may still sympify numbers


def test_evaluation_is_exact_under_the_guard(monkeypatch: pytest.MonkeyPatch) -> None:
    forbid_code_from_text(monkeypatch)
    result = judge(qrules.load(MINI), "pass-rate", {"passed": 1231, "sampled": 1250})
    assert (result.verdict, result.observed) == (Verdict.NOT_MET, Fraction(2462, 25))
