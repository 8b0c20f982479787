"""Committing the valid rows of a validated batch: one transaction, set-based, idempotent.

The plan is recomputed inside the transaction against the registry as it is then (someone may have
edited it since validation): households match on code, members on ID number or, without one, on
(household code, folded name, date of birth). A field whose cell is empty keeps the registered value.
Only rows whose values differ are updated (``version`` + 1); each insert and update writes one audit
event naming the import, with old and new values.
"""

from __future__ import annotations

import datetime
import os
import time
from collections.abc import Callable
from typing import Any

import polars as pl
from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from ansinh import registry_schema
from ansinh.accounts.models import Actor
from ansinh.audit.models import AuditEvent
from ansinh.dbframes import KEYS_PER_QUERY, insert_model_frame, read_frame_in
from ansinh.imports import writing
from ansinh.imports.validation import match_members
from ansinh.lib.text import fold_expr
from ansinh.registry import timeline
from ansinh.registry.actions import flag_likely_duplicates
from ansinh.registry.audit_actions import RegistryAudit
from ansinh.registry.models import Household, HouseholdEvent, Member, Membership

# Derived from the schema of record (``ansinh.registry_schema``): what an import may set (the code is the key).
HOUSEHOLD_DB: dict[str, Any] = {a.name: a.dtype for a in registry_schema.HOUSEHOLD if a.name != "code"}
MEMBER_DB: dict[str, Any] = {a.name: a.dtype for a in registry_schema.MEMBER}
DB_NAME = {a.name: a.attname for a in (*registry_schema.HOUSEHOLD, *registry_schema.MEMBER) if a.attname != a.name}


class RegistryChanged(Exception):
    """The registry changed since validation in a way that makes a row invalid; validate again."""


def _defaults(model: Any, fields: dict[str, Any]) -> dict[str, Any]:
    out = {}
    for f in fields:
        field = model._meta.get_field(DB_NAME.get(f, f))
        if field.has_default():
            out[f] = field.get_default()
        elif field.null:
            out[f] = None
    return out


def _registry_households(codes: list[str]) -> pl.DataFrame:
    h = Household._meta.db_table
    cols = ", ".join(["id", "code", "version", *[DB_NAME.get(f, f) for f in HOUSEHOLD_DB]])
    schema = {"household_id": pl.Int64, "code": pl.String, "version": pl.Int64, **HOUSEHOLD_DB}
    return read_frame_in(f"SELECT {cols} FROM {h} WHERE code IN (%s)", codes, schema)  # noqa: S608


def _registry_members(household_ids: list[int], ids: list[str]) -> pl.DataFrame:
    h, m = Household._meta.db_table, Member._meta.db_table
    cols = ", ".join(
        ["m.id", "hh.code", "m.household_id", "m.version", "m.name_folded", *[f"m.{f}" for f in MEMBER_DB]]
    )
    schema = {
        "member_id": pl.Int64,
        "household_code": pl.String,
        "household_id": pl.Int64,
        "version": pl.Int64,
        "name_folded": pl.String,
        **MEMBER_DB,
    }
    base = f"SELECT {cols} FROM {m} m JOIN {h} hh ON hh.id = m.household_id WHERE "  # noqa: S608
    a = read_frame_in(base + "m.status = 'active' AND m.household_id IN (%s)", household_ids, schema)
    b = read_frame_in(base + "m.id_number IN (%s)", ids, schema)
    return pl.concat([a, b]).unique("member_id", keep="first")


def _changed(old: pl.Expr, new: pl.Expr) -> pl.Expr:
    return old.ne_missing(new)


def _changes_json(frame: pl.DataFrame, fields: list[str], *, created: bool) -> pl.Series:
    """``{field: [old, new]}`` for the changed fields of each row, as JSON text, built column-wise."""
    entries = []
    for f in fields:
        new = pl.col(f)
        old = pl.lit(None, dtype=frame.schema[f]) if created else pl.col(f"{f}__old")
        if frame.schema[f] == pl.Date:
            new, old = new.dt.strftime("%Y-%m-%d"), old.dt.strftime("%Y-%m-%d")
        pair = pl.concat_list([old, new])
        entries.append((pair if created else pl.when(pl.col(f"{f}__chg")).then(pair)).alias(DB_NAME.get(f, f)))
    if not created:
        entries.append(
            pl.when(pl.lit(True))
            .then(pl.concat_list([pl.col("old_version"), pl.col("old_version") + 1]))
            .alias("version")
        )
    encoded = frame.select(pl.struct(entries).struct.json_encode().alias("j"))["j"]
    if created:  # every field is a pair: there is no unchanged (null) entry to drop
        return encoded
    return (
        encoded.str.replace_all(r'"\w+":null,', "")
        .str.replace_all(r',"\w+":null', "")
        .str.replace_all(r'"\w+":null', "")
    )


def _audit_frame(
    frame: pl.DataFrame,
    *,
    action: RegistryAudit,
    object_type: str,
    changes: pl.Series,
    household_id: str,
    ward: str,
    actor: Actor,
    source: str,
    now: datetime.datetime,
) -> pl.DataFrame:
    from ansinh.audit import context

    ctx = context.current.get()
    return frame.select(
        pl.lit(now).alias("at"),
        pl.lit(getattr(actor, "pk", None), dtype=pl.Int64).alias("actor_id"),
        pl.lit(getattr(actor, "username", "") or "system").alias("actor_name"),
        pl.lit(action.value).alias("action"),
        pl.lit(object_type).alias("object_type"),
        pl.col("id").cast(pl.String).alias("object_id"),
        pl.col(household_id).alias("household_id"),
        pl.col(ward).fill_null("").alias("ward_code"),
        changes.alias("changes"),
        pl.lit(ctx.request_id or "").alias("request_id"),
        pl.lit(None, dtype=pl.String).alias("ip_address"),
        pl.lit(source).alias("source"),
        pl.lit("").alias("note"),
    )


def _pause_for_tests(point: str) -> None:
    """A crash-test hook: with ANSINH_IMPORT_PAUSE=<point>:<file>, touch <file> there and wait to be killed."""
    spec = os.environ.get("ANSINH_IMPORT_PAUSE", "")
    if spec.startswith(point + ":"):
        path = spec.split(":", 1)[1]
        with open(path, "w") as fh:
            fh.write(str(os.getpid()))
        time.sleep(120)


def plan_and_write(
    households: pl.DataFrame,
    members: pl.DataFrame,
    present: dict[str, set[str]],
    *,
    actor: Actor,
    source: str,
    today: datetime.date,
    progress: Callable[[int, int, str], None] | None = None,
) -> dict[str, int]:
    """Write the valid staged rows; the caller holds the transaction. Returns the counts of the report."""
    step = progress or (lambda done, total, note: None)
    now = timezone.now()
    total_steps = 8
    h = households.filter("_valid")
    m = members.filter("_valid")
    step(0, total_steps, gettext_noop("Reading the registry's data"))
    reg_h = _registry_households(sorted(set(h["code"].to_list()) | set(m["household_code"].to_list())))
    reg_m = _registry_members(reg_h["household_id"].to_list(), m["id_number"].drop_nulls().to_list())

    # ---- households
    h_fields = [f for f in HOUSEHOLD_DB if f in present.get("households", set()) or f == "ward_code"]
    old = reg_h.rename({f: f"{f}__old" for f in HOUSEHOLD_DB} | {"version": "old_version"})
    hj = h.drop("household_id").join(old, on="code", how="left")
    new_h = hj.filter(pl.col("household_id").is_null())
    upd_h = hj.filter(pl.col("household_id").is_not_null())
    defaults = _defaults(Household, HOUSEHOLD_DB)
    new_h = new_h.with_columns(
        *[
            pl.col(f).fill_null(pl.lit(defaults.get(f), dtype=HOUSEHOLD_DB[f]))
            for f in HOUSEHOLD_DB
            if f not in ("area_type", "ward_code", "address")
        ],
        pl.coalesce(pl.col("area_type"), pl.col("ward_area_type")).alias("area_type"),
        pl.Series("id", writing.allocate_ids(Household._meta.db_table, new_h.height), dtype=pl.Int64),
    )
    upd_h = (
        upd_h.with_columns(
            *[pl.coalesce(pl.col(f), pl.col(f"{f}__old")).alias(f) for f in HOUSEHOLD_DB],
        )
        .with_columns(
            *[
                (_changed(pl.col(f"{f}__old"), pl.col(f)) if f in h_fields else pl.lit(False)).alias(f"{f}__chg")
                for f in HOUSEHOLD_DB
            ],
        )
        .with_columns(pl.any_horizontal([pl.col(f"{f}__chg") for f in HOUSEHOLD_DB]).alias("_any"))
    )
    unchanged_h = int((~upd_h["_any"]).sum())
    upd_h = upd_h.filter("_any").rename({"household_id": "id"})
    code_to_id = pl.concat(
        [reg_h.select("code", pl.col("household_id")), new_h.select("code", pl.col("id").alias("household_id"))]
    )
    step(1, total_steps, gettext_noop("Writing new households"))
    hh_cols = ["id", "code", *HOUSEHOLD_DB]
    insert_model_frame(
        Household,
        new_h.select(
            *hh_cols,
            fold_expr(pl.col("address")).alias("address_folded"),
            pl.lit("active").alias("status"),
            pl.lit(1).alias("version"),
            pl.lit(now).alias("created_at"),
            pl.lit(now).alias("updated_at"),
        ).rename({"ward_code": "ward_id"}),
    )
    insert_model_frame(
        HouseholdEvent,
        new_h.select(
            pl.col("id").alias("household_id"),
            pl.lit("registered").alias("kind"),
            pl.lit(today).alias("date"),
            pl.lit(source).alias("note"),
            pl.lit(now).alias("recorded_at"),
            pl.lit(getattr(actor, "pk", None), dtype=pl.Int64).alias("recorded_by_id"),
        ),
    )
    _pause_for_tests("households")
    step(2, total_steps, gettext_noop("Updating households"))
    writing.update(
        Household._meta.db_table,
        upd_h.select(
            "id",
            "old_version",
            *[pl.col(f).alias(DB_NAME.get(f, f)) for f in HOUSEHOLD_DB],
            fold_expr(pl.col("address")).alias("address_folded"),
        ),
        now=now,
    )

    # ---- members
    step(3, total_steps, gettext_noop("Matching members"))
    m_fields = [f for f in MEMBER_DB if f in present.get("members", set())]
    reg_match = reg_m.select("member_id", "household_code", "id_number", "name_folded", "date_of_birth", "relation")
    rematched = match_members(m.drop("member_id"), reg_match)
    if rematched["_id_elsewhere"].is_not_null().any() or rematched["_ambiguous"].any():
        raise RegistryChanged(
            _("The registry changed since the check (an ID number was registered meanwhile); check the file again.")
        )
    m = rematched.drop("_id_elsewhere", "_ambiguous").join(
        code_to_id.rename({"code": "household_code"}), on="household_code", how="left"
    )
    oldm = reg_m.drop("household_code", "name_folded", "household_id").rename(
        {f: f"{f}__old" for f in MEMBER_DB} | {"version": "old_version"}
    )
    mj = m.join(oldm, on="member_id", how="left")
    new_m = mj.filter(pl.col("member_id").is_null())
    upd_m = mj.filter(pl.col("member_id").is_not_null())
    mdefaults = _defaults(Member, MEMBER_DB)
    new_m = new_m.with_columns(
        timeline.default_employment_expr(pl.col("employment_status"), pl.col("date_of_birth"), today),
        *timeline.default_schooling_exprs(
            pl.col("schooling_status"), pl.col("school_level"), pl.col("date_of_birth"), today
        ),
    )
    new_m = new_m.with_columns(
        *[pl.col(f).fill_null(pl.lit(mdefaults.get(f), dtype=MEMBER_DB[f])) for f in MEMBER_DB if f in mdefaults],
        pl.Series("id", writing.allocate_ids(Member._meta.db_table, new_m.height), dtype=pl.Int64),
    )
    upd_m = (
        upd_m.with_columns(
            *[pl.coalesce(pl.col(f), pl.col(f"{f}__old")).alias(f) for f in MEMBER_DB],
        )
        .with_columns(
            *[
                (_changed(pl.col(f"{f}__old"), pl.col(f)) if f in m_fields else pl.lit(False)).alias(f"{f}__chg")
                for f in MEMBER_DB
            ],
        )
        .with_columns(pl.any_horizontal([pl.col(f"{f}__chg") for f in MEMBER_DB]).alias("_any"))
    )
    unchanged_m = int((~upd_m["_any"]).sum())
    upd_m = upd_m.filter("_any").rename({"member_id": "id"})
    step(4, total_steps, gettext_noop("Writing new members"))
    insert_model_frame(
        Member,
        new_m.select(
            "id",
            "household_id",
            *MEMBER_DB,
            fold_expr(pl.col("full_name")).alias("name_folded"),
            pl.lit("active").alias("status"),
            pl.lit(1).alias("version"),
            pl.lit(now).alias("created_at"),
            pl.lit(now).alias("updated_at"),
        ),
    )
    insert_model_frame(
        Membership,
        new_m.select(
            pl.col("id").alias("member_id"),
            "household_id",
            pl.lit(today).alias("start"),
            pl.lit("import").alias("start_reason"),
            pl.lit("").alias("end_reason"),
        ),
    )
    _pause_for_tests("members")
    step(5, total_steps, gettext_noop("Updating members"))
    writing.update(
        Member._meta.db_table,
        upd_m.select("id", "old_version", *MEMBER_DB, fold_expr(pl.col("full_name")).alias("name_folded")),
        now=now,
    )

    # ---- audit: one event per inserted or updated row, bulk-inserted
    step(6, total_steps, gettext_noop("Writing the audit trail"))
    ward_of = pl.concat(
        [
            reg_h.select(pl.col("household_id"), pl.col("ward_code").alias("_ward")),
            new_h.select(pl.col("id").alias("household_id"), pl.col("ward_code").alias("_ward")),
        ]
    )
    common: dict[str, Any] = {"actor": actor, "source": source, "now": now}
    audits = [
        _audit_frame(
            new_h.with_columns(pl.col("id").alias("_hid")),
            action=RegistryAudit.HOUSEHOLD_CREATE,
            object_type="household",
            changes=_changes_json(new_h.rename({"ward_code": "ward_code"}), ["code", *HOUSEHOLD_DB], created=True),
            household_id="_hid",
            ward="ward_code",
            **common,
        ),
        _audit_frame(
            upd_h.with_columns(pl.col("id").alias("_hid")),
            action=RegistryAudit.HOUSEHOLD_UPDATE,
            object_type="household",
            changes=_changes_json(upd_h, list(HOUSEHOLD_DB), created=False),
            household_id="_hid",
            ward="ward_code",
            **common,
        ),
    ]
    new_m = new_m.join(ward_of, on="household_id", how="left")
    upd_m = upd_m.join(ward_of, on="household_id", how="left")
    audits += [
        _audit_frame(
            new_m,
            action=RegistryAudit.MEMBER_CREATE,
            object_type="member",
            changes=_changes_json(new_m, list(MEMBER_DB), created=True),
            household_id="household_id",
            ward="_ward",
            **common,
        ),
        _audit_frame(
            upd_m,
            action=RegistryAudit.MEMBER_UPDATE,
            object_type="member",
            changes=_changes_json(upd_m, list(MEMBER_DB), created=False),
            household_id="household_id",
            ward="_ward",
            **common,
        ),
    ]
    audit = pl.concat(audits)
    if connection.vendor != "postgresql":
        audit = audit.with_columns(pl.col("actor_id").cast(pl.Int64))
    insert_model_frame(AuditEvent, audit)

    step(7, total_steps, gettext_noop("Flagging likely duplicates"))
    touched = (
        new_m["id"].to_list() + upd_m.filter(pl.col("full_name__chg") | pl.col("date_of_birth__chg"))["id"].to_list()
    )
    if len(touched) > KEYS_PER_QUERY:  # more than one list of keys: check every member
        flag_likely_duplicates()
    elif touched:
        flag_likely_duplicates(member_ids=touched)
    step(8, total_steps, gettext_noop("Done"))
    return {
        "households_added": new_h.height,
        "households_updated": upd_h.height,
        "households_unchanged": unchanged_h,
        "members_added": new_m.height,
        "members_updated": upd_m.height,
        "members_unchanged": unchanged_m,
        "audit_events": audit.height,
    }
