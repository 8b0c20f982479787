"""Diacritics folding as a Polars expression: the column-wise twin of ``ansinh.lib.text.fold``.

``fold_expr(pl.col("full_name"))`` gives, for every row, what ``fold(value)`` gives for one string
(tests check the two agree), so bulk writers can fill ``name_folded`` / ``address_folded`` without a
per-row Python call.
"""

from __future__ import annotations

import functools
import sys
import unicodedata

import polars as pl

from ansinh.lib.text import FOLD_TRANSLATIONS  # the same table as the scalar fold

# The characters ``fold`` translates (letters Unicode does not decompose, typographic apostrophes).
_EXTRA_FROM = [chr(cp) for cp in FOLD_TRANSLATIONS]
_EXTRA_TO = [str(FOLD_TRANSLATIONS[cp]) for cp in FOLD_TRANSLATIONS]
# Python's ``\s`` and ``str.strip`` also treat the information separators U+001C–U+001F as spaces;
# Rust's ``\s`` (Unicode White_Space) does not.
_SPACES = r"[\s\x{1C}-\x{1F}]+"


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

        >>> import polars as pl

    from ansinh.lib.text import FOLD_TRANSLATIONS  # the same table as the scalar fold
        >>> pl.select(fold_expr(pl.lit("  Nguyễn   Văn Đức "))).item()
        'nguyen van duc'
    """
    return (
        expr.str.replace_many(_EXTRA_FROM, _EXTRA_TO)
        .str.normalize("NFD")
        .str.replace_all(_combining_class(), "")
        .str.replace_all(_SPACES, " ")
        .str.strip_chars(" ")
        .str.to_lowercase()
        .fill_null("")
    )
