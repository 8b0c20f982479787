"""The Decision 766 indicators from the same events as the period report, formulas shown; satisfaction per unit
and quarter reproducible from the raw ratings; the report opens on a period with data."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.test import Client

from ansinh.dossiers import actions as a
from ansinh.dossiers import indicators
from ansinh.dossiers.models import Rating
from ansinh.dossiers.reports import period_report, satisfaction

from .conftest import at


def settle(
    officer: Any, receive: Any, when: dt.datetime, decided: dt.datetime, level: int | None = None, **kw: Any
) -> Any:
    dossier = receive(when, **kw)
    a.do_decide_dossier(actor=officer, dossier=dossier, result="x", at=decided)
    a.do_return_dossier(actor=officer, dossier=dossier, at=decided) if decided.date() <= dt.date(2026, 3, 13) else None
    if level is not None:
        a.do_rate_dossier(dossier=dossier, secret=dossier.secret, level=level, at=decided + dt.timedelta(hours=1))
    return dossier


def test_the_indicators_follow_the_period_report(officer: Any, receive: Any, ward_a: Any) -> None:
    settle(officer, receive, at(2026, 3, 6, 9), at(2026, 3, 10, 9), level=5, channel="online")
    settle(officer, receive, at(2026, 3, 6, 9), at(2026, 3, 12, 9), level=2)
    settle(officer, receive, at(2026, 3, 6, 9), at(2026, 3, 20, 9))  # late
    start, end = dt.date(2026, 3, 1), dt.date(2026, 4, 1)
    items, by_unit = indicators.scores(start, end)
    city = {s.indicator.code: s for s in by_unit[""]}
    report = period_report(start, end)[-1]
    assert (city["progress"].numerator, city["progress"].denominator) == (
        report.early + report.on_time,
        report.processed,
    )
    assert city["progress"].points == round(2 / 3 * 20, 2)
    assert (city["online"].numerator, city["online"].denominator) == (1, 3)
    assert (city["satisfaction"].numerator, city["satisfaction"].denominator) == (1, 2)
    assert city["transparency"].points is None  # no feedback answered: no score, neither 0 nor full
    assert "«trước hạn» + «đúng hạn»" in next(i for i in items if i.code == "progress").formula
    assert set(by_unit) == {ward_a.code, ""}


def test_satisfaction_per_unit_and_quarter_is_the_raw_ratings(officer: Any, receive: Any, ward_a: Any) -> None:
    settle(officer, receive, at(2026, 3, 6, 9), at(2026, 3, 10, 9), level=5)
    settle(officer, receive, at(2026, 3, 6, 9), at(2026, 3, 11, 9), level=4)
    settle(officer, receive, at(2026, 3, 6, 9), at(2026, 3, 12, 9), level=3)
    q1 = satisfaction(dt.date(2026, 1, 1), dt.date(2026, 4, 1))
    raw = list(Rating.objects.filter(dossier__ward=ward_a).values_list("level", flat=True))
    assert q1[0].ratings == len(raw) == 3 and q1[0].satisfied == sum(1 for v in raw if v >= 4) == 2
    assert satisfaction(dt.date(2026, 4, 1), dt.date(2026, 7, 1))[-1].ratings == 0


def test_the_pages_open_on_a_period_with_data_and_are_scoped(
    officer: Any, receive: Any, make_user: Any, ward_a: Any, ward_b: Any
) -> None:
    settle(officer, receive, at(2025, 3, 6, 9), at(2025, 3, 10, 9), level=5)
    client = Client()
    client.force_login(officer)
    report = client.get("/dossiers/report/").content.decode()
    assert "Báo cáo kỳ 2025" in report or ">2025<" in report or " 2025</h1>" in report
    assert 'id="feedback-report"' in report and 'id="satisfaction"' in report
    page = client.get("/dossiers/indicators/").content.decode()
    assert " 2025</h1>" in page and "«trước hạn» + «đúng hạn»" in page and ward_a.code in page
    quarter = client.get("/dossiers/indicators/?period=2025-Q1").content.decode()
    assert "2025-Q1" in quarter
    other = Client()
    other.force_login(make_user("ward_officer", wards=[ward_b]))
    assert ward_a.code not in other.get("/dossiers/indicators/?period=2025").content.decode()
    worker = Client()
    worker.force_login(make_user("case_worker", wards=[ward_a]))
    assert worker.get("/dossiers/indicators/").status_code == 403
    assert worker.get("/dossiers/report/").status_code == 403


def test_digitisation_counts_the_dossiers_accepted_with_a_file(
    officer: Any, receive: Any, settings: Any, tmp_path: Any
) -> None:
    from ansinh.dossiers.attachments import check

    settings.DOSSIER_FILES_DIR = tmp_path / "files"
    pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    receive(at(2026, 3, 6, 9), channel="online", uploads=[check("request", "don.pdf", pdf)])
    receive(at(2026, 3, 6, 10), channel="online")
    receive(at(2026, 2, 6, 10), channel="online", uploads=[check("request", "don.pdf", pdf)])  # February
    city = {s.indicator.code: s for s in indicators.scores(dt.date(2026, 3, 1), dt.date(2026, 4, 1))[1][""]}
    assert (city["digitisation"].numerator, city["digitisation"].denominator) == (1, 2)
