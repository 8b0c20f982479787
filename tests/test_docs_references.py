"""What the docs and the docstrings name exists: every dotted Python name they quote (```ansinh.x.y```,
```review.queries.posted_list```, ```actions.do_approve_round```) resolves to a module or an attribute of one,
and every quoted source path (```review/actions.py```) is a file. A rename or a split that forgets the docs
fails here."""

from __future__ import annotations

import importlib
import re
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SRC = ROOT / "src" / "ansinh"
QUOTED = re.compile(r"`+([A-Za-z_]\w*(?:\.[A-Za-z_]\w*)+)(?:\(\))?`+")
PATH = re.compile(r"`([\w./-]+/[\w.-]+\.py)`")
FILE_SUFFIXES = {"py", "md", "yaml", "yml", "html", "csv", "json", "po", "mo", "txt", "toml", "xlsx", "pdf", "gz"}
PACKAGES = {p.stem for p in SRC.iterdir() if (p / "__init__.py").exists() or p.suffix == ".py"} - {"__init__"}
# ``settings.X`` names a setting, which may be optional (read with a default): not a module reference.
APP_MODULES = ({f.stem for f in SRC.glob("*/*.py")} | {f.parent.name for f in SRC.glob("*/*/__init__.py")}) - {
    "__init__",
    "settings",
}


def _texts() -> Iterator[tuple[str, str]]:
    for path in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md")), *sorted((ROOT / "docs").glob("*/*.md"))]:
        yield str(path.relative_to(ROOT)), path.read_text(encoding="utf-8")
    for path in sorted(SRC.rglob("*.py")):
        if "migrations" not in path.parts:
            yield str(path.relative_to(ROOT)), path.read_text(encoding="utf-8")


def _not_python() -> set[str]:
    """Dotted names that are not Python: permissions (``review.prepare``), audit actions, task kinds, loggers."""
    from ansinh.accounts.permissions import matrix
    from ansinh.audit.actions import AuditAction
    from ansinh.tasks.actions import registered_kinds

    names = {
        f"{resource}.{action}"
        for rules in matrix().values()
        for resource, actions in rules.items()
        for action in actions
    }
    for path in SRC.glob("*/audit_actions.py"):
        importlib.import_module(f"ansinh.{path.parent.name}.audit_actions")
    stack = list(AuditAction.__subclasses__())
    while stack:
        cls = stack.pop()
        names |= {m.value for m in cls}
        stack += cls.__subclasses__()
    names |= set(registered_kinds())
    for _where, text in _texts():
        names |= set(re.findall(r"getLogger\(\"([\w.]+)\"\)", text))
    return names


def resolves(dotted: str) -> bool:
    parts = dotted.split(".")
    if parts[0] != "ansinh":
        parts = ["ansinh", *parts]
    for cut in range(len(parts), 1, -1):
        try:
            obj = importlib.import_module(".".join(parts[:cut]))
        except ImportError:
            continue
        for name in parts[cut:]:
            if not hasattr(obj, name):
                return False
            obj = getattr(obj, name)
        return True
    return False


def broken_references(where: str, text: str, not_python: set[str]) -> list[str]:
    bad = []
    for match in QUOTED.finditer(text):
        dotted = match.group(1)
        first = dotted.split(".")[0]
        if dotted.rsplit(".", 1)[1] in FILE_SUFFIXES or dotted in not_python:
            continue
        if first == "ansinh" or first in PACKAGES:
            ok = resolves(dotted)
        elif first in APP_MODULES:  # ``actions.do_x``: some app's actions
            apps = [p.parent.name for p in SRC.glob(f"*/{first}.py")] + [
                p.parent.parent.name for p in SRC.glob(f"*/{first}/__init__.py")
            ]
            ok = any(resolves(f"{app}.{dotted}") for app in apps)
        else:
            continue
        if not ok:
            bad.append(f"{where}: {dotted}")
    for match in PATH.finditer(text):
        quoted = match.group(1)
        if not any((base / quoted).exists() for base in (ROOT, SRC, ROOT / "src", ROOT / "tests")):
            bad.append(f"{where}: {quoted}")
    return bad


def test_every_name_the_docs_and_docstrings_quote_exists():
    not_python = _not_python()
    broken = [b for where, text in _texts() for b in broken_references(where, text, not_python)]
    assert not broken, "\n".join(broken)


def test_it_catches_a_name_that_is_gone():
    text = (
        "See `ansinh.review.actions.no_such_action`, `review.queries.no_such_query`, `actions.do_no_such_thing`, "
        "`review/no_such_module.py`; but `ansinh.tasks.models.Task`, `review.prepare` and `permissions.yaml` are fine."
    )
    assert broken_references("planted", text, _not_python()) == [
        "planted: ansinh.review.actions.no_such_action",
        "planted: review.queries.no_such_query",
        "planted: actions.do_no_such_thing",
        "planted: review/no_such_module.py",
    ]
