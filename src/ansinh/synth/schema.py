"""Column names and dtypes of the synthetic frames: ``docs/frames.md`` plus the registry-only columns."""

from __future__ import annotations

import polars as pl

# docs/frames.md, "households".
HOUSEHOLD_FRAME: dict[str, pl.DataType] = {
    "household_id": pl.Int64(),
    "code": pl.String(),
    "ward_code": pl.String(),
    "area_type": pl.String(),
    "floor_area_m2": pl.Float64(),
    "wall_durable": pl.Boolean(),
    "frame_durable": pl.Boolean(),
    "roof_durable": pl.Boolean(),
    "water_source": pl.String(),
    "toilet_type": pl.String(),
    "uses_telecom": pl.Boolean(),
    "uses_internet": pl.Boolean(),
    "has_tv": pl.Boolean(),
    "has_radio": pl.Boolean(),
    "has_computer": pl.Boolean(),
    "has_internet_phone": pl.Boolean(),
    "uses_digital_services": pl.Boolean(),
    "waste_handling": pl.String(),
    "other_income_monthly": pl.Int64(),
}
# Registry columns the engine does not read.
HOUSEHOLD_REGISTRY: dict[str, pl.DataType] = {
    "address": pl.String(),
    "address_folded": pl.String(),
    "residence_type": pl.String(),
    "status": pl.String(),
    "registered_on": pl.Date(),
}
HOUSEHOLD_SCHEMA: dict[str, pl.DataType] = {**HOUSEHOLD_FRAME, **HOUSEHOLD_REGISTRY}

# docs/frames.md, "members".
MEMBER_FRAME: dict[str, pl.DataType] = {
    "member_id": pl.Int64(),
    "household_id": pl.Int64(),
    "full_name": pl.String(),
    "sex": pl.String(),
    "date_of_birth": pl.Date(),
    "relation": pl.String(),
    "ethnicity": pl.String(),
    "disability_level": pl.String(),
    "unable_to_work": pl.Boolean(),
    "has_health_insurance": pl.Boolean(),
    "schooling_status": pl.String(),
    "school_level": pl.String(),
    "education_level": pl.String(),
    "employment_status": pl.String(),
    "has_labour_contract": pl.Boolean(),
    "has_social_insurance": pl.Boolean(),
    "receives_pension": pl.Boolean(),
    "monthly_income": pl.Int64(),
    "nutrition_status": pl.String(),
}
MEMBER_REGISTRY: dict[str, pl.DataType] = {
    "name_folded": pl.String(),
    "id_number": pl.String(),
    "status": pl.String(),
}
MEMBER_SCHEMA: dict[str, pl.DataType] = {**MEMBER_FRAME, **MEMBER_REGISTRY}
