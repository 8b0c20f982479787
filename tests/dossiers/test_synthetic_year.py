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
