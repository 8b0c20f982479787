"""Synthetic cases for the demo: the agencies of the demo ward and of the city (a hospital one-stop centre, the
commune, its police, a shelter, legal aid), their demo accounts, and about thirty cases at every stage, made
through the same audited actions as the pages (sealed, consented, referred), with clocks running and overdue,
so that every demo account of the case circle has something to work on. A second commune's cases, owned by a
synthetic worker, show that the demo accounts of the first see nothing of them. Demo mode only; the names are
made up here (production code does not import the synthetic city)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from ansinh.accounts.demo import DEMO_PASSWORD, DemoAccount
from ansinh.accounts.models import Role, User
from ansinh.cases import actions
from ansinh.cases.crypto import make_key_file
from ansinh.cases.models import Agency, AgencyMember, Case
from ansinh.geo.models import Ward

FAMILY = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Võ", "Đặng", "Bùi")
MIDDLE = ("Thị", "Ngọc", "Thanh", "Thu", "Minh")
GIVEN = ("Lan", "Hoa", "Mai", "Hạnh", "Yến", "Trang", "Linh", "Nhung", "Thảo", "Vy", "An", "Bích")
INCIDENTS = ("physical_assault", "psychological_abuse", "denial_of_resources", "sexual_assault", "neglect")
RELATIONS = ("partner", "parent", "relative", "former_partner", "acquaintance")


@dataclass(frozen=True)
class Spec:
    username: str
    role: str
    agency: str  # agency key


def _name(i: int) -> str:
    return f"{FAMILY[i % len(FAMILY)]} {MIDDLE[i % len(MIDDLE)]} {GIVEN[(i * 7) % len(GIVEN)]}"


def _account(username: str, role: str, ward: Ward | None) -> User:
    user, _created = User.objects.get_or_create(username=username, defaults={"role": role})
    user.role, user.is_demo, user.is_active, user.is_staff, user.is_superuser = role, True, True, False, False
    user.set_password(DEMO_PASSWORD)
    user.save()
    if ward is not None and not user.wards.exists():
        user.wards.set([ward])
    return user


@transaction.atomic
def ensure_demo_cases(ward: Ward, other_ward: Ward | None = None) -> list[DemoAccount]:
    """Agencies, case-circle accounts and synthetic cases (once); returns the accounts for the demo's list."""
    if not settings.DEMO_MODE:
        raise RuntimeError("Demo cases exist only in demo mode (ANSINH_ENV=demo).")
    make_key_file(settings.CASES_KEY_FILE)
    agencies = {
        "commune": (f"UB-{ward.code}", f"UBND {ward.name}", "commune", ward),
        "police": (f"CA-{ward.code}", f"Công an {ward.name}", "police", ward),
        "hospital": ("BV-ND1", "Trung tâm một cửa – Bệnh viện Nhi Đồng 1", "hospital_centre", None),
        "shelter": ("NAD-HCM", "Ngôi nhà Ánh Dương TP. Hồ Chí Minh", "shelter", None),
        "legal_aid": ("TGPL-HCM", "Trung tâm Trợ giúp pháp lý Nhà nước TP. Hồ Chí Minh", "legal_aid", None),
    }
    if other_ward is not None:
        agencies["other"] = (f"UB-{other_ward.code}", f"UBND {other_ward.name}", "commune", other_ward)
    made = {
        key: Agency.objects.get_or_create(code=code, defaults={"name": name, "kind": kind, "ward": w})[0]
        for key, (code, name, kind, w) in agencies.items()
    }
    specs = [
        Spec("demo-caseworker", Role.CASE_WORKER, "commune"),
        Spec("demo-supervisor", Role.CASE_SUPERVISOR, "commune"),
        Spec("demo-chairman", Role.WARD_CHAIRMAN, "commune"),
        Spec("demo-hospital", Role.CASE_WORKER, "hospital"),
        Spec("demo-police", Role.CASE_WORKER, "police"),
        Spec("demo-shelter", Role.CASE_WORKER, "shelter"),
        Spec("demo-legalaid", Role.CASE_WORKER, "legal_aid"),
    ]
    users: dict[str, User] = {}
    for spec in specs:
        scoped = ward if made[spec.agency].ward_id else None
        user = _account(spec.username, spec.role, scoped)
        AgencyMember.objects.get_or_create(agency=made[spec.agency], user=user)
        users[spec.username] = user
    if other_ward is not None:
        other = _account("synthetic-caseworker-2", Role.CASE_WORKER, other_ward)
        other.set_unusable_password()
        other.save()
        AgencyMember.objects.get_or_create(agency=made["other"], user=other)
        users["other"] = other
    if not Case.objects.exists():
        _cases(ward, other_ward, made, users)
        actions.raise_clock_alerts()
    return [
        DemoAccount(s.username, str(Role(s.role).label), made[s.agency].name)
        for s in specs
        if s.username not in ("demo-caseworker", "demo-chairman")
    ]


def _open(owner: User, agency: Agency, ward: Ward, i: int, *, kind: str, hours_ago: float, consent: bool) -> Case:
    received = timezone.now() - dt.timedelta(hours=hours_ago)
    age = 6 + i % 10 if kind == "child" else 19 + (i * 7) % 45
    return actions.do_open_case(
        actor=owner,
        agency_code=agency.code,
        kind=kind,
        ward=ward,
        received_at=received,
        received_by="hospital" if agency.kind == "hospital_centre" else ("commune", "hotline", "village_head")[i % 3],
        channel=("in_person", "phone", "letter")[i % 3],
        survivor={"name": _name(i), "sex": "F" if kind == "dv" or i % 3 else "M", "age": age,
                  "address": f"Số {10 + i}, hẻm {i % 9 + 1}, {ward.name}"},
        narrative=f"Dữ liệu giả lập của bản demo (vụ {i}): người bị hại kể lại sự việc với cán bộ tiếp nhận.",
        perpetrator="Dữ liệu giả lập: người gây bạo lực là người thân trong gia đình.",
        medical="Dữ liệu giả lập: vết bầm, đã khám tại trạm y tế." if i % 2 else "",
        incident={
            "occurred_on": timezone.localtime(received).date() - dt.timedelta(days=i % 4),
            "kind": INCIDENTS[i % len(INCIDENTS)] if kind == "child" or i % 5 != 4 else "physical_assault",
            "location_type": "home" if i % 4 else "school",
            "perpetrator_relation": ("parent", "relative")[i % 2] if kind == "child" else RELATIONS[i % len(RELATIONS)],
            "reported_before": i % 3 == 0,
        },
        consents={"services": True, "referral": consent, "reporting": consent or i % 2 == 0},
    )  # fmt: skip


def _cases(ward: Ward, other_ward: Ward | None, agencies: dict[str, Agency], users: dict[str, User]) -> None:
    worker, supervisor, chairman = users["demo-caseworker"], users["demo-supervisor"], users["demo-chairman"]
    hospital = users["demo-hospital"]
    commune = agencies["commune"]
    for i in range(24):
        kind = "child" if i % 3 == 0 else "dv"
        owner, agency = (hospital, agencies["hospital"]) if i % 4 == 3 else (worker, commune)
        # Spread over the last three weeks; a few of the last day so that clocks run and run out.
        hours_ago = (2 + i * 0.9) if i < 6 else 24 * (i - 4) / 1.2
        case = _open(owner, agency, ward, i, kind=kind, hours_ago=hours_ago, consent=i % 7 != 5)
        stage = i % 6 if i else 1
        if stage >= 1:
            form = "child_initial" if kind == "child" else "dv_risk"
            risk = "serious" if kind == "child" and i in (0, 9, 15) else ("high", "medium", "low")[i % 3]
            actions.do_assess(actor=owner, case=case, form=form, risk_level=risk, summary="Dữ liệu giả lập.")
            if stage == 1:
                actions.do_request_approval(actor=owner, case=case, kind="assessment")
        if stage >= 2:
            actions.do_record_plan(actor=owner, case=case, goals="Dữ liệu giả lập: an toàn, tư vấn, theo dõi.")
            if kind == "child" and owner == worker:
                actions.do_request_approval(actor=worker, case=case, kind="plan")
        if stage >= 3:
            service = actions.do_add_service(
                actor=owner, case=case, kind=("psychosocial", "legal_aid", "shelter")[i % 3]
            )
            to = ("legal_aid", "shelter", "police")[i % 3]
            if case.consents.filter(kind="referral", given=True).exists():
                referral = actions.do_refer(
                    actor=owner, case=case, to_agency=agencies[to].code, service=service,
                    sections=["incident", "services"] + (["medical"] if to == "shelter" else []),
                )  # fmt: skip
                if i % 2:
                    member = {"legal_aid": "demo-legalaid", "shelter": "demo-shelter", "police": "demo-police"}[to]
                    actions.do_respond_referral(actor=users[member], referral=referral, accept=True)
            actions.do_follow_up(actor=owner, case=case, note="Dữ liệu giả lập: đã gọi điện hỏi thăm.")
        if stage == 5 and owner == worker:
            approval = actions.do_request_approval(actor=worker, case=case, kind="closure")
            if i % 2:
                actions.do_decide_approval(actor=supervisor, approval=approval, approve=True)
                actions.do_close(actor=worker, case=case)
        if kind == "dv" and i % 5 == 1 and case.status == "open":
            actions.do_request_measure(actor=owner, case=case, kind="prohibit_contact")
        if kind == "child" and i % 4 == 3 and stage >= 1:
            svc = actions.do_add_service(actor=owner, case=case, kind="emergency_intervention")
            actions.do_implement_service(actor=owner, service=svc)
    del chairman  # the chairman's work is the plans and the prohibit-contact requests above
    if other_ward is not None:
        for i in range(6):
            _open(
                users["other"], agencies["other"], other_ward, 100 + i, kind="dv", hours_ago=30 + i * 20, consent=True
            )


def demo_ward_pair(ward: Ward) -> Ward | None:
    """Another current ward of the province (the second commune of the demo), if any."""
    return (
        Ward.objects.filter(province_id=ward.province_id, valid_to__isnull=True)
        .exclude(pk=ward.pk)
        .order_by("code")
        .first()
    )
