"""The engine frames of a round: the registry's households and members of some wards, as on a date.

Read with the registry's reader (``ansinh.registry.queries.registry_frames``, COPY on PostgreSQL), only
the columns the classification needs. Members born after the reference date are left out: they were not
in the household then.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import polars as pl

from ansinh.registry.queries import registry_frames


def ward_frames(ward_codes: list[str], on: dt.date, households: pl.DataFrame | None = None) -> tuple[Any, Any]:
    """(households, members) of the wards as engine frames on ``on``; only ``households`` (a frame with
    household_id) when given. Households left without a member on that date are dropped."""
    hh, mm = registry_frames(list(ward_codes), engine_only=True)
    mm = mm.filter(pl.col("date_of_birth") <= on)
    present = mm.get_column("household_id").unique()  # households with a member on the date
    keep = present if households is None else present.filter(present.is_in(households.get_column("household_id")))
    hh = hh.filter(pl.col("household_id").is_in(keep))
    if hh.height < present.len():  # members of households not assessed
        mm = mm.filter(pl.col("household_id").is_in(hh.get_column("household_id")))
    return hh, mm
