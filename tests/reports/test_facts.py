"""The facts: built from the modules' records, ward figures summing to the city's, standards apart, refreshed
by the events that change them, and the list behind every figure counting exactly the figure."""

from __future__ import annotations

import datetime as dt
import io
import random
from typing import Any

import polars as pl
import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from ansinh.dossiers.reports import period_report, satisfaction
from ansinh.reports import facts
from ansinh.reports.errors import StandardsMixed
from ansinh.reports.models import FactBatch
from ansinh.reports.queries import (
    DossiersByWard,
    Pivot,
    PovertyByWard,
    ProgrammeByCategory,
    read_facts,
    run,
    scope_for,
)
from ansinh.review.models import PovertyStatus
from ansinh.tasks.actions import run_pending
from ansinh.tasks.models import Task

pytestmark = pytest.mark.django_db


def test_it_counts_the_official_list_on_the_last_day_of_each_year(city: Any) -> None:
    frame = facts.read(wards=None, sources=["poverty"])
    for year in (2025, 2026):
        on = dt.date(year, 12, 31)
        for std in ("vn_2022", "hcm_2024"):
            expected = PovertyStatus.objects.on(on).filter(standard_id=std, klass="poor").count()
            got = frame.filter(
                (pl.col("measure") == "households") & (pl.col("year") == year) & (pl.col("standard") == std)
                & (pl.col("category") == "poor")
            )["value"].sum()  # fmt: skip
            assert got == expected > 0


def test_it_makes_the_ward_figures_sum_to_the_city(city: Any, make_user: Any) -> None:
    analyst = make_user("city_analyst", province=city[0].province)
    scope = scope_for(analyst)
    frame = read_facts(scope)
    per_ward = pl.concat([read_facts(scope, ward=w.code) for w in city])
    key = ["source", "measure", "year", "month", "standard", "programme", "category"]
    city_sums = frame.group_by(key).agg(pl.col("value").sum()).sort(key)
    ward_sums = per_ward.group_by(key).agg(pl.col("value").sum()).sort(key)
    assert city_sums.equals(ward_sums)
    for table in (
        run(PovertyByWard(2026, "hcm_2024"), frame, scope.names),
        run(DossiersByWard(2026), frame, scope.names),
    ):
        *wards, total = table.rows
        for i, cell in enumerate(total):
            if cell.kind == "count":
                assert cell.value == sum(row[i].value for row in wards), table.keys[i]


def test_it_never_adds_figures_of_two_standards(city: Any) -> None:
    with pytest.raises(StandardsMixed):
        Pivot("poverty.households", ("ward_code",), ("category",))
    with pytest.raises(StandardsMixed):
        Pivot("poverty.households", ("year",), (), (("standard", ("vn_2022", "hcm_2024")),))
    Pivot("poverty.households", ("ward_code",), ("standard",))  # apart: allowed
    Pivot("poverty.households", ("ward_code",), (), (("standard", ("vn_2022",)),))
    frame = facts.read(wards=None, sources=["poverty"])
    assert frame.filter(pl.col("standard") == "").is_empty()
    national = run(PovertyByWard(2026, "vn_2022"), frame, {w.code: w.name for w in city})
    city_std = run(PovertyByWard(2026, "hcm_2024"), frame, {w.code: w.name for w in city})
    assert all(c.drill["standard"] == "vn_2022" for row in national.rows for c in row if c.drill)
    assert all(c.drill["standard"] == "hcm_2024" for row in city_std.rows for c in row if c.drill)


def test_it_counts_dossiers_as_the_period_report_does(city: Any) -> None:
    frame = facts.read(wards=None, sources=["dossier"])
    for year in (2025, 2026):
        total = period_report(dt.date(year, 1, 1), dt.date(year + 1, 1, 1))[-1]
        settled = frame.filter((pl.col("measure") == "settled") & (pl.col("year") == year))
        by = dict(settled.group_by("category").agg(pl.col("value").sum()).iter_rows())
        assert (by.get("early", 0), by.get("on_time", 0), by.get("late", 0)) == (total.early, total.on_time, total.late)
        rated = frame.filter((pl.col("measure") == "rated") & (pl.col("year") == year))
        sat = satisfaction(dt.date(year, 1, 1), dt.date(year + 1, 1, 1))[-1]
        assert rated["value"].sum() == sat.ratings
        assert rated.filter(pl.col("category") == "satisfied")["value"].sum() == sat.satisfied


def _figures(client: Client, url: str) -> list[tuple[str, str]]:
    """(link, figure text) of every linked number on a page."""
    import re

    response = client.get(url)
    assert response.status_code == 200, url
    return re.findall(r'<a href="(/reports/list/\?[^"]+)"[^>]*>([^<]+)</a>', response.content.decode())


def _tile_figures(client: Client, url: str) -> list[tuple[str, str]]:
    """(link, figure text) of the ward map's tiles."""
    import re

    html = client.get(url).content.decode()
    return re.findall(r'<a href="(/reports/list/\?[^"]+)" class="tile-value"[^>]*>([^<]+)</a>', html)


# Every role that may see reports, with the area it is given (a ward's roles: the second ward).
REPORT_ROLES = ["city_analyst", "program_officer", "administrator", "ward_officer", "ward_chairman"]


@pytest.mark.parametrize("role", REPORT_ROLES)
def test_every_number_links_to_a_list_of_that_many_records(city: Any, make_user: Any, role: str) -> None:
    """Random figures of each page — the dashboards (the ward map's tiles each time), the year in review, the
    pivot's cells — open a list whose count is the figure, under the role's own scope."""
    import re

    from ansinh.accounts.permissions import can
    from ansinh.lib.numbers import parse_number

    ward_role = role.startswith("ward_")
    user = make_user(role, wards=[city[1]]) if ward_role else make_user(role, province=city[0].province)
    client = Client()
    client.force_login(user)
    measure = "dossier.settled" if can(user, "dossier", "view") else "payroll.paid"
    pivot = f"?measure={measure}&rows=ward_code&columns=category&f_year=2026"
    pages = [
        reverse("reports-dashboard") + "?year=2026",
        reverse("reports-dashboard") + "?year=2025&standard=vn_2022",
        reverse("reports-ward", args=[city[1].code]) + "?year=2026",
        reverse("reports-year") + "?year=2026",
        reverse("reports-pivot") + pivot,
    ]
    if not can(user, "review", "view"):  # no poverty figures: no standard to choose
        pages[1] = reverse("reports-dashboard") + "?year=2025"
    rng = random.Random(18)
    links: list[tuple[str, str]] = []
    for page in pages:
        found = _figures(client, page)
        links += rng.sample(found, min(6, len(found)))
    pivot_cells = _figures(client, reverse("reports-pivot") + pivot)
    assert pivot_cells, "the pivot's cells are links"
    tiles = _tile_figures(client, pages[0])
    if can(user, "review", "view"):
        assert len(tiles) == (1 if ward_role else len(city)), "one tile per ward of the area"
    links += tiles
    assert len(links) > 15
    wards_seen = set()
    for href, text in links:
        href = href.replace("&amp;", "&")
        response = client.get(href)
        assert response.status_code == 200, href
        body = response.content.decode()
        count = int(re.search(r'data-count="(\d+)"', body).group(1))
        value = int(re.search(r'data-figure="(\d+)"', body).group(1))
        shown = len(re.findall(r"<tr data-row>", body))
        assert shown == min(count, 200), href
        wards_seen |= set(re.findall(r"[?&]ward=(\w+)", href))
        if "%" in text:  # a rate links to its numerator's list
            continue
        figure = parse_number(text.strip())
        assert figure in (count, value), (href, text, count, value)
    if ward_role:  # the ward's own figures only
        assert wards_seen <= {city[1].code}


def test_it_refuses_outside_the_area_and_without_the_permission(city: Any, make_user: Any) -> None:
    officer = make_user("ward_officer", wards=[city[0]])
    client = Client()
    client.force_login(officer)
    assert client.get(reverse("reports-ward", args=[city[0].code])).status_code == 200
    assert client.get(reverse("reports-ward", args=[city[1].code])).status_code == 404
    other = f"{reverse('reports-list')}?m=poverty.households&year=2026&standard=hcm_2024&ward={city[1].code}"
    assert client.get(other).status_code == 404
    assert client.get(f"{reverse('reports-year')}?ward={city[1].code}").status_code == 404
    # a ward officer may not see payroll figures (no payroll.view) nor export: 403 inside the area
    assert client.get(f"{reverse('reports-list')}?m=payroll.amount&year=2026").status_code == 403
    assert client.get(reverse("reports-year") + "?format=xlsx").status_code == 403
    assert client.get(reverse("reports-simulate")).status_code == 403
    worker = make_user("case_worker", wards=[city[0]])
    client.force_login(worker)
    for name in ("reports-dashboard", "reports-year", "reports-pivot", "reports-official"):
        assert client.get(reverse(name)).status_code == 403
    # the officer's dashboard holds only their ward
    frame = read_facts(scope_for(officer))
    assert set(frame["ward_code"].unique()) == {city[0].code}


def test_it_refreshes_the_ward_after_a_decision_in_the_background(
    city: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from ansinh.accounts.models import User
    from tests.reports.conftest import run_round

    admin = User.objects.get(username="city-admin")
    before = FactBatch.objects.get(source="poverty", ward_code=city[2].code, current=True)
    with django_capture_on_commit_callbacks(execute=True):
        run_round(admin, city[2], 2027)
    queued = Task.objects.filter(kind="reports.refresh_facts", status="queued")
    assert queued.count() == 1 and queued.get().args["wards"] == [city[2].code]
    run_pending()
    after = FactBatch.objects.get(source="poverty", ward_code=city[2].code, current=True)
    assert after.version == before.version + 1 and after.built_at > before.built_at
    assert FactBatch.objects.get(pk=before.pk).current is False
    # the other wards' slices did not move
    assert FactBatch.objects.filter(source="poverty", ward_code=city[0].code, current=True).get().version == 1
    frame = facts.read(wards=[city[2].code], sources=["poverty"], years=[2027])
    assert frame.height > 0


def test_the_command_rebuilds_and_reports(city: Any) -> None:
    out = io.StringIO()
    call_command("facts", "rebuild", "--source", "dossier", stdout=out)
    assert "dossier" in out.getvalue()
    assert FactBatch.objects.filter(source="dossier", current=True).count() == len(city)
    assert FactBatch.objects.filter(source="dossier", current=False).count() == len(city)
    out = io.StringIO()
    call_command("facts", "status", stdout=out)
    assert "poverty" in out.getvalue() and "payroll" in out.getvalue()


def test_programme_figures_come_from_frozen_payrolls_only(city: Any) -> None:
    from ansinh.payments.models import PayrollLine

    frame = facts.read(wards=None, sources=["payroll"])
    table = run(ProgrammeByCategory(2026), frame, {})
    total = table.rows[-1]
    paid = PayrollLine.objects.filter(status="paid", payroll__status="frozen")
    assert total[3].value == sum(paid.values_list("amount", flat=True))
    assert total[2].value == paid.values("member_id").distinct().count()


def test_a_frozen_payroll_queues_its_wards_refresh(city: Any, django_capture_on_commit_callbacks: Any) -> None:
    from ansinh.payments.actions import do_compute_payroll, do_create_payroll, do_freeze_payroll

    payroll = do_create_payroll(actor=None, programme="social_assistance", month=dt.date(2026, 7, 1), ward=city[0])
    payroll = do_compute_payroll(actor=None, payroll=payroll)
    with django_capture_on_commit_callbacks(execute=True):
        do_freeze_payroll(actor=None, payroll=payroll)
    queued = Task.objects.get(kind="reports.refresh_facts", status="queued")
    assert queued.args["source"] == "payroll" and queued.args["wards"] == [city[0].code]
    run_pending()
    july = facts.read(wards=[city[0].code], sources=["payroll"], measures=["payroll.amount"])
    assert july.filter(pl.col("month") == 7)["value"].sum() == payroll.total_amount > 0


def test_the_year_rows_are_the_months_added_up_and_go_with_their_batch(city: Any) -> None:
    from ansinh.reports.models import YearFact

    key = ["source", "measure", "ward_code", "year", "standard", "programme", "category"]
    monthly = facts.read(wards=None).group_by(key).agg(pl.col("value").sum()).sort(key)
    yearly = facts.read(wards=None, monthly=False)
    assert yearly.height < facts.read(wards=None).height  # the months are added up
    assert set(yearly["month"].unique()) == {0}
    assert yearly.select(*key, "value").sort(key).equals(monthly)
    # by the current batches' ids (as the dashboards read them): the same rows
    prov = facts.current_provenance(wards=None, sources=["poverty", "payroll", "dossier"])
    by_ids = facts.read(wards=None, monthly=False, batches=prov.batch_ids)
    assert by_ids.sort(key).equals(yearly.sort(key))
    assert facts.years_by_source(prov.batch_ids)["dossier"] == [2026, 2025]
    # a slice rebuilt more than KEEP_VERSIONS times: the old batches' year rows go with them
    for _ in range(facts.KEEP_VERSIONS + 1):
        facts.refresh("dossier", [city[0].code], reason="test")
    kept = set(FactBatch.objects.values_list("pk", flat=True))
    assert set(YearFact.objects.values_list("batch_id", flat=True)) <= kept
    assert FactBatch.objects.filter(source="dossier", ward_code=city[0].code).count() == facts.KEEP_VERSIONS
