"""The registry search is served by indexes on PostgreSQL: the members' names by a trigram index (migration
0002), the households' codes and addresses by an index each (0003), so that a search over a whole city reads
no household table from end to end; and a ward officer's search reads the members of the wards' households,
not every member of the city whose name matches."""

from __future__ import annotations

import datetime
import json
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connection

from ansinh.geo.models import Ward
from ansinh.lib.text import fold
from ansinh.registry.models import Household, Member
from ansinh.registry.queries import search_households
from tests.conftest import member_data

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="search indexes are a PostgreSQL feature (SQLite searches by scanning)"
)


def _plan(qs: Any) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # a tiny table would be scanned anyway
        return str(qs.explain())


def _a_city(*wards: Any, households: int = 2000, members: bool = False) -> None:
    """Enough households, and the statistics saying so, for the planner to weigh the ward index against the
    search's indexes as it would over a city (with a handful of rows, reading the wards costs nothing). The
    trigram indexes' pending lists are merged, as autovacuum does: rows that wait there cost every search a
    read of the whole list, which no planner would choose over a ward's few households. The users' wards are
    counted too, so that a ward officer's scope is known to be one ward. ``members``: three
    people in each household, one in two of them a Nguyễn (as two in five are in Vietnam)."""
    created = Household.objects.bulk_create(
        Household(
            code=f"C{n:07d}",
            ward=wards[n % len(wards)],
            address=f"Số {n}, đường Lê Lợi",
            address_folded=fold(f"Số {n}, đường Lê Lợi"),
            area_type="urban",
        )
        for n in range(households)
    )
    if members:
        names = ("Nguyễn Văn Minh", "Trần Thị Lan", "Nguyễn Thị Hoa", "Lê Văn Hùng", "Nguyễn Văn Nam", "Phạm Thị Mai")
        Member.objects.bulk_create(
            Member(
                household=household,
                full_name=names[(3 * n + k) % len(names)],
                name_folded=fold(names[(3 * n + k) % len(names)]),
                sex="F" if k else "M",
                date_of_birth=datetime.date(1980 + k, 1, 1),
                relation="spouse" if k else "head",
            )
            for n, household in enumerate(created)
            for k in range(3)
        )
    with connection.cursor() as cursor:
        for index in ("registry_household_address_trgm", "registry_member_name_joined_trgm"):
            cursor.execute("SELECT gin_clean_pending_list(%s::regclass)", [index])
        cursor.execute("ANALYZE accounts_user_wards, geo_ward, registry_household, registry_member")


def _wards(province: Any, count: int) -> list[Any]:
    return [
        Ward.objects.create(
            code=f"9{n:04d}",
            name=f"Phường {n}",
            name_folded=f"phuong {n}",
            kind="ward",
            province=province,
            area_type="urban",
        )
        for n in range(count)
    ]


def _member_side(qs: Any) -> tuple[list[dict[str, Any]], str]:
    """The nodes of the plan's branch that reads the members (in the union of household ids that ``matching``
    asks for), from PostgreSQL's plan as JSON; and the plan as text, to show when an assertion fails."""
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        plan = json.loads(qs.explain(format="json"))[0]["Plan"]

    def nodes(node: dict[str, Any]) -> Iterator[dict[str, Any]]:
        yield node
        for child in node.get("Plans", []):
            yield from nodes(child)

    text = _plan(qs)
    branches = [
        child
        for node in nodes(plan)
        if node["Node Type"] == "Append"
        for child in node["Plans"]
        if any(n.get("Relation Name") == "registry_member" for n in nodes(child))
    ]
    assert len(branches) == 1, text
    return list(nodes(branches[0])), text


def _nguyens(ward: Any | None = None) -> set[Any]:
    households = Household.objects.filter(members__name_folded__contains="nguyen")
    return set(households.filter(ward=ward) if ward else households)


@pytest.mark.django_db
def test_a_city_wide_name_search_uses_the_members_trigram_index_alone(
    analyst: Any, province: Any, ward_a: Any, ward_b: Any, make_household: Any
) -> None:
    hh = make_household(ward_a, members=[member_data(full_name="Nguyễn Văn An")])
    _a_city(ward_a, ward_b, *_wards(province, 8), members=True)
    qs = search_households(analyst, q="nguyen")
    assert set(qs) == _nguyens() and hh in set(qs)
    side, plan = _member_side(qs)
    assert {n.get("Index Name") for n in side} - {None} == {"registry_member_name_joined_trgm"}, plan
    # Not confined to the scope as well: the outer query applies it, and the city's every household would be
    # read (hashed, or looked up one by one) to confine the members to it.
    assert {n.get("Relation Name") for n in side} - {None} == {"registry_member"}, plan


@pytest.mark.django_db
def test_the_names_index_tells_the_order_of_two_words_apart(
    analyst: Any, province: Any, ward_a: Any, ward_b: Any, make_household: Any
) -> None:
    """Reversed, two common words are in every such name but in the order of none: the index hands over only
    names with the words in that order (here none), where one of each word's trigrams apart handed them all."""
    wanted = make_household(ward_a, members=[member_data(full_name="Lê Thắng Văn")])
    _a_city(ward_a, ward_b, *_wards(province, 8), members=True)
    for _ in range(40):
        make_household(ward_b, members=[member_data(full_name="Nguyễn Văn Thắng")])
    with connection.cursor() as cursor:
        cursor.execute("SELECT gin_clean_pending_list('registry_member_name_joined_trgm'::regclass)")
    qs = search_households(analyst, q="thang van")
    assert list(qs) == [wanted]  # the same answer as the name's own test: the index only narrows
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # a small table: the index is what is under test
        cursor.execute(
            "EXPLAIN (ANALYZE, FORMAT JSON) SELECT id FROM registry_member "
            "WHERE REPLACE(name_folded::text, ' ', '0') LIKE '%thang0van%'"
        )
        plan = cursor.fetchone()[0][0]["Plan"]
    assert plan["Plans"][0]["Index Name"] == "registry_member_name_joined_trgm", plan
    # Handed over: the one name with the words in that order, not the forty with both words the other way.
    assert plan["Actual Rows"] + plan.get("Rows Removed by Index Recheck", 0) == 1, plan


@pytest.mark.django_db
def test_a_ward_officers_name_search_reads_only_the_members_of_the_wards_households(
    officer: Any, province: Any, ward_a: Any, ward_b: Any, make_household: Any
) -> None:
    hh = make_household(ward_a, members=[member_data(full_name="Nguyễn Văn An")])
    make_household(ward_b, members=[member_data(full_name="Nguyễn Văn An")])
    _a_city(ward_a, ward_b, *_wards(province, 8), members=True)
    qs = search_households(officer, q="nguyen")
    assert set(qs) == _nguyens(ward_a) and hh in set(qs)
    side, plan = _member_side(qs)
    # "nguyen" is in every other name of the city: the names' index would hand over all of them before the
    # scope applies. The members are read from the ward's households instead, through the household index.
    assert "registry_member_name_joined_trgm" not in {n.get("Index Name") for n in side}, plan
    reads = [n for n in side if n.get("Relation Name") == "registry_member"]
    assert reads and all(
        n["Node Type"] == "Index Scan" and n["Index Cond"].startswith("(household_id = ") for n in reads
    ), plan


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
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE indexname LIKE %s OR indexname = %s",
            ["registry_%_trgm", "registry_household_code_upper"],
        )
        found = dict(cursor.fetchall())
    assert set(found) == {
        "registry_member_name_joined_trgm",
        "registry_household_address_trgm",
        "registry_household_code_upper",
    }
    # The name written as one word (spaces as "0"), the expression registry.queries.matching asks for.
    assert (
        "ON public.registry_member USING gin (replace((name_folded)::text, ' '::text, '0'::text) gin_trgm_ops)"
        in found["registry_member_name_joined_trgm"]
    )
    assert (
        "ON public.registry_household USING gin (address_folded gin_trgm_ops)"
        in found["registry_household_address_trgm"]
    )
    # The expression Django writes for code__iexact / code__istartswith, with the operator class that serves LIKE.
    assert (
        "ON public.registry_household USING btree (upper((code)::text) text_pattern_ops)"
        in found["registry_household_code_upper"]
    )
