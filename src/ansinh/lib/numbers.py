"""Numbers as Vietnamese (and English) users write them: ``1.500.000`` and ``12,5`` in Vietnamese,
``1,500,000`` and ``12.5`` in English. One parser and one formatter, each a scalar function and its Polars
column twin (tests hold the two equal on generated text).

No Django: the language is a parameter (``"vi"``, ``"en"``, or a Django language code such as ``"en-us"``;
``None`` is Vietnamese). Interfaces pass ``django.utils.translation.get_language()``.

Reading (``parse_number`` / ``parse_number_expr``): spaces and a trailing currency word (``đồng``, ``đ``,
``VNĐ``, ``₫``) are ignored. Thousands are grouped by three; where the text itself says which separator is
which, both languages read it the same way:

- both ``.`` and ``,``: the last one is the decimal separator (``1.500.000,5``, ``1,500,000.5``);
- one separator used more than once: thousands (``1.500.000``, ``1,500,000``);
- one ``.`` or ``,`` before exactly three digits (``1.500``, ``1,500``): the language decides (thousands in
  the language that groups with it, decimals in the other);
- any other single ``.`` or ``,``: the decimal separator (``12,5``, ``12.5``).

Anything else (letters, digits of other scripts, bad grouping) is not a number: ``None`` / null.
"""

from __future__ import annotations

import math
import re
from typing import Any

import polars as pl

# Spaces users and spreadsheets put inside numbers (ASCII, no-break, thin, narrow no-break, ideographic …).
_SPACE = r"[ \t\n\r\x0b\x0c\x1c-\x1f\x85\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]"
_CURRENCY = r"(?i)(đồng|vnđ|vnd|đ|₫)$"
# ASCII digits only (both regex engines would otherwise accept other scripts' digits).
_SIGN = r"^-?"
_DOT_GROUPS_COMMA_DECIMAL = _SIGN + r"[0-9]{1,3}(\.[0-9]{3})+,[0-9]+$"
_COMMA_GROUPS_DOT_DECIMAL = _SIGN + r"[0-9]{1,3}(,[0-9]{3})+\.[0-9]+$"
_DOT_GROUPS = _SIGN + r"[0-9]{1,3}(\.[0-9]{3}){2,}$"
_COMMA_GROUPS = _SIGN + r"[0-9]{1,3}(,[0-9]{3}){2,}$"
_ONE_DOT_GROUP = _SIGN + r"[0-9]{1,3}\.[0-9]{3}$"
_ONE_COMMA_GROUP = _SIGN + r"[0-9]{1,3},[0-9]{3}$"
_COMMA_DECIMAL = _SIGN + r"[0-9]*,[0-9]+$"
# The plain form both Python's float() and Polars' cast read identically.
_PLAIN = _SIGN + r"([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][-+]?[0-9]+)?$"

_SEPARATORS = {"vi": (".", ","), "en": (",", ".")}


def _language(lang: str | None) -> str:
    code = (lang or "vi")[:2]
    return code if code in _SEPARATORS else "vi"


def separators(lang: str | None = None) -> tuple[str, str]:
    """(thousands, decimal) separators of ``lang`` (Vietnamese when unknown).

    >>> separators("vi"), separators("en-us")
    (('.', ','), (',', '.'))
    """
    return _SEPARATORS[_language(lang)]


def _matches(pattern: str, text: str) -> bool:
    # Python's ``$`` also matches before a final newline; Polars' does not.
    return re.search(pattern[:-1] + r"\Z" if pattern.endswith("$") else pattern, text) is not None


def _plain(text: str, lang: str) -> str:
    """``text`` rewritten with ``.`` as the only (decimal) separator, by the rules of the module docstring."""
    s = re.sub(_CURRENCY[:-1] + r"\Z", "", re.sub(_SPACE, "", text))
    if _matches(_DOT_GROUPS_COMMA_DECIMAL, s):
        return s.replace(".", "").replace(",", ".")
    if _matches(_COMMA_GROUPS_DOT_DECIMAL, s) or _matches(_COMMA_GROUPS, s):
        return s.replace(",", "")
    if _matches(_DOT_GROUPS, s):
        return s.replace(".", "")
    if _matches(_ONE_DOT_GROUP, s) and lang == "vi":
        return s.replace(".", "")
    if _matches(_ONE_COMMA_GROUP, s) and lang == "en":
        return s.replace(",", "")
    if _matches(_COMMA_DECIMAL, s):
        return s.replace(",", ".")
    return s


def parse_number(text: str | None, lang: str | None = None) -> float | None:
    """The number ``text`` writes, or ``None`` if it writes none.

    >>> [parse_number(t, "vi") for t in ("1.500.000", "12,5", "1.500.000,5", "12.5", "1 500", "1.500.000 đ")]
    [1500000.0, 12.5, 1500000.5, 12.5, 1500.0, 1500000.0]
    >>> [parse_number(t, "en") for t in ("1,500,000", "12.5", "1,500.5", "1.500")]
    [1500000.0, 12.5, 1500.5, 1.5]
    >>> parse_number("1,5,0", "vi"), parse_number("abc"), parse_number(""), parse_number(None)
    (None, None, None, None)
    """
    if text is None:
        return None
    plain = _plain(text, _language(lang))
    return float(plain) if _matches(_PLAIN, plain) else None


def normalise_number(text: str, lang: str | None = None) -> str:
    """A number as typed in ``lang``, in the plain form (``1500000.5``) that definitions and forms read;
    text that writes no number comes back as it is, for the reader to refuse.

    >>> normalise_number("1.500.000,5", "vi"), normalise_number("1,500,000", "en"), normalise_number("x")
    ('1500000.5', '1500000', 'x')
    """
    plain = _plain(text, _language(lang))
    return plain if _matches(_PLAIN, plain) else text


def parse_number_expr(expr: pl.Expr, lang: str | None = None) -> pl.Expr:
    """``parse_number`` over a String column (Float64; null where the text writes no number).

    >>> pl.select(parse_number_expr(pl.lit("1.500.000,5"))).item()
    1500000.5
    """
    language = _language(lang)
    s = expr.str.replace_all(_SPACE, "").str.replace(_CURRENCY, "")
    no_dots = s.str.replace_all(".", "", literal=True)
    no_commas = s.str.replace_all(",", "", literal=True)
    plain = (
        pl.when(s.str.contains(_DOT_GROUPS_COMMA_DECIMAL))
        .then(no_dots.str.replace(",", ".", literal=True))
        .when(s.str.contains(_COMMA_GROUPS_DOT_DECIMAL) | s.str.contains(_COMMA_GROUPS))
        .then(no_commas)
        .when(s.str.contains(_DOT_GROUPS))
        .then(no_dots)
        .when(s.str.contains(_ONE_DOT_GROUP) & pl.lit(language == "vi"))
        .then(no_dots)
        .when(s.str.contains(_ONE_COMMA_GROUP) & pl.lit(language == "en"))
        .then(no_commas)
        .when(s.str.contains(_COMMA_DECIMAL))
        .then(s.str.replace(",", ".", literal=True))
        .otherwise(s)
    )
    return pl.when(plain.str.contains(_PLAIN)).then(plain.cast(pl.Float64, strict=False)).otherwise(None)


def format_number(value: Any, decimals: int = 0, lang: str | None = None) -> str:
    """Group thousands the way ``lang`` writes them: ``1.500.000`` in vi, ``1,500,000`` in en.

    >>> format_number(1500000), format_number(12.5, 1), format_number(None), format_number(-1234.5, 2, "en")
    ('1.500.000', '12,5', '', '-1,234.50')
    >>> format_number(1234567.8), format_number("n/a")
    ('1.234.568', 'n/a')
    """
    if value is None or value == "":
        return ""
    try:
        number = float(value) if decimals or not isinstance(value, int) else value
    except (TypeError, ValueError):
        return str(value)
    if not math.isfinite(number):
        return str(value)
    if not decimals:
        number = round(number)  # whole units: 1.234.567,8 đồng is shown as 1.234.568
    thousands, decimal = separators(lang)
    text = f"{number:,.{int(decimals)}f}" if decimals else f"{number:,}"
    table: dict[str, str | int | None] = {",": thousands, ".": decimal}
    return text.translate(str.maketrans(table))


def format_pair(value: float, other: float, lang: str | None = None) -> tuple[str, str]:
    """Two amounts written for comparison: whole units, or as many decimals (up to 4) as tell them apart,
    so "1.500.000,3 … cao hơn 1.500.000,0" is read, never "1.500.000 … cao hơn 1.500.000".

    >>> format_pair(1_500_000.33, 1_500_000.0)
    ('1.500.000,3', '1.500.000,0')
    >>> format_pair(1_200_000.0, 1_500_000.0, "en")
    ('1,200,000', '1,500,000')
    """
    decimals = 0
    while (
        value != other and decimals < 4 and format_number(value, decimals, lang) == format_number(other, decimals, lang)
    ):
        decimals += 1
    return format_number(value, decimals, lang), format_number(other, decimals, lang)
