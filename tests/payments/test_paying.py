"""Arrears, recoveries, approvals by amount, payment files, results and reconciliation, follow-ups and
verification samples."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from openpyxl import load_workbook

from ansinh.payments import errors
from ansinh.payments.actions import (
    do_answer_check,
    do_approve_payroll,
    do_compute_payroll,
    do_create_follow_up,
    do_create_payroll,
    do_create_verification,
    do_export_payroll,
    do_freeze_payroll,
    do_import_results,
    do_reconcile_payroll,
    do_submit_payroll,
)
from ansinh.payments.channels import approvals_needed, sample_size
from ansinh.payments.models import PaymentComplaint, PaymentResult, PayrollLine
from ansinh.programs.actions import do_enrol_person
from ansinh.registry.actions import do_record_death

D = dt.date
HEADER = "Mã dòng chi trả,Kết quả,Số tiền đã chi,Ngày chi,Số chứng từ,Lý do\n"


def _computed(actor, ward, month, programme="social_assistance"):
    payroll = do_create_payroll(actor=actor, programme=programme, month=month, ward=ward)
    return do_compute_payroll(actor=actor, payroll=payroll)


def _approved(officer, approver, ward, month):
    payroll = _computed(officer, ward, month)
    do_freeze_payroll(actor=officer, payroll=payroll)
    do_submit_payroll(actor=officer, payroll=payroll)
    return do_approve_payroll(actor=approver, payroll=payroll)


def _exported(officer, approver, ward, month):
    payroll = _approved(officer, approver, ward, month)
    do_export_payroll(actor=officer, payroll=payroll, layout="post_office")
    payroll.refresh_from_db()
    return payroll


def _results(rows):
    return (HEADER + "".join(",".join(map(str, r)) + "\n" for r in rows)).encode()


def test_a_retroactive_decision_pays_arrears_for_each_owed_month_explained(program_officer, ward_a, disabled_adult):
    do_enrol_person(
        actor=program_officer, member=disabled_adult, programme="social_assistance", category="disability_severe",
        start_month=D(2024, 5, 1), decision_number="40/QĐ-UBND", decision_date=D(2024, 7, 20),
    )  # fmt: skip
    august = _computed(program_officer, ward_a, D(2024, 8, 1))
    lines = {(line.kind, line.for_month): line for line in august.lines.all()}
    assert set(lines) == {("regular", D(2024, 8, 1)), ("arrears", D(2024, 5, 1)), ("arrears", D(2024, 6, 1)),
                          ("arrears", D(2024, 7, 1))}  # fmt: skip
    assert lines[("arrears", D(2024, 6, 1))].amount == 540_000
    assert lines[("arrears", D(2024, 7, 1))].amount == 750_000
    assert lines[("arrears", D(2024, 6, 1))].explanation_vi == (
        "Truy lĩnh tháng 06/2024: 360.000 × 1,5 (Nghị định 20/2021/NĐ-CP Điều 4 khoản 2; Điều 6 khoản 1 điểm e)"
    )
    assert august.total_amount == 540_000 * 2 + 750_000 * 2
    # Paid once: the next month owes nothing more.
    september = _computed(program_officer, ward_a, D(2024, 9, 1))
    assert [line.kind for line in september.lines.all()] == ["regular"]


def test_a_payment_exported_after_a_death_is_recovered_in_the_next_payroll(
    program_officer, second_officer, ward_a, enrolled
):
    april = _exported(program_officer, second_officer, ward_a, D(2025, 4, 1))
    assert april.total_amount == 750_000
    do_record_death(actor=None, member=enrolled.member, on=D(2025, 3, 15))
    may = _computed(program_officer, ward_a, D(2025, 5, 1))
    recovery = may.lines.get(kind="recovery")
    assert (recovery.amount, recovery.for_month, recovery.source_line_id) == (-750_000, D(2025, 4, 1),
                                                                             april.lines.get().pk)  # fmt: skip
    assert "Truy thu khoản đã chi tháng 04/2025" in recovery.explanation_vi
    assert "15/03/2025" in recovery.explanation_vi and "Nghị định 147/2025/NĐ-CP" in recovery.explanation_vi
    assert may.lines.get(kind="regular").status == "died"
    assert may.total_amount == -750_000


def test_the_approvals_needed_follow_the_total(program_officer, second_officer, make_user, ward_a, enrolled):
    assert approvals_needed(750_000) == 1
    assert approvals_needed(1_000_000_000) == 2
    payroll = _computed(program_officer, ward_a, D(2024, 7, 1))
    do_freeze_payroll(actor=program_officer, payroll=payroll)
    do_submit_payroll(actor=program_officer, payroll=payroll)
    payroll.refresh_from_db()
    payroll.approvals_needed = 2  # as for a payroll of a billion
    type(payroll).objects.filter(pk=payroll.pk).update(approvals_needed=2)
    do_approve_payroll(actor=second_officer, payroll=payroll)
    payroll.refresh_from_db()
    assert payroll.status == "in_approval"
    with pytest.raises(errors.AlreadyApproved):
        do_approve_payroll(actor=second_officer, payroll=payroll)
    third = make_user("program_officer", wards=[ward_a])
    assert do_approve_payroll(actor=third, payroll=payroll).status == "approved"


def test_the_post_office_list_and_the_bank_file_follow_their_layouts(program_officer, second_officer, ward_a, enrolled):
    payroll = _approved(program_officer, second_officer, ward_a, D(2024, 7, 1))
    name, content = do_export_payroll(actor=program_officer, payroll=payroll, layout="post_office")
    assert name.endswith(".xlsx")
    sheet = load_workbook(io.BytesIO(content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[1][:4] == ("STT", "Mã dòng chi trả", "Họ và tên", "Ngày sinh")
    assert rows[2][2:4] == ("Trần Thị Bình", "05/05/1980") and rows[2][9] == 750_000
    name, content = do_export_payroll(actor=program_officer, payroll=payroll, layout="bank")
    text = content.decode()
    assert text.splitlines()[0] == "REF,BENEFICIARY_NAME,ID_NUMBER,AMOUNT,CURRENCY,DESCRIPTION"
    assert "TRAN THI BINH" in text and ",750000,VND," in text
    payroll.refresh_from_db()
    assert payroll.status == "exported"
    with pytest.raises(errors.UnknownLayout):
        do_export_payroll(actor=program_officer, payroll=payroll, layout="pigeon")


def test_results_reconcile_a_payroll_once_every_line_has_one_and_a_reimport_changes_nothing(
    program_officer, second_officer, ward_a, enrolled
):
    payroll = _exported(program_officer, second_officer, ward_a, D(2024, 7, 1))
    line = payroll.lines.get()
    content = _results([(line.pk, "Đã chi", "750.000", "10/08/2024", "BĐ-001", "")])
    staged = do_import_results(actor=program_officer, payroll=payroll, name="ket-qua.csv", content=content)
    assert (staged.status, staged.changed, staged.issues) == ("committed", 1, [])
    payroll.refresh_from_db()
    assert payroll.status == "reconciled"
    with pytest.raises(errors.NotExported):  # a reconciled payroll takes no more results
        do_import_results(actor=program_officer, payroll=payroll, name="ket-qua.csv", content=content)
    assert PaymentResult.objects.get().delivered == 750_000


@pytest.mark.parametrize(
    ("row", "column", "message"),
    [
        (("{line}", "Đã chi", "800.000", "", "", ""), "Số tiền đã chi", "lớn hơn số tiền được hưởng"),
        (("{line}", "Đã chi", "-5", "", "", ""), "Số tiền đã chi", "không được âm"),
        (("{line}", "Chuyển rồi", "750.000", "", "", ""), "Kết quả", "Kết quả phải là"),
        (("999999", "Đã chi", "750.000", "", "", ""), "Mã dòng chi trả", "Không có dòng chi trả"),
        (("{line}", "Đã chi", "750.000", "31/02/2024", "", ""), "Ngày chi", "Ngày chi không đúng"),
    ],
)
def test_a_bad_result_row_names_its_row_and_column_and_nothing_is_written(
    program_officer, second_officer, ward_a, enrolled, row, column, message
):
    payroll = _exported(program_officer, second_officer, ward_a, D(2024, 7, 1))
    line = payroll.lines.get()
    content = _results([tuple(str(c).format(line=line.pk) for c in row)])
    staged = do_import_results(actor=program_officer, payroll=payroll, name="ket-qua.csv", content=content)
    assert staged.status == "refused"
    assert [(i["row"], i["column"]) for i in staged.issues] == [(2, column)]
    assert message in staged.issues[0]["vi"]
    assert not PaymentResult.objects.exists()
    payroll.refresh_from_db()
    assert payroll.status == "exported"


def test_a_partial_file_leaves_the_payroll_reconciling_and_a_reimport_changes_nothing(
    program_officer, second_officer, ward_a, enrolled, make_household
):
    from tests.conftest import member_data

    other = make_household(ward_a, members=[member_data(full_name="Lê Văn Cường", date_of_birth=D(1975, 1, 1),
                                                        disability_level="severe")], on=D(2023, 1, 2))  # fmt: skip
    do_enrol_person(actor=program_officer, member=other.members.get(), programme="social_assistance",
                    category="disability_severe", start_month=D(2023, 3, 1), decision_number="16/QĐ-UBND",
                    decision_date=D(2023, 2, 20))  # fmt: skip
    payroll = _exported(program_officer, second_officer, ward_a, D(2024, 7, 1))
    first, second = payroll.lines.order_by("pk")
    content = _results([(first.pk, "Không chi được", "0", "", "", "Vắng nhà")])
    do_import_results(actor=program_officer, payroll=payroll, name="a.csv", content=content)
    payroll.refresh_from_db()
    assert payroll.status == "reconciling"
    with pytest.raises(errors.ResultsMissing):
        do_reconcile_payroll(actor=program_officer, payroll=payroll)
    again = do_import_results(actor=program_officer, payroll=payroll, name="a.csv", content=content)
    assert (again.status, again.changed) == ("committed", 0)
    changed = _results([(first.pk, "Đã chi", "750.000", "", "", "")])
    refused = do_import_results(actor=program_officer, payroll=payroll, name="b.csv", content=changed)
    assert refused.status == "refused" and "đã có kết quả khác" in refused.issues[0]["vi"]
    do_import_results(actor=program_officer, payroll=payroll, name="c.csv",
                      content=_results([(second.pk, "Đã chi", "750000", "", "", "")]))  # fmt: skip
    payroll.refresh_from_db()
    assert payroll.status == "reconciled"
    # The failed line is paid again by one follow-up, and only once.
    follow_up = do_create_follow_up(actor=program_officer, payroll=payroll, reason="chi lại")
    line = follow_up.lines.get()
    assert (line.kind, line.source_line_id, line.amount, follow_up.follows_id) == ("follow_up", first.pk, 750_000,
                                                                                    payroll.pk)  # fmt: skip
    assert line.explanation_vi.startswith("Chi lại khoản chưa chi được: 500.000 × 1,5")
    with pytest.raises(errors.NothingToFollowUp):
        do_create_follow_up(actor=program_officer, payroll=payroll)


def test_a_verification_sample_is_drawn_again_from_its_seed_and_a_problem_opens_a_complaint(
    program_officer, second_officer, ward_a, enrolled
):
    assert sample_size(100_000, 0.95, 0.05) == 383
    assert sample_size(10, 0.95, 0.05) == 10
    payroll = _exported(program_officer, second_officer, ward_a, D(2024, 7, 1))
    line = payroll.lines.get()
    do_import_results(actor=program_officer, payroll=payroll, name="r.csv",
                      content=_results([(line.pk, "Đã chi", "750000", "", "", "")]))  # fmt: skip
    plan = do_create_verification(actor=program_officer, payroll=payroll, seed=42)
    again = do_create_verification(actor=program_officer, payroll=payroll, seed=plan.seed)
    assert [c.line_id for c in plan.checks.all()] == [c.line_id for c in again.checks.all()] == [line.pk]
    with pytest.raises(errors.BadSample):
        do_create_verification(actor=program_officer, payroll=payroll, confidence=1.5)
    check = plan.checks.get()
    do_answer_check(actor=program_officer, check=check, answer="received_with_problems", note="Thiếu 50.000")
    complaint = PaymentComplaint.objects.get()
    assert (complaint.line_id, complaint.verification_id, complaint.text) == (line.pk, check.pk, "Thiếu 50.000")
    with pytest.raises(errors.AlreadyAnswered):
        do_answer_check(actor=program_officer, check=check, answer="received")


def test_results_for_a_payroll_not_yet_exported_are_refused(program_officer, second_officer, ward_a, enrolled):
    payroll = _approved(program_officer, second_officer, ward_a, D(2024, 7, 1))
    with pytest.raises(errors.NotExported):
        do_import_results(actor=program_officer, payroll=payroll, name="r.csv", content=_results([]))
    assert not PayrollLine.objects.filter(payroll=payroll, result__isnull=False).exists()


def test_a_month_with_no_rule_in_force_names_the_parameter_in_vietnamese_and_writes_nothing(
    program_officer, ward_a, disabled_adult
):
    from django.utils import translation

    from ansinh.programs.models import Enrolment

    Enrolment.objects.create(member=disabled_adult, programme="social_assistance", category="disability_severe",
                             start_month=D(2019, 1, 1))  # fmt: skip
    payroll = do_create_payroll(actor=program_officer, programme="social_assistance", month=D(2020, 1, 1),
                                ward=ward_a)  # fmt: skip
    with pytest.raises(errors.RuleMissing) as refused, translation.override("vi"):
        do_compute_payroll(actor=program_officer, payroll=payroll)
    with translation.override("vi"):
        message = str(refused.value.message)
    assert message == ("Quy định chưa có giá trị của tham số social_assistance.age_on_day_of_month áp dụng ngày "
                       "01/01/2020; chưa tính được bảng lương tháng 01/2020.")  # fmt: skip
    payroll.refresh_from_db()
    assert (payroll.status, payroll.lines.count()) == ("draft", 0)
