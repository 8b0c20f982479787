"""An allowance application opens an enrolment decision and closes with it; the result document is that decision."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.test import Client
from pypdf import PdfReader

from ansinh.dossiers import actions as a
from ansinh.dossiers import documents, errors
from ansinh.programs.models import Enrolment
from tests.conftest import member_data

from .conftest import at


@pytest.fixture
def applicant(make_household: Any, ward_a: Any) -> Any:
    household = make_household(
        ward_a,
        members=[member_data(full_name="Trần Thị Bình", date_of_birth=dt.date(1980, 5, 5), disability_level="severe")],
        on=dt.date(2023, 1, 2),
    )
    return household.members.get()


def test_the_application_is_decided_by_its_enrolment_decision(
    make_user: Any, ward_a: Any, receive: Any, applicant: Any
) -> None:
    program_officer = make_user("program_officer", wards=[ward_a])
    dossier = receive(at(2026, 3, 2, 9), procedure="social_assistance_monthly", household=applicant.household)
    with pytest.raises(errors.EnrolmentDecisionRequired):
        a.do_decide_dossier(actor=program_officer, dossier=dossier, result="x")
    a.do_decide_by_enrolment(
        actor=program_officer,
        dossier=dossier,
        member=applicant,
        category="disability_severe",
        start_month=dt.date(2026, 4, 1),
        decision_number="21/QĐ-UBND",
        decision_date=dt.date(2026, 3, 20),
        signer_name="Phạm Văn Dũng",
        at=at(2026, 3, 20, 10),
    )
    dossier.refresh_from_db()
    enrolment = Enrolment.objects.get(member=applicant)
    assert dossier.status == "decided" and dossier.enrolment_decision.enrolment == enrolment
    assert dossier.events.get(kind="decided").data["number"] == "21/QĐ-UBND"
    assert "result" in documents.available(dossier)
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(documents.build(dossier, "result"))).pages)
    assert "QUYẾT ĐỊNH" in " ".join(text.split()) and "21/QĐ-UBND" in text and "Trần Thị Bình" in text


def test_a_ward_officer_cannot_grant_and_nothing_is_half_written(
    officer: Any, ward_a: Any, receive: Any, applicant: Any
) -> None:
    dossier = receive(at(2026, 3, 2, 9), procedure="social_assistance_monthly", household=applicant.household)
    client = Client()
    client.force_login(officer)
    page = client.get(f"/dossiers/{dossier.pk}/").content.decode()
    assert "decide_enrolment" in page and "disability_severe" in page
    response = client.post(
        f"/dossiers/{dossier.pk}/decide_enrolment/",
        {
            "member": applicant.pk,
            "category": "disability_severe",
            "start_month": "2026-04",
            "decision_date": "2026-03-20",
            "number": "21/QĐ-UBND",
        },
        follow=True,
    )
    assert "Vai trò của ông/bà không được ghi quyết định hưởng trợ cấp" in response.content.decode()
    dossier.refresh_from_db()
    assert dossier.status == "accepted" and not Enrolment.objects.exists() and dossier.enrolment_decision is None
    bad = client.post(f"/dossiers/{dossier.pk}/decide_enrolment/", {"member": "x"}, follow=True)
    assert "Chọn người được hưởng" in bad.content.decode()
    # Not granted: a reason is required, then the dossier is decided without an enrolment.
    client.post(f"/dossiers/{dossier.pk}/not_granted/", {"reason": ""})
    dossier.refresh_from_db()
    assert dossier.status == "accepted"
    client.post(f"/dossiers/{dossier.pk}/not_granted/", {"reason": "Không thuộc diện hưởng"})
    dossier.refresh_from_db()
    assert dossier.status == "decided" and not Enrolment.objects.exists()


def test_a_person_of_another_ward_is_refused(
    make_user: Any, ward_a: Any, ward_b: Any, receive: Any, make_household: Any
) -> None:
    program_officer = make_user("program_officer", wards=[ward_a, ward_b])
    stranger = make_household(
        ward_b, members=[member_data(full_name="Võ Văn Em")], on=dt.date(2023, 1, 2)
    ).members.get()
    dossier = receive(at(2026, 3, 2, 9), procedure="social_assistance_monthly")
    with pytest.raises(errors.PersonNotInDossierWard):
        a.do_decide_by_enrolment(
            actor=program_officer,
            dossier=dossier,
            member=stranger,
            category="disability_severe",
            start_month=dt.date(2026, 4, 1),
            decision_number="22/QĐ-UBND",
            decision_date=dt.date(2026, 3, 20),
        )
    assert not Enrolment.objects.exists()
