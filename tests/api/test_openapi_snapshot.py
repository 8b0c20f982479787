"""The API's contract as a reviewed file: a change to any endpoint, parameter or schema shows here as a diff.

After a deliberate change: ``ansinh api-schema > tests/api/openapi.json`` and review the diff."""

from __future__ import annotations

from pathlib import Path

from ansinh.cli.management.commands.api_schema import schema_text

SNAPSHOT = Path(__file__).with_name("openapi.json")


def test_the_schema_is_the_reviewed_snapshot() -> None:
    assert schema_text() == SNAPSHOT.read_text(encoding="utf-8"), (
        "The API's schema changed. If intended: ansinh api-schema > tests/api/openapi.json, and review the diff."
    )
