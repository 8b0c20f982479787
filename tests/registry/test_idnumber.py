import datetime

from hypothesis import given
from hypothesis import strategies as st

from ansinh.registry.idnumber import check, expected_digit4


def test_it_warns_but_accepts_an_unknown_province_code():
    errors, warnings = check("999085001234", "M", datetime.date(1985, 1, 1))
    assert errors == [] and len(warnings) == 1


def test_it_refuses_anything_but_twelve_digits():
    for bad in ("07908500123", "0790850012345", "07908500123a", "０７９０８５００１２３４"):
        errors, _ = check(bad, "M", datetime.date(1985, 1, 1))
        assert errors, bad


@given(
    st.dates(min_value=datetime.date(1900, 1, 1), max_value=datetime.date(2099, 12, 31)),
    st.sampled_from(["M", "F"]),
    st.integers(0, 999_999),
)
def test_it_accepts_every_number_built_by_the_rule(dob, sex, serial):
    number = f"079{expected_digit4(sex, dob)}{dob.year % 100:02d}{serial:06d}"
    assert check(number, sex, dob) == ([], [])
    other_sex = "F" if sex == "M" else "M"
    assert check(number, other_sex, dob)[0]
