"""Loading what validation compares the file with: wards, successions, the user's scope, the registry rows
the file names (by household code and ID number), in a few set-based queries."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

import polars as pl

from ansinh.accounts.scope import ward_codes
from ansinh.dbframes import read_frame_in
from ansinh.geo.models import Ward, WardSuccession
from ansinh.imports.reading import RawFile
from ansinh.imports.validation import REG_HOUSEHOLD, REG_MEMBER, Context
from ansinh.registry.models import Household, Member


def registry_rows(household_codes: Iterable[str], id_numbers: Iterable[str]) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The registered households with these codes, their active members, and the members with these IDs."""
    h, m = Household._meta.db_table, Member._meta.db_table
    codes = sorted({c for c in household_codes if c})
    households = read_frame_in(f"SELECT id, code, ward_id FROM {h} WHERE code IN (%s)", codes, REG_HOUSEHOLD)  # noqa: S608
    cols = "m.id, hh.code, m.id_number, m.name_folded, m.date_of_birth, m.relation"
    by_household = read_frame_in(
        f"SELECT {cols} FROM {m} m JOIN {h} hh ON hh.id = m.household_id "  # noqa: S608
        "WHERE m.status = 'active' AND m.household_id IN (%s)",
        households["household_id"].to_list(),
        REG_MEMBER,
    )
    ids = sorted({i for i in id_numbers if i})
    by_id = read_frame_in(
        f"SELECT {cols} FROM {m} m JOIN {h} hh ON hh.id = m.household_id "  # noqa: S608
        "WHERE m.id_number IN (%s)",
        ids,
        REG_MEMBER,
    )
    members = pl.concat([by_household, by_id]).unique("member_id", keep="first")
    return households, members


def load_context(user: Any, raw_codes: Iterable[str], raw_ids: Iterable[str], today: datetime.date) -> Context:
    wards = pl.DataFrame(
        list(Ward.objects.filter(valid_to__isnull=True).values_list("code", "name", "area_type")),
        schema={"ward_code": pl.String, "ward_name": pl.String, "ward_area_type": pl.String},
        orient="row",
    )
    successions = pl.DataFrame(
        list(
            WardSuccession.objects.filter(ward__valid_to__isnull=True).values_list(
                "former_ward_id", "ward_id", "ward__name"
            )
        ),
        schema={"former_code": pl.String, "ward_code": pl.String, "ward_name": pl.String},
        orient="row",
    )
    allowed = None if user is None else ward_codes(user)
    reg_h, reg_m = registry_rows(raw_codes, raw_ids)
    return Context(
        today=today,
        wards=wards,
        successions=successions,
        allowed_wards=None if allowed is None else frozenset(allowed),
        reg_households=reg_h,
        reg_members=reg_m,
    )


def file_keys(raw: RawFile) -> tuple[list[str], list[str]]:
    """Household codes and ID numbers the file mentions (raw, trimmed), to look up in the registry."""
    codes: set[str] = set()
    ids: set[str] = set()
    if "households" in raw.tables and "code" in raw.tables["households"].frame.columns:
        codes |= set(raw.tables["households"].frame["code"].str.strip_chars().drop_nulls().to_list())
    members = raw.tables.get("members")
    if members is not None:
        codes |= set(members.frame["household_code"].str.strip_chars().drop_nulls().to_list())
        if "id_number" in members.frame.columns:
            s = members.frame["id_number"].str.replace_all(r"[\s.\-]", "").drop_nulls()
            ids |= set(s.to_list()) | {"0" + x for x in s.to_list() if len(x) == 11}
    return sorted(codes), sorted(ids)
