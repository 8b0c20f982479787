"""Checking a 12-digit personal ID number against the recorded sex and date of birth.

Structure (policy reference §9): digits 1-3 the birth-registration province, digit 4 century and sex
(1900s: 0 male / 1 female; 2000s: 2 / 3; …), digits 5-6 the last two digits of the birth year,
digits 7-12 a random sequence with no check digit.
"""

from __future__ import annotations

import datetime
from functools import cache
from pathlib import Path

import yaml
from django.utils.translation import gettext as _


@cache
def reference() -> tuple[frozenset[str], int]:
    """The legal data of the rule: the province codes of the first three digits, and the first century of
    the century-and-sex digit (``data/id_province_codes.yaml``)."""
    raw = yaml.safe_load(Path(__file__).with_name("data").joinpath("id_province_codes.yaml").read_text("utf-8"))
    return frozenset(raw["codes"]), int(raw["century_sex"]["first_century"])


def expected_digit4(sex: str, date_of_birth: datetime.date) -> str:
    """The century-and-sex digit for a person.

    >>> expected_digit4("M", datetime.date(1985, 1, 1)), expected_digit4("F", datetime.date(2003, 5, 1))
    ('0', '3')
    """
    _codes, first = reference()
    century = (date_of_birth.year - first) // 100
    return str(century * 2 + (1 if sex == "F" else 0))


def check(id_number: str, sex: str | None, date_of_birth: datetime.date | None) -> tuple[list[str], list[str]]:
    """Return ``(errors, warnings)`` for an ID number; errors refuse it, warnings are shown.

    >>> check("079085001234", "M", datetime.date(1985, 3, 2))
    ([], [])
    >>> errors, _ = check("079185001234", "M", datetime.date(1985, 3, 2)); len(errors)
    1
    """
    errors: list[str] = []
    warnings: list[str] = []
    if len(id_number) != 12 or not id_number.isascii() or not id_number.isdigit():
        errors.append(_("The personal ID number must be exactly 12 digits."))
        return errors, warnings
    codes, _first = reference()
    if id_number[:3] not in codes:
        warnings.append(
            _("Province code %(code)s at the start of the ID number is not a known birth-registration code.")
            % {"code": id_number[:3]}
        )
    if sex and date_of_birth:
        if id_number[3] != expected_digit4(sex, date_of_birth):
            errors.append(
                _(
                    "The 4th digit of the ID number (%(digit)s) does not match the sex and century of birth "
                    "(expected %(expected)s)."
                )
                % {"digit": id_number[3], "expected": expected_digit4(sex, date_of_birth)}
            )
        if id_number[4:6] != f"{date_of_birth.year % 100:02d}":
            errors.append(
                _("Digits 5-6 of the ID number (%(digits)s) do not match the year of birth %(year)s.")
                % {"digits": id_number[4:6], "year": date_of_birth.year}
            )
    return errors, warnings
