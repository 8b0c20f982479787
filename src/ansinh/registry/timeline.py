"""What time allows in a household's record: an event not before the person's birth nor after their death, a
birth event on the date of birth, an adult head unless no adult remains, and values that fit the age.

The registry actions (behind every form) and the import's validation (a whole file at once, as Polars
expressions) apply these same rules; the ages come from ``rules.yaml`` (dated, with their legal reference).
Refusals name the field and the reason, with dates as dd/mm/yyyy.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from functools import cache
from pathlib import Path
from typing import Any

import polars as pl

from ansinh.lib.legal import LegalData, read_files
from ansinh.registry.errors import (
    BirthNotOnDateOfBirth,
    DateAfterDeath,
    DateBeforeBirth,
    HeadNotAdult,
    HeadReasonMissing,
    StatusDoesNotFitAge,
)

RULES = Path(__file__).with_name("rules.yaml")
# Employment statuses that fit a member below the working age; the others belong to the labour force.
BELOW_WORKING_AGE = ("child", "student", "unable_to_work")
CHILD_DEFAULT = "child"


@cache
def _rules() -> LegalData:
    return read_files([RULES], "registry rules")


def rule(name: str, on: dt.date) -> int:
    """The value of the registry rule ``name`` in force on ``on`` (read by the one reader of legal data)."""
    return int(_rules().value_at(name, on))


def age(born: dt.date, on: dt.date) -> int:
    """Completed years on ``on``."""
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def age_expr(born: pl.Expr, on: dt.date) -> pl.Expr:
    """:func:`age` over a column of dates."""
    before_birthday = (born.dt.month() * 100 + born.dt.day()) > on.month * 100 + on.day
    return pl.lit(on.year) - born.dt.year() - before_birthday.cast(pl.Int32)


def school_level(years: int, on: dt.date) -> str | None:
    """The level of general education a child of ``years`` attends, or None outside school age."""
    if years < rule("school_age_from", on) or years >= rule("school_age_below", on):
        return None
    if years >= rule("upper_secondary_from", on):
        return "upper_secondary"
    if years >= rule("lower_secondary_from", on):
        return "lower_secondary"
    return "primary"


def defaults(values: dict[str, Any], on: dt.date) -> dict[str, Any]:
    """``values`` with the age-dependent values it leaves out filled as the age says: a child below the working
    age is a child, not employed; a child of school age attends the level of their age; anyone else whose
    schooling is not given does not attend."""
    born = values.get("date_of_birth")
    if born is None:
        return values
    out = dict(values)
    years = age(born, on)
    if not out.get("employment_status") and years < rule("working_age_from", on):
        out["employment_status"] = CHILD_DEFAULT
    if not out.get("schooling_status"):
        level = school_level(years, on)
        out["schooling_status"] = "attending" if level else "not_attending"
        if level and not out.get("school_level"):
            out["school_level"] = level
    return out


def default_schooling_exprs(status: pl.Expr, level: pl.Expr, born: pl.Expr, on: dt.date) -> list[pl.Expr]:
    """:func:`defaults` for schooling over columns: an empty schooling status is attending at school age (with
    the level of the age when none is given), not attending otherwise."""
    years = age_expr(born, on)
    by_age = (
        pl.when((years < rule("school_age_from", on)) | (years >= rule("school_age_below", on)))
        .then(pl.lit(None, dtype=pl.String))
        .when(years >= rule("upper_secondary_from", on))
        .then(pl.lit("upper_secondary"))
        .when(years >= rule("lower_secondary_from", on))
        .then(pl.lit("lower_secondary"))
        .otherwise(pl.lit("primary"))
    )
    empty = status.is_null() | (status == "")
    return [
        pl.when(empty)
        .then(pl.when(by_age.is_null()).then(pl.lit("not_attending")).otherwise(pl.lit("attending")))
        .otherwise(status)
        .alias("schooling_status"),
        pl.when(empty & (level.is_null() | (level == ""))).then(by_age).otherwise(level).alias("school_level"),
    ]


def default_employment_expr(status: pl.Expr, born: pl.Expr, on: dt.date) -> pl.Expr:
    """:func:`defaults` over columns: an empty employment status below the working age is a child's."""
    young = age_expr(born, on) < rule("working_age_from", on)
    return pl.when(status.is_null() & young).then(pl.lit(CHILD_DEFAULT)).otherwise(status).alias("employment_status")


def too_young_expr(status: pl.Expr, born: pl.Expr, on: dt.date) -> pl.Expr:
    """Rows whose employment status does not fit an age below the working age (what :func:`check_member`
    refuses)."""
    return (age_expr(born, on) < rule("working_age_from", on)) & ~status.is_in(BELOW_WORKING_AGE)


def minor_expr(born: pl.Expr, on: dt.date) -> pl.Expr:
    """Rows of people below the adult age on ``on``."""
    return age_expr(born, on) < rule("adult_age", on)


def check_member(values: dict[str, Any], on: dt.date) -> None:
    """Refuse values that do not fit the member's age on ``on``."""
    born = values.get("date_of_birth")
    status = values.get("employment_status")
    if born is None or not status:
        return
    years, limit = age(born, on), rule("working_age_from", on)
    if years < limit and status not in BELOW_WORKING_AGE:
        raise StatusDoesNotFitAge(
            field="employment_status", name=values.get("full_name") or "", age=years, born=born, limit=limit
        )


def check_event(name: str, born: dt.date, on: dt.date, *, died: dt.date | None = None, field: str = "date") -> None:
    """An event in a person's record is dated on or after their birth, and not after their death."""
    if on < born:
        raise DateBeforeBirth(field=field, date=on, name=name, born=born)
    if died is not None and on > died:
        raise DateAfterDeath(field=field, date=on, name=name, died=died)


def check_birth(name: str, born: dt.date, on: dt.date, *, field: str = "on") -> None:
    """A birth is recorded on the date of birth."""
    if on != born:
        raise BirthNotOnDateOfBirth(field=field, name=name, born=born, date=on)


def check_head(name: str, born: dt.date, others: Iterable[dt.date], on: dt.date, reason: str, *, field: str) -> None:
    """The head is an adult, unless no member of the household is (then ``reason`` says why)."""
    adult = rule("adult_age", on)
    if age(born, on) >= adult:
        return
    if any(age(b, on) >= adult for b in others):
        raise HeadNotAdult(field=field, name=name, age=age(born, on), born=born, adult=adult)
    if not reason.strip():
        raise HeadReasonMissing(field="head_reason", adult=adult, name=name, born=born)
