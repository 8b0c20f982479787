"""After approval no path changes the round's results: actions, the admin, the ORM, queryset.update and
raw SQL are all refused; corrections are new decisions linked to the old one."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import DatabaseError, connection, transaction

from ansinh.review import actions
from ansinh.review.admin import AssessmentAdmin
from ansinh.review.errors import ReviewError, RoundLocked
from ansinh.review.models import Assessment, Certificate, Decision, PovertyStatus, Round
from tests.review.conftest import RICH_INCOME, YEAR, answers_b


@pytest.fixture
def approved(make_round, poor_household, run_round):
    return run_round(make_round())


def _refused(fn):
    with pytest.raises(DatabaseError), transaction.atomic():
        fn()


def test_it_issues_a_decision_certificates_and_the_official_list(approved, poor_household, chairman):
    decision = approved.decision
    assert (decision.kind, decision.approved_by) == ("approval", chairman)
    cert = Certificate.objects.get(decision=decision)
    assert (cert.household, cert.klass, cert.standard_id) == (poor_household, "poor", "vn_2022")
    status = PovertyStatus.objects.get(household=poor_household)
    assert (status.klass, status.valid_from, status.valid_to) == ("poor", decision.date, None)
    assert Assessment.objects.filter(round=approved, final=True).count() == 1


def test_it_refuses_every_action_on_an_approved_round(approved, officer, chairman, poor_household):
    rh = approved.households.get()
    calls = [
        lambda: actions.do_build_household_list(actor=officer, review_round=approved),
        lambda: actions.do_remove_round_household(actor=officer, round_household=rh, reason="x"),
        lambda: actions.do_save_survey(actor=officer, round_household=rh, form="B", answers={}),
        lambda: actions.do_assess_round(actor=officer, review_round=approved),
        lambda: actions.do_record_meeting(
            actor=officer, review_round=approved, held_on=dt.date(YEAR, 12, 1), present_count=3, votes={}
        ),
        lambda: actions.do_open_posting(actor=officer, review_round=approved, start=dt.date(YEAR, 12, 1)),
        lambda: actions.do_record_complaint(
            actor=officer, review_round=approved, received_on=dt.date(YEAR, 12, 1), content="x"
        ),
        lambda: actions.do_approve_round(actor=chairman, review_round=approved, number="2", date=dt.date(YEAR, 12, 2)),
    ]
    for call in calls:
        with pytest.raises(RoundLocked):
            call()


def test_it_makes_the_admin_read_only(approved, rf, admin_user):
    from django.contrib.admin.sites import site

    request = rf.get("/")
    request.user = admin_user
    model_admin = AssessmentAdmin(Assessment, site)
    obj = Assessment.objects.get(round=approved)
    assert not model_admin.has_change_permission(request, obj)
    assert not model_admin.has_delete_permission(request, obj)


def test_it_refuses_an_orm_save_of_a_result(approved):
    a = Assessment.objects.get(round=approved)
    a.klass = "not_poor"
    _refused(a.save)
    _refused(a.delete)


def test_it_refuses_queryset_updates_and_deletes(approved):
    _refused(lambda: Assessment.objects.filter(round=approved).update(klass="not_poor"))
    _refused(lambda: Assessment.objects.filter(round=approved).delete())
    _refused(lambda: Decision.objects.filter(round=approved).update(number="forged"))
    _refused(lambda: Certificate.objects.filter(decision__round=approved).update(klass="near_poor"))
    _refused(lambda: Certificate.objects.filter(decision__round=approved).delete())
    _refused(lambda: Round.objects.filter(pk=approved.pk).update(status="posting"))
    _refused(lambda: PovertyStatus.objects.filter(decision__round=approved).update(klass="near_poor"))
    _refused(lambda: PovertyStatus.objects.filter(decision__round=approved).delete())


def test_it_refuses_raw_sql(approved):
    def run(sql, params):
        with connection.cursor() as cur:
            cur.execute(sql, params)

    _refused(lambda: run("UPDATE review_assessment SET class = 'not_poor' WHERE round_id = %s", [approved.pk]))
    _refused(lambda: run("DELETE FROM review_assessment WHERE round_id = %s", [approved.pk]))
    _refused(lambda: run("UPDATE review_decision SET number = 'x' WHERE round_id = %s", [approved.pk]))
    _refused(lambda: run("DELETE FROM review_certificate", []))
    _refused(lambda: run("UPDATE review_round SET status = 'draft' WHERE id = %s", [approved.pk]))
    _refused(
        lambda: run(
            "INSERT INTO review_assessment (round_id, round_household_id, household_id, standard_id, parameter_version,"
            " class, deprivation_count, income_per_person, income_line, members, indicators, explanation, income_basis,"
            " previous_class, changed, final, assessed_at) SELECT round_id, round_household_id, household_id, 'x', '',"
            " 'poor', 0, 0, 0, 0, '{}', '', '', '', false, false, assessed_at"
            " FROM review_assessment WHERE round_id = %s",
            [approved.pk],
        )
    )
    a = Assessment.objects.get(round=approved)
    assert (a.klass, a.standard_id) == ("poor", "vn_2022")


def test_it_corrects_with_a_new_decision_linked_to_the_old_one(approved, officer, chairman, poor_household, run_round):
    correction = actions.do_create_correction(
        actor=officer,
        review_round=approved,
        households=[poor_household],
        reason="Sai thu nhập khi khảo sát",
        on=dt.date(YEAR, 12, 1),
    )
    assert correction.corrects == approved and correction.status == "listing"
    rh = correction.households.get()
    survey = actions.do_save_survey(
        actor=officer, round_household=rh, form="B", answers=answers_b(poor_household, income=RICH_INCOME)
    )
    actions.do_submit_survey(actor=officer, survey=survey, surveyed_on=dt.date(YEAR, 12, 2))
    correction = run_round(correction, number="20/QĐ-UBND", posted_on=dt.date(YEAR, 12, 8))
    new = correction.decision
    assert (new.kind, new.corrects) == ("correction", approved.decision)
    old_status = PovertyStatus.objects.get(decision=approved.decision)
    assert (old_status.end_reason, old_status.ended_by, old_status.escaped_on) == ("corrected", new, new.date)
    assert not PovertyStatus.objects.filter(decision=new).exists()
    assert Assessment.objects.get(round=approved).klass == "poor"  # the old round is untouched


def test_it_lets_only_the_chairman_of_the_ward_approve(make_round, poor_household, run_round, officer, chairman_b):
    review_round = run_round(make_round(), until="posting")
    day = review_round.postings.get().end + dt.timedelta(days=1)
    for actor in (officer, chairman_b):
        with pytest.raises(ReviewError):
            actions.do_approve_round(actor=actor, review_round=review_round, number="1", date=day)
    review_round.refresh_from_db()
    assert review_round.status == "posting"
