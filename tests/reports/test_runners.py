"""Each runner's output on the seeded city, pinned by a snapshot (``snapshots/*.json``), and the renderers:
XLSX that opens, a PDF with the embedded font, chart options with no HTML tooltip, the year in review and the
official layouts as downloads, the simulation leaving stored results alone."""

from __future__ import annotations

import io
import json
import os
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from ansinh.reports import facts, render
from ansinh.reports.queries import (
    DominantDeprivations,
    DossiersByWard,
    Pivot,
    PovertyByWard,
    ProgrammeByCategory,
    YearInReview,
    run,
    run_year_in_review,
)

pytestmark = pytest.mark.django_db
SNAPSHOTS = Path(__file__).with_name("snapshots")


def _update(path: Path, got: Any) -> None:
    """``UPDATE_SNAPSHOTS=1 pytest tests/reports`` rewrites the snapshots; the diff is then reviewed."""
    if os.environ.get("UPDATE_SNAPSHOTS"):
        path.write_text(json.dumps(got, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


QUERIES: dict[str, Any] = {
    "poverty_2026_hcm": PovertyByWard(2026, "hcm_2024"),
    "poverty_2025_vn": PovertyByWard(2025, "vn_2022"),
    "deprivations_2026_hcm": DominantDeprivations(2026, "hcm_2024"),
    "programmes_2026": ProgrammeByCategory(2026),
    "dossiers_2026": DossiersByWard(2026),
    "pivot_settled_ward_month": Pivot("dossier.settled", ("ward_code",), ("category",), (("year", ("2026",)),)),
}


@pytest.fixture
def english(settings: Any) -> None:
    from django.utils import translation

    translation.activate("en")


def _names(city: list[Any]) -> dict[str, str]:
    return {w.code: w.name for w in city}


@pytest.mark.parametrize("name", sorted(QUERIES))
def test_the_runner_output_matches_its_snapshot(city: Any, english: None, name: str) -> None:
    frame = facts.read(wards=None)
    table = run(QUERIES[name], frame, _names(city))
    got = {"columns": [str(c) for c in table.columns], "keys": table.keys, "rows": table.snapshot()}
    path = SNAPSHOTS / f"{name}.json"
    _update(path, got)
    expected = json.loads(path.read_text(encoding="utf-8"))
    assert got == expected


def test_the_year_in_review_gives_the_change_from_the_year_before(city: Any, english: None) -> None:
    frame = facts.read(wards=None)
    table = run_year_in_review(
        YearInReview(2026, ("hcm_2024", "vn_2022")), frame, _names(city), frozenset({"poverty", "payroll", "dossier"})
    )
    got = {"columns": [str(c) for c in table.columns], "rows": table.snapshot()}
    _update(SNAPSHOTS / "year_in_review_2026.json", got)
    expected = json.loads((SNAPSHOTS / "year_in_review_2026.json").read_text(encoding="utf-8"))
    assert got == expected
    for row in table.rows:
        now, before, change = row[1], row[2], row[3]
        if now.kind == "count":
            assert change.value == now.value - before.value
    # The cases have landed: a scope without case.report gets no victims figure; one with it, a suppressed,
    # never linked figure (no case in this city: 0, shown).
    assert all("one-stop" not in row[0].text for row in table.rows)
    with_cases = run_year_in_review(
        YearInReview(2026, ("hcm_2024",)), frame, _names(city), frozenset({"poverty", "cases"})
    )
    victims = with_cases.rows[-1]
    assert "one-stop" in victims[0].text and victims[1].value == 0 and victims[1].drill is None


def test_the_renderers_give_a_workbook_a_pdf_and_chart_options(city: Any) -> None:
    frame = facts.read(wards=None)
    table = run(PovertyByWard(2026, "hcm_2024"), frame, _names(city))
    book = load_workbook(io.BytesIO(render.xlsx([table], title="Kiểm tra")))
    values = [c for row in book.active.iter_rows(values_only=True) for c in row if c is not None]
    assert "Kiểm tra" in values and table.rows[-1][2].value in values
    pdf = render.pdf([table], title="Kiểm tra – Phường")
    assert pdf.startswith(b"%PDF") and b"DejaVu" in pdf
    options = render.chart(table, ["poor", "near_poor"])
    assert options["tooltip"]["renderMode"] == "richText"
    assert next(s["data"] for s in options["series"]) == [r[2].value for r in table.rows[:-1]]


def test_the_pages_export_the_year_and_the_official_layouts(city: Any, make_user: Any) -> None:
    analyst = make_user("city_analyst", province=city[0].province)
    client = Client()
    client.force_login(analyst)
    page = client.get(reverse("reports-year") + "?year=2026")
    assert page.status_code == 200 and b"/reports/list/?" in page.content
    pdf = client.get(reverse("reports-year") + "?year=2026&format=pdf")
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    xlsx = client.get(reverse("reports-year") + "?year=2026&format=xlsx")
    load_workbook(io.BytesIO(xlsx.content))
    for name in ("poverty_results", "beneficiaries", "dossier_period"):
        response = client.get(reverse("reports-official-download", args=[name]) + "?year=2026")
        assert response.status_code == 200, name
        book = load_workbook(io.BytesIO(response.content))
        text = " ".join(str(c) for s in book.worksheets for r in s.iter_rows(values_only=True) for c in r if c)
        assert "chưa đối chiếu" in text or "not verified" in text or "(chưa" in text
    pivot = client.get(reverse("reports-pivot") + "?measure=payroll.amount&rows=ward_code&columns=month&format=xlsx")
    assert pivot.status_code == 200
    load_workbook(io.BytesIO(pivot.content))
    mixed = client.get(reverse("reports-pivot") + "?measure=poverty.households&rows=ward_code")
    assert mixed.status_code == 200 and b'role="alert"' in mixed.content
    dashboard = client.get(reverse("reports-dashboard"))
    assert b'data-chart="chart-poverty"' in dashboard.content and b"echarts.common.min.js" in dashboard.content
    assert b"<script>" not in dashboard.content  # no inline script: data blocks only


def test_the_simulation_changes_nothing_stored(city: Any, make_user: Any) -> None:
    from ansinh.review.models import Assessment, PovertyStatus

    analyst = make_user("city_analyst", province=city[0].province)
    client = Client()
    client.force_login(analyst)
    before = (Assessment.objects.count(), PovertyStatus.objects.count())
    response = client.get(
        reverse("reports-simulate"),
        {"standard": "hcm_2024", "line_parameter": "income_line", "line": "60000000", "threshold": "2"},
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert 'data-chart="chart-simulation"' in body and "chart-simulation" in body
    assert (Assessment.objects.count(), PovertyStatus.objects.count()) == before
