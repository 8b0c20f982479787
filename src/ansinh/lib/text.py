"""Text helpers for Vietnamese names: diacritics folding for search and duplicate detection.

``fold`` folds one string; ``fold_expr`` is its column twin (a Polars expression giving, row by row, what
``fold`` gives; tests hold the two equal), so bulk paths fill ``name_folded`` / ``address_folded`` without a
per-row Python call.
"""

from __future__ import annotations

import functools
import re
import sys
import unicodedata

import polars as pl

_SPACES = re.compile(r"\s+")
# Letters that Unicode does not decompose into a base letter plus a combining mark.
# Typographic apostrophes become ASCII ones ("Ea H’Leo" and "Ea H'Leo" are the same commune).
FOLD_TRANSLATIONS = str.maketrans(
    {"đ": "d", "Đ": "d", "ð": "d", "ł": "l", "ø": "o", "\u2019": "'", "\u2018": "'", "\u02bc": "'"}
)


def fold(s: str | None) -> str:
    r"""Lower-case ``s``, strip Vietnamese diacritics (including đ → d) and collapse whitespace.

    Used for diacritics-insensitive search ("nguyen van a" finds "Nguyễn Văn A") and for comparing
    unit names that sources spell with different Unicode normal forms.

    >>> fold("Nguyễn Văn A")
    'nguyen van a'
    >>> fold("  Thành phố   Hồ Chí Minh ")
    'thanh pho ho chi minh'
    >>> fold("ĐẶC KHU Côn Đảo")
    'dac khu con dao'
    >>> fold("Phường Bến Thành") == fold("Phu\u031bo\u031b\u0300ng Be\u0302\u0301n Tha\u0300nh")
    True
    >>> fold("Thủ\tĐức\n")
    'thu duc'
    >>> fold("Xã Ea H\u2019Leo") == fold("xa ea h'leo")
    True
    >>> fold(None)
    ''
    """
    if not s:
        return ""
    decomposed = unicodedata.normalize("NFD", s.translate(FOLD_TRANSLATIONS))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _SPACES.sub(" ", stripped.translate(FOLD_TRANSLATIONS)).strip().lower()


# The characters ``fold`` translates (letters Unicode does not decompose, typographic apostrophes).
_EXTRA_FROM = [chr(cp) for cp in FOLD_TRANSLATIONS]
_EXTRA_TO = [str(FOLD_TRANSLATIONS[cp]) for cp in FOLD_TRANSLATIONS]
# Python's ``\s`` and ``str.strip`` also treat the information separators U+001C–U+001F as spaces;
# Rust's ``\s`` (Unicode White_Space) does not.
_SPACES_REGEX = r"[\s\x{1C}-\x{1F}]+"


@functools.cache
def _combining_class() -> str:
    """A regex class of every character that ``unicodedata.combining`` reports as combining."""
    ranges: list[tuple[int, int]] = []
    for cp in range(sys.maxunicode + 1):
        if unicodedata.combining(chr(cp)):
            if ranges and ranges[-1][1] == cp - 1:
                ranges[-1] = (ranges[-1][0], cp)
            else:
                ranges.append((cp, cp))
    parts = "".join(f"\\x{{{lo:X}}}" if lo == hi else f"\\x{{{lo:X}}}-\\x{{{hi:X}}}" for lo, hi in ranges)
    return f"[{parts}]"


def fold_expr(expr: pl.Expr) -> pl.Expr:
    """Lower-case, strip diacritics (đ → d), collapse whitespace; a null folds to ``""``.

    >>> pl.select(fold_expr(pl.lit("  Nguyễn   Văn Đức "))).item()
    'nguyen van duc'
    """
    return (
        expr.str.replace_many(_EXTRA_FROM, _EXTRA_TO)
        .str.normalize("NFD")
        .str.replace_all(_combining_class(), "")
        .str.replace_all(_SPACES_REGEX, " ")
        .str.strip_chars(" ")
        .str.to_lowercase()
        .fill_null("")
    )
