"""Database guard for frozen payrolls: whatever path writes (ORM, queryset.update, raw SQL, another program),
the lines of a payroll from frozen on cannot be inserted, changed or deleted, and its totals, hashes,
programme, month and ward cannot change. Its status may still move (approve, export …): the lifecycle is the
actions' business; only a rejection (in approval → draft) opens it again. Triggers on PostgreSQL and SQLite,
shaped like review's 0002 for approved rounds."""

from __future__ import annotations

from typing import Any

from django.db import migrations

FROZEN = "payroll is frozen"
LOCKED = "('frozen', 'in_approval', 'approved', 'exported', 'reconciling', 'reconciled', 'closed')"
PAYROLL_CHANGED = (
    "NEW.total_amount <> OLD.total_amount OR NEW.line_count <> OLD.line_count OR NEW.paid_count <> OLD.paid_count "
    "OR NEW.inputs_hash <> OLD.inputs_hash OR NEW.rules_version <> OLD.rules_version "
    "OR NEW.programme <> OLD.programme OR NEW.month <> OLD.month OR NEW.ward_id <> OLD.ward_id "
    "OR (NEW.status IN ('draft', 'computed') AND OLD.status <> 'in_approval')"
)
LINE_PAYROLL = "(SELECT status FROM payments_payroll WHERE id = {row}.payroll_id)"

SQLITE = [
    ("payments_payroll_frozen_upd", "BEFORE UPDATE ON payments_payroll", f"OLD.status IN {LOCKED} AND ({PAYROLL_CHANGED})"),
    ("payments_payroll_frozen_del", "BEFORE DELETE ON payments_payroll", f"OLD.status IN {LOCKED}"),
    ("payments_line_frozen_ins", "BEFORE INSERT ON payments_payrollline", f"{LINE_PAYROLL.format(row='NEW')} IN {LOCKED}"),
    ("payments_line_frozen_upd", "BEFORE UPDATE ON payments_payrollline",
     f"{LINE_PAYROLL.format(row='OLD')} IN {LOCKED} OR {LINE_PAYROLL.format(row='NEW')} IN {LOCKED}"),
    ("payments_line_frozen_del", "BEFORE DELETE ON payments_payrollline", f"{LINE_PAYROLL.format(row='OLD')} IN {LOCKED}"),
]

RAISE = f"RAISE EXCEPTION '{FROZEN}' USING ERRCODE = 'integrity_constraint_violation';"
PG_FUNCTIONS = {
    "payments_payroll": f"""
        IF OLD.status IN {LOCKED} AND (TG_OP = 'DELETE' OR {PAYROLL_CHANGED}) THEN {RAISE} END IF;
        IF TG_OP = 'DELETE' THEN RETURN OLD; END IF; RETURN NEW;""",
    "payments_payrollline": f"""
        IF TG_OP <> 'INSERT' AND {LINE_PAYROLL.format(row='OLD')} IN {LOCKED} THEN {RAISE} END IF;
        IF TG_OP <> 'DELETE' AND {LINE_PAYROLL.format(row='NEW')} IN {LOCKED} THEN {RAISE} END IF;
        IF TG_OP = 'DELETE' THEN RETURN OLD; END IF; RETURN NEW;""",
}
PG_EVENTS = {"payments_payroll": "UPDATE OR DELETE", "payments_payrollline": "INSERT OR UPDATE OR DELETE"}
PG_TRUNCATE = f"""CREATE OR REPLACE FUNCTION {{t}}_guard_truncate() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN
    IF EXISTS (SELECT 1 FROM payments_payroll WHERE status IN {LOCKED}) THEN {RAISE} END IF;
    RETURN NULL; END $$;"""


def create(apps: Any, schema_editor: Any) -> None:
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        statements = [
            f"CREATE TRIGGER {name} {event} FOR EACH ROW WHEN {cond} BEGIN SELECT RAISE(ABORT, '{FROZEN}'); END;"
            for name, event, cond in SQLITE
        ]
    elif vendor == "postgresql":
        statements = []
        for table, body in PG_FUNCTIONS.items():
            statements += [
                PG_TRUNCATE.format(t=table),
                f"CREATE OR REPLACE FUNCTION {table}_guard() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN {body} END $$;",
                f"CREATE TRIGGER {table}_guard BEFORE {PG_EVENTS[table]} ON {table} "
                f"FOR EACH ROW EXECUTE FUNCTION {table}_guard();",
                f"CREATE TRIGGER {table}_guard_truncate BEFORE TRUNCATE ON {table} "
                f"FOR EACH STATEMENT EXECUTE FUNCTION {table}_guard_truncate();",
            ]
    else:  # pragma: no cover - only the two supported databases
        return
    for sql in statements:
        schema_editor.execute(sql)


def drop(apps: Any, schema_editor: Any) -> None:
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        for name, _event, _cond in SQLITE:
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {name};")
    elif vendor == "postgresql":
        for table in PG_FUNCTIONS:
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_guard ON {table};")
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_guard_truncate ON {table};")
            schema_editor.execute(f"DROP FUNCTION IF EXISTS {table}_guard();")
            schema_editor.execute(f"DROP FUNCTION IF EXISTS {table}_guard_truncate();")


class Migration(migrations.Migration):
    dependencies = [("payments", "0001_initial")]
    operations = [migrations.RunPython(create, drop)]
