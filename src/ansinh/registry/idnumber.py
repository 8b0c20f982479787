"""The personal ID number rule, in one place: a scalar check for one member and its column twin for bulk paths.

Structure (policy reference §9): digits 1-3 the birth-registration province, digit 4 century and sex
(1900s: 0 male / 1 female; 2000s: 2 / 3; …), digits 5-6 the last two digits of the birth year,
digits 7-12 a random sequence with no check digit. The former identity card number has 9 digits.

``findings`` (one number) and ``findings_expr`` (a column) give the same codes, in this order, which tests
hold equal on generated numbers:

- ``format``: not exactly 12 ASCII digits (nothing else is checked then);
- ``province``: digits 1-3 are not a known birth-registration code (a warning: numbers registered abroad);
- ``sex``: digit 4 disagrees with the recorded sex and century of birth;
- ``year``: digits 5-6 disagree with the recorded year of birth.

Sex and year are checked only when both the sex and the date of birth are known.
"""

from __future__ import annotations

import datetime
import re
from functools import cache
from pathlib import Path

import polars as pl
import yaml
from django.utils.translation import gettext as _

# ASCII digits only: ``\d`` would also accept other scripts' digits (and Polars' regex is Unicode-aware).
PATTERN = r"^[0-9]{12}$"
LEGACY_PATTERN = r"^[0-9]{9}$"
FINDINGS = ("format", "province", "sex", "year")
WARNINGS = frozenset({"province"})


@cache
def reference() -> tuple[frozenset[str], int]:
    """The legal data of the rule: the province codes of the first three digits, and the first century of
    the century-and-sex digit (``data/id_province_codes.yaml``)."""
    raw = yaml.safe_load(Path(__file__).with_name("data").joinpath("id_province_codes.yaml").read_text("utf-8"))
    return frozenset(raw["codes"]), int(raw["century_sex"]["first_century"])


def province_codes() -> frozenset[str]:
    """The known birth-registration codes (digits 1-3)."""
    return reference()[0]


def first_century() -> int:
    """The first year of the century whose digit-4 pair is 0 (male) / 1 (female)."""
    return reference()[1]


def is_legacy_well_formed(number: str) -> bool:
    """Whether a former identity card number has exactly 9 ASCII digits.

    >>> is_legacy_well_formed("079085001"), is_legacy_well_formed("07908500")
    (True, False)
    """
    return re.fullmatch(LEGACY_PATTERN, number) is not None


def expected_digit4(sex: str, date_of_birth: datetime.date) -> str:
    """The century-and-sex digit for a person.

    >>> expected_digit4("M", datetime.date(1985, 1, 1)), expected_digit4("F", datetime.date(2003, 5, 1))
    ('0', '3')
    """
    century = (date_of_birth.year - first_century()) // 100
    return str(century * 2 + (1 if sex == "F" else 0))


def findings(id_number: str, sex: str | None, date_of_birth: datetime.date | None) -> list[str]:
    """What is wrong with one ID number (codes of ``FINDINGS``, in that order; empty when nothing is).

    >>> findings("079085001234", "M", datetime.date(1985, 3, 2))
    []
    >>> findings("999185001234", "M", datetime.date(1986, 3, 2))
    ['province', 'sex', 'year']
    >>> findings("07908500123", "M", None)
    ['format']
    """
    if re.fullmatch(PATTERN, id_number) is None:
        return ["format"]
    found = [] if id_number[:3] in province_codes() else ["province"]
    if sex and date_of_birth:
        if id_number[3] != expected_digit4(sex, date_of_birth):
            found.append("sex")
        if id_number[4:6] != f"{date_of_birth.year % 100:02d}":
            found.append("year")
    return found


def expected_digit4_expr(sex: pl.Expr, date_of_birth: pl.Expr) -> pl.Expr:
    """``expected_digit4`` over columns."""
    century = (date_of_birth.dt.year().cast(pl.Int64) - first_century()) // 100
    return (century * 2 + (sex == "F").cast(pl.Int64)).cast(pl.String)


def expected_year_digits_expr(date_of_birth: pl.Expr) -> pl.Expr:
    """Digits 5-6 a person born on ``date_of_birth`` has, over columns."""
    return (date_of_birth.dt.year() % 100).cast(pl.String).str.zfill(2)


def findings_expr(id_number: pl.Expr, sex: pl.Expr, date_of_birth: pl.Expr) -> pl.Expr:
    """``findings`` over columns: a list of codes per row (empty when nothing is wrong; null ID → empty).

    >>> frame = pl.DataFrame({"id": ["079085001234", "999185001234", "0790"], "sex": ["M", "M", None]})
    >>> born = pl.lit(datetime.date(1986, 3, 2))
    >>> frame.select(findings_expr(pl.col("id"), pl.col("sex"), born)).to_series().to_list()
    [['year'], ['province', 'sex', 'year'], ['format']]
    """
    well_formed = id_number.str.contains(PATTERN)
    known = (sex.is_not_null() & (sex != "") & date_of_birth.is_not_null()).fill_null(False)
    digit4_bad = id_number.str.slice(3, 1) != expected_digit4_expr(sex, date_of_birth)
    year_bad = id_number.str.slice(4, 2) != expected_year_digits_expr(date_of_birth)
    checks = {
        "format": ~well_formed,
        "province": well_formed & ~id_number.str.slice(0, 3).is_in(sorted(province_codes())),
        "sex": well_formed & known & digit4_bad,
        "year": well_formed & known & year_bad,
    }
    return pl.concat_list(
        [
            pl.when(checks[code].fill_null(False)).then(pl.lit(code)).otherwise(pl.lit(None, pl.String))
            for code in FINDINGS
        ]
    ).list.drop_nulls()


def check(id_number: str, sex: str | None, date_of_birth: datetime.date | None) -> tuple[list[str], list[str]]:
    """Return ``(errors, warnings)`` for an ID number, worded; errors refuse it, warnings are shown.

    >>> check("079085001234", "M", datetime.date(1985, 3, 2))
    ([], [])
    >>> errors, _ = check("079185001234", "M", datetime.date(1985, 3, 2)); len(errors)
    1
    """
    errors: list[str] = []
    warnings: list[str] = []
    found = findings(id_number, sex, date_of_birth)
    if "format" in found:
        errors.append(_("The personal ID number must be exactly 12 digits."))
    if "province" in found:
        warnings.append(
            _("Province code %(code)s at the start of the ID number is not a known birth-registration code.")
            % {"code": id_number[:3]}
        )
    if "sex" in found:
        assert sex and date_of_birth
        errors.append(
            _(
                "The 4th digit of the ID number (%(digit)s) does not match the sex and century of birth "
                "(expected %(expected)s)."
            )
            % {"digit": id_number[3], "expected": expected_digit4(sex, date_of_birth)}
        )
    if "year" in found:
        assert date_of_birth
        errors.append(
            _("Digits 5-6 of the ID number (%(digits)s) do not match the year of birth %(year)s.")
            % {"digits": id_number[4:6], "year": date_of_birth.year}
        )
    return errors, warnings


# -- masking: what the screen masks, every output masks ---------------------------------------------------
MASK = "•"
SHOWN_DIGITS = 3


def mask(value: str | None) -> str:
    """All but the last three digits of a personal ID number hidden (``accounts.permissions.shows_full_ids``
    says for whom): the screen, the exports, the certificates and every other file use this one form.

    >>> mask("079085001234")
    '•••••••••234'
    >>> mask("")
    ''
    """
    if not value:
        return ""
    return MASK * max(len(value) - SHOWN_DIGITS, 0) + value[-SHOWN_DIGITS:]


def mask_expr(expr: pl.Expr) -> pl.Expr:
    """Column twin of :func:`mask` (null and empty stay as they are).

    >>> pl.select(mask_expr(pl.lit("079085001234"))).item()
    '•••••••••234'
    """
    hidden = pl.lit(MASK).repeat_by((expr.str.len_chars() - SHOWN_DIGITS).clip(lower_bound=0)).list.join("")
    return pl.when(expr.is_null() | (expr == "")).then(expr).otherwise(hidden + expr.str.slice(-SHOWN_DIGITS))
