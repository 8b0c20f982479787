"""The explanation an officer reads aloud at the village meeting: plain Vietnamese (and plain English), the law
cited in its Vietnamese form, numbers written the Vietnamese way, ages in years and months, no internals."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from ansinh.engine.explain import explain
from ansinh.lib.citation import cite
from tests.engine.builders import one

ON = dt.date(2026, 12, 31)
# Python values, dicts, column names and parameter paths; and a decimal written the other language's way.
INTERNALS = re.compile(r"\b(True|False|None)\b|\{'|\b[a-z]+(_[a-z0-9]+)+\b|\b[a-z_]+\.[a-z_]+\b")
DECIMAL = {"vi": re.compile(r"\d\.\d{1,2}\b"), "en": re.compile(r"\d,\d{1,2}\b")}


@pytest.fixture
def deprived_household() -> tuple[object, object]:
    """Rural, poor on income, lacking housing, water and employment; the second member has no name."""
    return one(
        {
            "area_type": "rural",
            "floor_area_m2": 35.0,
            "water_source": "surface",
            "wall_durable": False,
            "frame_durable": False,
            "roof_durable": False,
        },
        {"full_name": "Lê Thị Cúc", "sex": "F", "monthly_income": 800_000, "employment_status": "unemployed"},
        {"full_name": "", "date_of_birth": dt.date(1990, 1, 1), "monthly_income": 0, "employment_status": "unemployed"},
        {"full_name": "Lê Văn Bình", "date_of_birth": dt.date(2000, 1, 1), "monthly_income": 0},
        {"full_name": "Lê Văn Cường", "date_of_birth": dt.date(2002, 1, 1), "monthly_income": 0},
        {"full_name": "Lê Văn Dũng", "date_of_birth": dt.date(2004, 1, 1), "monthly_income": 0},
    )


def test_the_vietnamese_explanation_reads_as_plain_vietnamese(deprived_household) -> None:
    hh, mm = deprived_household
    text = explain(hh, mm, "vn_2022", ON, 1)
    assert "Nghị định 07/2021/NĐ-CP, Điều 3, khoản 1, điểm b" in text
    assert "Decree" not in text and "Art." not in text and "indicator" not in text
    assert "800.000" in text and "160.000" in text  # income, per person, the Vietnamese way
    assert "35 m²" in text and "35.0" not in text
    assert "thành viên thứ 2" in text and "member" not in text
    # The retirement age is an age, not a number of months.
    assert "61 tuổi 6 tháng" in text and "738" not in text and "tháng (chưa" not in text
    assert "Việc làm (Việc làm)" not in text
    assert not INTERNALS.search(text), INTERNALS.search(text)
    assert not DECIMAL["vi"].search(text), DECIMAL["vi"].search(text)


def test_the_english_explanation_reads_as_plain_english(deprived_household) -> None:
    hh, mm = deprived_household
    text = explain(hh, mm, "vn_2022", ON, 1, lang="en")
    assert "Decree 07/2021/NĐ-CP, Article 3, clause 1, point (b)" in text
    assert "800,000" in text and "member no. 2" in text and "61 years 6 months" in text
    assert "31/12/2026" in text
    assert not INTERNALS.search(text), INTERNALS.search(text)
    assert not DECIMAL["en"].search(text), DECIMAL["en"].search(text)


def test_at_the_boundary_the_income_and_the_line_are_shown_apart() -> None:
    # 4.500.001 đồng for 3 people is 1.500.000,33 a person: above the rural line of 1.500.000, and it must read so.
    hh, mm = one(
        {"area_type": "rural"},
        {"monthly_income": 4_500_001},
        {"full_name": "B", "monthly_income": 0},
        {"full_name": "C", "monthly_income": 0},
    )
    text = explain(hh, mm, "vn_2022", ON, 1)
    assert "1.500.000,3 đồng/người/tháng" in text
    assert "cao hơn chuẩn thu nhập 1.500.000,0 đồng/người/tháng" in text
    assert "1.500.000 đồng/người/tháng" not in text


def test_a_citation_is_worded_from_its_parts_in_both_languages() -> None:
    assert cite("Decree 07/2021/NĐ-CP Art. 3 cl. 1(b)") == "Nghị định 07/2021/NĐ-CP, Điều 3, khoản 1, điểm b"
    assert cite("Labour Code 2019 Art. 169; Decree 135/2020/NĐ-CP Art. 4") == (
        "Bộ luật Lao động 2019, Điều 169; Nghị định 135/2020/NĐ-CP, Điều 4"
    )
    assert cite("Decision 995/QĐ-UBND (23/03/2021)") == "Quyết định 995/QĐ-UBND ngày 23/03/2021"
    assert cite("Decree 351/2025/NĐ-CP (article not checked)", "en") == "Decree 351/2025/NĐ-CP (article not checked)"
    # An engineer's note in English is not read out in Vietnamese.
    assert cite('Decree 07/2021/NĐ-CP Art. 3 cl. 2(a)-(b) ("và", and)') == (
        "Nghị định 07/2021/NĐ-CP, Điều 3, khoản 2, điểm a–b"
    )


def test_the_citation_module_passes_its_doctests() -> None:
    import doctest

    from ansinh.lib import citation

    result = doctest.testmod(citation)
    assert result.attempted and not result.failed


def test_a_basic_phone_counts_as_a_means_of_information_only_where_the_standard_says_so() -> None:
    from ansinh.engine import assess

    hh, mm = one(
        {
            "has_tv": False,
            "has_radio": False,
            "has_computer": False,
            "has_internet_phone": False,
            "has_basic_phone": True,
        }
    )
    national = assess(hh, mm, "vn_2022", ON)
    assert national["ind_information_devices"][0] == 1  # the circular lists a smartphone, not a basic phone
    counted = assess(hh, mm, "vn_2022", ON, overrides={"information_devices.basic_phone_counts": True})
    assert counted["ind_information_devices"][0] == 0
    # Not checked against the circular: the explanation says so.
    text = explain(hh, mm, "vn_2022", ON, 1)
    assert "Phương tiện phục vụ tiếp cận thông tin" in text and "ngưỡng chưa xác minh" in text
    # A file that does not say (empty) leaves the phone out of the count, whatever the standard says.
    unknown = hh.with_columns(has_basic_phone=None)
    assert (
        assess(unknown, mm, "vn_2022", ON, overrides={"information_devices.basic_phone_counts": True})[
            "ind_information_devices"
        ][0]
        == 1
    )
