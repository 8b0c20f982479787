"""Registry events put proposed changes on the officer's due list; a decision settles each; applications are
entered by the officer. Pages refuse other areas (404 for a decision) and roles without the permission (403)."""

from __future__ import annotations

import datetime as dt

from django.test import Client
from django.urls import reverse

from ansinh.programs.models import Enrolment
from ansinh.programs.queries import due_list
from ansinh.registry.actions import do_record_death
from ansinh.registry.models import Member

D = dt.date


def _client(user):
    client = Client()
    client.force_login(user)
    return client


def test_a_death_and_a_new_assessment_are_due_and_a_decision_settles_them(program_officer, enrolled):
    Member.objects.filter(pk=enrolled.member_id).update(disability_level="extremely_severe",
                                                        disability_assessed_on=D(2024, 5, 2))  # fmt: skip
    due = due_list(program_officer, D(2026, 12, 1))
    row = due.row(0, named=True)
    assert (row["event"], row["proposal"], row["new_category"], row["from_month"]) == (
        "disability",
        "adjust",
        "disability_extremely_severe",
        D(2024, 6, 1),
    )
    assert "Xác định lại mức độ khuyết tật ngày 02/05/2024: khuyết tật đặc biệt nặng" in row["reason_vi"]
    client = _client(program_officer)
    page = client.get(reverse("enrolment-due")).content.decode()
    assert "Trần Thị Bình" in page and "06/2024" in page
    prefix = f"e{enrolled.pk}-disability"
    client.post(reverse("enrolment-due-decide", args=[enrolled.pk, "disability"]),
                {f"{prefix}-decision_number": "77/QĐ-UBND", f"{prefix}-decision_date": "10/06/2024"})  # fmt: skip
    new = Enrolment.objects.get(end_month__isnull=True)
    assert (new.category, new.start_month) == ("disability_extremely_severe", D(2024, 6, 1))
    assert due_list(program_officer, D(2026, 12, 1)).is_empty()
    do_record_death(actor=None, member=enrolled.member, on=D(2025, 3, 15))
    row = due_list(program_officer, D(2026, 12, 1)).row(0, named=True)
    assert (row["event"], row["proposal"], row["from_month"]) == ("death", "stop", D(2025, 4, 1))


def test_the_due_list_is_scoped_and_deciding_needs_the_permission(make_user, ward_b, program_officer, officer,
                                                                   enrolled):  # fmt: skip
    do_record_death(actor=None, member=enrolled.member, on=D(2025, 3, 15))
    other = make_user("program_officer", wards=[ward_b])
    assert due_list(other, D(2026, 12, 1)).is_empty()
    url = reverse("enrolment-due-decide", args=[enrolled.pk, "death"])
    assert _client(other).post(url, {}).status_code == 404
    assert _client(officer).get(reverse("enrolment-due")).status_code == 200  # a ward officer sees what is due
    prefix = f"e{enrolled.pk}-death"
    data = {f"{prefix}-decision_number": "9/QĐ", f"{prefix}-decision_date": "01/04/2025"}
    assert _client(officer).post(url, data).status_code == 403
    assert Enrolment.objects.get().end_month is None


def test_an_application_entered_by_the_officer_is_granted_by_its_decision(program_officer, officer, disabled_adult):
    Member.objects.filter(pk=disabled_adult.pk).update(id_number="079180001234")
    client = _client(program_officer)
    data = {"id_number": "079180001234", "category": "social_assistance:disability_severe",
            "start_month": "01/03/2024", "decision_number": "12/QĐ-UBND", "decision_date": "20/02/2024"}  # fmt: skip
    assert client.post(reverse("enrolment-new"), data).status_code == 302
    enrolment = Enrolment.objects.get()
    assert (enrolment.category, enrolment.decisions.get().number) == ("disability_severe", "12/QĐ-UBND")
    again = client.post(reverse("enrolment-new"), {**data, "decision_number": "13/QĐ-UBND"})
    assert "Trần Thị Bình đã được hưởng social_assistance" in again.content.decode()
    assert Enrolment.objects.count() == 1
    unknown = client.post(reverse("enrolment-new"), {**data, "id_number": "079999999999"})
    assert unknown.status_code == 400 and Enrolment.objects.count() == 1
    assert _client(officer).get(reverse("enrolment-new")).status_code == 403
