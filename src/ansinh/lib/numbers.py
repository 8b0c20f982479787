"""Numbers written the way the active language writes them (``1.500.000`` in Vietnamese, ``1,500,000`` in
English). Django's ``vi`` locale sets ``.`` as thousand separator but no grouping, so the grouping is done
here; the web layer's ``vn_number`` filter and any other layer (import notices, documents) share it."""

from __future__ import annotations

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
