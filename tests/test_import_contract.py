"""The import contract: arrows between the project's packages point one way only.

Read from the source (every ``import`` under ``src/ansinh``, at the top of a file or inside a function):

* no domain app imports an interface (``web``, ``api``, ``cli``): pages, endpoints and commands call the
  domain, never the reverse;
* the cross-cutting apps (``accounts``, ``audit``, ``tasks``, ``lib``) import no domain app (``accounts``
  may name the administrative units of ``geo``: a user's area scope is made of them);
* no module imports another module's private names (``from x import _name`` or ``x._name``);
* nothing in production imports the synthetic city (``synth``) but the seed and demo commands;
* ``engine``, ``standards``, ``vocab``, ``registry_schema`` and ``lib`` import no Django;
* the packages import each other in no circle.

Each rule is also run against a planted violation, so a rule that silently stopped checking would fail here.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parent.parent / "src"
INTERFACES = frozenset({"web", "api", "cli"})
DOMAIN = frozenset(
    {"registry", "review", "imports", "geo", "standards", "engine", "tasks", "accounts", "audit", "lib", "synth"}
    | {"dossiers", "cases"}
    | {"reports"}
    | {"vocab", "registry_schema", "dbframes"}
)
CROSS_CUTTING = frozenset({"accounts", "audit", "tasks", "lib", "dbframes"})
# What each cross-cutting app may import besides itself and the other cross-cutting apps.
ALLOWED_BELOW = {"accounts": frozenset({"geo"})}


@dataclass(frozen=True)
class Import:
    module: str  # the importing module, ``ansinh.review.xlsform``
    line: int
    target: str  # the imported module, ``ansinh.web.review.forms``
    names: tuple[str, ...] = ()  # names taken from it (``from target import a, b``) or used as ``target.a``

    def __str__(self) -> str:
        taken = f" ({', '.join(self.names)})" if self.names else ""
        return f"{self.module}:{self.line} imports {self.target}{taken}"


def _package(module: str) -> str:
    """The app a module belongs to: ``ansinh.web.review.views`` → ``web``; ``ansinh.vocab`` → ``vocab``."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


def _is_module(name: str) -> bool:
    path = SRC.joinpath(*name.split("."))
    return path.with_suffix(".py").exists() or (path / "__init__.py").exists()


def imports_of(module: str, source: str, *, is_package: bool = False) -> Iterator[Import]:
    """Every import of an ``ansinh`` module in ``source`` (the text of ``module``)."""
    tree = ast.parse(source)
    aliases: dict[str, str] = {}  # local name → ansinh module it stands for
    package = module if is_package else module.rpartition(".")[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] == "ansinh":
                    yield Import(module, node.lineno, alias.name)
                    if alias.asname:
                        aliases[alias.asname] = alias.name
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                target = ".".join([*base, node.module] if node.module else base)
            else:
                target = node.module or ""
            if target.split(".")[0] != "ansinh":
                continue
            names = tuple(alias.name for alias in node.names)
            yield Import(module, node.lineno, target, names)
            for alias in node.names:
                if _is_module(f"{target}.{alias.name}"):
                    aliases[alias.asname or alias.name] = f"{target}.{alias.name}"
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id in aliases:
            yield Import(module, node.lineno, aliases[node.value.id], (node.attr,))


def _modules() -> Iterator[tuple[str, str, bool]]:
    for path in sorted((SRC / "ansinh").rglob("*.py")):
        relative = path.relative_to(SRC).with_suffix("")
        is_package = relative.name == "__init__"
        parts = relative.parts[:-1] if is_package else relative.parts
        if "migrations" in parts:
            continue
        yield ".".join(parts), path.read_text(encoding="utf-8"), is_package


def _all_imports() -> list[Import]:
    return [
        imp for module, source, is_package in _modules() for imp in imports_of(module, source, is_package=is_package)
    ]


def domain_imports_an_interface(imp: Import) -> bool:
    return _package(imp.module) in DOMAIN and _package(imp.target) in INTERFACES


def cross_cutting_imports_a_domain_app(imp: Import) -> bool:
    source, target = _package(imp.module), _package(imp.target)
    if source not in CROSS_CUTTING or target in CROSS_CUTTING or target == "":
        return False
    return target in DOMAIN and target not in ALLOWED_BELOW.get(source, frozenset())


def takes_a_private_name(imp: Import) -> bool:
    if imp.target == imp.module:
        return False
    return any(name.startswith("_") and not name.startswith("__") for name in imp.names)


# The only production modules that may build a synthetic city (``bench/`` is outside ``src/``).
SYNTH_USERS = frozenset({"ansinh.cli.management.commands.seed", "ansinh.cli.management.commands.demo"})


def production_imports_the_synthetic_city(imp: Import) -> bool:
    return _package(imp.target) == "synth" and _package(imp.module) != "synth" and imp.module not in SYNTH_USERS


RULES = {
    "a domain app imports an interface": domain_imports_an_interface,
    "production imports the synthetic city": production_imports_the_synthetic_city,
    "a cross-cutting app imports a domain app": cross_cutting_imports_a_domain_app,
    "a module takes another module's private name": takes_a_private_name,
}

PLANTED = {
    "production imports the synthetic city": (
        "ansinh.imports.parsing",
        "from ansinh.synth.population import generate\n",
    ),
    "a domain app imports an interface": (
        "ansinh.review.xlsform",
        "def f():\n    from ansinh.web.review.forms import SurveyForm\n",
    ),
    "a cross-cutting app imports a domain app": (
        "ansinh.accounts.scope",
        "from ansinh.registry.models import Household\n",
    ),
    "a module takes another module's private name": (
        "ansinh.imports.context",
        "from ansinh.registry import idnumber\n\ncodes = idnumber._reference()\n",
    ),
}


@pytest.mark.parametrize("rule", sorted(RULES))
def test_the_source_keeps_the_rule(rule: str) -> None:
    broken = [str(imp) for imp in _all_imports() if RULES[rule](imp)]
    assert not broken, f"{rule}:\n" + "\n".join(broken)


@pytest.mark.parametrize("rule", sorted(RULES))
def test_it_catches_a_planted_violation(rule: str) -> None:
    module, source = PLANTED[rule]
    assert [imp for imp in imports_of(module, source) if RULES[rule](imp)], f"the planted violation passed: {rule}"


def test_it_reads_the_whole_tree() -> None:
    found = _all_imports()
    assert len(found) > 500
    assert any(imp.module == "ansinh.web.review.views" and imp.target == "ansinh.review.actions" for imp in found)
    relative = list(imports_of("ansinh.lib.text", "from . import numbers\nfrom .numbers import vn_number\n"))
    assert [imp.target for imp in relative] == ["ansinh.lib", "ansinh.lib.numbers"]


# The packages that never import Django: an analyst runs them from a notebook, a cluster on its workers.
DJANGO_FREE = frozenset({"engine", "standards", "vocab", "registry_schema", "lib"})


def django_imports(module: str, source: str) -> Iterator[str]:
    """Every import of Django in ``source``, at the top of the file or inside a function."""
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and not node.level and node.module:
            names = [node.module]
        else:
            continue
        for name in names:
            if name.split(".")[0] in {"django", "django_stubs_ext", "ninja"}:
                yield f"{module}:{node.lineno} imports {name}"


def test_the_django_free_packages_import_no_django() -> None:
    found = [
        hit
        for module, source, _ in _modules()
        if _package(module) in DJANGO_FREE
        for hit in django_imports(module, source)
    ]
    assert not found, "a Django-free package imports Django:\n" + "\n".join(found)


def test_it_catches_a_planted_django_import() -> None:
    planted = "def f():\n    from django.db import connection\n"
    assert list(django_imports("ansinh.engine.plan", planted))


def circles(imports: list[Import]) -> list[list[str]]:
    """The circles in the graph of packages (``review → registry → review``), each as the packages on it."""
    edges: dict[str, set[str]] = {}
    for imp in imports:
        source, target = _package(imp.module), _package(imp.target)
        if source and target and source != target:
            edges.setdefault(source, set()).add(target)
    found: list[list[str]] = []
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(node: str) -> None:
        state[node] = 1
        path.append(node)
        for nxt in sorted(edges.get(node, ())):
            if state.get(nxt) == 1:
                found.append([*path[path.index(nxt) :], nxt])
            elif nxt not in state:
                visit(nxt)
        path.pop()
        state[node] = 2

    for node in sorted(edges):
        if node not in state:
            visit(node)
    return found


def test_the_packages_import_each_other_in_no_circle() -> None:
    found = circles(_all_imports())
    assert not found, "packages import each other in a circle:\n" + "\n".join(" → ".join(c) for c in found)


def test_it_catches_a_planted_circle() -> None:
    planted = [*_all_imports(), *imports_of("ansinh.geo.models", "from ansinh.review.models import Round\n")]
    assert any({"geo", "review"} <= set(circle) for circle in circles(planted))
