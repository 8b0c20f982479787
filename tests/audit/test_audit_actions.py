"""Audit action names are constants: every name written to the trail is a member of an app's declared
``AuditAction`` (``<app>/audit_actions.py``), never a string literal or one assembled with an f-string."""

from __future__ import annotations

import ast
import importlib
import re
from pathlib import Path

import pytest

from ansinh.audit.actions import AuditAction, record
from ansinh.audit.models import AuditEvent

SRC = Path(__file__).resolve().parents[2] / "src" / "ansinh"
WRITERS = {"record", "record_many", "audit", "_audit", "_audit_frame", "AuditEvent"}
POSITIONAL = {"audit": 1, "_audit": 1}  # the helpers that take the action as their second positional argument


def _declared() -> tuple[dict[str, type[AuditAction]], set[str]]:
    """The declared ``AuditAction`` classes by name and the module-level maps of their members."""
    classes: dict[str, type[AuditAction]] = {}
    maps: set[str] = set()
    for path in sorted(SRC.glob("*/audit_actions.py")):
        module = importlib.import_module(f"ansinh.{path.parent.name}.audit_actions")
        for name, value in vars(module).items():
            if isinstance(value, type) and issubclass(value, AuditAction) and value is not AuditAction:
                classes[name] = value
            elif isinstance(value, dict) and value and all(isinstance(v, AuditAction) for v in value.values()):
                maps.add(name)
    return classes, maps


def _callee(call: ast.Call) -> str:
    return call.func.id if isinstance(call.func, ast.Name) else getattr(call.func, "attr", "")


def undeclared(source: str, classes: dict[str, type[AuditAction]], maps: set[str]) -> list[str]:
    """The audit writes in ``source`` whose action is not a declared constant, as ``line: code``."""
    tree = ast.parse(source)
    bad: list[str] = []

    def typed_params(fn: ast.FunctionDef | ast.AsyncFunctionDef) -> set[str]:
        args = [*fn.args.posonlyargs, *fn.args.args, *fn.args.kwonlyargs]
        return {
            a.arg for a in args if a.annotation is not None and ast.unparse(a.annotation) in {*classes, "AuditAction"}
        }

    def visit(node: ast.AST, params: set[str]) -> None:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            params = typed_params(node)
        if isinstance(node, ast.Call) and _callee(node) in WRITERS:
            given = [k.value for k in node.keywords if k.arg == "action"]
            at = POSITIONAL.get(_callee(node))
            if at is not None and len(node.args) > at:
                given.append(node.args[at])
            for value in given:
                ok = (
                    isinstance(value, ast.Attribute)
                    and isinstance(value.value, ast.Name)
                    and value.value.id in classes
                    and value.attr in classes[value.value.id].__members__
                ) or (
                    (isinstance(value, ast.Subscript) and isinstance(value.value, ast.Name) and value.value.id in maps)
                    or (isinstance(value, ast.Name) and value.id in params)
                )
                if not ok:
                    bad.append(f"{node.lineno}: {ast.unparse(node)[:100]}")
        for child in ast.iter_child_nodes(node):
            visit(child, params)

    visit(tree, set())
    return bad


def test_every_audit_action_written_is_a_declared_constant():
    classes, maps = _declared()
    assert {"RegistryAudit", "ReviewAudit", "ImportAudit"} <= set(classes)
    found: dict[str, list[str]] = {}
    writes = 0
    for path in SRC.rglob("*.py"):
        if "migrations" in path.parts:
            continue
        source = path.read_text(encoding="utf-8")
        writes += sum(
            isinstance(n, ast.Call) and _callee(n) in WRITERS - {"AuditEvent"} for n in ast.walk(ast.parse(source))
        )
        if bad := undeclared(source, classes, maps):
            found[str(path.relative_to(SRC))] = bad
    assert writes >= 30  # the scan sees the actions' audit writes
    assert not found, f"audit actions written as strings, not declared constants: {found}"


def test_it_catches_an_action_assembled_from_pieces():
    classes, maps = _declared()
    planted = (
        "def f(actor, form):\n"
        "    record(actor=actor, action=f'review.survey.save_{form}', object_type='x', object_id=1)\n"
        "    _audit(actor, 'round.move', r, r)\n"
        "    record(actor=actor, action=ReviewAudit.ROUND_MOVE, object_type='x', object_id=1)\n"
        "    record(actor=actor, action=ReviewAudit.NO_SUCH_THING, object_type='x', object_id=1)\n"
    )
    assert [line.split(":")[0] for line in undeclared(planted, classes, maps)] == ["2", "3", "5"]


def test_declared_names_are_unique_across_apps_and_fit_the_column():
    classes, _ = _declared()
    values = [m.value for cls in classes.values() for m in cls]
    assert len(values) == len(set(values))
    width = AuditEvent._meta.get_field("action").max_length
    assert all(re.fullmatch(r"[a-z_]+(\.[a-z_]+)+", v) and len(v) <= width for v in values)


def test_it_refuses_to_record_a_name_that_is_not_declared(db):
    with pytest.raises(TypeError, match="not an audit action"):
        record(actor=None, action="household.create", object_type="household", object_id=1)  # type: ignore[arg-type]
    assert not AuditEvent.objects.exists()
