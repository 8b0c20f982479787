"""Column-wise parsing of the import format: each function turns a String column into a typed one.

Pure Polars (no per-row Python). Each returns ``(value, problem)`` expressions: ``problem`` is a
``problems.PROBLEM`` (a code and its parameters) where the cell has a value that cannot be read, else null.
"""

from __future__ import annotations

import polars as pl

from ansinh.imports.columns import FALSE_WORDS, TRUE_WORDS, Column, code_map
from ansinh.imports.problems import problem as _problem
from ansinh.lib.dates import parse_date_expr
from ansinh.lib.numbers import parse_number_expr
from ansinh.lib.text import fold_expr
from ansinh.registry import idnumber

TEXT_LIMITS = {"code": 32, "address": 255, "full_name": 150, "household_code": 32}


def clean(expr: pl.Expr) -> pl.Expr:
    """Trim; an empty cell is null; the apostrophe an export puts before = + - @ is removed."""
    s = expr.str.strip_chars().str.replace(r"^'([=+\-@])", "${1}")
    return pl.when(s == "").then(None).otherwise(s)


def parse_code(raw: pl.Expr, col: Column) -> tuple[pl.Expr, pl.Expr]:
    assert col.vocabulary is not None
    value = fold_expr(raw).replace_strict(code_map(col.vocabulary), default=None, return_dtype=pl.String)
    problem = pl.when(raw.is_not_null() & value.is_null()).then(_problem("not_in_list", raw, col.header))
    return value, problem


def parse_date(raw: pl.Expr, col: Column) -> tuple[pl.Expr, pl.Expr]:
    value = parse_date_expr(raw)
    problem = pl.when(raw.is_not_null() & value.is_null()).then(_problem("bad_date", raw))
    return value, problem


def parse_float(raw: pl.Expr, col: Column) -> tuple[pl.Expr, pl.Expr]:
    value = parse_number_expr(raw, "vi")
    problem = (
        pl.when(raw.is_not_null() & value.is_null())
        .then(_problem("bad_number", raw))
        .when(value < 0)
        .then(_problem("negative_number", raw))
    )
    return value, problem


def parse_int(raw: pl.Expr, col: Column) -> tuple[pl.Expr, pl.Expr]:
    f = parse_number_expr(raw, "vi")
    ok = f.is_not_null() & (f.round(0) == f) & (f.abs() < 1e15)
    value = pl.when(ok).then(f.cast(pl.Int64))
    problem = (
        pl.when(raw.is_not_null() & ~ok.fill_null(False))
        .then(_problem("bad_whole_number", raw))
        .when(f < 0)
        .then(_problem("negative_number", raw))
    )
    return value, problem


def parse_bool(raw: pl.Expr, col: Column) -> tuple[pl.Expr, pl.Expr]:
    folded = fold_expr(raw)
    value = pl.when(folded.is_in(TRUE_WORDS)).then(True).when(folded.is_in(FALSE_WORDS)).then(False)
    problem = pl.when(raw.is_not_null() & value.is_null()).then(_problem("bad_yes_no", raw))
    return value, problem


def parse_id12(raw: pl.Expr, col: Column) -> tuple[pl.Expr, pl.Expr]:
    s = raw.str.replace_all(r"[\s.\-]", "")
    # A number typed into Excel loses its leading zero: every province code starts with 0.
    s = pl.when(s.str.contains(r"^\d{11}$")).then(pl.lit("0") + s).otherwise(s)
    ok = s.str.contains(idnumber.PATTERN)
    value = pl.when(ok).then(s)
    problem = pl.when(raw.is_not_null() & ~ok.fill_null(False)).then(_problem("bad_id_number", raw))
    return value, problem


def parse_id9(raw: pl.Expr, col: Column) -> tuple[pl.Expr, pl.Expr]:
    s = raw.str.replace_all(r"\s", "")
    ok = s.str.contains(idnumber.LEGACY_PATTERN)
    value = pl.when(ok).then(s)
    problem = pl.when(raw.is_not_null() & ~ok.fill_null(False)).then(_problem("bad_old_id_number", raw))
    return value, problem


def parse_text(raw: pl.Expr, col: Column) -> tuple[pl.Expr, pl.Expr]:
    limit = TEXT_LIMITS.get(col.field, 255)
    problem = pl.when(raw.str.len_chars() > limit).then(_problem("too_long", limit))
    return raw, problem


PARSERS = {
    "code": parse_code,
    "date": parse_date,
    "float": parse_float,
    "int": parse_int,
    "bool": parse_bool,
    "id12": parse_id12,
    "id9": parse_id9,
    "text": parse_text,
}
DTYPES = {
    "code": pl.String,
    "date": pl.Date,
    "float": pl.Float64,
    "int": pl.Int64,
    "bool": pl.Boolean,
    "id12": pl.String,
    "id9": pl.String,
    "text": pl.String,
}


def id_problems(id_number: pl.Expr, sex: pl.Expr, dob: pl.Expr) -> pl.Expr:
    """The ID-number rule (``ansinh.registry.idnumber.findings_expr``) as import problems: digit 4 (century
    and sex) and digits 5-6 (year of birth) must agree with the recorded sex and date of birth."""
    found = idnumber.findings_expr(id_number, sex, dob)
    expected4 = idnumber.expected_digit4_expr(sex, dob)
    expected56 = idnumber.expected_year_digits_expr(dob)
    digit4 = id_number.str.slice(3, 1)
    digits56 = id_number.str.slice(4, 2)
    bad4 = found.list.contains("sex")
    bad56 = found.list.contains("year")
    return (
        pl.when(bad4 & bad56)
        .then(_problem("id_sex_and_year_mismatch", digit4, expected4, digits56, expected56))
        .when(bad4)
        .then(_problem("id_sex_mismatch", digit4, expected4))
        .when(bad56)
        .then(_problem("id_year_mismatch", digits56, expected56))
    )
