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


def defaults(values: dict[str, Any], on: dt.date) -> dict[str, Any]:
    """``values`` with the age-dependent values it leaves out filled as the age says (a child below the
    working age is a child, not employed)."""
    born = values.get("date_of_birth")
    if born is not None and not values.get("employment_status") and age(born, on) < rule("working_age_from", on):
        return {**values, "employment_status": CHILD_DEFAULT}
    return values


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
