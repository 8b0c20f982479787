"""Small synthetic household/member frames for engine tests: defaults describe a household that lacks
nothing and earns well; each test overrides only what it is about."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

import polars as pl

from ansinh.engine.frames import DTYPES, HOUSEHOLD_COLUMNS, MEMBER_COLUMNS

HOUSEHOLD: dict[str, Any] = {
    "household_id": 1,
    "code": "HH-1",
    "ward_code": "26734",
    "area_type": "urban",
    "floor_area_m2": 60.0,
    "wall_durable": True,
    "frame_durable": True,
    "roof_durable": True,
    "water_source": "piped",
    "toilet_type": "septic",
    "uses_telecom": True,
    "uses_internet": True,
    "has_tv": True,
    "has_radio": False,
    "has_computer": False,
    "has_internet_phone": True,
    "has_basic_phone": False,
    "uses_digital_services": True,
    "waste_handling": "collected",
    "other_income_monthly": 0,
}

MEMBER: dict[str, Any] = {
    "member_id": 1,
    "household_id": 1,
    "full_name": "Nguyễn Văn An",
    "sex": "M",
    "date_of_birth": dt.date(1985, 6, 15),
    "relation": "head",
    "ethnicity": "kinh",
    "disability_level": "none",
    "unable_to_work": False,
    "has_health_insurance": True,
    "schooling_status": "not_attending",
    "school_level": None,
    "education_level": "upper_secondary",
    "employment_status": "employed",
    "has_labour_contract": True,
    "has_social_insurance": True,
    "receives_pension": False,
    "monthly_income": 10_000_000,
    "nutrition_status": None,
}


def frames(
    households: Iterable[Mapping[str, Any]], members: Iterable[Mapping[str, Any]]
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Frames of the contract's exact types; member ids are numbered when not given."""
    hh_rows = [{**HOUSEHOLD, "code": f"HH-{h.get('household_id', 1)}", **h} for h in households]
    mm_rows = [{**MEMBER, "member_id": i + 1, **m} for i, m in enumerate(members)]
    hh = pl.DataFrame(hh_rows, schema={k: DTYPES[c.kind] for k, c in HOUSEHOLD_COLUMNS.items()})
    mm = pl.DataFrame(mm_rows, schema={k: DTYPES[c.kind] for k, c in MEMBER_COLUMNS.items()})
    return hh, mm


def one(household: Mapping[str, Any] | None = None, *members: Mapping[str, Any]) -> tuple[pl.DataFrame, pl.DataFrame]:
    """One household (id 1) with the given members (one default adult when none)."""
    return frames([household or {}], [{**m, "household_id": 1} for m in (members or ({},))])
