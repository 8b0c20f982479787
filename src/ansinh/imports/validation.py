"""Validating a whole file at once, column-wise with Polars: no row reaches the registry before this.

``validate(raw, ctx)`` returns the typed tables (with ``_valid`` per row) and the list of issues
(row, column, the problem's code and parameters, worded when shown by ``problems``, level ``error`` or
``notice``). A household is imported only if
its row and all its member rows are valid; a member only if it and its household are.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

import polars as pl

from ansinh.imports.columns import HOUSEHOLD_COLUMNS, MEMBER_COLUMNS, TABLES, Column
from ansinh.imports.notices import Notice
from ansinh.imports.parsing import DTYPES, PARSERS, clean, id_problems
from ansinh.imports.problems import ISSUE_SCHEMA, PROBLEM, issue_columns, problem
from ansinh.imports.reading import ROW, RawFile, RawTable
from ansinh.lib.dates import format_date_expr
from ansinh.lib.text import control_character_expr, fold_expr, visible_controls_expr
from ansinh.registry import idnumber, timeline

REG_HOUSEHOLD = {"household_id": pl.Int64, "code": pl.String, "ward_code": pl.String}
REG_MEMBER = {
    "member_id": pl.Int64,
    "household_code": pl.String,
    "id_number": pl.String,
    "name_folded": pl.String,
    "date_of_birth": pl.Date,
    "relation": pl.String,
}


@dataclass
class Context:
    """What validation needs to know about the world, as frames (loaded by ``ansinh.imports.context``)."""

    today: datetime.date
    wards: pl.DataFrame  # ward_code, ward_name, ward_area_type: current wards
    successions: pl.DataFrame  # former_code, ward_code, ward_name
    allowed_wards: frozenset[str] | None  # the user's scope; None = everywhere
    reg_households: pl.DataFrame = field(default_factory=lambda: pl.DataFrame(schema=REG_HOUSEHOLD))
    reg_members: pl.DataFrame = field(default_factory=lambda: pl.DataFrame(schema=REG_MEMBER))


@dataclass
class Validated:
    households: pl.DataFrame
    members: pl.DataFrame
    issues: pl.DataFrame
    present: dict[str, set[str]]
    notices: list[Notice]  # about the whole file (``reading``), worded when shown

    @property
    def error_count(self) -> int:
        return int((self.issues["level"] == "error").sum())

    def summary(self) -> dict[str, int]:
        h, m = self.households, self.members
        return {
            "households": h.height,
            "households_valid": int(h["_valid"].sum()),
            "members": m.height,
            "members_valid": int(m["_valid"].sum()),
            "errors": self.error_count,
            "rows_with_errors": int(
                self.issues.filter(pl.col("level") == "error").select(pl.struct("table", "row").n_unique()).item()
            )
            if self.issues.height
            else 0,
            "notices": int((self.issues["level"] == "notice").sum()) + len(self.notices),
        }


def _empty(columns: tuple[Column, ...]) -> RawTable:
    schema = {ROW: pl.Int64, **{c.field: pl.String for c in columns}}
    return RawTable("", pl.DataFrame(schema=schema), set())


def _parse(table: RawTable, columns: tuple[Column, ...]) -> tuple[pl.DataFrame, list[pl.Expr]]:
    """Typed columns plus one problem column ``_p_<field>`` per column."""
    frame = table.frame.with_columns(
        *[pl.lit(None, dtype=pl.String).alias(c.field) for c in columns if c.field not in table.frame.columns]
    ).with_columns(*[clean(pl.col(c.field)).alias(c.field) for c in columns])
    exprs: list[pl.Expr] = []
    problems: list[pl.Expr] = []
    for c in columns:
        raw = pl.col(c.field)
        value, cell = PARSERS[c.kind](raw, c)
        # Text enters here: a control character is refused before anything reads the cell.
        control = control_character_expr(raw)
        cell = pl.when(control.is_not_null()).then(problem("control_character", control)).otherwise(cell)
        value = pl.when(control.is_null()).then(value)
        if c.required:
            cell = pl.when(raw.is_null()).then(problem("missing_required", c.header)).otherwise(cell)
        exprs.append(value.cast(DTYPES[c.kind]).alias(c.field))
        problems.append(cell.alias(f"_p_{c.field}"))
        exprs.append(raw.alias(f"_raw_{c.field}"))
    parsed = frame.select(ROW, *exprs, *problems)
    return parsed, problems


def _issue_rows(frame: pl.DataFrame, table: str, columns: tuple[Column, ...], level: str, prefix: str) -> pl.DataFrame:
    parts = []
    for c in columns:
        name = f"{prefix}{c.field}"
        if name not in frame.columns:
            continue
        sub = frame.filter(pl.col(name).is_not_null())
        if sub.height:
            parts.append(
                sub.select(
                    pl.lit(table).alias("table"),
                    pl.col(ROW).alias("row"),
                    pl.lit(c.header).alias("column"),
                    visible_controls_expr(pl.col(f"_raw_{c.field}")).alias("value"),
                    *issue_columns(name),
                    pl.lit(level).alias("level"),
                )
            )
    return pl.concat(parts) if parts else pl.DataFrame(schema=ISSUE_SCHEMA)


def _add(frame: pl.DataFrame, field_name: str, problem: pl.Expr) -> pl.DataFrame:
    """Keep the first problem of a column: an earlier one (e.g. unreadable) explains a later one."""
    col = f"_p_{field_name}"
    return frame.with_columns(pl.coalesce(pl.col(col), problem).alias(col))


def _note(frame: pl.DataFrame, field_name: str, notice: pl.Expr) -> pl.DataFrame:
    col = f"_n_{field_name}"
    if col not in frame.columns:
        frame = frame.with_columns(pl.lit(None, dtype=PROBLEM).alias(col))
    return frame.with_columns(pl.coalesce(pl.col(col), notice).alias(col))


def _rows_list(frame: pl.DataFrame, key: str) -> pl.DataFrame:
    return frame.group_by(key).agg(pl.col(ROW).sort().cast(pl.String).str.join(", ").alias("_rows"))


def _households(h: pl.DataFrame, m: pl.DataFrame, ctx: Context) -> pl.DataFrame:
    # The same code twice in the file.
    dup = _rows_list(h.filter(pl.col("code").is_duplicated() & pl.col("code").is_not_null()), "code")
    h = h.join(dup, on="code", how="left")
    h = _add(
        h,
        "code",
        pl.when(pl.col("_rows").is_not_null()).then(
            problem("household_code_repeated", pl.col("code"), pl.col("_rows"))
        ),
    ).drop("_rows")

    # Ward: current, or a former ward converted to its single successor.
    h = h.join(
        ctx.wards.select("ward_code", pl.col("ward_name").alias("_current_name")),
        left_on="ward_code",
        right_on="ward_code",
        how="left",
    )
    succ = ctx.successions.group_by("former_code").agg(
        pl.col("ward_code").sort().alias("_succ_codes"), pl.col("ward_name").sort_by("ward_code").alias("_succ_names")
    )
    h = h.join(succ, left_on="ward_code", right_on="former_code", how="left")
    is_current = pl.col("_current_name").is_not_null()
    n_succ = pl.col("_succ_codes").list.len().fill_null(0)
    converted = ~is_current & (n_succ == 1)
    h = _note(
        h,
        "ward_code",
        pl.when(converted).then(
            problem(
                "ward_converted",
                pl.col("ward_code"),
                pl.col("_succ_codes").list.first(),
                pl.col("_succ_names").list.first(),
            )
        ),
    )
    h = _add(
        h,
        "ward_code",
        pl.when(pl.col("ward_code").is_not_null() & ~is_current & (n_succ > 1))
        .then(problem("ward_split", pl.col("ward_code"), pl.col("_succ_codes").list.join(", ")))
        .when(pl.col("ward_code").is_not_null() & ~is_current & (n_succ == 0))
        .then(problem("ward_unknown", pl.col("ward_code"))),
    )
    h = h.with_columns(
        pl.when(converted).then(pl.col("_succ_codes").list.first()).otherwise(pl.col("ward_code")).alias("ward_code")
    ).drop("_current_name", "_succ_codes", "_succ_names")
    h = h.join(ctx.wards.select("ward_code", "ward_area_type"), on="ward_code", how="left")
    if ctx.allowed_wards is not None:
        h = _add(
            h,
            "ward_code",
            pl.when(
                pl.col("ward_code").is_not_null()
                & pl.col("ward_area_type").is_not_null()
                & ~pl.col("ward_code").is_in(sorted(ctx.allowed_wards))
            ).then(problem("ward_out_of_scope", pl.col("ward_code"))),
        )

    # A household already registered elsewhere than the user may touch.
    reg = ctx.reg_households.select(pl.col("code"), pl.col("household_id"), pl.col("ward_code").alias("_reg_ward"))
    h = h.join(reg, on="code", how="left")
    if ctx.allowed_wards is not None:
        h = _add(
            h,
            "code",
            pl.when(pl.col("_reg_ward").is_not_null() & ~pl.col("_reg_ward").is_in(sorted(ctx.allowed_wards))).then(
                problem("household_registered_out_of_scope", pl.col("code"))
            ),
        )
    return h.drop("_reg_ward")


def _members(m: pl.DataFrame, h: pl.DataFrame, ctx: Context) -> pl.DataFrame:
    m = m.with_columns(fold_expr(pl.col("full_name")).alias("name_folded"))
    # Household: in the file, or already registered (members-only update).
    in_file = h.select(pl.col("code").alias("household_code"), pl.lit(True).alias("_hh_in_file")).unique(
        "household_code"
    )
    reg_hh = ctx.reg_households.select(
        pl.col("code").alias("household_code"), pl.col("ward_code").alias("_hh_reg_ward")
    )
    m = m.join(in_file, on="household_code", how="left").join(reg_hh, on="household_code", how="left")
    m = _add(
        m,
        "household_code",
        pl.when(
            pl.col("household_code").is_not_null() & pl.col("_hh_in_file").is_null() & pl.col("_hh_reg_ward").is_null()
        ).then(problem("member_without_household", pl.col("household_code"))),
    )
    if ctx.allowed_wards is not None:
        m = _add(
            m,
            "household_code",
            pl.when(
                pl.col("_hh_in_file").is_null()
                & pl.col("_hh_reg_ward").is_not_null()
                & ~pl.col("_hh_reg_ward").is_in(sorted(ctx.allowed_wards))
            ).then(problem("household_out_of_scope", pl.col("household_code"))),
        )

    # Date of birth and ID number.
    m = _add(
        m,
        "date_of_birth",
        pl.when(pl.col("date_of_birth") > ctx.today).then(
            problem("birth_in_future", format_date_expr(pl.col("date_of_birth")))
        ),
    )
    # Values that must fit the age (the registry's timeline rules, as for the forms).
    born = pl.col("date_of_birth")
    m = _add(
        m,
        "employment_status",
        pl.when(
            (born <= ctx.today)
            & pl.col("employment_status").is_not_null()
            & timeline.too_young_expr(pl.col("employment_status"), born, ctx.today)
        ).then(
            problem(
                "employment_too_young",
                timeline.age_expr(born, ctx.today),
                format_date_expr(born),
                timeline.rule("working_age_from", ctx.today),
            )
        ),
    )
    checkable = pl.col("id_number").is_not_null() & pl.col("sex").is_not_null() & pl.col("date_of_birth").is_not_null()
    m = _add(
        m,
        "id_number",
        pl.when(checkable).then(id_problems(pl.col("id_number"), pl.col("sex"), pl.col("date_of_birth"))),
    )
    m = _note(
        m,
        "id_number",
        pl.when(
            pl.col("id_number").is_not_null()
            & idnumber.findings_expr(pl.col("id_number"), pl.col("sex"), pl.col("date_of_birth")).list.contains(
                "province"
            )
        ).then(problem("id_province_unknown", pl.col("id_number").str.slice(0, 3))),
    )
    m = _note(
        m,
        "id_number",
        pl.when(pl.col("_raw_id_number").str.contains(r"^\s*\d{11}\s*$")).then(problem("id_leading_zero_added")),
    )

    # Duplicate ID numbers within the file.
    dup = _rows_list(m.filter(pl.col("id_number").is_duplicated() & pl.col("id_number").is_not_null()), "id_number")
    m = m.join(dup, on="id_number", how="left")
    m = _add(
        m,
        "id_number",
        pl.when(pl.col("_rows").is_not_null()).then(
            problem("id_number_repeated", pl.col("id_number"), pl.col("_rows"))
        ),
    ).drop("_rows")
    # People without an ID number are told apart by name and date of birth within the household.
    key = ["household_code", "name_folded", "date_of_birth"]
    no_id = m.filter(
        pl.col("id_number").is_null() & pl.col("household_code").is_not_null() & pl.col("date_of_birth").is_not_null()
    )
    dup2 = (
        no_id.filter(pl.struct(key).is_duplicated())
        .group_by(key)
        .agg(pl.col(ROW).sort().cast(pl.String).str.join(", ").alias("_rows2"))
    )
    m = m.join(dup2, on=key, how="left")
    m = _add(
        m,
        "full_name",
        pl.when(pl.col("_rows2").is_not_null() & pl.col("id_number").is_null()).then(
            problem("same_name_and_birth_without_id", pl.col("_rows2"))
        ),
    ).drop("_rows2")

    # Match the registry: on ID number, else on (household, folded name, date of birth).
    m = match_members(m, ctx.reg_members)
    m = _add(
        m,
        "id_number",
        pl.when(pl.col("_id_elsewhere").is_not_null()).then(
            problem("id_registered_elsewhere", pl.col("id_number"), pl.col("_id_elsewhere"))
        ),
    )
    m = _add(m, "full_name", pl.when(pl.col("_ambiguous")).then(problem("ambiguous_registry_match")))
    twice = m.filter(pl.col("member_id").is_not_null() & pl.col("member_id").is_duplicated())
    m = m.join(_rows_list(twice, "member_id").rename({"_rows": "_rows3"}), on="member_id", how="left")
    m = _add(
        m, "full_name", pl.when(pl.col("_rows3").is_not_null()).then(problem("same_registry_member", pl.col("_rows3")))
    ).drop("_rows3")
    return m.drop("_hh_in_file", "_hh_reg_ward", "_id_elsewhere", "_ambiguous")


def match_members(m: pl.DataFrame, reg: pl.DataFrame) -> pl.DataFrame:
    """Add ``member_id`` (the registry member a row updates, or null for a new one), ``_id_elsewhere``
    (the household code where the row's ID number is already registered) and ``_ambiguous``."""
    by_id = reg.filter(pl.col("id_number").is_not_null()).select(
        "id_number", pl.col("member_id").alias("_mid_by_id"), pl.col("household_code").alias("_hh_by_id")
    )
    m = m.join(by_id, on="id_number", how="left")
    same_hh = pl.col("_hh_by_id") == pl.col("household_code")
    m = m.with_columns(
        pl.when(pl.col("_hh_by_id").is_not_null() & ~same_hh).then(pl.col("_hh_by_id")).alias("_id_elsewhere"),
        pl.when(same_hh).then(pl.col("_mid_by_id")).alias("_mid1"),
    )
    key = ["household_code", "name_folded", "date_of_birth"]
    cands = reg.group_by(key).agg(
        pl.col("member_id").first().alias("_mid2"), pl.len().alias("_n2"), pl.col("id_number").first().alias("_id2")
    )
    m = m.join(cands, on=key, how="left")
    fallback_ok = (
        pl.col("_mid1").is_null()
        & pl.col("_id_elsewhere").is_null()
        & (pl.col("_n2") == 1)
        & (pl.col("_id2").is_null() | pl.col("id_number").is_null() | (pl.col("_id2") == pl.col("id_number")))
    )
    m = m.with_columns(
        pl.coalesce(pl.col("_mid1"), pl.when(fallback_ok).then(pl.col("_mid2"))).alias("member_id"),
        (pl.col("_mid1").is_null() & pl.col("id_number").is_null() & (pl.col("_n2") > 1))
        .fill_null(False)
        .alias("_ambiguous"),
    )
    return m.drop("_mid_by_id", "_hh_by_id", "_mid1", "_mid2", "_n2", "_id2")


def _heads(h: pl.DataFrame, m: pl.DataFrame, ctx: Context) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Each household must end up with exactly one head: its file rows plus its registered members
    the file does not mention."""
    matched = m.select(pl.col("member_id").drop_nulls())
    untouched = ctx.reg_members.join(matched, on="member_id", how="anti").filter(pl.col("relation") == "head")
    reg_heads = untouched.group_by("household_code").agg(pl.len().alias("_reg_heads"))
    file_heads = m.filter(pl.col("relation") == "head").group_by("household_code").agg(pl.len().alias("_file_heads"))
    heads = (
        pl.concat([h.select(pl.col("code").alias("household_code")), m.select("household_code")])
        .drop_nulls()
        .unique()
        .join(reg_heads, on="household_code", how="left")
        .join(file_heads, on="household_code", how="left")
        .with_columns((pl.col("_reg_heads").fill_null(0) + pl.col("_file_heads").fill_null(0)).alias("_heads"))
    )
    h = h.join(heads.select(pl.col("household_code").alias("code"), "_heads"), on="code", how="left")
    h = _add(h, "code", pl.when(pl.col("_heads") == 0).then(problem("household_without_head")))
    m = m.join(heads.select("household_code", "_heads", "_reg_heads"), on="household_code", how="left")
    m = _add(
        m,
        "relation",
        pl.when((pl.col("_heads") > 1) & (pl.col("relation") == "head")).then(
            pl.when(pl.col("_reg_heads").fill_null(0) > 0)
            .then(problem("head_already_registered"))
            .otherwise(problem("several_heads"))
        ),
    )
    # The head is an adult unless no member in the file is (the officer then records why in the registry).
    adults = (
        m.filter(pl.col("date_of_birth").is_not_null() & ~timeline.minor_expr(pl.col("date_of_birth"), ctx.today))
        .group_by("household_code")
        .agg(pl.len().alias("_adults"))
    )
    m = m.join(adults, on="household_code", how="left")
    m = _add(
        m,
        "relation",
        pl.when(
            (pl.col("relation") == "head")
            & (pl.col("date_of_birth") <= ctx.today)  # a date in the future is refused for itself
            & timeline.minor_expr(pl.col("date_of_birth"), ctx.today)
            & (pl.col("_adults").fill_null(0) > 0)
        ).then(
            problem(
                "head_not_adult",
                format_date_expr(pl.col("date_of_birth")),
                timeline.rule("adult_age", ctx.today),
            )
        ),
    ).drop("_adults")
    # A household that only appears through member rows and lacks a head: tell it on those rows.
    m = _add(m, "household_code", pl.when(pl.col("_heads") == 0).then(problem("household_without_head")))
    return h.drop("_heads"), m.drop("_heads", "_reg_heads")


def _problem_cols(frame: pl.DataFrame) -> list[str]:
    return [c for c in frame.columns if c.startswith("_p_")]


def validate(raw: RawFile, ctx: Context) -> Validated:
    hraw = raw.tables.get("households") or _empty(HOUSEHOLD_COLUMNS)
    mraw = raw.tables.get("members") or _empty(MEMBER_COLUMNS)
    h, _ = _parse(hraw, HOUSEHOLD_COLUMNS)
    m, _ = _parse(mraw, MEMBER_COLUMNS)
    h = _households(h, m, ctx)
    m = _members(m, h, ctx)
    h, m = _heads(h, m, ctx)

    h = h.with_columns(pl.any_horizontal([pl.col(c).is_not_null() for c in _problem_cols(h)]).alias("_bad"))
    m = m.with_columns(pl.any_horizontal([pl.col(c).is_not_null() for c in _problem_cols(m)]).alias("_bad"))
    # All or nothing per household: a bad member holds back its household, a bad household its members.
    bad_codes = (
        pl.concat(
            [
                h.filter("_bad").select(pl.col("code").alias("household_code")),
                m.filter("_bad").select("household_code"),
            ]
        )
        .drop_nulls()
        .unique()
    )
    h = h.with_columns((~pl.col("_bad") & ~pl.col("code").is_in(bad_codes["household_code"].implode())).alias("_valid"))
    m = m.with_columns(
        (~pl.col("_bad") & ~pl.col("household_code").is_in(bad_codes["household_code"].implode())).alias("_valid")
    )
    held_h = h.filter(~pl.col("_bad") & ~pl.col("_valid"))
    held_m = m.filter(~pl.col("_bad") & ~pl.col("_valid"))

    issues = [
        _issue_rows(h, "households", HOUSEHOLD_COLUMNS, "error", "_p_"),
        _issue_rows(m, "members", MEMBER_COLUMNS, "error", "_p_"),
        _issue_rows(h, "households", HOUSEHOLD_COLUMNS, "notice", "_n_"),
        _issue_rows(m, "members", MEMBER_COLUMNS, "notice", "_n_"),
        held_h.select(
            pl.lit("households").alias("table"),
            pl.col(ROW).alias("row"),
            pl.lit("Mã hộ").alias("column"),
            pl.col("code").alias("value"),
            pl.lit("held_by_member").alias("code"),
            pl.lit([], dtype=pl.List(pl.String)).alias("params"),
            pl.lit("notice").alias("level"),
        ),
        held_m.select(
            pl.lit("members").alias("table"),
            pl.col(ROW).alias("row"),
            pl.lit("Mã hộ").alias("column"),
            pl.col("household_code").alias("value"),
            pl.lit("held_by_household").alias("code"),
            pl.lit([], dtype=pl.List(pl.String)).alias("params"),
            pl.lit("notice").alias("level"),
        ),
    ]
    all_issues = pl.concat([i.cast(ISSUE_SCHEMA) for i in issues]).sort("table", "row", "level")  # type: ignore[arg-type]
    keep_h = [ROW, "household_id", "ward_area_type", "_valid", *[c.field for c in HOUSEHOLD_COLUMNS]]
    keep_m = [ROW, "member_id", "name_folded", "_valid", *[c.field for c in MEMBER_COLUMNS]]
    present = {name: (raw.tables[name].present if name in raw.tables else set()) for name in TABLES}
    return Validated(h.select(keep_h), m.select(keep_m), all_issues, present, list(raw.notices))
