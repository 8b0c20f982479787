"""The cases' part of the reports: consenting cases only, counts only, suppressed (with complementary
suppression) on the dashboard and in the XLSX, never a link, shown only to roles with ``case.report``."""

from __future__ import annotations

import io
from typing import Any

import polars as pl
import pytest
from django.urls import reverse
from django.utils import timezone

from ansinh.reports import facts
from ansinh.reports.queries import CasesByWard, run, scope_for

YEAR = timezone.localdate().year


@pytest.fixture
def city(open_case: Any, ward_a: Any, ward_b: Any, settings: Any) -> dict[str, Any]:
    """Six consenting cases and two without reporting consent in ward A; two consenting cases in ward B."""
    settings.CASES_SUPPRESSION_THRESHOLD = 5
    for n in range(6):
        open_case(name=f"Người {n}")
    for n in range(2):
        open_case(name=f"Không đồng ý {n}", consents={"services": True, "referral": True, "reporting": False})
    for n in range(2):
        open_case("worker_b", agency="UB-B", ward=ward_b, name=f"Phường B {n}")
    facts.refresh("cases")
    return {"a": ward_a.code, "b": ward_b.code}


def _analyst(make_user: Any, province: Any) -> Any:
    return make_user("city_analyst", province=province)


def test_facts_count_only_consenting_cases_and_hold_no_ids(city: dict[str, Any]) -> None:
    frame = facts.read(wards=None, sources=["cases"])
    opened = frame.filter(frame["measure"] == "opened")
    by_ward = dict(opened.group_by("ward_code").agg(pl.col("value").sum()).iter_rows())
    assert by_ward == {city["a"]: 6, city["b"]: 2}
    assert "record" not in frame.columns
    from ansinh.reports.models import Fact

    assert {f.name for f in Fact._meta.fields}.isdisjoint({"record", "case", "case_id", "survivor_code", "name"})


def test_opening_and_closing_a_case_queue_the_refresh(open_case: Any, django_capture_on_commit_callbacks: Any) -> None:
    from ansinh.tasks.models import Task

    with django_capture_on_commit_callbacks(execute=True):
        case = open_case()
    task = Task.objects.filter(kind="reports.refresh_facts").latest("pk")
    assert task.args["source"] == "cases" and task.args["wards"] == [case.ward_id]
    assert case.code not in task.args["reason"]


def test_dashboard_suppresses_small_cells_and_their_complement(
    city: dict[str, Any], make_user: Any, province: Any
) -> None:
    user = _analyst(make_user, province)
    scope = scope_for(user)
    assert "cases" in scope.sources
    table = run(CasesByWard(YEAR), facts.read(wards=None, sources=["cases"], monthly=False), scope.names)
    rows = {r[0].text: r for r in table.rows}
    keys = table.keys
    new = keys.index("new")
    ward_a, ward_b = (scope.names[city[k]] for k in "ab")
    # B's 2 new cases are hidden (primary), and A's 6 too (complementary: the total 8 minus 6 would give 2).
    assert rows[ward_b][new].text == "*" and rows[ward_b][new].value is None
    assert rows[ward_a][new].text == "*" and rows[ward_a][new].value is None
    assert table.rows[-1][new].value == 8  # the total of many is shown
    assert all(c.drill is None for r in table.rows for c in r)


def test_xlsx_carries_the_suppression(city: dict[str, Any], make_user: Any, province: Any) -> None:
    import openpyxl

    from ansinh.reports import render

    scope = scope_for(_analyst(make_user, province))
    table = run(CasesByWard(YEAR), facts.read(wards=None, sources=["cases"], monthly=False), scope.names)
    book = openpyxl.load_workbook(io.BytesIO(render.xlsx([table], title="t")))
    values = [c for ws in book.worksheets for row in ws.iter_rows(values_only=True) for c in row]
    assert "*" in values
    assert 2 not in values and 6 not in values  # neither the small cell nor its complement


def test_ward_figures_sum_to_the_city_where_shown(
    city: dict[str, Any], make_user: Any, province: Any, settings: Any
) -> None:
    settings.CASES_SUPPRESSION_THRESHOLD = 2  # nothing hidden: every cell can be compared
    scope = scope_for(_analyst(make_user, province))
    city_table = run(CasesByWard(YEAR), facts.read(wards=None, sources=["cases"], monthly=False), scope.names)
    *ward_rows, total = city_table.rows
    for j, key in enumerate(city_table.keys[1:], start=1):
        assert total[j].value == sum(r[j].value for r in ward_rows), key
    for code in city.values():
        ward = run(CasesByWard(YEAR), facts.read(wards=[code], sources=["cases"], monthly=False),
                   {code: scope.names[code]})  # fmt: skip
        in_city = next(r for r in ward_rows if r[0].text == scope.names[code])
        assert [c.value for c in ward.rows[0][1:]] == [c.value for c in in_city[1:]]
    assert total[city_table.keys.index("opened")].value == 8


def test_no_link_and_no_list_for_cases(city: dict[str, Any], client: Any, make_user: Any, province: Any) -> None:
    user = _analyst(make_user, province)
    client.force_login(user)
    page = client.get(reverse("reports-dashboard"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "m=cases" not in html
    assert 'id="cases-h"' in html and "report-table" in html.split('id="cases-h"')[1]
    assert client.get(reverse("reports-list"), {"m": "cases.opened"}).status_code == 404
    assert client.get(reverse("reports-list"), {"m": "cases.opened", "ward": city["a"]}).status_code == 404
    pivot = client.get(reverse("reports-pivot"), {"measure": "cases.opened", "rows": "ward_code"})
    assert "m=cases" not in pivot.content.decode()


def test_a_role_without_case_report_sees_no_case_figures(
    city: dict[str, Any], client: Any, make_user: Any, ward_a: Any
) -> None:
    chairman = make_user("ward_chairman", wards=[ward_a])
    assert "cases" not in scope_for(chairman).sources
    client.force_login(chairman)
    html = client.get(reverse("reports-dashboard")).content.decode()
    section = html.split('id="cases-h"')[1]
    assert "report-table" not in section.split("</section>")[0]
    assert client.get(reverse("reports-list"), {"m": "cases.opened"}).status_code == 403


def test_the_year_in_reviews_victims_figure_is_suppressed_and_unlinked(
    city: dict[str, Any], make_user: Any, province: Any, client: Any
) -> None:
    from ansinh.reports.queries import YearInReview, run_year_in_review

    scope = scope_for(_analyst(make_user, province))
    for wards, shown in ((None, 8), ([city["b"]], None)):
        frame = facts.read(wards=wards, sources=["cases"])
        table = run_year_in_review(YearInReview(YEAR, ()), frame, scope.names, frozenset({"cases"}))
        victims = next(r for r in table.rows if "one-stop" in r[0].text or "một cửa" in r[0].text)
        assert victims[1].value == shown and victims[1].drill is None
        if shown is None:  # a hidden year hides the change too
            assert victims[1].text == "*" and victims[3].value is None
    client.force_login(_analyst(make_user, province))
    page = client.get(reverse("reports-ward", args=[city["b"]]))
    assert page.status_code == 200 and "m=cases" not in page.content.decode()
    assert client.get(reverse("reports-year"), {"format": "xlsx"}).status_code == 200


def test_the_rebuild_command_rebuilds_the_cases_facts(city: dict[str, Any]) -> None:
    from django.core.management import call_command

    from ansinh.reports.models import FactBatch

    before = set(FactBatch.objects.filter(source="cases", current=True).values_list("pk", flat=True))
    out = io.StringIO()
    call_command("facts", "rebuild", "--source", "cases", stdout=out)
    assert "cases" in out.getvalue()
    after = set(FactBatch.objects.filter(source="cases", current=True).values_list("pk", flat=True))
    assert after and after.isdisjoint(before)
