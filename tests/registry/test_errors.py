"""The registry's common refusals are codes with parameters, worded in the reader's language when shown."""

from __future__ import annotations

import pytest
from django.utils import translation

from ansinh.registry.errors import CodeInUse, DateInFuture, NoWard


@pytest.mark.parametrize(
    ("error", "code", "field", "english", "vietnamese"),
    [
        (
            CodeInUse("HH-1"),
            "household_code_in_use",
            "code",
            "Household code HH-1 is already used.",
            "Mã hộ HH-1 đã được sử dụng.",
        ),
        (DateInFuture(), "date_in_future", "date", "The date cannot be in the future.", "Ngày không thể ở tương lai."),
        (NoWard(), "no_ward", "ward", "Choose a ward or commune.", "Chọn xã hoặc phường."),
    ],
)
def test_it_words_a_refusal_when_shown_in_the_readers_language(error, code, field, english, vietnamese):
    assert (error.code, error.field) == (code, field)
    with translation.override("en"):
        assert error.message == english
    with translation.override("vi"):
        assert error.message == vietnamese
