"""A synthetic year built to the department's 2023 figures: the report shows 98.0% early or on time."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

from ansinh.dossiers.reports import period_report
from ansinh.dossiers.synth import build_year


def test_the_2023_year_reports_98_0_percent(ward_a: Any, ward_b: Any) -> None:
    build_year([ward_a.code, ward_b.code])
    *wards, city = period_report(dt.date(2023, 1, 1), dt.date(2024, 1, 1))
    assert city.received == 33_104 and city.processed == 33_104
    assert city.early + city.on_time == 32_454
    assert f"{city.on_time_rate:.1%}" == "98.0%"
    assert all(w.identity_holds for w in wards) and len(wards) == 2
    quarters = [dt.date(2023, m, 1) for m in (1, 4, 7, 10)] + [dt.date(2024, 1, 1)]
    carried = 0
    for start, end in itertools.pairwise(quarters):
        q = period_report(start, end)[-1]
        assert q.identity_holds and q.carried_over == carried
        carried = q.open


def test_the_synthetic_ratings_and_feedback_give_the_reviews_figures(ward_a: Any, ward_b: Any) -> None:
    from ansinh.dossiers.feedback import feedback_report
    from ansinh.dossiers.models import Rating
    from ansinh.dossiers.reports import satisfaction
    from ansinh.dossiers.synth import build_feedback, build_ratings

    build_year([ward_a.code, ward_b.code], total=3_000, early_or_on_time=2_941, returned=True)
    rated = build_ratings(2023, share=1.0)
    year = satisfaction(dt.date(2023, 1, 1), dt.date(2024, 2, 1))[-1]
    assert rated == Rating.objects.count() == year.ratings == 3_000
    assert f"{year.rate:.2%}" == "99.67%"  # 10 dissatisfied of 3,000 (the review: 99.66 %)
    build_feedback([ward_a.code, ward_b.code], year=2023)
    pakn = feedback_report(dt.date(2023, 1, 1), dt.date(2024, 1, 1))[-1]
    assert (pakn.received, pakn.handled, pakn.handled_on_time, pakn.redirected) == (129, 129, 129, 6)
