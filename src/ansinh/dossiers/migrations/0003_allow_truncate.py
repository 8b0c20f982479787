"""PostgreSQL: TRUNCATE of the events and ratings is no longer refused. Only the table's owner may truncate (an
administrator wiping a test or demo database, Django's flush between transactional tests); the application's
paths are UPDATE and DELETE, which stay refused on both databases (migration 0002)."""

from __future__ import annotations

from typing import Any

from django.db import migrations

TABLES = ("dossiers_dossierevent", "dossiers_rating")


def drop(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor == "postgresql":
        for table in TABLES:
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only_truncate ON {table};")


def create(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor == "postgresql":
        for table in TABLES:
            schema_editor.execute(
                f"CREATE TRIGGER {table}_append_only_truncate BEFORE TRUNCATE ON {table} "
                f"FOR EACH STATEMENT EXECUTE FUNCTION {table}_append_only();"
            )


class Migration(migrations.Migration):
    dependencies = [("dossiers", "0002_append_only_triggers")]

    operations = [migrations.RunPython(drop, create, elidable=False)]
