"""Calendar dates as Vietnamese users write them: day first, ``27/03/1985``. One parser and one formatter,
each a scalar function and its Polars column twin (tests hold the two equal on generated text).

No Django. Reading accepts ``dd/mm/yyyy`` with ``/``, ``-`` or ``.`` between the parts (one or two digits
for day and month), ``yyyy-mm-dd`` (ISO, also with a time after it, as spreadsheets export a date cell) and
``yyyy/mm/dd``; a day that does not exist (``31/02/2025``) is no date.
"""

from __future__ import annotations

import datetime
import re

import polars as pl

DATE_FORMAT = "%d/%m/%Y"
DATETIME_FORMAT = "%d/%m/%Y %H:%M"

# Spaces around the text (the same set for both forms: Python's and Polars' notions of space differ).
_AROUND = " \t\n\r\x0b\x0c\u00a0"
_ISO_WITH_TIME = r"^([0-9]{4}-[0-9]{2}-[0-9]{2})[ T].*$"
_DAY_FIRST = r"^([0-9]{1,2})/([0-9]{1,2})/([1-9][0-9]{3})$"
_YEAR_FIRST = r"^([1-9][0-9]{3})/([0-9]{1,2})/([0-9]{1,2})$"


def _python(pattern: str) -> str:
    """``pattern`` for Python's ``re``, whose ``$`` also matches before a final newline (Polars' does not)."""
    return pattern[:-1] + r"\Z" if pattern.endswith("$") else pattern


def _normal(text: str) -> str:
    return re.sub(r"[.\-]", "/", re.sub(_python(_ISO_WITH_TIME), r"\1", text.strip(_AROUND)))


def parse_date(text: str | None) -> datetime.date | None:
    """The date ``text`` writes, or ``None``.

    >>> [parse_date(t) for t in ("27/03/1985", "1-7-2025", "2025-07-01", "2025-07-01 00:00:00", "27.03.1985")]
    [datetime.date(1985, 3, 27), datetime.date(2025, 7, 1), datetime.date(2025, 7, 1), datetime.date(2025, 7, 1), \
datetime.date(1985, 3, 27)]
    >>> parse_date("31/02/2025"), parse_date("03/27/1985"), parse_date("hôm qua"), parse_date(None)
    (None, None, None, None)
    """
    if text is None:
        return None
    s = _normal(text)
    if match := re.search(_python(_DAY_FIRST), s):
        day, month, year = match.groups()
    elif match := re.search(_python(_YEAR_FIRST), s):
        year, month, day = match.groups()
    else:
        return None
    try:
        return datetime.date(int(year), int(month), int(day))
    except ValueError:
        return None


def parse_date_expr(expr: pl.Expr) -> pl.Expr:
    """``parse_date`` over a String column (Date; null where the text writes no date).

    >>> pl.select(parse_date_expr(pl.lit("1.7.2025"))).item()
    datetime.date(2025, 7, 1)
    """
    s = expr.str.strip_chars(_AROUND).str.replace(_ISO_WITH_TIME, "${1}").str.replace_all(r"[.\-]", "/")

    def iso(year: pl.Expr, month: pl.Expr, day: pl.Expr) -> pl.Expr:
        return pl.concat_str([year, month.str.zfill(2), day.str.zfill(2)], separator="-")

    day_first = s.str.extract_groups(_DAY_FIRST)
    year_first = s.str.extract_groups(_YEAR_FIRST)
    text = pl.coalesce(
        iso(day_first.struct.field("3"), day_first.struct.field("2"), day_first.struct.field("1")),
        iso(year_first.struct.field("1"), year_first.struct.field("2"), year_first.struct.field("3")),
    )
    return text.str.to_date("%Y-%m-%d", strict=False)


def format_date(value: datetime.date | None) -> str:
    """``dd/mm/yyyy`` (``""`` for none).

    >>> format_date(datetime.date(1985, 3, 7)), format_date(None)
    ('07/03/1985', '')
    """
    return value.strftime(DATE_FORMAT) if value else ""


def format_date_expr(expr: pl.Expr) -> pl.Expr:
    """``format_date`` over a Date column (null stays null).

    >>> pl.select(format_date_expr(pl.lit(datetime.date(1985, 3, 7)))).item()
    '07/03/1985'
    """
    return expr.dt.strftime(DATE_FORMAT)
