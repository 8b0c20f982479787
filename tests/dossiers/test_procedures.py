"""The department's procedures as dated data, read by the one reader of legal data."""

from __future__ import annotations

import datetime as dt

import pytest

from ansinh.dossiers.errors import UnknownProcedure
from ansinh.dossiers.procedures import procedure, procedure_codes, rules, working_hours

ON = dt.date(2026, 3, 1)


def test_it_holds_the_five_procedures_the_issue_names() -> None:
    assert {
        "poverty_review_request",
        "poverty_certificate",
        "social_assistance_monthly",
        "social_pension",
        "merit_allowance",
    } <= set(procedure_codes())


def test_each_procedure_has_documents_a_legal_basis_and_what_it_drives() -> None:
    for code in procedure_codes():
        p = procedure(code, ON)
        assert p.name_vi and p.name_en and p.reference and p.documents
        assert p.drives in {"regular_review", "certificate", "enrolment_decision"}
        assert (p.limit_working_days is None) == (p.deadline == "regular_review")


def test_form_04_drives_a_regular_review_with_its_deadline() -> None:
    p = procedure("poverty_review_request", ON)
    assert p.forms == ("form_04",) and p.drives == "regular_review" and p.deadline == "regular_review"


def test_recalled_limits_are_marked_unverified() -> None:
    assert procedure("social_assistance_monthly", ON).limit_working_days == 17
    assert not procedure("social_assistance_monthly", ON).verified
    assert all(not p.verified for p in rules().unverified()) and rules().unverified()


def test_it_refuses_an_unknown_procedure_and_one_not_yet_in_force() -> None:
    with pytest.raises(UnknownProcedure) as unknown:
        procedure("passport", ON)
    assert unknown.value.code == "unknown_procedure" and unknown.value.params["procedure"] == "passport"
    with pytest.raises(UnknownProcedure):
        procedure("social_pension", dt.date(2025, 6, 30))  # the 2024 law's pension, from 2025-07-01


def test_working_hours_are_two_windows_of_eight_hours() -> None:
    windows = working_hours(ON)
    assert windows == [(dt.time(7), dt.time(11, 30)), (dt.time(13, 30), dt.time(17))]
