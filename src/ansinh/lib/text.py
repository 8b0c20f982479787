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


# -- control characters -------------------------------------------------------------------------------------
# Text that enters (a form, an import, a survey) may hold a control character pasted from another program: NUL
# makes PostgreSQL refuse the row, ESC and the other C0 characters make a workbook unwritable (the XML of
# XLSX has no way to hold them), and none of them means anything in a name or an address. So they are refused
# where text enters, with the field (form) or the row and column (import) named: tab, line feed and carriage
# return, which a multi-line note may hold, are not control characters here; the C0 characters, DEL and the
# C1 characters (U+0080–U+009F, what a Windows-1252 file decoded as Latin-1 leaves) are.
CONTROL_REGEX = r"[\x00-\x08\x0B\x0C\x0E-\x1F\x7F-\x9F]"  # Python's and Polars' (Rust's) regex alike
CONTROL_CHARACTERS = re.compile(CONTROL_REGEX)


def control_character(s: str | None) -> str | None:
    r"""The first control character of ``s``, named as ``U+001B``, or None when there is none.

    >>> control_character("12 Lê Lợi\x1b[31m")
    'U+001B'
    >>> control_character("Nguyễn Văn A\tghi chú\r\ndòng hai") is None
    True
    >>> control_character(None) is None
    True
    """
    found = CONTROL_CHARACTERS.search(s) if s else None
    return f"U+{ord(found.group()):04X}" if found else None


def control_character_expr(expr: pl.Expr) -> pl.Expr:
    r"""Column twin of :func:`control_character`: the first control character of each value as ``U+001B``, null
    where there is none.

    >>> pl.select(control_character_expr(pl.lit("a\x00b"))).item()
    'U+0000'
    >>> pl.select(control_character_expr(pl.lit("Lê Lợi"))).item() is None
    True
    """
    found = expr.str.extract(f"({CONTROL_REGEX})", 1)
    # C0 and DEL are one byte in UTF-8, C1 two (C2 80–C2 9F): the code point is the last byte either way.
    last_byte = found.str.encode("hex").str.to_uppercase().str.slice(-2)
    return pl.when(found.is_not_null()).then(pl.lit("U+00") + last_byte)


def visible_controls(s: str) -> str:
    r"""``s`` with each control character shown as its Unicode name tag (``U+001B``), for messages and files.

    >>> visible_controls("a\x1bb")
    'a[U+001B]b'
    """
    return CONTROL_CHARACTERS.sub(lambda m: f"[U+{ord(m.group()):04X}]", s)


_CONTROLS = [chr(c) for c in [*range(0x09), 0x0B, 0x0C, *range(0x0E, 0x20), *range(0x7F, 0xA0)]]


def visible_controls_expr(expr: pl.Expr) -> pl.Expr:
    r"""Column twin of :func:`visible_controls`.

    >>> pl.select(visible_controls_expr(pl.lit("a\x1bb\x9b"))).item()
    'a[U+001B]b[U+009B]'
    """
    return expr.str.replace_many(_CONTROLS, [f"[U+{ord(c):04X}]" for c in _CONTROLS])
