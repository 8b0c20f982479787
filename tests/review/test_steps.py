"""The steps of a round: list, survey, assessment, meeting, posting, complaints."""

from __future__ import annotations

import datetime as dt

import pytest

from ansinh.audit.models import AuditEvent
from ansinh.review import actions
from ansinh.review.errors import InvalidSurvey, OpenComplaints, ReviewError
from ansinh.review.models import Assessment, HouseholdStage, RoundStatus
from tests.review.conftest import RICH_INCOME, YEAR, answers_b, deprived_member


def test_it_lists_the_current_list_requests_and_the_screening(
    make_round, officer, chairman, poor_household, rich_household, run_round, make_household, ward_a
):
    first = run_round(make_round())
    requester = make_household(ward_a)
    actions.do_record_request(
        actor=officer,
        household=requester,
        form="form_01",
        received_on=dt.date(YEAR + 1, 8, 20),
        channel="direct",
        reason="Mất việc",
    )
    second = make_round(year=YEAR + 1)
    added = actions.do_build_household_list(actor=officer, review_round=second)
    assert first.decision is not None
    sources = dict(second.households.values_list("household_id", "source"))
    assert sources[poor_household.pk] == "current_list"
    assert sources[requester.pk] == "form_01"
    assert rich_household.pk not in sources
    assert added["current_list"] == 1 and added["requests"] == 1
    entry = second.households.get(household=poor_household)
    assert entry.previous_classes == {"vn_2022": "poor"}


def test_it_screens_the_registry_for_households_below_the_line(make_round, officer, poor_household, rich_household):
    review_round = make_round()
    added = actions.do_build_household_list(actor=officer, review_round=review_round)
    assert added["screening"] == 1
    assert list(review_round.households.values_list("household_id", flat=True)) == [poor_household.pk]


def test_it_removes_and_adds_back_a_household_with_the_reason(make_round, officer, poor_household):
    review_round = make_round()
    actions.do_build_household_list(actor=officer, review_round=review_round)
    rh = review_round.households.get()
    with pytest.raises(ReviewError):
        actions.do_remove_round_household(actor=officer, round_household=rh, reason=" ")
    actions.do_remove_round_household(actor=officer, round_household=rh, reason="Đã chuyển đi")
    rh.refresh_from_db()
    assert (rh.stage, rh.removed_reason) == ("removed", "Đã chuyển đi")
    actions.do_add_round_household(
        actor=officer,
        review_round=review_round,
        household=poor_household,
        requested_on=dt.date(YEAR, 9, 5),
        reason="Vẫn ở địa phương",
    )
    rh.refresh_from_db()
    assert rh.stage == "listed"
    assert list(rh.events.values_list("to_status", flat=True)) == ["removed", "listed"]


def test_it_saves_a_draft_and_refuses_invalid_fields_one_by_one(make_round, officer, poor_household):
    review_round = make_round()
    actions.do_build_household_list(actor=officer, review_round=review_round)
    rh = review_round.households.get()
    with pytest.raises(InvalidSurvey) as err:
        actions.do_save_survey(
            actor=officer,
            round_household=rh,
            form="B",
            answers={"household": {"floor_area_m2": "abc", "water_source": "lake"}},
        )
    assert set(err.value.errors) == {"household.floor_area_m2", "household.water_source"}
    draft = actions.do_save_survey(
        actor=officer, round_household=rh, form="B", answers={"household": {"floor_area_m2": "12.5"}}
    )
    assert draft.status == "draft" and draft.answers["household"] == {"floor_area_m2": 12.5}
    with pytest.raises(InvalidSurvey) as err:
        actions.do_submit_survey(actor=officer, survey=draft, surveyed_on=dt.date(YEAR, 9, 10))
    assert "household.water_source" in err.value.errors


def test_it_writes_a_submitted_survey_to_the_registry_with_an_audit_trail(make_round, officer, poor_household):
    review_round = make_round()
    actions.do_build_household_list(actor=officer, review_round=review_round)
    rh = review_round.households.get()
    answers = answers_b(poor_household, income=RICH_INCOME)
    survey = actions.do_save_survey(actor=officer, round_household=rh, form="B", answers=answers)
    actions.do_submit_survey(actor=officer, survey=survey, surveyed_on=dt.date(YEAR, 9, 10))
    head = poor_household.members.get()
    assert head.monthly_income == RICH_INCOME
    assert AuditEvent.objects.filter(action="member.update", household_id=poor_household.pk).exists()
    event = AuditEvent.objects.get(action="review.survey.submit_b")
    assert event.changes["surveyed_on"] == [None, "2025-09-10"]
    # The trail names only what the survey changed in the registry, as JSON (never a Python repr).
    assert event.changes["members"][1] == {str(head.pk): {"monthly_income": RICH_INCOME}}
    assert "floor_area_m2" not in event.changes["household"][1]  # the survey confirmed it
    rh.refresh_from_db()
    review_round.refresh_from_db()
    assert rh.stage == HouseholdStage.SURVEYED and review_round.status == RoundStatus.SURVEYING


def test_it_moves_the_assessed_households_with_one_event_per_stage_they_leave(
    make_round, officer, poor_household, make_household, ward_a
):
    from ansinh.review.models import RoundEvent

    other = make_household(ward_a, members=[deprived_member()])
    review_round = make_round()
    actions.do_build_household_list(actor=officer, review_round=review_round)
    surveyed = review_round.households.get(household=poor_household)
    listed = review_round.households.get(household=other)
    survey = actions.do_save_survey(
        actor=officer, round_household=surveyed, form="B", answers=answers_b(poor_household, income=RICH_INCOME)
    )
    actions.do_submit_survey(actor=officer, survey=survey, surveyed_on=dt.date(YEAR, 9, 10))
    before = RoundEvent.objects.filter(round=review_round).count()
    summary = actions.do_assess_round(actor=officer, review_round=review_round)
    bulk = list(RoundEvent.objects.filter(round=review_round, households__isnull=False).order_by("from_status"))
    assert [(e.from_status, e.to_status, sorted(e.households)) for e in bulk] == [
        ("listed", "assessed", [listed.pk]),
        ("surveyed", "assessed", [surveyed.pk]),
    ]
    assert all(e.round_household_id is None and e.actor == officer for e in bulk)
    # Two bulk rows and the round's own move, not one row per household.
    assert RoundEvent.objects.filter(round=review_round).count() == before + 3
    assert review_round.households.exclude(stage=HouseholdStage.ASSESSED).count() == 0
    assert [e.to_status for e in listed.stage_events()] == ["assessed"]
    assert [e.to_status for e in surveyed.stage_events()] == ["surveyed", "assessed"]
    audit = AuditEvent.objects.filter(action="review.round.assess").latest("id")
    assert audit.changes["moved"] == [None, {"listed": 1, "surveyed": 1}]
    assert summary.households == 2
    # Assessed again: the households stay where they are; one row records the re-assessment of both.
    actions.do_assess_round(actor=officer, review_round=review_round)
    again = RoundEvent.objects.filter(round=review_round, households__isnull=False).latest("id")
    assert (again.from_status, again.to_status, sorted(again.households)) == (
        "assessed",
        "assessed",
        sorted([listed.pk, surveyed.pk]),
    )
    assert Assessment.objects.filter(round=review_round).count() == 2 * len(review_round.standards)


def test_it_assesses_in_bulk_with_explanations_and_highlights_changes(
    make_round, officer, poor_household, rich_household, run_round
):
    run_round(make_round())
    second = make_round(year=YEAR + 1)
    actions.do_build_household_list(actor=officer, review_round=second, screening=False)
    rh = second.households.get(household=poor_household)
    survey = actions.do_save_survey(
        actor=officer, round_household=rh, form="B", answers=answers_b(poor_household, income=RICH_INCOME)
    )
    actions.do_submit_survey(actor=officer, survey=survey, surveyed_on=dt.date(YEAR + 1, 9, 10))
    summary = actions.do_assess_round(actor=officer, review_round=second)
    a = Assessment.objects.get(round=second, household=poor_household)
    assert (a.previous_class, a.klass, a.changed) == ("poor", "not_poor", True)
    assert summary.changed == {"vn_2022": 1}
    assert "Chuẩn nghèo đa chiều quốc gia" in a.explanation and "Bảo hiểm y tế" in a.explanation and a.parameter_version
    flags = a.indicator_flags()  # every indicator of the standard, 0/1; only the deprivations are stored
    assert set(flags) >= {"health_insurance", "water"} and flags["health_insurance"] == 1
    assert a.indicators == {name: 1 for name, v in flags.items() if v} and 0 in flags.values()
    assert sum(flags.values()) == a.deprivation_count
    assert a.stored_explanation == ""  # rebuilt from the stored figures, not stored


def test_it_sends_a_household_below_half_agreement_back_to_the_survey(
    make_round, officer, poor_household, make_household, ward_a, run_round
):
    other = make_household(ward_a, members=[deprived_member()])
    review_round = run_round(make_round(), until="assessed")
    a, b = review_round.households.get(household=poor_household), review_round.households.get(household=other)
    actions.do_record_meeting(
        actor=officer,
        review_round=review_round,
        held_on=dt.date(YEAR, 10, 20),
        present_count=20,
        votes={a.pk: (20, 10), b.pk: (20, 9)},
    )
    a.refresh_from_db(), b.refresh_from_db()
    assert a.stage == HouseholdStage.AGREED  # exactly 50% passes
    assert b.stage == HouseholdStage.RESURVEY
    with pytest.raises(ReviewError):
        actions.do_open_posting(actor=officer, review_round=review_round, start=dt.date(YEAR, 10, 27))


def test_it_counts_the_posting_on_the_working_day_calendar(make_round, officer, poor_household, run_round):
    from ansinh.geo.models import CalendarException

    # 2025-09-01 (Mon) and 09-02 are the National Day holidays; the package knows them.
    review_round = run_round(make_round(), until="meeting", posted_on=dt.date(2025, 8, 29))  # meeting on 26/08
    posting = actions.do_open_posting(actor=officer, review_round=review_round, start=dt.date(2025, 8, 29))
    assert (posting.start, posting.end) == (dt.date(2025, 8, 29), dt.date(2025, 9, 4))
    CalendarException.objects.create(date=dt.date(2025, 9, 4), kind="day_off", reason="nghỉ bù")
    round2 = run_round(
        make_round(ward=review_round.ward, year=YEAR + 1), until="meeting", posted_on=dt.date(2025, 8, 29)
    )
    p2 = actions.do_open_posting(actor=officer, review_round=round2, start=dt.date(2025, 8, 29))
    assert p2.end == dt.date(2025, 9, 5)


def test_it_answers_a_complaint_within_its_deadline_and_changes_the_class(
    make_round, officer, chairman, poor_household, run_round
):
    review_round = run_round(make_round(), until="posting")
    rh = review_round.households.get()
    complaint = actions.do_record_complaint(
        actor=officer,
        review_round=review_round,
        round_household=rh,
        received_on=dt.date(YEAR, 11, 4),
        content="Hộ có thu nhập cao",
    )
    assert complaint.due_on == dt.date(YEAR, 11, 7)
    survey = actions.do_save_survey(
        actor=officer, round_household=rh, form="B", answers=answers_b(poor_household, income=RICH_INCOME)
    )
    actions.do_submit_survey(actor=officer, survey=survey, surveyed_on=dt.date(YEAR, 11, 5))
    with pytest.raises(OpenComplaints):
        actions.do_approve_round(actor=chairman, review_round=review_round, number="1", date=dt.date(YEAR, 11, 10))
    answered = actions.do_answer_complaint(
        actor=officer, complaint=complaint, answered_on=dt.date(YEAR, 11, 6), answer="Đã phúc tra", reassess=True
    )
    assert answered.class_changes == {"vn_2022": ["poor", "not_poor"]}
    assert Assessment.objects.get(round=review_round, household=poor_household).klass == "not_poor"


def test_it_takes_a_household_sent_back_through_survey_assessment_and_a_second_vote(
    make_round, officer, poor_household, run_round
):
    review_round = run_round(make_round(), until="assessed")
    rh = review_round.households.get()
    actions.do_record_meeting(
        actor=officer,
        review_round=review_round,
        held_on=dt.date(YEAR, 10, 20),
        present_count=10,
        votes={rh.pk: (10, 3)},
    )
    survey = actions.do_save_survey(
        actor=officer, round_household=rh, form="B", answers=answers_b(poor_household, income=RICH_INCOME)
    )
    actions.do_submit_survey(actor=officer, survey=survey, surveyed_on=dt.date(YEAR, 10, 22))
    actions.do_assess_round(actor=officer, review_round=review_round, household_ids=[poor_household.pk])
    actions.do_record_meeting(
        actor=officer,
        review_round=review_round,
        held_on=dt.date(YEAR, 10, 25),
        present_count=10,
        votes={rh.pk: (10, 9)},
    )
    rh.refresh_from_db()
    assert rh.stage == HouseholdStage.AGREED
    assert [e.to_status for e in rh.stage_events()] == ["assessed", "resurvey", "surveyed", "assessed", "agreed"]
    assert [e.households for e in rh.stage_events()] == [[rh.pk], None, None, [rh.pk], None]
    assert Assessment.objects.get(round=review_round).klass == "not_poor"
    actions.do_open_posting(actor=officer, review_round=review_round, start=dt.date(YEAR, 10, 27))


def test_it_numbers_certificates_apart_when_two_wards_reuse_a_decision_number(
    make_round, poor_household, run_round, make_household, ward_b, officer_b, chairman_b
):
    from ansinh.review.models import Certificate
    from tests.review.conftest import deprived_member

    run_round(make_round(), number="1/QĐ-UBND")
    make_household(ward_b, members=[deprived_member()])
    other = make_round(ward=ward_b, actor=officer_b)
    actions.do_build_household_list(actor=officer_b, review_round=other)
    actions.do_move_round(actor=officer_b, review_round=other, to_status="surveying")
    actions.do_assess_round(actor=officer_b, review_round=other)
    rh = other.households.get()
    actions.do_record_meeting(
        actor=officer_b, review_round=other, held_on=dt.date(YEAR, 10, 20), present_count=5, votes={rh.pk: (5, 5)}
    )
    posting = actions.do_open_posting(actor=officer_b, review_round=other, start=dt.date(YEAR, 11, 3))
    actions.do_approve_round(
        actor=chairman_b, review_round=other, number="1/QĐ-UBND", date=posting.end + dt.timedelta(days=1)
    )
    assert Certificate.objects.values("number").distinct().count() == 2
