from __future__ import annotations

import datetime
import zoneinfo

from django.utils import translation

from ansinh.web.templatetags.ansinh_ui import masked_id, vn_date, vn_datetime, vn_number


def test_it_groups_thousands_the_vietnamese_way():
    with translation.override("vi"):
        assert vn_number(1_500_000) == "1.500.000"
        assert vn_number(42.5, 1) == "42,5"
        assert vn_number(12) == "12"
    with translation.override("en"):
        assert vn_number(1_500_000) == "1,500,000"


def test_it_writes_dates_day_first():
    assert vn_date(datetime.date(1985, 3, 7)) == "07/03/1985"
    assert vn_date("2025-07-01") == "01/07/2025"
    assert vn_date(None) == ""


def test_it_shows_times_in_vietnam():
    utc = datetime.datetime(2025, 7, 1, 20, 30, tzinfo=zoneinfo.ZoneInfo("UTC"))
    assert vn_datetime(utc) == "02/07/2025 03:30"


def test_it_hides_all_but_the_last_three_digits_of_an_id_number():
    assert masked_id("079085001234") == "•••••••••234"
    assert "079085" not in masked_id("079085001234")


def test_the_shared_number_format_passes_its_doctests_and_is_the_template_filter() -> None:
    import doctest

    from ansinh.lib import numbers
    from ansinh.web.templatetags.ansinh_ui import register

    result = doctest.testmod(numbers)
    assert result.attempted >= 3 and result.failed == 0
    for language in ("vi", "en"):
        with translation.override(language):
            assert register.filters["vn_number"](1_234_567.5, 1) == numbers.format_number(1_234_567.5, 1, language)
