"""One parser and one formatter for Vietnamese numbers and dates: each scalar function gives, row by row,
what its Polars column twin gives."""

from __future__ import annotations

import datetime
import doctest

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ansinh.lib import dates, numbers
from ansinh.lib.dates import format_date, format_date_expr, parse_date, parse_date_expr
from ansinh.lib.numbers import parse_number, parse_number_expr

NUMBER_TEXT = st.text(alphabet="0123456789.,-+ eE\u00a0\u202f\n\x1cđồngVNĐ₫\u0661a", max_size=16)
GROUPED = st.builds(
    lambda whole, frac, thousands, decimal: f"{whole:,}".replace(",", thousands) + (f"{decimal}{frac}" if frac else ""),
    st.integers(-(10**12), 10**12),
    st.sampled_from(["", "5", "25", "125", "0001"]),
    st.sampled_from([".", ",", " ", ""]),
    st.sampled_from([",", "."]),
)
DATE_TEXT = st.text(alphabet="0123456789/-.: T\n\t\x1c\u00a0a", max_size=22)
WRITTEN_DATES = st.builds(
    lambda d, sep, form: (
        f"{d.day}{sep}{d.month}{sep}{d.year}" if form == 0 else d.isoformat() if form == 1 else f"{d:%d/%m/%Y} 00:00"
    ),
    st.dates(min_value=datetime.date(1000, 1, 1)),
    st.sampled_from(["/", "-", "."]),
    st.integers(0, 2),
)


def parsed(values: list[str | None], lang: str) -> list[float | None]:
    return (
        pl.DataFrame({"s": values}, schema={"s": pl.String})
        .select(parse_number_expr(pl.col("s"), lang))
        .to_series()
        .to_list()
    )


@pytest.mark.parametrize("module", [numbers, dates])
def test_it_passes_the_doctests(module) -> None:
    result = doctest.testmod(module)
    assert result.attempted and not result.failed


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(st.none(), NUMBER_TEXT, GROUPED), min_size=1, max_size=20), st.sampled_from(["vi", "en"]))
def test_the_number_column_reads_what_the_scalar_reads(values: list[str | None], lang: str) -> None:
    assert parsed(values, lang) == [parse_number(v, lang) for v in values]


@settings(max_examples=200, deadline=None)
@given(st.integers(-(10**12), 10**12), st.sampled_from(["vi", "en"]))
def test_it_reads_back_what_it_writes(whole: int, lang: str) -> None:
    assert parse_number(numbers.format_number(whole, lang=lang), lang) == whole
    assert parse_number(numbers.format_number(whole / 4, 2, lang), lang) == whole / 4


def test_it_reads_the_forms_officers_type() -> None:
    vi = {"1.500.000": 1_500_000, "12,5": 12.5, "1.500.000,5": 1_500_000.5, "1 500 000 đồng": 1_500_000, "45.5": 45.5}
    assert {t: parse_number(t, "vi") for t in vi} == vi
    assert parsed(list(vi), "vi") == list(vi.values())
    assert parse_number("1,500", "en") == 1500 and parse_number("1,500", "vi") == 1.5


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(st.none(), DATE_TEXT, WRITTEN_DATES), min_size=1, max_size=20))
def test_the_date_column_reads_what_the_scalar_reads(values: list[str | None]) -> None:
    column = (
        pl.DataFrame({"s": values}, schema={"s": pl.String}).select(parse_date_expr(pl.col("s"))).to_series().to_list()
    )
    assert column == [parse_date(v) for v in values]


@settings(max_examples=100, deadline=None)
@given(st.lists(st.one_of(st.none(), st.dates(min_value=datetime.date(1000, 1, 1))), min_size=1, max_size=20))
def test_the_date_column_writes_what_the_scalar_writes_and_reads_back(values: list[datetime.date | None]) -> None:
    column = (
        pl.DataFrame({"d": values}, schema={"d": pl.Date}).select(format_date_expr(pl.col("d"))).to_series().to_list()
    )
    assert column == [format_date(v) or None for v in values]
    assert [parse_date(t) for t in column if t] == [v for v in values if v]
