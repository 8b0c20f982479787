"""The registry search by name is served by a trigram index on PostgreSQL (migration 0002)."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection

from ansinh.registry.queries import search_households
from tests.conftest import member_data

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql",
                                reason="trigram indexes are a PostgreSQL feature (SQLite searches by scanning)")


def _plan(qs: Any) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # a tiny table would be scanned anyway
        return str(qs.explain())


@pytest.mark.django_db
def test_a_name_search_uses_the_members_trigram_index(officer: Any, ward_a: Any, make_household: Any) -> None:
    make_household(ward_a, members=[member_data(full_name="Nguyễn Văn An")])
    qs = search_households(officer, q="van an")
    assert qs.count() == 1
    assert "registry_member_name_trgm" in _plan(qs)


@pytest.mark.django_db
def test_the_index_is_a_trigram_index_on_the_folded_name() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname, indexdef FROM pg_indexes WHERE indexname LIKE %s", ["registry_%_trgm"])
        found = dict(cursor.fetchall())
    assert set(found) == {"registry_member_name_trgm"}
    assert "gin (name_folded gin_trgm_ops)" in found["registry_member_name_trgm"]
