"""Every migration of the project's own apps can be undone and done again: a release can be rolled back.

Runs on the test database itself (a transactional test: the schema is rebuilt before the next test)."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.db import connection
from django.db.migrations.executor import MigrationExecutor


def _ours() -> set[str]:
    return {config.label for config in apps.get_app_configs() if config.name.startswith("ansinh.")}


def _state() -> tuple[set[tuple[str, str]], set[str]]:
    """(our applied migrations, tables of our models present)."""
    ours = _ours()
    executor = MigrationExecutor(connection)
    applied = {key for key in executor.loader.applied_migrations if key[0] in ours}
    present = set(connection.introspection.table_names())
    tables = {
        model._meta.db_table
        for label in ours
        for model in apps.get_app_config(label).get_models()
        if model._meta.managed and not model._meta.proxy
    }
    return applied, tables & present


@pytest.mark.django_db(transaction=True)
def test_every_migration_of_ours_reverses_and_applies_again() -> None:
    ours = _ours()
    executor = MigrationExecutor(connection)
    leaves = [node for node in executor.loader.graph.leaf_nodes() if node[0] in ours]
    with_migrations = {label for label, _name in leaves}
    assert {"registry", "review", "imports", "geo", "audit"} <= with_migrations
    applied_before, tables_before = _state()
    assert applied_before and tables_before

    try:
        executor.migrate([(label, None) for label in with_migrations])  # every app of ours to zero
        applied, tables = _state()
        assert applied == set(), f"still applied after reversing: {sorted(applied)}"
        assert tables == set(), f"tables left after reversing: {sorted(tables)}"
    finally:  # the schema back for the tests that run after this one, whatever happened above
        MigrationExecutor(connection).migrate(leaves)
    applied, tables = _state()
    assert applied == applied_before
    assert tables == tables_before
