"""A dossier is an append-only event log; its lifecycle is data; timeliness is derived, never stored."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import pytest
from django.db import IntegrityError, connection, transaction

from ansinh.audit.models import AuditEvent
from ansinh.dossiers import actions as a
from ansinh.dossiers import errors
from ansinh.dossiers.models import Dossier, DossierEvent, Rating, Status
from ansinh.dossiers.queries import current_appointment, timeliness
from ansinh.geo.models import CalendarException

from .conftest import at


def test_it_accepts_a_dossier_and_stores_the_appointment_with_the_calendar_version(receive: Any) -> None:
    dossier = receive(at(2026, 3, 6, 16, 30))
    assert dossier.status == Status.ACCEPTED and dossier.portal_code == 2
    accepted = dossier.events.get(kind="accepted")
    assert accepted.appointment == at(2026, 3, 13, 16, 30)
    assert accepted.data["calendar"].startswith("holidays-")
    assert dossier.code.startswith("26734-2026-") and len(dossier.secret) == 8
    assert AuditEvent.objects.filter(object_type="dossier", object_id=str(dossier.pk)).count() == 2


def test_a_change_to_the_holiday_table_does_not_move_a_received_dossier(receive: Any) -> None:
    dossier = receive(at(2026, 3, 6, 16, 30))
    CalendarException.objects.create(date=dt.date(2026, 3, 10), kind="day_off", reason="test example")
    assert current_appointment(dossier) == at(2026, 3, 13, 16, 30)
    later = receive(at(2026, 3, 6, 16, 30))  # received after the notice: one more day
    assert current_appointment(later) == at(2026, 3, 16, 16, 30)
    assert later.events.get(kind="accepted").data["calendar"] != dossier.events.get(kind="accepted").data["calendar"]


def test_the_database_refuses_to_change_or_delete_an_event(receive: Any) -> None:
    dossier = receive(at(2026, 3, 6, 9, 0))
    event = dossier.events.get(kind="accepted")
    with pytest.raises(IntegrityError), transaction.atomic():
        DossierEvent.objects.filter(pk=event.pk).update(appointment=at(2026, 4, 30, 17, 0))
    with pytest.raises(IntegrityError), transaction.atomic():
        DossierEvent.objects.filter(pk=event.pk).delete()
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE dossiers_dossierevent SET at = at WHERE id = %s", [event.pk])
    assert current_appointment(dossier) == at(2026, 3, 13, 9, 0)


def test_the_supplement_pause_moves_the_appointment_by_the_paused_working_time(officer: Any, receive: Any) -> None:
    dossier = receive(at(2026, 3, 9, 8, 0))
    a.do_request_supplement(actor=officer, dossier=dossier, reason="Thiếu bản sao căn cước", at=at(2026, 3, 10, 10))
    assert timeliness(dossier, at(2026, 3, 12, 9, 0)).kind == "paused"
    event = a.do_receive_supplement(actor=officer, dossier=dossier, at=at(2026, 3, 16, 14, 0))
    # The hand computation of test_appointment: 34 paused working hours, due Fri 20 Mar 10:00.
    assert event.data["paused_working_seconds"] == 34 * 3600
    assert current_appointment(dossier) == at(2026, 3, 20, 10, 0)


@pytest.mark.parametrize(
    ("decided", "kind"),
    [
        ((2026, 3, 12, 15, 0), "early"),
        ((2026, 3, 13, 17, 0), "on_time"),  # the appointment's day, after its hour: on time (date granularity)
        ((2026, 3, 16, 8, 0), "late"),
    ],
)
def test_timeliness_is_derived_from_the_events(officer: Any, receive: Any, decided: Any, kind: str) -> None:
    dossier = receive(at(2026, 3, 6, 16, 30))
    assert timeliness(dossier, at(2026, 3, 13, 9, 0)).kind == "in_time"
    assert timeliness(dossier, at(2026, 3, 14, 9, 0)).kind == "overdue"
    a.do_decide_dossier(actor=officer, dossier=dossier, result="Cấp giấy chứng nhận", at=at(*decided))
    assert timeliness(dossier, at(2026, 12, 31)).kind == kind


def test_nothing_can_set_timeliness() -> None:
    from django.contrib import admin

    from ansinh.dossiers.models import DossierSummary

    words = ("timel", "on_time", "ontime", "late", "overdue", "early", "dung_han", "qua_han")
    for model in (Dossier, DossierEvent, Rating, DossierSummary):
        names = [f.name.lower() for f in model._meta.get_fields()]
        assert not [n for n in names if any(w in n for w in words)], model
        assert model not in admin.site._registry
    assert "status" not in Dossier._meta.get_field("status").name or not Dossier._meta.get_field("status").editable


TIMELINESS_WORDS = {"timeliness", "early", "late", "overdue", "ontime", "adjusted", "dunghan", "quahan"}


def _says_timeliness(name: str) -> bool:
    parts = set(re.split(r"[_\-\W]+", name.lower()))
    joined = name.lower().replace("_", "").replace("-", "")
    return bool(parts & TIMELINESS_WORDS) or any(w in joined for w in ("ontime", "intime", "timeliness"))


def test_no_page_form_import_or_endpoint_takes_a_timeliness() -> None:
    """Searched: every input of every page template, every Django form field of the pages, every field of every
    request body and parameter of the API; and the imports do not touch dossiers at all."""
    from ansinh.api.urls import api

    src = Path(a.__file__).resolve().parents[1]
    inputs = [
        (str(path), name)
        for path in (src / "web").rglob("*.html")
        for name in re.findall(r'name="([^"{]+)"', path.read_text(encoding="utf-8"))
    ]
    fields = [
        (str(path), name)
        for path in (src / "web").rglob("*.py")
        for name in re.findall(r"^\s+(\w+)\s*=\s*forms\.\w+", path.read_text(encoding="utf-8"), re.MULTILINE)
    ]
    assert inputs and fields
    assert [f for f in inputs + fields if _says_timeliness(f[1])] == []

    schema = api.get_openapi_schema()
    components = schema.get("components", {}).get("schemas", {})

    def names(node: Any, seen: set[str]) -> list[str]:
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str) and ref not in seen:
                return names(components.get(ref.rsplit("/", 1)[-1], {}), seen | {ref})
            found = list(node.get("properties", {}))
            return found + [n for value in node.values() for n in names(value, seen)]
        if isinstance(node, list):
            return [n for value in node for n in names(value, seen)]
        return []

    taken = [
        name
        for methods in schema["paths"].values()
        for method, op in methods.items()
        if method in ("post", "put", "patch", "delete", "get")
        for name in names(op.get("requestBody", {}), set()) + [p["name"] for p in op.get("parameters", [])]
    ]
    assert taken and [n for n in taken if _says_timeliness(n)] == []
    imports = "".join(p.read_text(encoding="utf-8") for p in (src / "imports").rglob("*.py"))
    assert "dossier" not in imports.lower()


def test_a_correction_is_an_event_with_a_reason_reported_as_adjusted(officer: Any, receive: Any) -> None:
    dossier = receive(at(2026, 3, 6, 16, 30))
    with pytest.raises(errors.ReasonRequired):
        a.do_correct_dossier(actor=officer, dossier=dossier, appointment=at(2026, 3, 20, 17), reason=" ")
    a.do_correct_dossier(
        actor=officer,
        dossier=dossier,
        appointment=at(2026, 3, 20, 17),
        reason="Thời hạn 10 ngày, nhập nhầm 5",
        at=at(2026, 3, 9, 8),
    )
    a.do_decide_dossier(actor=officer, dossier=dossier, result="x", at=at(2026, 3, 18, 9))
    t = timeliness(dossier, at(2026, 12, 31))
    assert (t.kind, t.adjusted) == ("early", True)
    assert dossier.events.filter(kind="accepted", appointment=at(2026, 3, 13, 16, 30)).exists()


def test_a_late_return_needs_an_apology_with_reason_and_new_date(officer: Any, receive: Any) -> None:
    dossier = receive(at(2026, 3, 6, 16, 30))
    with pytest.raises(errors.NotDecided):
        a.do_return_dossier(actor=officer, dossier=dossier, at=at(2026, 3, 12))
    a.do_decide_dossier(actor=officer, dossier=dossier, result="x", at=at(2026, 3, 16, 9))
    with pytest.raises(errors.LateWithoutApology) as late:
        a.do_return_dossier(actor=officer, dossier=dossier, at=at(2026, 3, 16, 10))
    assert "13/03/2026" in late.value.message
    with pytest.raises(errors.BadNewDate):
        a.do_send_apology(
            actor=officer, dossier=dossier, reason="Chờ xác minh", new_date=dt.date(2026, 3, 13), sent_by="sms"
        )
    a.do_send_apology(
        actor=officer,
        dossier=dossier,
        reason="Chờ xác minh",
        new_date=dt.date(2026, 3, 17),
        sent_by="sms",
        at=at(2026, 3, 16, 9, 30),
    )
    a.do_return_dossier(actor=officer, dossier=dossier, at=at(2026, 3, 16, 10))
    assert Dossier.objects.get(pk=dossier.pk).status == Status.RETURNED
    assert timeliness(dossier, at(2026, 12, 31)).kind == "late"


def test_illegal_moves_and_bad_input_write_nothing(officer: Any, receive: Any, ward_a: Any) -> None:
    before = (Dossier.objects.count(), DossierEvent.objects.count())
    with pytest.raises(errors.UnknownProcedure):
        receive(at(2026, 3, 6, 9), procedure="passport")
    with pytest.raises(errors.MissingDocuments) as missing:
        receive(at(2026, 3, 6, 9), procedure="social_pension", documents=["id_card"])
    assert "Tờ khai" in missing.value.message
    assert (Dossier.objects.count(), DossierEvent.objects.count()) == before
    dossier = receive(at(2026, 3, 6, 9))
    with pytest.raises(errors.IllegalTransition):
        a.do_refuse_dossier(actor=officer, dossier=dossier, reason="x")
    assert dossier.events.count() == 2


def test_the_citizen_rates_a_returned_dossier_once_with_its_secret(officer: Any, receive: Any) -> None:
    dossier = receive(at(2026, 3, 6, 9))
    with pytest.raises(errors.NotReturned):
        a.do_rate_dossier(dossier=dossier, secret=dossier.secret, level=5)
    a.do_decide_dossier(actor=officer, dossier=dossier, result="x", at=at(2026, 3, 10, 9))
    a.do_return_dossier(actor=officer, dossier=dossier, at=at(2026, 3, 10, 10))
    with pytest.raises(errors.WrongSecret):
        a.do_rate_dossier(dossier=dossier, secret="WRONG123", level=5)
    for bad in ({"8": 2}, {"1": 3}, {"1": "tốt"}):  # 8 measures the unit, not the dossier; scores are 2, 1, 0
        with pytest.raises(errors.BadRating):
            a.do_rate_dossier(dossier=dossier, secret=dossier.secret, level=5, criteria=bad)
    a.do_rate_dossier(dossier=dossier, secret=dossier.secret.lower(), level=5, criteria={"1": 2, "7": 2})
    with pytest.raises(errors.AlreadyRated):
        a.do_rate_dossier(dossier=dossier, secret=dossier.secret, level=1)
    assert Rating.objects.filter(dossier=dossier).count() == 1


def test_every_status_maps_to_its_own_national_portal_code() -> None:
    from ansinh.dossiers.models import PORTAL_CODES

    assert set(PORTAL_CODES) == set(Status) and len(set(PORTAL_CODES.values())) == len(Status)
    assert (PORTAL_CODES[Status.RECEIVED], PORTAL_CODES[Status.SUPPLEMENT], PORTAL_CODES[Status.RETURNED]) == (1, 5, 10)
