"""The meeting's secretary is a field: the page stores it there, the minutes PDF prints it from there, and the
meetings recorded before the field existed have it moved out of their text by a data migration."""

from __future__ import annotations

import datetime as dt
import doctest
import importlib
import io

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from ansinh.review.models import Meeting
from tests.review.conftest import YEAR

MIGRATION = "ansinh.review.migrations.0007_meeting_secretary"
BEFORE, AFTER = ("review", "0006_bulk_assessment_storage"), ("review", "0007_meeting_secretary")


@pytest.fixture
def officer_client(officer):
    client = Client()
    client.force_login(officer)
    return client


def _text(data: bytes) -> str:
    return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages)


def test_it_stores_the_secretary_in_its_own_field_and_prints_it(officer_client, make_round, poor_household, run_round):
    review_round = run_round(make_round(), until="assessed")
    rh = review_round.households.get()
    response = officer_client.post(
        reverse("review-meeting", args=[review_round.pk]),
        {
            "held_on": "20/10/2025",
            "present_count": "20",
            f"agree_{rh.pk}": "15",
            "chaired_by": "Võ Văn Tám",
            "secretary": "Huỳnh Thị Mai",
            "participants": "Bí thư chi bộ\nTrưởng khu phố",
        },
    )
    assert response.status_code == 302
    meeting = review_round.meetings.get()
    assert meeting.secretary == "Huỳnh Thị Mai"
    assert meeting.participants == ["Bí thư chi bộ", "Trưởng khu phố"]
    assert meeting.minutes == ""
    text = _text(officer_client.get(reverse("review-minutes", args=[review_round.pk, meeting.pk])).content)
    assert "Huỳnh Thị Mai" in text and "Thư ký:" not in text


def test_it_prints_a_long_secretary_name_as_it_is(officer, officer_client, make_round, poor_household, run_round):
    from ansinh.review import actions

    review_round = run_round(make_round(), until="assessed")
    rh = review_round.households.get()
    name = "Nguyễn Thị Thanh Hương"
    meeting = actions.do_record_meeting(
        actor=officer,
        review_round=review_round,
        held_on=dt.date(YEAR, 10, 20),
        present_count=10,
        votes={rh.pk: (10, 9)},
        secretary=name,
        minutes="Biên bản đầy đủ của cuộc họp. " * 10,  # written minutes are not the secretary
    )
    text = _text(officer_client.get(reverse("review-minutes", args=[review_round.pk, meeting.pk])).content)
    assert name in text


def test_the_migration_reads_the_secretary_the_way_the_pdf_did() -> None:
    module = importlib.import_module(MIGRATION)
    result = doctest.testmod(module)
    assert result.attempted >= 3 and result.failed == 0
    split = module.split_secretary
    assert split("  Mai ", ["A"]) == ("Mai", "", ["A"])
    assert split("", ["A"]) == ("", "", ["A"])


@pytest.mark.django_db(transaction=True)
def test_it_moves_the_secretary_of_existing_meetings_out_of_their_text(officer, make_round, poor_household, run_round):
    review_round = run_round(make_round(), until="meeting")
    pk = review_round.meetings.get().pk
    executor = MigrationExecutor(connection)
    latest = executor.loader.graph.leaf_nodes()  # back to every app's latest after, not only to AFTER
    try:
        executor.migrate([BEFORE])
        old = executor.loader.project_state([BEFORE]).apps.get_model("review", "Meeting")
        old.objects.filter(pk=pk).update(
            minutes="Huỳnh Thị Mai", participants=["Bí thư chi bộ", "Thư ký: Huỳnh Thị Mai"]
        )
    finally:
        MigrationExecutor(connection).migrate(latest)
    meeting = Meeting.objects.get(pk=pk)
    assert (meeting.secretary, meeting.minutes, meeting.participants) == ("Huỳnh Thị Mai", "", ["Bí thư chi bộ"])
