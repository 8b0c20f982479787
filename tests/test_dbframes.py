"""Frames in and out of the database (``ansinh.dbframes``): what goes in comes back out with the same values
and types, on SQLite and on PostgreSQL (run the suite with ``DATABASE_URL`` for the latter), whatever the
chunk sizes."""

from __future__ import annotations

import datetime as dt
from typing import Any

import polars as pl
import pytest
from django.db import connection, transaction
from django.utils import timezone

from ansinh import dbframes
from ansinh.audit.models import AuditEvent
from ansinh.registry.models import Household

SCHEMA: dict[str, Any] = {
    "id": pl.Int64,
    "amount": pl.Float64,
    "label": pl.String,
    "flag": pl.Boolean,
    "day": pl.Date,
}


@pytest.fixture
def table(db: Any) -> str:
    """A scratch table of every column type the bulk paths move (dropped with the test's transaction)."""
    with connection.cursor() as cur:
        cur.execute(
            "CREATE TABLE dbframes_scratch (id bigint PRIMARY KEY, amount double precision, label varchar(20), "
            "flag boolean, day date)"
        )
    return "dbframes_scratch"


def _frame(n: int) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "id": range(1, n + 1),
            "amount": [i / 4 for i in range(n)],
            "label": [["", None, "Nguyễn", 'a "quoted", text'][i % 4] for i in range(n)],
            "flag": [[True, False, None][i % 3] for i in range(n)],
            "day": [dt.date(2026, 1, 1) + dt.timedelta(days=i % 400) if i % 5 else None for i in range(n)],
        },
        schema=SCHEMA,
    )


def test_it_reads_back_what_it_inserted_with_nulls_and_empty_texts_apart(table: str) -> None:
    frame = _frame(41)
    assert dbframes.insert_frame(table, frame) == 41
    back = dbframes.read_frame(f"SELECT id, amount, label, flag, day FROM {table} ORDER BY id", [], SCHEMA)  # noqa: S608
    assert back.equals(frame)
    assert back["label"].to_list()[:2] == ["", None]  # an empty text is not a null


def test_it_writes_and_reads_in_chunks_of_any_size(table: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(dbframes, "COPY_ROWS", 7)
    monkeypatch.setattr(dbframes, "BATCH_ROWS", 7)
    frame = _frame(50)
    dbframes.insert_frame(table, frame)
    back = dbframes.read_frame(f"SELECT id, amount, label, flag, day FROM {table} ORDER BY id", [], SCHEMA)  # noqa: S608
    assert back.equals(frame)


def test_it_reads_over_a_list_of_keys_longer_than_one_query_takes(table: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(dbframes, "KEYS_PER_QUERY", 3)
    dbframes.insert_frame(table, _frame(20))
    sql = f"SELECT id, label FROM {table} WHERE id IN (%s)"  # noqa: S608
    back = dbframes.read_frame_in(sql, [2, 3, 5, 7, 11, 13, 17, 99], {"id": pl.Int64, "label": pl.String})
    assert sorted(back["id"].to_list()) == [2, 3, 5, 7, 11, 13, 17]
    assert dbframes.read_frame_in(sql, [], {"id": pl.Int64, "label": pl.String}).height == 0


def test_it_returns_an_empty_typed_frame_for_no_rows(table: str) -> None:
    back = dbframes.read_frame(f"SELECT id, amount, label, flag, day FROM {table}", [], SCHEMA)  # noqa: S608
    assert back.height == 0 and back.schema == pl.Schema(SCHEMA)
    assert dbframes.insert_frame(table, _frame(0)) == 0


def test_it_uses_the_callers_cursor_when_given_one(table: str) -> None:
    with connection.cursor() as cur:
        dbframes.insert_frame(table, _frame(3), cursor=cur)
        cur.execute(f"SELECT count(*) FROM {table}")  # noqa: S608 - the same cursor is still open
        assert cur.fetchone()[0] == 3


@pytest.mark.django_db
def test_a_models_frame_gets_its_defaults_and_empty_texts(ward_a: Any) -> None:
    now = timezone.now()
    rows = pl.DataFrame(
        {
            "id": [1, 2],
            "code": ["H-1", "H-2"],
            "ward": ["26734", "26734"],  # a foreign key by its field name
            "address": ["Số 1", None],  # NOT NULL text: a null becomes ""
            "area_type": ["urban", "rural"],
            "created_at": [now, now],
            "updated_at": [now, now],
        }
    )
    with transaction.atomic():
        assert dbframes.insert_model_frame(Household, rows) == 2
    stored = Household.objects.get(code="H-2")
    assert (stored.address, stored.ward_id, stored.created_at) == ("", "26734", now)
    assert (stored.status, stored.residence_type, stored.wall_durable, stored.version) == (
        "active",
        "permanent",
        True,
        1,
    )


@pytest.mark.django_db
def test_aware_datetimes_are_stored_as_the_instant_they_are() -> None:
    at = dt.datetime(2026, 3, 1, 23, 30, 15, 123456, tzinfo=dt.timezone(dt.timedelta(hours=7)))
    rows = pl.DataFrame(
        {
            "at": [at],
            "actor_name": ["system"],
            "action": ["test.bulk"],
            "object_type": ["x"],
            "object_id": ["1"],
            "changes": ["{}"],
            **{name: [""] for name in ("ward_code", "request_id", "source", "note")},
        },
        schema_overrides={"at": pl.Datetime("us", "Asia/Ho_Chi_Minh")},
    )
    dbframes.insert_model_frame(AuditEvent, rows)
    assert AuditEvent.objects.get(action="test.bulk").at == at


@pytest.mark.django_db
def test_a_querysets_values_are_read_by_position_whatever_django_names_them(make_household: Any, ward_a: Any) -> None:
    from django.db.models import F, OuterRef, Subquery

    from ansinh.registry.models import Member

    household = make_household(ward_a, code="H-9")
    first = Subquery(Member.objects.filter(household=OuterRef("pk")).order_by("pk").values("full_name")[:1])
    rows = (
        Household.objects.filter(pk=household.pk)
        .annotate(first_name=first, ward_code=F("ward_id"))
        .values_list("pk", "code", "first_name", "ward__name")
    )
    schema = {"household_id": pl.Int64, "code": pl.String, "first_name": pl.String, "ward_name": pl.String}
    frame = dbframes.read_values(rows, schema)
    assert frame.to_dicts() == [{"household_id": household.pk, "code": "H-9",
                                 "first_name": household.members.order_by("pk").first().full_name,
                                 "ward_name": ward_a.name}]  # fmt: skip


def test_a_bulk_write_refreshes_the_planners_statistics_of_its_table(
    table: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("planner statistics after a COPY are PostgreSQL's (SQLite's inserts are batched and small)")
    monkeypatch.setattr(dbframes, "ANALYZE_AFTER_ROWS", 100)

    def estimated_rows() -> float:
        with connection.cursor() as cur:
            cur.execute("SELECT reltuples FROM pg_class WHERE relname = %s", [table])
            return float(cur.fetchone()[0])

    dbframes.insert_frame(table, _frame(99))
    assert estimated_rows() < 0  # below the threshold: never analysed (PostgreSQL says -1)
    dbframes.insert_frame(table, _frame(400).with_columns(pl.col("id") + 1000))
    assert estimated_rows() == 499
