"""On PostgreSQL, index the members' folded names by trigrams, so that the registry search ("contains",
diacritics and case folded: ``LIKE '%nguyen van an%'``) no longer reads every member.

A btree index serves only prefixes; a city registry holds about 14 million members, and each keystroke of
the live search would scan them all. ``pg_trgm`` ships with PostgreSQL and is a trusted extension (PG 13+):
the database owner may create it. Where it cannot be created, the migration warns and goes on without the
index (search stays correct, only slower); docs/deploy.md says how to add it later. SQLite: nothing.
Households are not indexed so: the search box's other tests (code, address) run on the user's households,
which the ward index already narrows, and an OR with the case-folded code could not use such an index.
"""

from __future__ import annotations

import sys
from typing import Any

from django.db import DatabaseError, migrations, transaction

INDEXES = {
    "registry_member_name_trgm": ("registry_member", "name_folded"),
}


def create(apps: Any, schema_editor: Any) -> None:
    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")
        if cursor.fetchone() is None:
            try:
                with transaction.atomic(using=connection.alias):  # a savepoint: a refusal does not end the migration
                    cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
            except DatabaseError as error:
                sys.stderr.write(f"registry 0002: trigram search index not created ({error}); "
                                 "see docs/deploy.md, 'Search indexes'.\n")
                return
    for name, (table, column) in INDEXES.items():
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {table} USING gin ({column} gin_trgm_ops)")


def drop(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("registry", "0001_initial")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
