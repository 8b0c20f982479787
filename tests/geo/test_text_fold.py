"""``fold`` and the name matching built on it (their doctests, run here so the suite covers them)."""

from __future__ import annotations

import doctest

from ansinh.lib import text
from ansinh.lib.text import fold


def test_it_passes_the_doctests_of_fold() -> None:
    result = doctest.testmod(text)
    assert result.attempted >= 5
    assert result.failed == 0


def test_it_passes_the_doctests_of_the_name_matching() -> None:
    from ansinh.geo import queries

    result = doctest.testmod(queries)
    assert result.attempted >= 5
    assert result.failed == 0


def test_it_folds_every_vietnamese_vowel_and_d() -> None:
    assert fold("ÀÁẢÃẠĂẰẮẲẴẶÂẦẤẨẪẬĐÈÉẺẼẸÊỀẾỂỄỆÌÍỈĨỊÒÓỎÕỌÔỒỐỔỖỘƠỜỚỞỠỢÙÚỦŨỤƯỪỨỬỮỰỲÝỶỸỴ") == (
        "aaaaaaaaaaaaaaaaadeeeeeeeeeeeiiiiiooooooooooooooooouuuuuuuuuuuyyyyy"
    )
