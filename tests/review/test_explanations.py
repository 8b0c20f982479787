from __future__ import annotations

import doctest

from ansinh.review import explanations
from ansinh.review.explanations import explain, indicator_order, standard_title


def test_it_passes_the_doctests_of_the_explanations_module():
    result = doctest.testmod(explanations)
    assert result.attempted >= 1 and result.failed == 0


def test_it_lists_the_deprivations_in_the_standards_order_whatever_the_stored_order():
    names = [name for name, _label in indicator_order("vn_2022")]
    first, last = names[0], names[-1]
    labels = dict(indicator_order("vn_2022"))
    text = explain(
        standard_id="vn_2022",
        income_per_person=2_000_000.5,
        income_line=1_500_000.0,
        deprivation_count=2,
        deprived={last: 1, first: 1},
        klass="not_poor",
    )
    assert text == (
        f"{standard_title('vn_2022')}: thu nhập bình quân 2.000.000 đồng/người/tháng, cao hơn chuẩn "
        f"1.500.000 đồng; thiếu hụt 2 chỉ số ({labels[first]}, {labels[last]}). "
        "Kết quả: không thuộc hộ nghèo, hộ cận nghèo."
    )


def test_it_says_at_or_below_the_line_exactly_at_the_line_and_names_unknown_indicators_raw():
    text = explain(
        standard_id="vn_2022",
        income_per_person=1_500_000.0,
        income_line=1_500_000.0,
        deprivation_count=1,
        deprived={"retired_indicator": 1},
        klass="near_poor",
    )
    assert "1.500.000 đồng/người/tháng, không vượt chuẩn 1.500.000 đồng" in text and "(retired indicator)" in text
    assert text.endswith("Kết quả: hộ cận nghèo.")
    none = explain(
        standard_id="vn_2022",
        income_per_person=9e6,
        income_line=1.5e6,
        deprivation_count=0,
        deprived={},
        klass="not_poor",
    )
    assert "thiếu hụt 0 chỉ số." in none


def test_it_says_which_indicators_are_not_known_yet_and_does_not_count_them():
    labels = dict(indicator_order("vn_2022"))
    text = explain(
        standard_id="vn_2022",
        income_per_person=1_000_000.0,
        income_line=1_500_000.0,
        deprivation_count=1,
        deprived={"health_insurance": 1, "floor_area": None},
        klass="near_poor",
    )
    assert f"thiếu hụt 1 chỉ số ({labels['health_insurance']})" in text
    assert f"chưa xác định (chưa có thông tin, cần khảo sát): {labels['floor_area']}" in text


def test_at_the_boundary_the_income_and_the_line_never_read_the_same():
    text = explain(
        standard_id="vn_2022",
        income_per_person=1_500_000.33,
        income_line=1_500_000.0,
        deprivation_count=0,
        deprived={},
        klass="not_poor",
    )
    assert "1.500.000,3 đồng/người/tháng, cao hơn chuẩn 1.500.000,0 đồng" in text


def test_it_explains_in_english_with_english_numbers_and_labels():
    text = explain(
        standard_id="vn_2022",
        income_per_person=1_200_000.0,
        income_line=1_500_000.0,
        deprivation_count=1,
        deprived={"health_insurance": 1},
        klass="near_poor",
        lang="en",
    )
    assert text.startswith(standard_title("vn_2022", "en") + ": income per person 1,200,000 VND")
    assert "(Health insurance)" in text and text.endswith("Result: near-poor.")
