"""Numbers written the way the active language writes them (``1.500.000`` in Vietnamese, ``1,500,000`` in
English). Django's ``vi`` locale sets ``.`` as thousand separator but no grouping, so the grouping is done
here; the web layer's ``vn_number`` filter and any other layer (import notices, documents) share it.
``normalise_number`` reads a number typed that way back (the survey form, the offline workbooks)."""

from __future__ import annotations

import re
from typing import Any

from django.utils.translation import get_language

_SEPARATORS = {"vi": (".", ","), "en": (",", ".")}


def separators() -> tuple[str, str]:
    """(thousands, decimal) separators of the active language (Vietnamese when none is active)."""
    return _SEPARATORS.get((get_language() or "vi")[:2], _SEPARATORS["vi"])


def vn_number(value: Any, decimals: int = 0) -> str:
    """Group thousands the way the active language writes them: ``1.500.000`` in vi, ``1,500,000`` in en.

    >>> from django.utils import translation
    >>> with translation.override("vi"):
    ...     vn_number(1500000), vn_number(12.5, 1), vn_number(None)
    ('1.500.000', '12,5', '')
    >>> with translation.override("en"):
    ...     vn_number(1500000)
    '1,500,000'
    """
    if value is None or value == "":
        return ""
    try:
        number = float(value) if decimals else int(value)
    except (TypeError, ValueError):
        return str(value)
    thousands, decimal = separators()
    text = f"{number:,.{int(decimals)}f}" if decimals else f"{number:,}"
    table: dict[str, str | int | None] = {",": thousands, ".": decimal}
    return text.translate(str.maketrans(table))


_GROUPED_DOTS = re.compile(r"^-?\d{1,3}(\.\d{3})+$")
_GROUPED_COMMAS = re.compile(r"^-?\d{1,3}(,\d{3})+$")


def normalise_number(text: str, language: str | None = None) -> str:
    """A number as typed in the user's language, in the plain form the definition parses.

    Vietnamese writes ``1.500.000`` and ``12,5``; English ``1,500,000`` and ``12.5``.

    >>> from django.utils import translation
    >>> with translation.override("vi"):
    ...     [normalise_number(t) for t in ("1.500.000", "12,5", "1.500.000,5", "12.5", "1 500")]
    ['1500000', '12.5', '1500000.5', '12.5', '1500']
    >>> with translation.override("en"):
    ...     [normalise_number(t) for t in ("1,500,000", "12.5", "1,500.5")]
    ['1500000', '12.5', '1500.5']
    """
    value = text.strip().replace(" ", "").replace("\u00a0", "")
    vietnamese = (language or get_language() or "vi")[:2] == "vi"
    if "," in value and "." in value:
        decimal = "," if value.rfind(",") > value.rfind(".") else "."
        thousands = "." if decimal == "," else ","
        return value.replace(thousands, "").replace(decimal, ".")
    if "," in value:
        if not vietnamese and _GROUPED_COMMAS.match(value):
            return value.replace(",", "")
        return value.replace(",", ".") if vietnamese else value.replace(",", "")
    if "." in value and vietnamese and _GROUPED_DOTS.match(value):
        return value.replace(".", "")
    return value
