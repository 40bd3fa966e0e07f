"""The rooms of the house, checked: a lower room never imports a higher one.

An AST walk over every module of ``src/pdca`` and ``cli/pdca_cli``. It sees every
import, module-level or inside a function (also under ``TYPE_CHECKING``: a static
reader follows it too), relative imports resolved, ``importlib.import_module("…")``
literals, and the ``"module:attr"`` strings of the lazy tables (the CLI's commands,
the application's use cases), because a lazy import is still an import. There is no
exception list: a rule that needs one is the wrong rule.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SOURCE_TREES = (ROOT / "src", ROOT / "cli", ROOT / "web")

# Lowest first. Rooms of equal rank are siblings: neither imports the other.
RANKS = {
    "flat": 0,
    "domain": 1,
    "rules": 2,
    "storage": 2,
    "projections": 3,
    "application": 4,
    "reports": 5,
}
FRONT_ENDS = ("pdca_cli", "pdca_web")
# The command line is the outermost shell: ``pdca serve`` starts the web front end. The
# web never imports the command line, and neither reaches past the application.
FRONT_END_RANKS = {"pdca_web": 6, "pdca_cli": 7}
# The domain is pure: its module paths are stored topics and it must replay anywhere.
DOMAIN_FORBIDDEN = ("click", "sqlalchemy", "structlog", "transitions", "orjson")
# A front end reaches the application and what it renders, nothing past them.
FRONT_END_MAY_REACH = (
    "pdca.application",
    "pdca.reports",
    "pdca.errors",
    "pdca.log",
    "pdca_web",  # only the command line may: the web cannot import what ranks above it
)
MAX_FLAT = 6
REACH = "a front end reaches past the application into"
# What the application keeps to itself: how events are stored and aggregates loaded.
APPLICATION_INSIDES = ("repository", "event_store", "mapper", "recorder")

_OWN_ROOTS = ("pdca", *FRONT_ENDS)
# "pdca.application.recording:Recording", "pdca_cli.commands.init:init"
_LAZY = re.compile(r"(?P<module>[A-Za-z_]\w*(?:\.\w+)*):[A-Za-z_][\w.]*\Z")
_DOTTED = re.compile(r"[A-Za-z_]\w*(?:\.\w+)+\Z")


@dataclass(frozen=True)
class Source:
    """One module: its dotted name, where it lives (as shown in a report) and its text."""

    name: str
    path: str
    text: str
    is_package: bool


@dataclass(frozen=True)
class Import:
    module: str
    line: int
    how: str  # the import as written, for the report


@dataclass(frozen=True)
class Violation:
    path: str
    line: int
    how: str
    rule: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.how}  — {self.rule}"


def source_of(relative: str, text: str, shown: str | None = None) -> Source:
    """``pdca/rules/x.py`` (a path under a source tree) → the module it defines."""
    parts = relative.removesuffix(".py").split("/")
    is_package = parts[-1] == "__init__"
    if is_package:
        parts = parts[:-1]
    return Source(".".join(parts), shown or relative, text, is_package)


def project_sources() -> list[Source]:
    return [
        source_of(
            path.relative_to(tree).as_posix(),
            path.read_text(encoding="utf-8"),
            path.relative_to(ROOT).as_posix(),
        )
        for tree in SOURCE_TREES
        for path in sorted(tree.rglob("*.py"))
    ]


def _is_own(module: str) -> bool:
    return module.split(".")[0] in _OWN_ROOTS


def _resolve(source: Source, level: int, module: str | None) -> str:
    package = source.name.split(".") if source.is_package else source.name.split(".")[:-1]
    base = package[: len(package) - (level - 1)] if level > 1 else package
    return ".".join([*base, *([module] if module else [])])


def imports_of(source: Source, known: set[str]) -> list[Import]:
    """Every module ``source`` imports, however it is spelt, in the order of its lines."""
    # import_module("pdca.x") is seen both as a call and as a module-name string.
    unique = {(i.line, i.module): i for i in _spellings(source, known)}
    return [unique[key] for key in sorted(unique)]


def _spellings(source: Source, known: set[str]) -> Iterator[Import]:
    tree = ast.parse(source.text, filename=source.path)
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield Import(alias.name, node.lineno, f"import {alias.name}")
        elif isinstance(node, ast.ImportFrom):
            target = _resolve(source, node.level, node.module) if node.level else node.module or ""
            written = "." * node.level + (node.module or "")
            for alias in node.names:
                # ``from pdca import rules`` imports the module pdca.rules.
                sub = f"{target}.{alias.name}"
                module = sub if sub in known else target
                yield Import(module, node.lineno, f"from {written} import {alias.name}")
        elif isinstance(node, ast.Call) and _is_import_call(node):
            argument = node.args[0] if node.args else None
            if isinstance(argument, ast.Constant) and isinstance(argument.value, str):
                yield Import(argument.value, node.lineno, f"import_module({argument.value!r})")
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            lazy = _LAZY.match(node.value)
            if lazy and _is_own(lazy["module"]):
                yield Import(lazy["module"], node.lineno, repr(node.value))
            elif _DOTTED.match(node.value) and node.value in known:
                # A table of module names handed to import_module later.
                yield Import(node.value, node.lineno, repr(node.value))


def _is_import_call(node: ast.Call) -> bool:
    function = node.func
    name = function.attr if isinstance(function, ast.Attribute) else getattr(function, "id", "")
    return name in ("import_module", "__import__")


def room_of(module: str, packages: set[str]) -> str | None:
    """The room an own module lies in; ``None`` for the standard library and others.

    ``packages`` are the subpackages of ``pdca``: one that is no room is reported,
    a plain module beside them is flat.
    """
    parts = module.split(".")
    if parts[0] in FRONT_ENDS:
        return parts[0]
    if parts[0] != "pdca":
        return None
    if len(parts) > 1 and (parts[1] in RANKS or parts[1] in packages):
        return parts[1]
    return "flat"


def rank_of(room: str) -> int | None:
    return FRONT_END_RANKS[room] if room in FRONT_ENDS else RANKS.get(room)


def check(sources: Iterable[Source]) -> list[Violation]:
    """Every import in ``sources`` that breaks a rule of the house."""
    sources = list(sources)
    known = {s.name for s in sources}
    packages = {s.name.split(".")[1] for s in sources if s.is_package and s.name.count(".") == 1}
    found = []
    for source in sources:
        found += _check_one(source, known, packages)
    found += _check_flat(sources)
    return sorted(found, key=lambda v: (v.path, v.line))


def _check_one(source: Source, known: set[str], packages: set[str]) -> Iterator[Violation]:
    room = room_of(source.name, packages)
    here = rank_of(room) if room else None
    if room is None or here is None:
        yield Violation(source.path, 1, source.name, f"{source.name} lies in no known room")
        return
    for imported in imports_of(source, known):
        rule = _broken_rule(room, here, imported.module, packages)
        if rule:
            yield Violation(source.path, imported.line, imported.how, rule)
    if room in FRONT_ENDS:
        yield from _insides_used(source)


def _insides_used(source: Source) -> Iterator[Violation]:
    """``app.repository.event_store``, ``app.mapper``: the store without importing it."""
    for node in ast.walk(ast.parse(source.text, filename=source.path)):
        if isinstance(node, ast.Attribute) and node.attr in APPLICATION_INSIDES:
            how = f"….{node.attr}"
            yield Violation(source.path, node.lineno, how, f"{REACH} its {node.attr}")


def _broken_rule(room: str, here: int, module: str, packages: set[str]) -> str | None:
    top = module.split(".")[0]
    if room == "domain" and top in DOMAIN_FORBIDDEN:
        return f"pdca.domain imports {top}"
    there_room = room_of(module, packages)
    if there_room is None or there_room == room:
        return None
    there = rank_of(there_room)
    if there is None:
        return f"{module} lies in no known room"
    if there_room in FRONT_ENDS and room not in FRONT_ENDS:
        return f"the library imports the front end {there_room}"
    if there > here:
        return f"{room} (lower) imports {there_room} (higher)"
    if there == here:
        return f"{room} imports its sibling {there_room}"
    if room in FRONT_ENDS and not _reachable(module):
        return f"{REACH} {module}"
    return None


def _reachable(module: str) -> bool:
    return any(module == m or module.startswith(f"{m}.") for m in FRONT_END_MAY_REACH)


def _check_flat(sources: list[Source]) -> Iterator[Violation]:
    flat = [s for s in sources if s.name.count(".") == 1 and s.name.startswith("pdca.")]
    flat = [s for s in flat if not s.is_package]
    if len(flat) > MAX_FLAT:
        names = ", ".join(sorted(s.name for s in flat))
        yield Violation("src/pdca", 0, names, f"{len(flat)} flat modules, at most {MAX_FLAT}")


def _report(violations: list[Violation]) -> str:
    return "\n".join(["", *map(str, violations)])


# --- the house as it is ---------------------------------------------------------------


def test_no_room_imports_a_higher_one() -> None:
    violations = [v for v in check(project_sources()) if not v.rule.startswith(REACH)]
    assert not violations, _report(violations)


def test_the_cli_reaches_nothing_past_the_application() -> None:
    violations = [v for v in check(project_sources()) if v.rule.startswith(REACH)]
    assert not violations, _report(violations)


def test_the_walk_sees_every_room_and_the_lazy_tables() -> None:
    # If the walk found nothing it would pass on anything: show it sees what it checks.
    sources = project_sources()
    rooms = {room_of(s.name, set()) for s in sources}
    assert {*RANKS, "pdca_cli"} <= rooms
    known = {s.name for s in sources}
    by_name = {s.name: s for s in sources}
    cli_table = {i.module for i in imports_of(by_name["pdca_cli"], known)}
    assert "pdca_cli.commands.finding" in cli_table
    assert "pdca_web" in rooms
    service = {i.module for i in imports_of(by_name["pdca.application.service"], known)}
    assert "pdca.application.recording" in service


# --- the checker fails when it should ---------------------------------------------------


def _synthetic(files: Mapping[str, str]) -> list[Violation]:
    base = {
        "pdca/__init__.py": "",
        "pdca/errors.py": "",
        "pdca/domain/__init__.py": "",
        "pdca/rules/__init__.py": "",
        "pdca/storage/__init__.py": "",
        "pdca/storage/database.py": "",
        "pdca/projections/__init__.py": "",
        "pdca/projections/api.py": "",
        "pdca/application/__init__.py": "",
        "pdca/application/service.py": "",
        "pdca/reports/__init__.py": "",
        "pdca_cli/__init__.py": "",
        "pdca_cli/commands/__init__.py": "",
        "pdca_cli/commands/finding.py": "",
    }
    return check(source_of(path, text) for path, text in {**base, **files}.items())


def _rules(violations: list[Violation]) -> list[tuple[str, int, str]]:
    return [(v.path, v.line, v.rule) for v in violations]


def test_a_clean_synthetic_house_passes() -> None:
    assert _synthetic({"pdca/rules/x.py": "from pdca.domain import cycle\n"}) == []


def test_rules_importing_storage_is_reported() -> None:
    found = _synthetic({"pdca/rules/x.py": "import os\nfrom pdca.storage.database import url\n"})
    assert _rules(found) == [("pdca/rules/x.py", 2, "rules imports its sibling storage")]


def test_the_domain_importing_click_is_reported_even_inside_a_function() -> None:
    text = "def f():\n    import click\n    from sqlalchemy import text\n"
    assert _rules(_synthetic({"pdca/domain/y.py": text})) == [
        ("pdca/domain/y.py", 2, "pdca.domain imports click"),
        ("pdca/domain/y.py", 3, "pdca.domain imports sqlalchemy"),
    ]


def test_relative_and_lazy_imports_upward_are_reported() -> None:
    found = _synthetic(
        {
            "pdca/projections/z.py": (
                "from ..application import service\n"
                "import importlib\n"
                "importlib.import_module('pdca.reports')\n"
                "TABLE = {'x': 'pdca.application.service:PdcaApplication'}\n"
            ),
        }
    )
    assert _rules(found) == [
        ("pdca/projections/z.py", 1, "projections (lower) imports application (higher)"),
        ("pdca/projections/z.py", 3, "projections (lower) imports reports (higher)"),
        ("pdca/projections/z.py", 4, "projections (lower) imports application (higher)"),
    ]


def test_the_library_importing_a_front_end_is_reported() -> None:
    found = _synthetic(
        {"pdca/reports/w.py": "from pdca_cli.commands import finding\nimport pdca_web\n"}
    )
    assert _rules(found) == [
        ("pdca/reports/w.py", 1, "the library imports the front end pdca_cli"),
        ("pdca/reports/w.py", 2, "the library imports the front end pdca_web"),
    ]


def test_a_front_end_reaching_past_the_application_is_reported() -> None:
    found = _synthetic(
        {
            "pdca_cli/commands/finding.py": (
                "from pdca.application.service import PdcaApplication\n"
                "from pdca.errors import PdcaError\n"
                "from pdca.storage.database import url\n"
                "from pdca import projections\n"
                "import pdca_web\n"
                "events = app.repository.event_store.get(x)\n"
            ),
        }
    )
    assert _rules(found) == [
        (
            "pdca_cli/commands/finding.py",
            3,
            "a front end reaches past the application into pdca.storage.database",
        ),
        (
            "pdca_cli/commands/finding.py",
            4,
            "a front end reaches past the application into pdca.projections",
        ),
        ("pdca_cli/commands/finding.py", 6, f"{REACH} its event_store"),
        ("pdca_cli/commands/finding.py", 6, f"{REACH} its repository"),
    ]


def test_the_web_importing_the_command_line_or_the_storage_is_reported() -> None:
    found = _synthetic(
        {
            "pdca_web/__init__.py": "",
            "pdca_web/app.py": (
                "from pdca.application.service import PdcaApplication\n"
                "from pdca_cli.commands import finding\n"
                "from pdca.storage.database import url\n"
            ),
        }
    )
    assert _rules(found) == [
        ("pdca_web/app.py", 2, "pdca_web (lower) imports pdca_cli (higher)"),
        ("pdca_web/app.py", 3, f"{REACH} pdca.storage.database"),
    ]


def test_an_unknown_room_and_too_many_flat_modules_are_reported() -> None:
    flat = {f"pdca/m{i}.py": "" for i in range(6)}
    found = _synthetic({"pdca/misc/__init__.py": "", **flat})
    assert [v.rule for v in found] == [
        "pdca.misc lies in no known room",
        "7 flat modules, at most 6",
    ]


# --- no import circle ------------------------------------------------------------------


def circles(sources: Iterable[Source]) -> list[list[str]]:
    """Every loop of modules that import each other, however spelt (a lazy or a
    ``TYPE_CHECKING`` import still ties the two: a reader must hold both at once)."""
    sources = list(sources)
    known = {s.name for s in sources}
    graph = {
        s.name: sorted({i.module for i in imports_of(s, known) if i.module in known} - {s.name})
        for s in sources
    }
    found: list[list[str]] = []
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> None:  # Tarjan's strongly connected components
        index[node] = low[node] = len(index)
        stack.append(node)
        for nxt in graph[node]:
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for name in sorted(graph):
        if name not in index:
            visit(name)
    return found


def test_no_modules_import_each_other() -> None:
    assert circles(project_sources()) == []


def test_a_circle_is_reported() -> None:
    files = {
        "pdca/application/saving.py": "from pdca.application import request_ids\n",
        "pdca/application/request_ids.py": (
            "from typing import TYPE_CHECKING\n"
            "if TYPE_CHECKING:\n    from pdca.application.saving import Acting\n"
        ),
    }
    found = circles(source_of(path, text) for path, text in files.items())
    assert found == [["pdca.application.request_ids", "pdca.application.saving"]]
