"""On PostgreSQL, index the members' folded names by trigrams *across* their words: the name with its spaces
written ``0`` (``REPLACE(name_folded, ' ', '0')``), in place of 0002's index of the name itself.

pg_trgm takes the trigrams of each word apart, so 0002's index could not tell ``quang van`` from ``van quang``:
for a fragment of two common words the index handed over every name holding both words anywhere (at 1,000,000
households, 11,598 names for ``thang van``, which no one bears), and each was read from the table to be refused
(2 s on a loaded machine). Written as one word, the name gives the trigrams across the space too (``g0v``,
``0va``), and the same fragment gets 1,022 candidates. ``registry.queries.matching`` asks for the fragment so
written (``JOIN``) and still tests the name itself, which decides: no folded name holds a digit, and the answer
is the same as before. One index replaces the other (a single word's trigrams are in both). Where ``pg_trgm``
is missing and cannot be created the migration warns and goes on, as 0002 does. SQLite: nothing.
"""

from __future__ import annotations

import sys
from typing import Any

from django.db import DatabaseError, migrations, transaction

OLD = "registry_member_name_trgm"
NEW = "registry_member_name_joined_trgm"
CREATE_NEW = (
    f"CREATE INDEX IF NOT EXISTS {NEW} ON registry_member USING gin ((REPLACE(name_folded::text, ' ', '0')) gin_trgm_ops)"
)
CREATE_OLD = f"CREATE INDEX IF NOT EXISTS {OLD} ON registry_member USING gin (name_folded gin_trgm_ops)"


def _has_trigrams(schema_editor: Any) -> bool:
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")
        if cursor.fetchone() is not None:
            return True
        try:
            with transaction.atomic(using=connection.alias):
                cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        except DatabaseError as error:
            sys.stderr.write(
                f"registry 0008: trigram name index not created ({error}); see docs/deploy.md, 'Search indexes'.\n"
            )
            return False
    return True


def forward(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor != "postgresql" or not _has_trigrams(schema_editor):
        return
    schema_editor.execute(CREATE_NEW)
    schema_editor.execute(f"DROP INDEX IF EXISTS {OLD}")


def backward(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor != "postgresql" or not _has_trigrams(schema_editor):
        return
    schema_editor.execute(CREATE_OLD)
    schema_editor.execute(f"DROP INDEX IF EXISTS {NEW}")


class Migration(migrations.Migration):
    dependencies = [("registry", "0007_sync_indexes")]

    operations = [migrations.RunPython(forward, backward, elidable=False)]
