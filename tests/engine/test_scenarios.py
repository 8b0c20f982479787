"""Legal scenarios (tests/engine/scenarios/*.yaml) through ``assess``, one test per case and standard."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from ansinh.engine import assess
from ansinh.standards import all_standards
from tests.engine.builders import frames

HERE = Path(__file__).parent / "scenarios"
AGE = re.compile(r"^(?P<y>\d+)y(?:(?P<m>\d+)m)?(?:(?P<sign>[+-])(?P<d>\d+)d)?$")


def born(age: str, on: dt.date) -> dt.date:
    """The birth date of someone ``age`` old on ``on`` ("6y": 6th birthday today; "6y-1d": one day short)."""
    match = AGE.match(str(age))
    if not match:
        raise ValueError(f"bad age {age!r}")
    months = int(match["y"]) * 12 + int(match["m"] or 0)
    year, month = divmod(on.year * 12 + on.month - 1 - months, 12)
    birthday = dt.date(year, month + 1, min(on.day, 28 if month + 1 == 2 else 30 if month + 1 in (4, 6, 9, 11) else 31))
    shift = int(match["d"] or 0) * (1 if match["sign"] == "-" else -1)
    return birthday + dt.timedelta(days=shift)


def load_cases() -> list[Any]:
    cases = []
    for path in sorted(HERE.glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        for case in data["cases"]:
            runs = [{"standard": case["standard"], "date": case["date"]}] if "standard" in case else data["runs"]
            for run in runs:
                if run["standard"] in case.get("skip", []):
                    continue
                cases.append(pytest.param({**case, **run}, id=f"{path.stem}:{run['standard']}:{case['name']}"))
    return cases


CASES = load_cases()


def run(case: dict[str, Any]) -> dict[str, Any]:
    on = case["date"]
    members = []
    for m in case.get("members") or [{}]:
        m = dict(m)
        if "age" in m:
            m["date_of_birth"] = born(m.pop("age"), on)
        members.append(m)
    hh, mm = frames([case.get("household") or {}], members)
    result = assess(hh, mm, case["standard"], on, case.get("overrides"))
    assert result.height == 1
    row: dict[str, Any] = result.row(0, named=True)
    return row


@pytest.mark.parametrize("case", CASES)
def test_it_meets_the_legal_scenario(case: dict[str, Any]) -> None:
    row = run(case)
    for column, expected in case["expected"].items():
        assert column in row, f"{case['standard']} has no result column {column}"
        assert row[column] == expected, f"{column}: expected {expected!r}, got {row[column]!r}"


def test_it_sees_every_indicator_of_every_standard_both_deprived_and_not() -> None:
    seen: set[tuple[str, str, int]] = set()
    for param in CASES:
        case = param.values[0]
        for column, value in case["expected"].items():
            if column.startswith("ind_"):
                seen.add((case["standard"], column, value))
    missing = [
        (s.id, f"ind_{i.name}", v)
        for s in all_standards()
        for i in s.indicators
        for v in (0, 1)
        if (s.id, f"ind_{i.name}", v) not in seen
    ]
    assert not missing


def test_it_computes_boundary_birthdays_from_the_assessment_date() -> None:
    on = dt.date(2025, 6, 30)
    assert born("6y", on) == dt.date(2019, 6, 30)
    assert born("6y-1d", on) == dt.date(2019, 7, 1)
    assert born("61y3m", on) == dt.date(1964, 3, 30)
