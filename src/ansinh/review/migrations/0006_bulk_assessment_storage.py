"""Cheaper bulk storage of a round's assessment (issue 5 benchmark):

* a move of many households is one ``RoundEvent`` row listing them (``households``), not one row each;
* no index on ``Assessment.household`` (never read by household alone; households are never deleted);
* the explanation column keeps its name but is written only where it cannot be rebuilt: the model field is
  ``stored_explanation`` and ``Assessment.explanation`` rebuilds the rest (no change in the database);
* no index on ``RoundHousehold.stage`` and, on PostgreSQL, a fill factor of 50 for its table: a bulk move
  (every household of a round to ``assessed``) then updates rows in place on their page ("HOT" updates,
  no new entry in any index), about 3x cheaper than a move that adds an entry to each of four indexes.
  The fill factor applies to pages written from now on.
"""

import importlib
from typing import Any

import django.db.models.deletion
from django.db import migrations, models

FILLFACTOR = 50  # room for one new version of every row of a page: a bulk move updates them all at once


def roundhousehold_fillfactor(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"ALTER TABLE review_roundhousehold SET (fillfactor = {FILLFACTOR})")


def roundhousehold_fillfactor_reset(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE review_roundhousehold RESET (fillfactor)")


# SQLite rebuilds a table to alter a column, which drops its triggers: the lock triggers are created again
# after the changes, and, for a rollback, after the changes are undone (the first operation, run last).
sqlite_triggers_again = importlib.import_module("ansinh.review.migrations.0002_lock_triggers").sqlite_recreate


class Migration(migrations.Migration):

    dependencies = [
        ("registry", "0001_initial"),
        ("review", "0005_fewer_indexes_on_bulk_rows"),
    ]

    operations = [
        migrations.RunPython(migrations.RunPython.noop, sqlite_triggers_again, elidable=False),
        migrations.AddField(
            model_name="roundevent",
            name="households",
            field=models.JSONField(blank=True, default=None, null=True,
                                   help_text="round-household ids moved together by this event"),
        ),
        migrations.AlterField(
            model_name="assessment",
            name="household",
            field=models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.PROTECT,
                                    related_name="+", to="registry.household"),
        ),
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RenameField(model_name="assessment", old_name="explanation", new_name="stored_explanation"),
                migrations.AlterField(
                    model_name="assessment",
                    name="stored_explanation",
                    field=models.TextField(blank=True, db_column="explanation", default="", verbose_name="explanation"),
                ),
            ],
            database_operations=[],
        ),
        migrations.RemoveIndex(model_name="roundhousehold", name="review_roun_round_i_732b1c_idx"),
        migrations.RunPython(roundhousehold_fillfactor, roundhousehold_fillfactor_reset, elidable=False),
        migrations.RunPython(sqlite_triggers_again, migrations.RunPython.noop, elidable=False),
    ]
