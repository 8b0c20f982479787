"""Monthly payrolls: computed from enrolments and the rules of the month, frozen so that no path changes
them, approved by someone other than who computed them; one payment per person, programme and month."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import IntegrityError, connection, transaction

from ansinh.payments import errors
from ansinh.payments.actions import (
    do_abort_payroll,
    do_approve_payroll,
    do_compute_payroll,
    do_create_payroll,
    do_freeze_payroll,
    do_reject_payroll,
    do_submit_payroll,
)
from ansinh.payments.models import PayrollLine
from ansinh.payments.queries import totals
from ansinh.registry.actions import do_record_death
from ansinh.registry.models import Member

D = dt.date


def _computed(actor, ward, month):
    payroll = do_create_payroll(actor=actor, programme="social_assistance", month=month, ward=ward)
    return do_compute_payroll(actor=actor, payroll=payroll)


def test_june_and_july_2024_pay_540000_and_750000_each_citing_its_decree(program_officer, ward_a, enrolled):
    june = _computed(program_officer, ward_a, D(2024, 6, 1))
    july = _computed(program_officer, ward_a, D(2024, 7, 1))
    assert (june.status, june.total_amount, june.paid_count) == ("computed", 540000, 1)
    assert july.total_amount == 750000
    assert "Nghị định 20/2021/NĐ-CP Điều 4 khoản 2" in june.lines.get().explanation_vi
    assert july.lines.get().explanation_vi.startswith("500.000 × 1,5 (Nghị định 76/2024/NĐ-CP")
    assert totals(july) == [{"ward_code": ward_a.code, "category": "disability_severe", "lines": 1, "amount": 750000}]


def test_a_death_on_15_march_is_paid_in_march_and_not_in_april(program_officer, ward_a, enrolled):
    do_record_death(actor=None, member=enrolled.member, on=D(2025, 3, 15))
    assert _computed(program_officer, ward_a, D(2025, 3, 1)).total_amount == 750000
    april = _computed(program_officer, ward_a, D(2025, 4, 1))
    assert april.total_amount == 0
    assert april.lines.get().status == "died"


def test_a_second_payroll_for_the_same_month_and_person_is_refused_naming_the_first(program_officer, ward_a, enrolled):
    first = _computed(program_officer, ward_a, D(2024, 7, 1))
    second = do_create_payroll(actor=program_officer, programme="social_assistance", month=D(2024, 7, 1), ward=ward_a)
    with pytest.raises(errors.AlreadyOnPayroll) as refused:
        do_compute_payroll(actor=program_officer, payroll=second)
    assert refused.value.params["payroll"] == first.pk
    assert refused.value.params["name"] == "Trần Thị Bình"
    assert not PayrollLine.objects.filter(payroll=second).exists()


def test_the_database_refuses_a_second_paid_line_whatever_the_path(program_officer, ward_a, enrolled):
    first = _computed(program_officer, ward_a, D(2024, 7, 1))
    second = do_create_payroll(actor=program_officer, programme="social_assistance", month=D(2024, 7, 1), ward=ward_a)
    line = first.lines.get()
    line.pk, line.payroll = None, second
    with pytest.raises(IntegrityError), transaction.atomic():
        line.save()


def test_a_frozen_payroll_keeps_its_hash_and_amounts_when_the_registry_changes(
    program_officer, second_officer, ward_a, enrolled
):
    payroll = do_freeze_payroll(actor=program_officer, payroll=_computed(program_officer, ward_a, D(2024, 7, 1)))
    digest, amount = payroll.inputs_hash, payroll.lines.get().amount
    Member.objects.filter(pk=enrolled.member_id).update(date_of_birth=D(2015, 1, 1))  # now a child: coefficient 2.0
    payroll.refresh_from_db()
    assert (payroll.inputs_hash, payroll.lines.get().amount, payroll.total_amount) == (digest, amount, 750000)


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE payments_payrollline SET amount = 1",
        "DELETE FROM payments_payrollline",
        "UPDATE payments_payroll SET total_amount = 1",
        "UPDATE payments_payroll SET status = 'computed'",
        "DELETE FROM payments_payroll",
    ],
)
def test_no_path_changes_a_frozen_payroll(program_officer, ward_a, enrolled, sql):
    payroll = do_freeze_payroll(actor=program_officer, payroll=_computed(program_officer, ward_a, D(2024, 7, 1)))
    with pytest.raises(Exception, match="frozen"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql)
    payroll.refresh_from_db()
    assert (payroll.status, payroll.total_amount, payroll.lines.get().amount) == ("frozen", 750000, 750000)


def test_freezing_refuses_when_the_inputs_changed_since_computing(program_officer, ward_a, enrolled):
    payroll = _computed(program_officer, ward_a, D(2024, 7, 1))
    Member.objects.filter(pk=enrolled.member_id).update(date_of_birth=D(2015, 1, 1))
    with pytest.raises(errors.InputsChanged):
        do_freeze_payroll(actor=program_officer, payroll=payroll)
    payroll.refresh_from_db()
    assert payroll.status == "computed"


def test_the_user_who_computed_cannot_approve_and_another_officer_can(
    program_officer, second_officer, ward_a, enrolled
):
    payroll = _computed(program_officer, ward_a, D(2024, 7, 1))
    do_freeze_payroll(actor=program_officer, payroll=payroll)
    do_submit_payroll(actor=program_officer, payroll=payroll)
    with pytest.raises(errors.ApproverComputed):
        do_approve_payroll(actor=program_officer, payroll=payroll)
    payroll = do_approve_payroll(actor=second_officer, payroll=payroll)
    assert (payroll.status, payroll.approved_by) == ("approved", second_officer)
    assert [e.new for e in payroll.events.all()] == ["computed", "frozen", "in_approval", "approved"]


def test_a_rejection_needs_a_reason_and_returns_the_payroll_to_draft(program_officer, second_officer, ward_a, enrolled):
    payroll = _computed(program_officer, ward_a, D(2024, 7, 1))
    do_freeze_payroll(actor=program_officer, payroll=payroll)
    do_submit_payroll(actor=program_officer, payroll=payroll)
    with pytest.raises(errors.ReasonRequired):
        do_reject_payroll(actor=second_officer, payroll=payroll, reason=" ")
    payroll = do_reject_payroll(actor=second_officer, payroll=payroll, reason="Thiếu quyết định")
    assert payroll.status == "draft"
    assert payroll.events.last().reason == "Thiếu quyết định"
    assert do_compute_payroll(actor=program_officer, payroll=payroll).status == "computed"


def test_an_aborted_payroll_frees_its_people_for_another(program_officer, ward_a, enrolled):
    first = _computed(program_officer, ward_a, D(2024, 7, 1))
    do_abort_payroll(actor=program_officer, payroll=first, reason="sai tháng")
    assert _computed(program_officer, ward_a, D(2024, 7, 1)).total_amount == 750000


def test_a_payroll_for_a_month_that_has_not_begun_is_refused(program_officer, ward_a):
    with pytest.raises(errors.FutureMonth):
        do_create_payroll(actor=program_officer, programme="social_assistance", month=D(2099, 1, 1), ward=ward_a)


def test_an_illegal_move_is_refused(program_officer, ward_a, enrolled):
    payroll = _computed(program_officer, ward_a, D(2024, 7, 1))
    with pytest.raises(errors.IllegalTransition):
        do_submit_payroll(actor=program_officer, payroll=payroll)
