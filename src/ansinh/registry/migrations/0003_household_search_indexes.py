"""On PostgreSQL, index the households' side of the registry search, so that a search over a whole city (an
analyst sees about 4 million households) no longer reads every household. Migration 0002 indexed only the
members' names, because a ward officer's households are few once the ward index has narrowed them.

- ``registry_household_code_upper``: a btree on ``UPPER(code::text)`` with ``text_pattern_ops``. The search
  matches a code case-insensitively, exactly or as a prefix, which Django writes
  ``UPPER("code"::text) = UPPER('...')`` and ``UPPER("code"::text) LIKE UPPER('...%')``. The expression is
  the one Django generates, so the planner matches it; ``text_pattern_ops`` serves both the equality and the
  prefix (as a range, whatever the database's collation). The unique index on ``code`` cannot: it is
  case-sensitive. Needs no extension.
- ``registry_household_address_trgm``: a trigram GIN index on ``address_folded`` (``gin_trgm_ops``), for the
  diacritics- and case-folded "contains" (``LIKE '%ly tu trong%'``), as 0002 does for names. It needs
  ``pg_trgm``; where the extension is missing and cannot be created, the migration warns and goes on without
  this index (search stays correct, only slower); docs/deploy.md says how to add it later.

With these, ``registry.queries.matching`` (which keeps the member-name test out of the households' OR, where
a sub-select would force a scan) is answered by a BitmapOr of index scans. SQLite: nothing. Reversing drops
the two indexes (not the extension, which 0002 may have created and other databases' objects may use).
"""

from __future__ import annotations

import sys
from typing import Any

from django.db import DatabaseError, migrations, transaction

CODE_INDEXES = {
    "registry_household_code_upper": "CREATE INDEX IF NOT EXISTS registry_household_code_upper "
                                     "ON registry_household (UPPER(code::text) text_pattern_ops)",
}
TRIGRAM_INDEXES = {
    "registry_household_address_trgm": ("registry_household", "address_folded"),
}


def _has_trigrams(schema_editor: Any) -> bool:
    """Whether ``pg_trgm`` is there, creating it if it may (0002 will have, unless it was refused)."""
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")
        if cursor.fetchone() is not None:
            return True
        try:
            with transaction.atomic(using=connection.alias):  # a savepoint: a refusal does not end the migration
                cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        except DatabaseError as error:
            sys.stderr.write(f"registry 0003: trigram address index not created ({error}); "
                             "see docs/deploy.md, 'Search indexes'.\n")
            return False
    return True


def create(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    for sql in CODE_INDEXES.values():
        schema_editor.execute(sql)
    if not _has_trigrams(schema_editor):
        return
    for name, (table, column) in TRIGRAM_INDEXES.items():
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {table} USING gin ({column} gin_trgm_ops)")


def drop(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in [*CODE_INDEXES, *TRIGRAM_INDEXES]:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("registry", "0002_trigram_search")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
