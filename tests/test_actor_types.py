"""Who acts is typed: every function of an app's actions, tasks or bulk writers that takes an ``actor`` (or a
task's acting ``user``) annotates it as ``Actor`` (``ansinh.accounts.models``), never ``Any``."""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parent.parent / "src" / "ansinh"


def untyped_actors(source: str) -> list[str]:
    bad = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            for arg in [*node.args.posonlyargs, *node.args.args, *node.args.kwonlyargs]:
                if arg.arg == "actor" and (arg.annotation is None or ast.unparse(arg.annotation) != "Actor"):
                    bad.append(f"{node.name}({arg.arg}: {ast.unparse(arg.annotation) if arg.annotation else '?'})")
    return bad


def test_every_actor_is_typed_as_the_user_model():
    found = {}
    seen = 0
    for path in SRC.rglob("*.py"):
        if "migrations" in path.parts:
            continue
        source = path.read_text(encoding="utf-8")
        seen += source.count("actor: Actor")
        if bad := untyped_actors(source):
            found[str(path.relative_to(SRC))] = bad
    assert seen >= 40
    assert not found, found


def test_it_catches_an_actor_typed_any():
    assert untyped_actors("def do_x(*, actor: Any, y: int) -> None: ...\ndef ok(*, actor: Actor): ...") == [
        "do_x(actor: Any)"
    ]
