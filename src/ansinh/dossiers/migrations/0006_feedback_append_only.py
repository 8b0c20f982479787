"""Database guard for the PAKN steps: like the dossiers' events (migrations 0002, 0003), a feedback's events are
never updated nor deleted, whatever path writes; TRUNCATE stays the owner's (a test or demo wipe)."""

from __future__ import annotations

from typing import Any

from django.db import migrations

REFUSED = "feedback events are append-only"
TABLE = "dossiers_feedbackevent"


def create(apps: Any, schema_editor: Any) -> None:
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        for op in ("UPDATE", "DELETE"):
            schema_editor.execute(
                f"CREATE TRIGGER {TABLE}_no_{op.lower()} BEFORE {op} ON {TABLE} FOR EACH ROW "
                f"BEGIN SELECT RAISE(ABORT, '{REFUSED}'); END;"
            )
    elif vendor == "postgresql":
        schema_editor.execute(
            f"CREATE OR REPLACE FUNCTION {TABLE}_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
            f"RAISE EXCEPTION '{REFUSED}' USING ERRCODE = 'integrity_constraint_violation'; END $$;"
        )
        schema_editor.execute(
            f"CREATE TRIGGER {TABLE}_append_only BEFORE UPDATE OR DELETE ON {TABLE} "
            f"FOR EACH ROW EXECUTE FUNCTION {TABLE}_append_only();"
        )


def drop(apps: Any, schema_editor: Any) -> None:
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        for op in ("update", "delete"):
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {TABLE}_no_{op};")
    elif vendor == "postgresql":
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {TABLE}_append_only ON {TABLE};")
        schema_editor.execute(f"DROP FUNCTION IF EXISTS {TABLE}_append_only();")


class Migration(migrations.Migration):
    dependencies = [("dossiers", "0005_feedback")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
