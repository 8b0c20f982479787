"""The list behind a figure at city scale: a source reads only the units a list asks for (its measure, its
years, its standard and class) and they are exactly the units of the full build that match; the dossiers' units
from their summary are those derived from their events; the list is paged and its count is every record's."""

from __future__ import annotations

import itertools
import re
from typing import Any

import polars as pl
import pytest
from django.test import Client
from django.urls import reverse

from ansinh.dbframes import read_frame
from ansinh.reports import drill
from ansinh.reports.sources import DIMENSIONS, UNIT_SCHEMA, Ask, empty_units, load

pytestmark = pytest.mark.django_db

KEY = [*UNIT_SCHEMA]


def _sorted(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.select([pl.col(k).cast(v) for k, v in UNIT_SCHEMA.items()]).sort(KEY)


def _filtered(full: pl.DataFrame, ask: Ask) -> pl.DataFrame:
    frame = full.filter(pl.col("measure") == ask.measure)
    for dim, values in ask.filters.items():
        frame = frame.filter(pl.col(dim).cast(pl.String).is_in(list(values)))
    return frame


def _asks(full: pl.DataFrame) -> list[Ask]:
    """Every measure with every year of the build (and one year before and after it, and a year that is not
    one), each with and without its standard, with one of its categories, its programmes (and a month); and
    the years at once."""
    asks = []
    years = sorted(full["year"].unique().to_list())
    for measure in full["measure"].unique().sort().to_list():
        of = full.filter(pl.col("measure") == measure)
        standards = sorted(s for s in of["standard"].unique().to_list() if s)
        categories = sorted(c for c in of["category"].unique().to_list() if c)
        programmes = sorted(p for p in of["programme"].unique().to_list() if p)
        asks.append(Ask(measure, {"year": tuple(str(y) for y in years)}))
        for year in [years[0] - 1, *years, years[-1] + 1]:
            asks.append(Ask(measure, {"year": (str(year),)}))
            for std, cat in itertools.product(standards or [None], categories[:2] or [None]):
                filters = {"year": (str(year),)}
                if std:
                    filters["standard"] = (std,)
                if cat:
                    filters["category"] = (cat,)
                asks.append(Ask(measure, filters))
            for programme in programmes[:2]:
                asks.append(Ask(measure, {"year": (str(year),), "programme": (programme,)}))
                asks.append(Ask(measure, {"year": (str(year),), "programme": (programme, "none"), "month": ("7",)}))
        asks.append(Ask(measure, {"year": ("twenty",)}))
        asks.append(Ask(measure, {}))
    return asks


@pytest.mark.parametrize("source_name", ["poverty", "dossier", "payroll"])
def test_a_list_reads_exactly_the_units_of_the_full_build_it_asks_for(city: Any, source_name: str) -> None:
    source = load()[source_name]
    assert source.select is not None
    for wards in (None, [w.code for w in city], [city[1].code], [city[0].code, city[2].code]):
        full = source.units(wards)
        assert full.height > 0
        asks = _asks(full)
        assert len(asks) > 20
        seen = 0
        for ask in asks:
            expected = _sorted(_filtered(full, ask))
            got = _sorted(source.asked_units(wards, ask))
            assert got.equals(expected), (wards, ask)
            seen += expected.height
        assert seen > 0


def test_the_dossier_units_from_the_summary_are_those_derived_from_the_events(city: Any) -> None:
    """The units the dossier source reads from ``DossierSummary`` equal those of the events themselves (the
    derivation the source used before the summary: the accepted event, the end, the last appointment set
    before the end)."""
    from ansinh.reports import sources

    epochs = ", ".join(
        f"{sources._epoch(c)} AS {n}"
        for c, n in (("acc.at", "accepted"), ("fin.at", "ended"), ("due.appointment", "due"))
    )
    sql = (
        "SELECT d.id AS dossier, d.ward_id AS ward_code, d.channel, " + epochs + " "  # noqa: S608
        "FROM dossiers_dossier d "
        "JOIN dossiers_dossierevent acc ON acc.dossier_id = d.id AND acc.kind = 'accepted' "
        "LEFT JOIN dossiers_dossierevent fin ON fin.dossier_id = d.id AND fin.kind IN ('decided', 'withdrawn') "
        "LEFT JOIN dossiers_dossierevent due ON due.dossier_id = d.id AND due.seq = ("
        "  SELECT MAX(e.seq) FROM dossiers_dossierevent e WHERE e.dossier_id = d.id "
        "  AND e.appointment IS NOT NULL AND (fin.at IS NULL OR e.at <= fin.at))"
    )
    from_events = read_frame(sql, [], sources.DOSSIER_SCHEMA).sort("dossier")
    from_summary = read_frame(sources._dossier_sql().replace("{where}", ""), [], sources.DOSSIER_SCHEMA)
    assert from_events.height > 100 and from_events["ended"].null_count() < from_events.height
    assert from_summary.sort("dossier").equals(from_events)


def test_a_dossier_given_an_appointment_after_its_end_is_judged_by_the_one_in_force_at_the_end(city: Any) -> None:
    """The summary's appointment is the last one set; a dossier given one after its end (no action gives one
    today: an apology's new date does not move it) is judged by the one set before its end, read from its events."""
    import datetime as dt

    from ansinh.dossiers import summary
    from ansinh.dossiers.models import DossierEvent, DossierSummary
    from ansinh.reports import sources

    ended = DossierSummary.objects.filter(ended_at__isnull=False, due__isnull=False).order_by("pk").first()
    assert ended is not None
    before = sources.dossier_units(None).filter(pl.col("record") == ended.pk)
    last = DossierEvent.objects.filter(dossier_id=ended.pk).order_by("-seq").first()
    assert last is not None
    DossierEvent.objects.create(
        dossier_id=ended.pk, seq=last.seq + 1, kind="handed_off", status=last.status,
        at=ended.ended_at + dt.timedelta(days=1), appointment=ended.ended_at + dt.timedelta(days=90),
    )  # fmt: skip
    summary.refresh([ended.pk])
    ended.refresh_from_db()
    assert ended.due_set_at > ended.ended_at  # the summary's appointment moved
    after = sources.dossier_units(None).filter(pl.col("record") == ended.pk)
    assert _sorted(after).equals(_sorted(before))


def test_the_list_is_paged_and_every_record_is_on_one_page(city: Any, make_user: Any, monkeypatch: Any) -> None:
    """The count is every record's; each page shows ``PAGE`` of them, in the order of their numbers, and the
    pages together are the list."""
    monkeypatch.setattr(drill, "PAGE", 5)
    analyst = make_user("city_analyst", province=city[0].province)
    client = Client()
    client.force_login(analyst)
    url = reverse("reports-list") + "?m=poverty.households&year=2026&standard=hcm_2024&category=poor"
    first = client.get(url).content.decode()
    count = int(re.search(r'data-count="(\d+)"', first).group(1))  # type: ignore[union-attr]
    assert count > 2 * 5
    pages = -(-count // 5)
    codes: list[str] = []
    for number in range(1, pages + 2):
        body = client.get(f"{url}&page={number}").content.decode()
        assert int(re.search(r'data-count="(\d+)"', body).group(1)) == count  # type: ignore[union-attr]
        rows = re.findall(r"<tr data-row><td>(?:<a [^>]*>)?([^<]+)<", body)
        if number <= pages:
            assert len(rows) == (5 if number < pages else count - 5 * (pages - 1)), number
            assert ('rel="next"' in body) == (number < pages)
            codes += rows
        else:  # past the last page: the last page again
            assert rows == codes[-len(rows) :]
    assert len(codes) == len(set(codes)) == count
    from ansinh.registry.models import Household

    units = drill.units(drill.parse({"m": "poverty.households", "year": "2026", "standard": "hcm_2024",
                                     "category": "poor"}, drill_scope(analyst)), drill_scope(analyst))  # fmt: skip
    expected = set(Household.objects.filter(pk__in=units["record"].to_list()).values_list("code", flat=True))
    assert set(codes) == expected


def drill_scope(user: Any) -> Any:
    from ansinh.reports.queries import scope_for

    return scope_for(user)


def test_an_ask_of_no_valid_year_reads_nothing(city: Any) -> None:
    for name in ("poverty", "dossier", "payroll"):
        source = load()[name]
        got = source.asked_units(None, Ask(next(iter(source.measures)), {"year": ("x",)}))
        assert got.is_empty() and got.columns == empty_units().columns
    assert set(DIMENSIONS) <= set(UNIT_SCHEMA)
