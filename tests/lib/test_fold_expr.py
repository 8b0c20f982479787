"""The vectorised fold gives what ``ansinh.lib.text.fold`` gives, row by row."""

from __future__ import annotations

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from ansinh.lib.text import fold, fold_expr

VIETNAMESE = "aăâbcdđeêghiklmnoôơpqrstuưvxyàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ"
SPACES = " \t\n\u00a0\u2003\x1c"
ALPHABET = VIETNAMESE + VIETNAMESE.upper() + SPACES + "\u0300\u0301\u0303\u0309\u0323ðłøØİΣς\u2019\u02bc-'.0123456789"


def folded(values: list[str | None]) -> list[str]:
    return pl.DataFrame({"s": values}, schema={"s": pl.String}).select(fold_expr(pl.col("s")))["s"].to_list()


def test_it_folds_names_and_addresses_like_fold() -> None:
    samples = [
        "Nguyễn Văn A",
        "  Thành phố   Hồ Chí Minh ",
        "ĐẶC KHU Côn Đảo",
        "Thủ\tĐức\n",
        "Phu\u031bo\u031b\u0300ng Be\u0302\u0301n Tha\u0300nh",
        "Số 12/5, đường Lê Lợi, khu phố 3",
        "",
        None,
    ]
    assert folded(samples) == [fold(s) for s in samples]


@settings(max_examples=120, deadline=None)
@given(st.lists(st.one_of(st.none(), st.text(alphabet=ALPHABET, max_size=30)), min_size=1, max_size=20))
def test_it_agrees_with_fold_on_any_vietnamese_text(values: list[str | None]) -> None:
    assert folded(values) == [fold(v) for v in values]


@settings(max_examples=200, deadline=None)
# Assigned characters only: Polars may know a newer Unicode than this Python, and normalisation is
# stable only for characters both versions know.
@given(st.lists(st.text(st.characters(exclude_categories=("Cn", "Cs", "Co")), max_size=20), min_size=1, max_size=10))
def test_it_agrees_with_fold_on_arbitrary_unicode(values: list[str]) -> None:
    assert folded(list(values)) == [fold(v) for v in values]
