"""The review's pages through Django's test client: each page's happy path, field errors and scope."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.test import Client
from django.urls import reverse

from ansinh.review import actions
from ansinh.review.models import Complaint, HouseholdStage, Round, RoundStatus, SurveyResponse
from ansinh.tasks.actions import run_pending
from tests.review.conftest import POOR_INCOME, YEAR, answers_b
from tests.web.conftest import parse, post_forms_without_their_address


@pytest.fixture(autouse=True)
def _web_settings(settings, tmp_path_factory):
    settings.LANGUAGE_CODE = "vi"
    # WhiteNoise warns (an error under pytest) when STATIC_ROOT does not exist; tests serve via finders.
    settings.STATIC_ROOT = str(tmp_path_factory.mktemp("static"))


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def officer_client(officer):
    return client_for(officer)


@pytest.fixture
def chairman_client(chairman):
    return client_for(chairman)


@pytest.fixture
def outsider_client(officer_b):
    return client_for(officer_b)


def error_links(response) -> set[str]:
    """The targets of the error summary's links: each must name a field on the page."""
    page = parse(response)
    ids = {a.get("id") for _t, a in page.elements if a.get("id")}
    targets = set()
    summary = response.content.decode().split('data-module="error-summary"', 1)
    assert len(summary) == 2, "the page has no error summary"
    for tag, attrs in page.elements:
        href = attrs.get("href") or ""
        if tag == "a" and href.startswith("#") and href != "#main-content":
            targets.add(href[1:])
    assert targets <= ids, f"error links to missing fields: {targets - ids}"
    return targets


# -- rounds -----------------------------------------------------------------------------------------


def test_it_creates_a_periodic_round_for_the_officers_ward(officer_client, ward_a):
    response = officer_client.post(
        reverse("review-round-create"),
        {"ward": ward_a.code, "kind": "periodic", "year": YEAR, "standards": ["vn_2022"]},
    )
    review_round = Round.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("review-round", args=[review_round.pk])
    assert (review_round.period_start, review_round.period_end, review_round.standards) == (
        dt.date(YEAR, 9, 1),
        dt.date(YEAR, 12, 14),
        ["vn_2022"],
    )
    page = officer_client.get(reverse("review-rounds")).content.decode()
    assert ward_a.name in page and "Rà soát định kỳ" in page


def test_it_shows_field_errors_linked_from_the_summary_when_creating_a_round(officer_client, ward_b):
    response = officer_client.post(reverse("review-round-create"), {"ward": ward_b.code, "kind": "regular"})
    assert response.status_code == 400
    assert error_links(response) >= {"id_ward", "id_year", "id_period_start"}
    assert not Round.objects.exists()


def test_it_refuses_the_chairman_a_preparing_step(chairman_client, ward_a):
    assert chairman_client.get(reverse("review-round-create")).status_code == 403


def test_it_lists_only_the_rounds_of_the_users_wards(officer_client, outsider_client, analyst, make_round):
    review_round = make_round()
    assert officer_client.get(reverse("review-round", args=[review_round.pk])).status_code == 200
    assert review_round.ward.name not in outsider_client.get(reverse("review-rounds")).content.decode()
    assert client_for(analyst).get(reverse("review-round", args=[review_round.pk])).status_code == 200


# -- the household list -----------------------------------------------------------------------------


def test_it_builds_the_list_and_shows_each_households_source(officer_client, make_round, poor_household):
    review_round = make_round()
    response = officer_client.post(reverse("review-build-list", args=[review_round.pk]), follow=True)
    html = response.content.decode()
    assert poor_household.code in html
    assert "Nguyễn Văn An" in html


def test_it_adds_and_removes_a_household_with_a_reason(officer_client, make_round, rich_household):
    review_round = make_round()
    url = reverse("review-household-add", args=[review_round.pk])
    response = officer_client.post(url, {"code": rich_household.code, "requested_on": "05/09/2025", "reason": ""})
    assert response.status_code == 400 and "id_reason" in error_links(response)
    response = officer_client.post(url, {"code": "nope", "requested_on": "05/09/2025", "reason": "x"})
    assert response.status_code == 400 and "id_code" in error_links(response)
    response = officer_client.post(
        url, {"code": rich_household.code, "requested_on": "05/09/2025", "reason": "Mất việc làm"}
    )
    assert response.status_code == 302
    rh = review_round.households.get()
    assert (rh.source, rh.reason) == ("officer", "Mất việc làm")
    remove = reverse("review-household-remove", args=[review_round.pk, rh.pk])
    assert officer_client.post(remove, {"reason": ""}).status_code == 400
    assert officer_client.post(remove, {"reason": "Đã chuyển đi"}).status_code == 302
    rh.refresh_from_db()
    assert (rh.stage, rh.removed_reason) == (HouseholdStage.REMOVED, "Đã chuyển đi")


def test_it_records_a_form_04_request_with_date_and_channel(officer_client, poor_household):
    response = officer_client.post(
        reverse("review-request-create"),
        {
            "code": poor_household.code,
            "form": "form_04",
            "received_on": "03/10/2025",
            "channel": "post",
            "reason": "Xin thoát nghèo",
        },
    )
    assert response.status_code == 302
    rh = poor_household.review_entries.get()
    assert (rh.source, rh.channel, rh.requested_on) == ("form_04", "post", dt.date(2025, 10, 3))
    assert rh.round.kind == "regular" and rh.round.due_on is not None
    response = officer_client.post(reverse("review-request-create"), {"code": poor_household.code})
    assert response.status_code == 400
    assert error_links(response) >= {"id_form", "id_received_on"}


# -- survey -----------------------------------------------------------------------------------------


def _listed(officer, make_round):
    review_round = make_round()
    actions.do_build_household_list(actor=officer, review_round=review_round, screening=True)
    return review_round, review_round.households.get()


def _post_b(household, income: int, **extra) -> dict[str, str]:
    answers = answers_b(household, income)
    data = {"surveyed_on": "10/09/2025"}
    for name, value in answers["household"].items():
        data[f"household__{name}"] = ("yes" if value else "no") if isinstance(value, bool) else str(value)
    for member_id, row in answers["members"].items():
        for name, value in row.items():
            if value is None:
                continue
            data[f"m{member_id}__{name}"] = ("yes" if value else "no") if isinstance(value, bool) else str(value)
    data.update(extra)
    return data


def test_it_renders_form_b_from_the_definition_with_a_fieldset_per_member(
    officer_client, officer, make_round, poor_household
):
    review_round, rh = _listed(officer, make_round)
    response = officer_client.get(reverse("review-survey", args=[review_round.pk, rh.pk, "B"]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Phiếu B" in html and "Nguồn nước sinh hoạt" in html
    member = poor_household.members.get()
    assert f'name="m{member.pk}__monthly_income"' in html
    assert 'inputmode="numeric"' in html and 'name="viewport"' in html


def test_it_saves_a_draft_and_shows_invalid_answers_field_by_field(officer_client, officer, make_round, poor_household):
    review_round, rh = _listed(officer, make_round)
    url = reverse("review-survey", args=[review_round.pk, rh.pk, "B"])
    response = officer_client.post(
        url, {"household__floor_area_m2": "-3", "household__other_income_monthly": "abc", "save": "1"}
    )
    assert response.status_code == 400
    assert error_links(response) == {"id_household__floor_area_m2", "id_household__other_income_monthly"}
    assert "Nhập một số" in response.content.decode() or "number" in response.content.decode()
    # Vietnamese number format: decimal comma.
    response = officer_client.post(url, {"household__floor_area_m2": "12,5", "household__has_tv": "no", "save": "1"})
    assert response.status_code == 302
    draft = SurveyResponse.objects.get()
    assert draft.status == "draft" and draft.answers["household"] == {"floor_area_m2": 12.5, "has_tv": False}
    # The draft comes back into the form.
    html = officer_client.get(url).content.decode()
    assert 'value="12.5"' in html


def test_it_refuses_to_submit_an_incomplete_survey_and_says_which_answers_are_missing(
    officer_client, officer, make_round, poor_household
):
    review_round, rh = _listed(officer, make_round)
    url = reverse("review-survey", args=[review_round.pk, rh.pk, "B"])
    response = officer_client.post(url, {"household__floor_area_m2": "20", "submit": "1", "surveyed_on": "10/09/2025"})
    assert response.status_code == 400
    assert "id_household__water_source" in error_links(response)
    assert SurveyResponse.objects.get().status == "draft"


def test_it_submits_a_survey_which_updates_the_registry_once_the_changes_are_confirmed(
    officer_client, officer, make_round, poor_household
):
    review_round, rh = _listed(officer, make_round)
    member = poor_household.members.get()
    url = reverse("review-survey", args=[review_round.pk, rh.pk, "B"])
    confirm = reverse("review-survey-confirm", args=[review_round.pk, rh.pk, "B"])
    response = officer_client.post(
        url, _post_b(poor_household, 1_500_000, submit="1", **{f"m{member.pk}__employment_status": "self_employed"})
    )
    assert response.status_code == 302 and response["Location"] == confirm, response.content.decode()[:3000]
    # Nothing is written before the officer has seen what changes.
    member.refresh_from_db()
    assert member.monthly_income != 1_500_000 and member.employment_status == "employed"
    page = officer_client.get(confirm)
    html = page.content.decode()
    assert page.status_code == 200
    assert "Thu nhập hằng tháng" in html or "monthly income" in html.lower()
    assert "1.500.000" in html and "Có việc làm" in html and "Tự làm, làm chủ" in html
    assert "employment_status" not in html and "self_employed" not in html and "members." not in html
    fingerprint = parse_hidden(html, "confirmed")
    response = officer_client.post(confirm, {"confirmed": fingerprint})
    assert response.status_code == 302
    rh.refresh_from_db()
    member.refresh_from_db()
    assert rh.stage == HouseholdStage.SURVEYED
    assert (member.monthly_income, member.employment_status) == (1_500_000, "self_employed")


def parse_hidden(html: str, name: str) -> str:
    import re

    match = re.search(rf'name="{name}" value="([^"]*)"', html)
    assert match, name
    return match.group(1)


def test_it_opens_form_b_with_what_the_registry_holds(officer_client, officer, make_round, poor_household):
    review_round, rh = _listed(officer, make_round)
    member = poor_household.members.get()
    html = officer_client.get(reverse("review-survey", args=[review_round.pk, rh.pk, "B"])).content.decode()
    assert '<option value="unprotected_well" selected>' in html
    assert f'<option value="{member.employment_status}" selected>' in html
    assert 'name="household__floor_area_m2" value="6"' in html


def test_a_registry_edited_after_the_check_is_not_overwritten_unseen(
    officer_client, officer, make_round, poor_household
):
    from ansinh.registry.actions import do_update_member

    review_round, rh = _listed(officer, make_round)
    member = poor_household.members.get()
    url = reverse("review-survey", args=[review_round.pk, rh.pk, "B"])
    confirm = reverse("review-survey-confirm", args=[review_round.pk, rh.pk, "B"])
    officer_client.post(url, _post_b(poor_household, 1_500_000, submit="1"))
    fingerprint = parse_hidden(officer_client.get(confirm).content.decode(), "confirmed")
    member.refresh_from_db()
    do_update_member(actor=officer, member=member, changes={"monthly_income": 700_000}, expected_version=member.version)
    response = officer_client.post(confirm, {"confirmed": fingerprint})
    assert response.status_code == 409
    member.refresh_from_db()
    assert member.monthly_income == 700_000 and SurveyResponse.objects.get().status == "draft"
    assert "700.000" in response.content.decode()  # the changes are shown again, from the registry as it is now


def test_the_confirmation_is_refused_outside_the_area_and_without_the_permission(
    officer_client, outsider_client, chairman_client, officer, make_round, poor_household
):
    review_round, rh = _listed(officer, make_round)
    officer_client.post(
        reverse("review-survey", args=[review_round.pk, rh.pk, "B"]), _post_b(poor_household, 1_500_000, submit="1")
    )
    confirm = reverse("review-survey-confirm", args=[review_round.pk, rh.pk, "B"])
    assert outsider_client.get(confirm).status_code == 404
    assert chairman_client.post(confirm, {"confirmed": "x"}).status_code == 403
    assert SurveyResponse.objects.get().status == "draft"


def test_it_hides_a_survey_from_an_officer_of_another_ward(outsider_client, officer, make_round, poor_household):
    review_round, rh = _listed(officer, make_round)
    assert outsider_client.get(reverse("review-survey", args=[review_round.pk, rh.pk, "B"])).status_code == 404
    assert (
        outsider_client.post(reverse("review-survey", args=[review_round.pk, rh.pk, "B"]), {"save": "1"}).status_code
        == 404
    )


# -- assessment, meeting, posting, complaints, approval --------------------------------------------


def test_it_assesses_and_highlights_households_whose_class_changes(
    officer_client, officer, make_round, poor_household, run_round
):
    run_round(make_round())
    second = make_round(year=YEAR + 1)
    actions.do_build_household_list(actor=officer, review_round=second, screening=False)
    rh = second.households.get()
    survey = actions.do_save_survey(
        actor=officer, round_household=rh, form="B", answers=answers_b(poor_household, income=9_000_000)
    )
    actions.do_submit_survey(actor=officer, survey=survey, surveyed_on=dt.date(YEAR + 1, 9, 10))
    response = officer_client.post(reverse("review-assess", args=[second.pk]), follow=True)
    assert 'id="assessment-progress"' in response.content.decode()  # queued: the page shows its progress
    assert run_pending() == 1
    html = officer_client.get(reverse("review-results", args=[second.pk])).content.decode()
    assert 'class="row--changed"' in html
    assert "Chuẩn nghèo đa chiều quốc gia" in html  # the explanation names the standard by its title
    changed = officer_client.get(reverse("review-results", args=[second.pk]), {"changed": "1"}).content.decode()
    assert poor_household.code in changed


def test_it_records_the_meeting_and_sends_a_household_below_half_back(
    officer_client, officer, make_round, poor_household, run_round
):
    review_round = run_round(make_round(), until="assessed")
    rh = review_round.households.get()
    url = reverse("review-meeting", args=[review_round.pk])
    response = officer_client.post(url, {"held_on": "20/10/2025", "present_count": "20", f"agree_{rh.pk}": "25"})
    assert response.status_code == 400 and f"id_agree_{rh.pk}" in error_links(response)
    response = officer_client.post(
        url,
        {
            "held_on": "20/10/2025",
            "present_count": "20",
            f"agree_{rh.pk}": "9",
            "place": "Nhà văn hóa khu phố 3",
            "chaired_by": "Võ Văn Tám",
            "participants": "Bí thư chi bộ\nTrưởng khu phố",
        },
    )
    assert response.status_code == 302
    rh.refresh_from_db()
    assert rh.stage == HouseholdStage.RESURVEY
    meeting = review_round.meetings.get()
    minutes = officer_client.get(reverse("review-minutes", args=[review_round.pk, meeting.pk]))
    assert minutes["Content-Type"] == "application/pdf" and minutes.content.startswith(b"%PDF")


def test_it_posts_the_list_on_working_days_and_offers_the_documents(
    officer_client, officer, make_round, poor_household, run_round
):
    review_round = run_round(make_round(), until="meeting", posted_on=dt.date(2025, 8, 29))  # meeting on 26/08
    url = reverse("review-posting", args=[review_round.pk])
    assert officer_client.post(url, {"start": "31/02/2025"}).status_code == 400
    response = officer_client.post(url, {"start": "29/08/2025", "places": "Trụ sở UBND phường"}, follow=True)
    html = response.content.decode()
    assert "29/08/2025" in html and "04/09/2025" in html  # 1 and 2 September are holidays
    pdf = officer_client.get(reverse("review-provisional-list", args=[review_round.pk, "vn_2022", "pdf"]))
    assert pdf.content.startswith(b"%PDF")
    workbook = officer_client.get(reverse("review-provisional-list", args=[review_round.pk, "vn_2022", "xlsx"]))
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(workbook.content)).active
    values = [c for row in sheet.iter_rows(values_only=True) for c in row if c]
    assert poor_household.code in values and "Nguyễn Văn An" in values


def test_it_records_and_answers_a_complaint_with_a_class_change(
    officer_client, officer, make_round, poor_household, run_round
):
    review_round = run_round(make_round(), until="posting")
    rh = review_round.households.get()
    response = officer_client.post(
        reverse("review-complaint-create", args=[review_round.pk]), {"received_on": "04/11/2025"}
    )
    assert response.status_code == 400 and "id_content" in error_links(response)
    response = officer_client.post(
        reverse("review-complaint-create", args=[review_round.pk]),
        {
            "round_household": rh.pk,
            "received_on": "04/11/2025",
            "complainant": "Hàng xóm",
            "content": "Hộ có thu nhập cao hơn",
        },
    )
    assert response.status_code == 302
    complaint = Complaint.objects.get()
    survey = actions.do_save_survey(
        actor=officer, round_household=rh, form="B", answers=answers_b(poor_household, income=9_000_000)
    )
    actions.do_submit_survey(actor=officer, survey=survey, surveyed_on=dt.date(YEAR, 11, 5))
    response = officer_client.post(
        reverse("review-complaint-answer", args=[review_round.pk, complaint.pk]),
        {"answered_on": "05/11/2025", "answer": "Đã phúc tra", "reassess": "on"},
        follow=True,
    )
    assert "Đã phúc tra" in response.content.decode()
    complaint.refresh_from_db()
    assert complaint.class_changes == {"vn_2022": ["poor", "not_poor"]}


def test_it_lets_only_the_chairman_approve_and_then_serves_the_certificate(
    officer_client, chairman_client, make_round, poor_household, run_round
):
    from pypdf import PdfReader

    review_round = run_round(make_round(), until="posting")
    end = review_round.postings.get().end
    url = reverse("review-approve", args=[review_round.pk])
    data = {"number": "12/QĐ-UBND", "date": (end + dt.timedelta(days=1)).strftime("%d/%m/%Y")}
    assert officer_client.post(url, data).status_code == 403
    response = chairman_client.post(url, {"number": "", "date": end.strftime("%d/%m/%Y")})
    assert response.status_code == 400 and "id_number" in error_links(response)
    response = chairman_client.post(url, {"number": "12/QĐ-UBND", "date": end.strftime("%d/%m/%Y")})
    assert response.status_code == 400 and "id_date" in error_links(response)  # still posted that day
    assert chairman_client.post(url, data).status_code == 302
    review_round.refresh_from_db()
    assert review_round.status == RoundStatus.APPROVED
    certificate = review_round.decision.certificates.get()
    response = officer_client.get(reverse("review-certificate", args=[review_round.pk, certificate.pk]))
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "GIẤY CHỨNG NHẬN HỘ NGHÈO" in text and "Nguyễn Văn An" in text and "12/QĐ-UBND" in text
    decision = officer_client.get(reverse("review-decision", args=[review_round.pk]))
    assert "QUYẾT ĐỊNH" in "".join(p.extract_text() for p in PdfReader(io.BytesIO(decision.content)).pages)


def test_it_hides_every_page_of_a_round_from_an_officer_of_another_ward(
    outsider_client, make_round, poor_household, run_round
):
    review_round = run_round(make_round())
    certificate = review_round.decision.certificates.get()
    meeting = review_round.meetings.get()
    urls = [
        reverse(name, args=[review_round.pk])
        for name in (
            "review-round",
            "review-results",
            "review-meeting",
            "review-posting",
            "review-approve",
            "review-summary",
            "review-decision",
            "review-certificates",
            "review-summary-xlsx",
            "review-household-add",
            "review-complaint-create",
        )
    ]
    urls += [
        reverse("review-certificate", args=[review_round.pk, certificate.pk]),
        reverse("review-minutes", args=[review_round.pk, meeting.pk]),
        reverse("review-offline", args=[review_round.pk, "B"]),
        reverse("review-provisional-list", args=[review_round.pk, "vn_2022", "pdf"]),
    ]
    for url in urls:
        assert outsider_client.get(url).status_code == 404, url
    assert outsider_client.post(reverse("review-assess", args=[review_round.pk])).status_code == 404


def test_it_shows_flows_by_ward_and_exports_them(officer_client, analyst, make_round, poor_household, run_round):
    review_round = run_round(make_round())
    decision_date = review_round.decision.date
    query = {"start": "01/01/2025", "end": decision_date.strftime("%d/%m/%Y")}
    html = client_for(analyst).get(reverse("review-summary", args=[review_round.pk]), query).content.decode()
    assert review_round.ward.name in html and "Toàn địa bàn" in html and "tag--red" not in html
    response = officer_client.get(reverse("review-summary-xlsx", args=[review_round.pk]), query)
    from openpyxl import load_workbook

    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames[:2] == ["Biến động", "Thiếu hụt"]
    rows = list(workbook["Biến động"].iter_rows(values_only=True))
    assert any(row[0] == review_round.ward.name and 1 in row for row in rows)


def test_it_lists_due_and_overdue_regular_reviews(officer_client, officer, poor_household):
    actions.do_record_request(
        actor=officer, household=poor_household, form="form_04", received_on=dt.date(2025, 1, 6), channel="direct"
    )
    html = officer_client.get(reverse("review-due")).content.decode()
    assert 'class="overdue"' in html


def test_it_serves_the_xlsform_and_the_offline_workbook(officer_client, officer, make_round, poor_household):
    from openpyxl import load_workbook

    form = load_workbook(io.BytesIO(officer_client.get(reverse("review-xlsform", args=["B"])).content))
    assert form.sheetnames == ["survey", "choices", "settings"]
    review_round, _rh = _listed(officer, make_round)
    workbook = load_workbook(
        io.BytesIO(officer_client.get(reverse("review-offline", args=[review_round.pk, "B"])).content)
    )
    households = list(workbook["Hộ"].iter_rows(values_only=True))
    assert households[2][0] == poor_household.code


def test_every_form_of_a_round_posts_to_its_page_written_out_without_a_fragment(
    officer_client, chairman_client, officer, make_round, poor_household, run_round
):
    """Each step's form, in the round status that shows it (see ``post_forms_without_their_address``)."""
    review_round, rh = _listed(officer, make_round)
    found = post_forms_without_their_address(
        officer_client,
        [
            ("review-household-add", [review_round.pk]),
            ("review-household-remove", [review_round.pk, rh.pk]),
            ("review-survey", [review_round.pk, rh.pk, "B"]),
            ("review-survey-import", [review_round.pk, "B"]),
        ],
    )
    actions.do_move_round(actor=officer, review_round=review_round, to_status="surveying")
    review_round = run_round(review_round, until="assessed")
    found |= post_forms_without_their_address(officer_client, [("review-meeting", [review_round.pk])])
    actions.do_record_meeting(
        actor=officer,
        review_round=review_round,
        held_on=dt.date(YEAR, 10, 31),
        present_count=10,
        votes={rh.pk: (10, 8)},
    )
    found |= post_forms_without_their_address(officer_client, [("review-posting", [review_round.pk])])
    actions.do_open_posting(actor=officer, review_round=review_round, start=dt.date(YEAR, 11, 3))
    complaint = actions.do_record_complaint(
        actor=officer,
        review_round=review_round,
        received_on=dt.date(YEAR, 11, 4),
        content="Hộ có thu nhập cao hơn",
        round_household=rh,
    )
    found |= post_forms_without_their_address(
        officer_client,
        [("review-complaint-create", [review_round.pk]), ("review-complaint-answer", [review_round.pk, complaint.pk])],
    )
    found |= post_forms_without_their_address(chairman_client, [("review-approve", [review_round.pk])])
    assert found == {}


@pytest.mark.parametrize("income", [POOR_INCOME])
def test_it_keeps_the_page_free_of_inline_scripts_and_styles(
    officer_client, officer, make_round, poor_household, income
):
    review_round, rh = _listed(officer, make_round)
    for url in (
        reverse("review-rounds"),
        reverse("review-round", args=[review_round.pk]),
        reverse("review-survey", args=[review_round.pk, rh.pk, "B"]),
    ):
        page = parse(officer_client.get(url))
        assert page.inline_scripts == [] and page.style_blocks == 0
        assert not [a for _t, a in page.elements if "style" in a or any(k.startswith("on") for k in a)]


def test_it_checks_one_answer_as_soon_as_it_is_given(
    officer_client, outsider_client, officer, make_round, poor_household
):
    review_round, rh = _listed(officer, make_round)
    page = officer_client.get(reverse("review-survey", args=[review_round.pk, rh.pk, "B"])).content.decode()
    check = reverse("review-survey-check", args=[review_round.pk, rh.pk, "B"])
    assert f'hx-post="{check}"' in page and 'id="group-household__floor_area_m2"' in page
    bad = officer_client.post(check, {"household__floor_area_m2": "-2"}, headers={"HX-Request": "true"})
    html = bad.content.decode()
    assert bad.status_code == 200 and 'id="group-household__floor_area_m2"' in html
    assert "form-group--error" in html and 'value="-2"' in html
    # htmx sends the whole form and names the answer that changed.
    good = officer_client.post(
        check,
        {"household__floor_area_m2": "12,5", "household__has_tv": "maybe"},
        headers={"HX-Request": "true", "HX-Trigger-Name": "household__floor_area_m2"},
    )
    assert 'id="group-household__floor_area_m2"' in good.content.decode()
    assert "form-group--error" not in good.content.decode()
    assert not SurveyResponse.objects.exists()  # checking saves nothing
    assert outsider_client.post(check, {"household__floor_area_m2": "1"}).status_code == 404


def test_a_result_can_be_read_in_full_as_at_the_village_meeting(
    officer_client, outsider_client, officer, make_round, run_round, poor_household
):
    review_round = make_round()
    run_round(review_round, until="assessed")
    url = reverse("review-explanation", args=[review_round.pk, poor_household.pk, "vn_2022"])
    results = officer_client.get(reverse("review-results", args=[review_round.pk])).content.decode()
    assert url in results
    html = officer_client.get(url).content.decode()
    assert "Nghị định 07/2021/NĐ-CP, Điều 3, khoản 1, điểm" in html and "HỘ NGHÈO" in html
    assert "Decree" not in html and "wall_durable" not in html and "Phường Bến Thành" in html
    assert outsider_client.get(url).status_code == 404
    missing = reverse("review-explanation", args=[review_round.pk, poor_household.pk, "no_such_standard"])
    assert officer_client.get(missing).status_code == 404
