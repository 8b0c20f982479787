"""Text helpers for Vietnamese names: diacritics folding for search and duplicate detection."""

from __future__ import annotations

import re
import unicodedata

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
