"""The engine frames of a round: the registry's households and members of some wards, as on a date.

The frames follow ``docs/frames.md`` and the registry's schemas and reader
(``ansinh.registry.queries``). They are read here rather than with ``registry_frames`` because that
currently selects the member's own id as its ``household_id`` (``_RENAMES`` maps ``household_id`` to
``id`` for both tables), and reads every member a second time; switch back once the registry fixes it.
Members born after the reference date are left out: they were not in the household then.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import polars as pl

from ansinh.registry.models import Household, Member
from ansinh.registry.queries import HOUSEHOLD_SCHEMA, MEMBER_SCHEMA, _read


def _where(ward_codes: list[str]) -> str:
    return f"h.status = 'active' AND h.ward_id IN ({', '.join(['%s'] * len(ward_codes))})"


def _households(ward_codes: list[str]) -> pl.DataFrame:
    renames = {"household_id": "id", "ward_code": "ward_id"}
    cols = ", ".join(f"h.{renames[c]} AS {c}" if c in renames else f"h.{c}" for c in HOUSEHOLD_SCHEMA)
    sql = f"SELECT {cols} FROM {Household._meta.db_table} h WHERE {_where(ward_codes)} ORDER BY h.id"  # noqa: S608
    return _read(sql, list(ward_codes), HOUSEHOLD_SCHEMA)


def _members(ward_codes: list[str]) -> pl.DataFrame:
    cols = ", ".join("m.id AS member_id" if c == "member_id" else f"m.{c}" for c in MEMBER_SCHEMA)
    sql = (
        f"SELECT {cols} FROM {Member._meta.db_table} m JOIN {Household._meta.db_table} h ON h.id = m.household_id "  # noqa: S608
        f"WHERE m.status = 'active' AND {_where(ward_codes)} ORDER BY m.household_id, m.id"
    )
    members = _read(sql, list(ward_codes), MEMBER_SCHEMA)
    return members.with_columns(
        pl.col("school_level").replace("", None), pl.col("nutrition_status").replace("", None)
    )


def ward_frames(ward_codes: list[str], on: dt.date, households: pl.DataFrame | None = None) -> tuple[Any, Any]:
    """(households, members) of the wards as engine frames on ``on``; only ``households`` (a frame with
    household_id) when given. Households left without a member on that date are dropped."""
    if not ward_codes:
        return pl.DataFrame(schema=HOUSEHOLD_SCHEMA), pl.DataFrame(schema=MEMBER_SCHEMA)
    hh = _households(ward_codes)
    mm = _members(ward_codes).filter(pl.col("date_of_birth") <= on)
    if households is not None:
        hh = hh.join(households.select("household_id"), on="household_id", how="semi")
    hh = hh.join(mm.select("household_id").unique(), on="household_id", how="semi")
    mm = mm.join(hh.select("household_id"), on="household_id", how="semi")
    return hh, mm
