"""Database guard for approved rounds: whatever path writes (ORM, queryset.update, raw SQL, another
program), the results of an approved round cannot be inserted, changed or deleted, and the official list
(PovertyStatus) only ever gets a closing date. Triggers on PostgreSQL and SQLite."""

from __future__ import annotations

from typing import Any

from django.db import migrations

LOCKED = "review round is approved and locked"

# (table, events, condition on the row) — the condition says when to refuse.
SQLITE = [
    ("review_round_locked_upd", "BEFORE UPDATE ON review_round", "OLD.status = 'approved'"),
    ("review_round_locked_del", "BEFORE DELETE ON review_round", "OLD.status = 'approved'"),
    ("review_assessment_locked_ins", "BEFORE INSERT ON review_assessment",
     "(SELECT status FROM review_round WHERE id = NEW.round_id) = 'approved'"),
    ("review_assessment_locked_upd", "BEFORE UPDATE ON review_assessment",
     "(SELECT status FROM review_round WHERE id = OLD.round_id) = 'approved' "
     "OR (SELECT status FROM review_round WHERE id = NEW.round_id) = 'approved'"),
    ("review_assessment_locked_del", "BEFORE DELETE ON review_assessment",
     "(SELECT status FROM review_round WHERE id = OLD.round_id) = 'approved'"),
    ("review_decision_locked_upd", "BEFORE UPDATE ON review_decision",
     "(SELECT status FROM review_round WHERE id = OLD.round_id) = 'approved'"),
    ("review_decision_locked_del", "BEFORE DELETE ON review_decision",
     "(SELECT status FROM review_round WHERE id = OLD.round_id) = 'approved'"),
    ("review_certificate_locked_ins", "BEFORE INSERT ON review_certificate",
     "(SELECT r.status FROM review_round r JOIN review_decision d ON d.round_id = r.id "
     "WHERE d.id = NEW.decision_id) = 'approved'"),
    ("review_certificate_locked_upd", "BEFORE UPDATE ON review_certificate",
     "(SELECT r.status FROM review_round r JOIN review_decision d ON d.round_id = r.id "
     "WHERE d.id = OLD.decision_id) = 'approved'"),
    ("review_certificate_locked_del", "BEFORE DELETE ON review_certificate",
     "(SELECT r.status FROM review_round r JOIN review_decision d ON d.round_id = r.id "
     "WHERE d.id = OLD.decision_id) = 'approved'"),
    ("review_status_frozen_upd", "BEFORE UPDATE ON review_povertystatus",
     "OLD.valid_to IS NOT NULL OR NEW.class <> OLD.class OR NEW.household_id <> OLD.household_id "
     "OR NEW.standard_id <> OLD.standard_id OR NEW.valid_from <> OLD.valid_from "
     "OR NEW.decision_id <> OLD.decision_id OR NEW.ward_id <> OLD.ward_id"),
    ("review_status_frozen_del", "BEFORE DELETE ON review_povertystatus", "1"),
]


def _sqlite_create() -> list[str]:
    return [
        f"CREATE TRIGGER {name} {event} FOR EACH ROW WHEN {cond} BEGIN SELECT RAISE(ABORT, '{LOCKED}'); END;"
        for name, event, cond in SQLITE
    ]


# PostgreSQL: one function per table; TG_OP says which event fired.
PG_FUNCTIONS = {
    "review_round": f"""
        IF OLD.status = 'approved' THEN RAISE EXCEPTION '{LOCKED}' USING ERRCODE = 'integrity_constraint_violation'; END IF;
        IF TG_OP = 'DELETE' THEN RETURN OLD; END IF; RETURN NEW;""",
    "review_assessment": f"""
        IF TG_OP <> 'INSERT' AND (SELECT status FROM review_round WHERE id = OLD.round_id) = 'approved' THEN
            RAISE EXCEPTION '{LOCKED}' USING ERRCODE = 'integrity_constraint_violation'; END IF;
        IF TG_OP <> 'DELETE' AND (SELECT status FROM review_round WHERE id = NEW.round_id) = 'approved' THEN
            RAISE EXCEPTION '{LOCKED}' USING ERRCODE = 'integrity_constraint_violation'; END IF;
        IF TG_OP = 'DELETE' THEN RETURN OLD; END IF; RETURN NEW;""",
    "review_decision": f"""
        IF (SELECT status FROM review_round WHERE id = OLD.round_id) = 'approved' THEN
            RAISE EXCEPTION '{LOCKED}' USING ERRCODE = 'integrity_constraint_violation'; END IF;
        IF TG_OP = 'DELETE' THEN RETURN OLD; END IF; RETURN NEW;""",
    "review_certificate": f"""
        IF TG_OP <> 'INSERT' AND (SELECT r.status FROM review_round r JOIN review_decision d ON d.round_id = r.id
                                  WHERE d.id = OLD.decision_id) = 'approved' THEN
            RAISE EXCEPTION '{LOCKED}' USING ERRCODE = 'integrity_constraint_violation'; END IF;
        IF TG_OP <> 'DELETE' AND (SELECT r.status FROM review_round r JOIN review_decision d ON d.round_id = r.id
                                  WHERE d.id = NEW.decision_id) = 'approved' THEN
            RAISE EXCEPTION '{LOCKED}' USING ERRCODE = 'integrity_constraint_violation'; END IF;
        IF TG_OP = 'DELETE' THEN RETURN OLD; END IF; RETURN NEW;""",
    "review_povertystatus": f"""
        IF TG_OP = 'DELETE' OR OLD.valid_to IS NOT NULL OR NEW.class <> OLD.class
           OR NEW.household_id <> OLD.household_id OR NEW.standard_id <> OLD.standard_id
           OR NEW.valid_from <> OLD.valid_from OR NEW.decision_id <> OLD.decision_id OR NEW.ward_id <> OLD.ward_id THEN
            RAISE EXCEPTION '{LOCKED}' USING ERRCODE = 'integrity_constraint_violation'; END IF;
        RETURN NEW;""",
}
PG_EVENTS = {
    "review_round": "UPDATE OR DELETE",
    "review_assessment": "INSERT OR UPDATE OR DELETE",
    "review_decision": "UPDATE OR DELETE",
    "review_certificate": "INSERT OR UPDATE OR DELETE",
    "review_povertystatus": "UPDATE OR DELETE",
}


def _pg_create() -> list[str]:
    sql = []
    for table, body in PG_FUNCTIONS.items():
        sql.append(f"CREATE OR REPLACE FUNCTION {table}_guard() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN {body} END $$;")
        sql.append(
            f"CREATE TRIGGER {table}_guard BEFORE {PG_EVENTS[table]} ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION {table}_guard();"
        )
        sql.append(f"CREATE TRIGGER {table}_guard_truncate BEFORE TRUNCATE ON {table} "
                   f"FOR EACH STATEMENT EXECUTE FUNCTION {table}_guard_truncate();")
    return sql


PG_TRUNCATE = f"""CREATE OR REPLACE FUNCTION {{t}}_guard_truncate() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN
    IF EXISTS (SELECT 1 FROM review_round WHERE status = 'approved') THEN
        RAISE EXCEPTION '{LOCKED}' USING ERRCODE = 'integrity_constraint_violation'; END IF;
    RETURN NULL; END $$;"""


def create(apps: Any, schema_editor: Any) -> None:
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        statements = _sqlite_create()
    elif vendor == "postgresql":
        statements = [PG_TRUNCATE.format(t=t) for t in PG_FUNCTIONS] + _pg_create()
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


def sqlite_recreate(apps: Any, schema_editor: Any) -> None:
    """SQLite rebuilds a table to alter a column, which drops its triggers: a later migration that alters a
    locked table runs this after doing so (and, for its rollback, first) to create the lock triggers again."""
    if schema_editor.connection.vendor != "sqlite":
        return
    for name, _event, _cond in SQLITE:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {name};")
    for sql in _sqlite_create():
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("review", "0001_initial")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
