"""The engine frames of a round: the registry's households and members of some wards, as on a date.

Households come from ``ansinh.registry.queries.registry_frames``. Members are read here with the same
schema because ``registry_frames`` currently selects the member's own id as its ``household_id``
(``_RENAMES`` maps ``household_id`` to ``id`` for both tables); switch back once the registry fixes it.
Members born after the reference date are left out: they were not in the household then.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import polars as pl

from ansinh.registry.models import Household, Member
from ansinh.registry.queries import MEMBER_SCHEMA, _read, registry_frames


def _members(ward_codes: list[str]) -> pl.DataFrame:
    cols = ", ".join(
        "m.id AS member_id" if c == "member_id" else f"m.{c}" for c in MEMBER_SCHEMA
    )
    marks = ", ".join(["%s"] * len(ward_codes))
    sql = (
        f"SELECT {cols} FROM {Member._meta.db_table} m JOIN {Household._meta.db_table} h ON h.id = m.household_id "  # noqa: S608
        f"WHERE m.status = 'active' AND h.status = 'active' AND h.ward_id IN ({marks}) "
        "ORDER BY m.household_id, m.id"
    )
    members = _read(sql, list(ward_codes), MEMBER_SCHEMA)
    return members.with_columns(
        pl.col("school_level").replace("", None), pl.col("nutrition_status").replace("", None)
    )


def ward_frames(ward_codes: list[str], on: dt.date, households: pl.DataFrame | None = None) -> tuple[Any, Any]:
    """(households, members) of the wards as engine frames on ``on``; only ``households`` (a frame with
    household_id) when given. Households left without a member on that date are dropped."""
    hh, _wrong = registry_frames(ward_codes)
    mm = _members(ward_codes).filter(pl.col("date_of_birth") <= on)
    if households is not None:
        hh = hh.join(households.select("household_id"), on="household_id", how="semi")
    hh = hh.join(mm.select("household_id").unique(), on="household_id", how="semi")
    mm = mm.join(hh.select("household_id"), on="household_id", how="semi")
    return hh, mm
