"""``ansinh seed``: a synthetic city written set-based into the registry (SQLite or PostgreSQL)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from io import StringIO
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from django.core.management import CommandError, call_command
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from ansinh import vocab
from ansinh.audit.models import AuditEvent
from ansinh.cli.management.commands.seed import pick_wards, prefetch
from ansinh.dbframes import insert_model_frame
from ansinh.registry import bulk
from ansinh.registry.idnumber import check
from ansinh.registry.models import Household, HouseholdEvent, Member, Membership
from ansinh.synth import generate


@pytest.fixture
def wards(ward_a: Any, ward_b: Any) -> list[Any]:
    return [ward_a, ward_b]


def seed(households: int, **options: Any) -> str:
    out = StringIO()
    call_command("seed", households=households, province="79", stdout=out, **options)
    return out.getvalue()


@pytest.mark.django_db(transaction=True)
def test_it_writes_households_members_memberships_and_events(wards: list[Any]) -> None:
    output = seed(300, seed=7)
    assert "300 households" in output
    assert Household.objects.count() == 300
    members = Member.objects.count()
    assert members >= 300
    assert Membership.objects.count() == members
    assert Membership.objects.filter(end=None).count() == members
    assert set(Membership.objects.values_list("start_reason", flat=True)) <= {"registered", "birth"}
    assert HouseholdEvent.objects.filter(kind="registered").count() == 300
    assert Member.objects.filter(relation="head").values("household").distinct().count() == 300
    assert Member.objects.filter(relation="head").count() == 300
    assert set(Household.objects.values_list("ward_id", flat=True)) == {w.code for w in wards}
    assert Household.objects.filter(ward_id="27553").exclude(area_type="rural").count() == 0


@pytest.mark.django_db(transaction=True)
def test_it_starts_memberships_at_birth_for_children_born_after_registration(wards: list[Any]) -> None:
    seed(300, seed=7)
    births = Membership.objects.filter(start_reason="birth").select_related("member", "household")
    assert births.exists()
    for membership in births[:50]:
        assert membership.start == membership.member.date_of_birth
        event = HouseholdEvent.objects.get(household=membership.household, kind="registered")
        assert membership.start > event.date
    for membership in Membership.objects.filter(start_reason="registered").select_related("member")[:50]:
        assert membership.member.date_of_birth <= membership.start


@pytest.mark.django_db(transaction=True)
def test_it_stores_the_generated_values_unchanged(wards: list[Any]) -> None:
    seed(50, seed=11)
    households, members = generate(50, [("26734", "urban"), ("27553", "rural")], 11)
    stored = Member.objects.order_by("id").values_list(
        "full_name", "name_folded", "id_number", "date_of_birth", "school_level", "nutrition_status", "monthly_income"
    )
    expected = members.select(
        "full_name",
        "name_folded",
        "id_number",
        "date_of_birth",
        pl.col("school_level").fill_null(""),
        pl.col("nutrition_status").fill_null(""),
        "monthly_income",
    ).rows()
    assert list(stored) == expected
    assert list(Household.objects.order_by("id").values_list("code", "address", "floor_area_m2")) == (
        households.select("code", "address", "floor_area_m2").rows()
    )


@pytest.mark.django_db(transaction=True)
def test_it_issues_id_numbers_the_registry_accepts(wards: list[Any]) -> None:
    seed(200, seed=5)
    rows = Member.objects.exclude(id_number=None).values_list("id_number", "sex", "date_of_birth")
    assert rows
    for id_number, sex, dob in rows:
        errors, warnings = check(id_number, sex, dob)
        assert (errors, warnings) == ([], []), id_number


@pytest.mark.django_db(transaction=True)
def test_it_writes_one_audit_event_for_the_whole_seed(wards: list[Any]) -> None:
    seed(120, seed=2)
    events = AuditEvent.objects.filter(action="registry.seed")
    assert events.count() == 1
    assert AuditEvent.objects.count() == 1
    assert events.get().changes["households"] == [0, 120]


@pytest.mark.django_db(transaction=True)
def test_it_runs_the_same_few_queries_whatever_the_size(wards: list[Any], monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("a row-by-row save()")

    for model in (Household, Member, Membership, HouseholdEvent):
        monkeypatch.setattr(model, "save", refuse)
    with CaptureQueriesContext(connection) as small:
        seed(100, seed=1)
    with CaptureQueriesContext(connection) as large:
        seed(1_000, seed=2)
    assert Household.objects.count() == 1_100
    assert len(large.captured_queries) == len(small.captured_queries) < 40


@pytest.mark.django_db(transaction=True)
def test_it_continues_codes_and_id_numbers_when_seeded_twice(wards: list[Any]) -> None:
    seed(200, seed=3)
    seed(200, seed=3)
    assert Household.objects.count() == 400
    assert Household.objects.values("code").distinct().count() == 400
    ids = list(Member.objects.exclude(id_number=None).values_list("id_number", flat=True))
    assert len(ids) == len(set(ids))
    # New rows can still be added the ordinary way: the id sequences moved past the seeded ids.
    Household.objects.create(code="X-1", ward=wards[0], address="Số 1", area_type="urban")


@pytest.mark.django_db(transaction=True)
def test_it_refuses_to_seed_a_province_whose_wards_are_not_loaded() -> None:
    with pytest.raises(CommandError, match="load-units"):
        seed(10, seed=1)
    assert not Household.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_it_writes_parquet_files_of_the_same_population(wards: list[Any], tmp_path: Path) -> None:
    seed(400, seed=9, format="parquet", out=tmp_path)
    households, members = generate(400, [("26734", "urban"), ("27553", "rural")], 9)
    assert pl.read_parquet(tmp_path / "households.parquet").equals(households)
    written = pl.read_parquet(tmp_path / "members.parquet")
    assert written.equals(members)
    assert written["household_id"].is_sorted()
    # Coded columns are stored as the engine's Enums: the engine reads them without looking codes up.
    assert written.schema["employment_status"] == pl.Enum(list(vocab.EMPLOYMENT_STATUS))
    assert pl.read_parquet(tmp_path / "households.parquet").schema["area_type"] == pl.Enum(["urban", "rural"])
    assert written.with_columns(pl.col(pl.Enum).cast(pl.String)).equals(members, null_equal=True)
    assert not Household.objects.exists()


@pytest.mark.django_db
def test_it_writes_parquet_from_the_unit_data_file_when_no_wards_are_loaded(tmp_path: Path) -> None:
    seed(100, seed=9, format="parquet", out=tmp_path, wards=6)
    households = pl.read_parquet(tmp_path / "households.parquet")
    assert households.height == 100
    assert households["ward_code"].n_unique() <= 6
    assert set(households["area_type"]) == {"urban", "rural"}


def test_it_keeps_the_mix_of_urban_wards_and_rural_communes() -> None:
    wards = [(f"{i:05d}", "urban") for i in range(10)] + [(f"{i:05d}", "rural") for i in range(10, 15)]
    picked = pick_wards(wards, 6)
    assert len(picked) == 6
    assert [a for _, a in picked].count("rural") == 2
    assert pick_wards(wards, None) == wards


@pytest.mark.django_db(transaction=True)
def test_it_checks_unique_constraints_again_after_deferring_indexes(wards: list[Any]) -> None:
    now = timezone.now()
    rows = pl.DataFrame(
        {
            "id": [1, 2],
            "code": ["dup", "dup"],
            "ward_id": ["26734", "26734"],
            "address": ["a", "b"],
            "area_type": ["urban", "urban"],
            "created_at": [now, now],
            "updated_at": [now, now],
        }
    )
    with pytest.raises(IntegrityError), transaction.atomic(), bulk.indexes_deferred([Household]):
        insert_model_frame(Household, rows)
    assert not Household.objects.exists()
    with transaction.atomic(), bulk.indexes_deferred([Household]):
        insert_model_frame(Household, rows.with_columns(code=pl.Series(["a", "b"])))
    with pytest.raises(IntegrityError), transaction.atomic():
        Household.objects.create(code="a", ward_id="26734", address="c", area_type="urban", id=3)
    stored = Household.objects.get(code="b")
    assert stored.created_at == now
    assert (stored.status, stored.residence_type, stored.version) == ("active", "permanent", 1)  # model defaults


def test_it_prefetches_in_order_and_hands_over_a_producer_error() -> None:
    assert list(prefetch(iter(range(5)))) == [0, 1, 2, 3, 4]

    def failing() -> Iterator[int]:
        yield 1
        raise ValueError("generator broke")

    with pytest.raises(ValueError, match="generator broke"):
        list(prefetch(failing()))


def test_it_stops_the_producer_when_the_consumer_stops_early() -> None:
    produced: list[int] = []

    def counting() -> Iterator[int]:
        for i in range(1_000):
            produced.append(i)
            yield i

    items = prefetch(counting())
    assert next(items) == 0
    items.close()  # returns once the producer thread has ended
    stopped_at = len(produced)
    assert stopped_at < 10
    time.sleep(0.05)
    assert len(produced) == stopped_at


@pytest.mark.django_db(transaction=True)
def test_it_restores_every_index_and_constraint_after_deferring_them(wards: list[Any]) -> None:
    def snapshot() -> dict[str, Any]:
        with connection.cursor() as cursor:
            return {
                model._meta.db_table: connection.introspection.get_constraints(cursor, model._meta.db_table)
                for model in bulk.POPULATION_MODELS
            }

    before = snapshot()
    seed(10_000, seed=4, wards=2)  # large enough for the deferred-index path
    assert Household.objects.count() == 10_000
    assert snapshot() == before


@pytest.mark.django_db(transaction=True)
def test_it_leaves_the_planner_statistics_of_what_it_wrote(wards: list[Any]) -> None:
    seed(200, seed=3)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT reltuples FROM pg_class WHERE relname = 'registry_member'")
            assert cursor.fetchone()[0] == Member.objects.count()
        else:
            cursor.execute("SELECT stat FROM sqlite_stat1 WHERE tbl = 'registry_member' LIMIT 1")
            assert int(cursor.fetchone()[0].split()[0]) == Member.objects.count()
