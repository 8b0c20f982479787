import datetime
import doctest

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from ansinh.registry import idnumber
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


def test_it_passes_the_doctests_of_the_id_number_rule():
    result = doctest.testmod(idnumber)
    assert result.attempted and not result.failed


ID_NUMBERS = st.one_of(
    st.builds(
        lambda province, digit4, year, serial: f"{province}{digit4}{year:02d}{serial:06d}",
        st.sampled_from(["079", "001", "096", "999", "000"]),
        st.integers(0, 9),
        st.integers(0, 99),
        st.integers(0, 999_999),
    ),
    st.text(alphabet="0123456789 a.\u0660０", max_size=14),
)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.tuples(
            ID_NUMBERS,
            st.sampled_from(["M", "F", None]),
            st.one_of(st.none(), st.dates(min_value=datetime.date(1800, 1, 1), max_value=datetime.date(2199, 12, 31))),
        ),
        min_size=1,
        max_size=20,
    )
)
def test_the_column_rule_finds_what_the_scalar_rule_finds(rows):
    frame = pl.DataFrame(rows, schema={"id": pl.String, "sex": pl.String, "dob": pl.Date}, orient="row")
    column = frame.select(idnumber.findings_expr(pl.col("id"), pl.col("sex"), pl.col("dob"))).to_series().to_list()
    assert column == [idnumber.findings(i, sex, dob) for i, sex, dob in rows]


def test_it_refuses_digits_of_other_scripts_in_both_forms():
    number = "\u0660" * 12  # Arabic-Indic zeros: digits to Unicode, not to the civil registry
    assert idnumber.findings(number, None, None) == ["format"]
    assert pl.select(
        idnumber.findings_expr(pl.lit(number), pl.lit(None, pl.String), pl.lit(None, pl.Date))
    ).item().to_list() == ["format"]
