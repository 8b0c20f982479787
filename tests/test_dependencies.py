"""What the application imports is what it declares: every third-party module imported anywhere under
``src/`` (at the top of a file or inside a function) comes from a distribution listed in pyproject's
``[project] dependencies`` — not only from a test or optional extra that happens to pull it in, which would
leave ``make demo`` broken on a fresh machine."""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _name(requirement: str) -> str:
    return re.sub(r"[-_.]+", "-", re.split(r"[\s\[<>=!~;]", requirement, maxsplit=1)[0]).lower()


def _imported_modules() -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for path in (ROOT / "src" / "ansinh").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            for name in names:
                top = name.split(".")[0]
                if top not in sys.stdlib_module_names and top != "ansinh":
                    found.setdefault(top, set()).add(str(path.relative_to(ROOT)))
    return found


def test_every_imported_package_is_a_declared_runtime_dependency() -> None:
    declared = {_name(r) for r in tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]}
    distributions = packages_distributions()
    imported = _imported_modules()
    assert {"django", "polars", "numpy"} <= set(imported)
    missing = {
        module: sorted(files)[:3]
        for module, files in imported.items()
        if not {_name(d) for d in distributions.get(module, [module])} & declared
    }
    assert not missing, f"imported under src/ but not in [project] dependencies: {missing}"
