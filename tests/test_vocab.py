"""The coded vocabulary: poverty classes are named once, in ``ansinh.vocab``, and read from there."""

from __future__ import annotations

import ast
import doctest
from pathlib import Path

from ansinh import vocab

SRC = Path(__file__).resolve().parent.parent / "src" / "ansinh"


def test_it_passes_the_doctests_of_the_vocabulary() -> None:
    result = doctest.testmod(vocab)
    assert result.attempted and not result.failed


def test_it_names_every_poverty_class_for_documents_and_pages() -> None:
    assert vocab.POVERTY_CLASSES == ("poor", "near_poor", "average_living", "not_poor")
    assert set(vocab.POVERTY_CLASS_HOUSEHOLD) == set(vocab.POVERTY_CLASS) >= set(vocab.LISTED_CLASSES)
    assert vocab.household_class(vocab.NOT_POOR) == "Không thuộc hộ nghèo, hộ cận nghèo"


def _class_literals(path: Path) -> int:
    """String constants equal to a class code, docstrings left aside."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef))
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    return sum(
        1
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and node.value in vocab.POVERTY_CLASS and id(node) not in docstrings
    )


# Strings that spell a class code but mean something else: the Alkire–Foster "poor" variable (poor in the
# multidimensional sense, a ratio's numerator) and the count column of poor households in a report.
OTHER_MEANINGS = {"engine/af.py": 4, "review/queries.py": 4}


def test_no_production_code_spells_a_poverty_class_code_itself() -> None:
    """Class codes are ``vocab.POOR`` … everywhere but in the vocabulary and in migrations (frozen history)."""
    found = {
        str(path.relative_to(SRC)): n
        for path in sorted(SRC.rglob("*.py"))
        if path.name != "vocab.py" and "migrations" not in path.parts and (n := _class_literals(path))
    }
    assert found == OTHER_MEANINGS
