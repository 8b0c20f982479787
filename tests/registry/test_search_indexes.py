"""The registry search is served by indexes on PostgreSQL: the members' names by a trigram index (migration
0002), the households' codes and addresses by an index each (0003), so that a search over a whole city reads
no household table from end to end."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection

from ansinh.lib.text import fold
from ansinh.registry.models import Household
from ansinh.registry.queries import search_households
from tests.conftest import member_data

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql",
                                reason="search indexes are a PostgreSQL feature (SQLite searches by scanning)")


def _plan(qs: Any) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # a tiny table would be scanned anyway
        return str(qs.explain())


def _a_city(*wards: Any, households: int = 2000) -> None:
    """Enough households, and the statistics saying so, for the planner to weigh the ward index against the
    search's indexes as it would over a city (with a handful of rows, reading the wards costs nothing). The
    trigram indexes' pending lists are merged, as autovacuum does: rows that wait there cost every search a
    read of the whole list, which no planner would choose over a ward's few households."""
    Household.objects.bulk_create(
        Household(code=f"C{n:07d}", ward=wards[n % len(wards)], address=f"Số {n}, đường Lê Lợi",
                  address_folded=fold(f"Số {n}, đường Lê Lợi"), area_type="urban")
        for n in range(households)
    )
    with connection.cursor() as cursor:
        for index in ("registry_household_address_trgm", "registry_member_name_trgm"):
            cursor.execute("SELECT gin_clean_pending_list(%s::regclass)", [index])
        cursor.execute("ANALYZE geo_ward, registry_household, registry_member")


@pytest.mark.django_db
def test_a_name_search_uses_the_members_trigram_index(officer: Any, ward_a: Any, make_household: Any) -> None:
    make_household(ward_a, members=[member_data(full_name="Nguyễn Văn An")])
    qs = search_households(officer, q="van an")
    assert qs.count() == 1
    assert "registry_member_name_trgm" in _plan(qs)


@pytest.mark.django_db
def test_a_city_wide_address_search_uses_the_households_trigram_index(
    analyst: Any, ward_a: Any, ward_b: Any, make_household: Any
) -> None:
    hh = make_household(ward_a, address="12 Hẻm Lý Tự Trọng")
    _a_city(ward_a, ward_b)
    qs = search_households(analyst, q="ly tu trong")
    assert list(qs) == [hh]
    plan = _plan(qs)
    assert "Bitmap Index Scan on registry_household_address_trgm" in plan, plan
    assert "BitmapOr" in plan, plan  # together with the code's index, in one pass over the indexes
    assert "Seq Scan on registry_household" not in plan, plan


@pytest.mark.django_db
def test_a_city_wide_code_prefix_search_uses_the_upper_cased_code_index(
    analyst: Any, ward_a: Any, ward_b: Any, make_household: Any
) -> None:
    hh = make_household(ward_a, code="HCM-ABC-001")
    make_household(ward_b, code="HCM-ABD-002")
    _a_city(ward_a, ward_b)
    qs = search_households(analyst, q="hcm-abc")
    assert list(qs) == [hh]
    plan = _plan(qs)
    assert "Bitmap Index Scan on registry_household_code_upper" in plan, plan
    # The prefix is a range of the index (not the whole index read and filtered); the exact code an equality.
    assert "(upper((code)::text) ~>=~ 'HCM-ABC'::text) AND (upper((code)::text) ~<~ 'HCM-ABD'::text)" in plan, plan
    assert "Index Cond: (upper((code)::text) = 'HCM-ABC'::text)" in plan, plan
    assert "Seq Scan on registry_household" not in plan, plan


@pytest.mark.django_db
def test_the_indexes_are_trigram_indexes_on_the_folded_texts_and_one_on_the_upper_cased_code() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname, indexdef FROM pg_indexes WHERE indexname LIKE %s OR indexname = %s",
                       ["registry_%_trgm", "registry_household_code_upper"])
        found = dict(cursor.fetchall())
    assert set(found) == {"registry_member_name_trgm", "registry_household_address_trgm",
                          "registry_household_code_upper"}
    assert "ON public.registry_member USING gin (name_folded gin_trgm_ops)" in found["registry_member_name_trgm"]
    assert ("ON public.registry_household USING gin (address_folded gin_trgm_ops)"
            in found["registry_household_address_trgm"])
    # The expression Django writes for code__iexact / code__istartswith, with the operator class that serves LIKE.
    assert ("ON public.registry_household USING btree (upper((code)::text) text_pattern_ops)"
            in found["registry_household_code_upper"])
