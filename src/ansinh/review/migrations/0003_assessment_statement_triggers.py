"""On PostgreSQL, guard the assessments of approved rounds once per statement (transition tables) instead
of once per row, so bulk stores (COPY of hundreds of thousands of rows) stay fast. Same refusal as 0002;
SQLite keeps its row triggers (it has no statement triggers)."""

from __future__ import annotations

from typing import Any

from django.db import migrations

LOCKED = "review round is approved and locked"
CHECK = (
    "IF EXISTS (SELECT 1 FROM {rows} t JOIN review_round r ON r.id = t.round_id WHERE r.status = 'approved') "
    f"THEN RAISE EXCEPTION '{LOCKED}' USING ERRCODE = 'integrity_constraint_violation'; END IF;"
)
TRIGGERS = {
    "insert": ("REFERENCING NEW TABLE AS new_rows", [CHECK.format(rows="new_rows")]),
    "update": ("REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows",
               [CHECK.format(rows="old_rows"), CHECK.format(rows="new_rows")]),
    "delete": ("REFERENCING OLD TABLE AS old_rows", [CHECK.format(rows="old_rows")]),
}


def create(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP TRIGGER IF EXISTS review_assessment_guard ON review_assessment;")
    for event, (referencing, checks) in TRIGGERS.items():
        fn = f"review_assessment_guard_{event}"
        schema_editor.execute(
            f"CREATE OR REPLACE FUNCTION {fn}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
            f"{' '.join(checks)} RETURN NULL; END $$;"
        )
        schema_editor.execute(
            f"CREATE TRIGGER {fn} AFTER {event.upper()} ON review_assessment {referencing} "
            f"FOR EACH STATEMENT EXECUTE FUNCTION {fn}();"
        )


def drop(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    for event in TRIGGERS:
        fn = f"review_assessment_guard_{event}"
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {fn} ON review_assessment;")
        schema_editor.execute(f"DROP FUNCTION IF EXISTS {fn}();")
    schema_editor.execute(
        "CREATE TRIGGER review_assessment_guard BEFORE INSERT OR UPDATE OR DELETE ON review_assessment "
        "FOR EACH ROW EXECUTE FUNCTION review_assessment_guard();"
    )


class Migration(migrations.Migration):
    dependencies = [("review", "0002_lock_triggers")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
