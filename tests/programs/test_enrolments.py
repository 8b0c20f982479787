"""Enrolment by decision: grants, adjustments and stops are decisions; bad input writes nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied

from ansinh.audit.models import AuditEvent
from ansinh.programs import errors
from ansinh.programs.actions import do_adjust_enrolment, do_enrol_person, do_stop_enrolment
from ansinh.programs.models import Enrolment
from ansinh.registry.actions import do_record_death

D = dt.date


def _enrol(actor, member, category="disability_severe", **kw):
    return do_enrol_person(
        actor=actor, member=member, programme=kw.pop("programme", "social_assistance"), category=category,
        start_month=kw.pop("start_month", D(2025, 8, 1)), decision_number=kw.pop("number", "20/QĐ-UBND"),
        decision_date=kw.pop("date", D(2025, 7, 25)),
    )  # fmt: skip


def test_it_enrols_by_a_decision_signed_by_the_role_the_rules_name_for_its_date(program_officer, disabled_adult):
    enrolment = _enrol(program_officer, disabled_adult, start_month=D(2025, 8, 17))
    decision = enrolment.decisions.get()
    assert (enrolment.start_month, enrolment.end_month) == (D(2025, 8, 1), None)
    assert (decision.kind, decision.number, decision.signer_role) == ("grant", "20/QĐ-UBND", "commune_chairman")
    assert AuditEvent.objects.filter(action="enrolment.grant", object_id=str(enrolment.pk)).exists()
    before = _enrol(program_officer, disabled_adult, category="elderly_80_no_pension", date=D(2024, 1, 5))
    assert before.decisions.get().signer_role == "district_chairman"


def test_it_refuses_an_unknown_category_and_writes_nothing(program_officer, disabled_adult):
    with pytest.raises(errors.UnknownCategory) as refused:
        _enrol(program_officer, disabled_adult, category="astronaut")
    assert refused.value.params == {"programme": "social_assistance", "category": "astronaut"}
    assert not Enrolment.objects.exists()


def test_it_refuses_a_person_who_has_died(program_officer, disabled_adult):
    do_record_death(actor=None, member=disabled_adult, on=D(2025, 3, 15))
    with pytest.raises(errors.PersonDied):
        _enrol(program_officer, disabled_adult)
    assert not Enrolment.objects.exists()


def test_it_refuses_a_person_already_enrolled_naming_the_decision(program_officer, enrolled):
    with pytest.raises(errors.AlreadyEnrolled) as refused:
        _enrol(program_officer, enrolled.member, number="99/QĐ-UBND")
    assert refused.value.params["decision"] == "15/QĐ-UBND"
    assert Enrolment.objects.count() == 1


def test_a_stop_is_a_decision_and_the_last_month_paid_is_the_one_before(program_officer, enrolled):
    do_stop_enrolment(actor=program_officer, enrolment=enrolled, from_month=D(2025, 4, 1), decision_number="30/QĐ",
                      decision_date=D(2025, 3, 20), reason="death")  # fmt: skip
    enrolled.refresh_from_db()
    assert enrolled.end_month == D(2025, 3, 1)
    assert [d.kind for d in enrolled.decisions.all()] == ["grant", "stop"]


def test_it_refuses_a_decision_that_overlaps_one_already_in_force(program_officer, enrolled):
    with pytest.raises(errors.OverlappingDecision) as refused:
        do_stop_enrolment(actor=program_officer, enrolment=enrolled, from_month=D(2022, 1, 1), decision_number="31/QĐ",
                          decision_date=D(2025, 3, 20), reason="x")  # fmt: skip
    assert refused.value.params["other"] == "15/QĐ-UBND"
    enrolled.refresh_from_db()
    assert enrolled.end_month is None


def test_an_adjustment_ends_one_category_and_starts_another_by_one_decision(program_officer, enrolled):
    new = do_adjust_enrolment(actor=program_officer, enrolment=enrolled, category="disability_extremely_severe",
                              from_month=D(2025, 9, 1), decision_number="40/QĐ", decision_date=D(2025, 8, 25),
                              reason="new assessment")  # fmt: skip
    enrolled.refresh_from_db()
    assert enrolled.end_month == D(2025, 8, 1)
    assert (new.category, new.start_month, new.decisions.get().number) == (
        "disability_extremely_severe",
        D(2025, 9, 1),
        "40/QĐ",
    )


def test_a_ward_officer_cannot_enrol(officer, disabled_adult):
    with pytest.raises(PermissionDenied):
        _enrol(officer, disabled_adult)
