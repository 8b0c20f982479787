"""Reads of cases, always through the circle (``cases.scope``): the lists with hidden names, the case as one user
may see it (decrypted, only the sections their access opens), the supervisor's queue of clocks and the alerts.

The stage is derived (Primero's workflow): closed when closed; else services once a service is recorded; plan
once a plan is drafted; assessment once an assessment is recorded; else new.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone

from ansinh import vocab
from ansinh.cases import crypto
from ansinh.cases.actions import closure_approved, current_consents
from ansinh.cases.clocks import Clock, clocks_for
from ansinh.cases.models import (
    ACTIVE_REFERRAL,
    Assessment,
    Attachment,
    Case,
    Notification,
    Plan,
    Referral,
    Service,
    Stage,
    Status,
)
from ansinh.cases.scope import Access, access, core_case_ids, referral_q, shared_sections, visible_cases


def stage(case: Case, *, has_assessment: bool, has_plan: bool, has_service: bool) -> str:
    if case.status == Status.CLOSED:
        return Stage.CLOSED
    if has_service:
        return Stage.SERVICES
    if has_plan:
        return Stage.PLAN
    if has_assessment:
        return Stage.ASSESSMENT
    return Stage.NEW


def with_stage(cases: QuerySet[Case]) -> QuerySet[Case]:
    """Annotate what the stage is derived from (three EXISTS, no query per case)."""
    return cases.annotate(
        has_assessment=Exists(Assessment.objects.filter(case=OuterRef("pk"))),
        has_plan=Exists(Plan.objects.filter(case=OuterRef("pk"))),
        has_service=Exists(Service.objects.filter(case=OuterRef("pk"))),
    )


def case_stage(case: Case) -> str:
    return stage(
        case,
        has_assessment=case.assessments.exists(),
        has_plan=case.plans.exists(),
        has_service=case.services.exists(),
    )


def masked(name: str) -> str:
    """A name hidden in a list: the initials only (``Nguyễn Thị Lan`` → ``N. T. L.``)."""
    return " ".join(f"{part[0]}." for part in name.split() if part) or "—"


@dataclass
class Row:
    case: Case
    stage: str
    name: str  # hidden (initials) unless revealed
    clocks: list[Clock] = field(default_factory=list)
    via: str = ""


def case_rows(user: Any, *, reveal: bool = False, status: str | None = Status.OPEN) -> list[Row]:
    """The user's cases, newest first, with their stage and clocks; names hidden unless ``reveal`` (the caller
    logs the reveal)."""
    qs = visible_cases(user).select_related("owner_agency", "ward", "owner")
    if status:
        qs = qs.filter(status=status)
    cases = list(with_stage(qs).order_by("-received_at")[:500])
    ids = [c.pk for c in cases]
    core = core_case_ids(user, ids)
    shared = shared_sections(user, ids)
    # A referral's agency sees the name only if the survivor section is shared, and no clock (its events are the
    # owner's).
    clocks = clocks_for([c for c in cases if c.pk in core])
    rows = []
    for c in cases:
        if c.pk in core or "survivor" in shared[c.pk]:
            plain = crypto.unseal_text(c.survivor_name_ct)
            name = plain if reveal else masked(plain)
        else:
            name = "—"
        rows.append(
            Row(
                case=c,
                stage=stage(c, has_assessment=c.has_assessment, has_plan=c.has_plan, has_service=c.has_service),  # type: ignore[attr-defined]
                name=name,
                clocks=clocks.get(c.pk, []),
                via="core" if c.pk in core else "referral",
            )
        )
    return rows


def get_case_for(user: Any, pk: int) -> tuple[Case, Access] | None:
    """The case ``pk`` with what ``user`` may see of it, or ``None`` (outside the circle: a 404)."""
    case = Case.objects.select_related("owner", "owner_agency", "ward", "linked_member").filter(pk=pk).first()
    if case is None:
        return None
    found = access(user, case)
    return None if found is None else (case, found)


def case_view(case: Case, seen: Access) -> dict[str, Any]:
    """The case's sections that ``seen`` opens, decrypted; the others are absent (never sent to the page)."""
    view: dict[str, Any] = {"sections": sorted(seen.sections), "via": seen.via}
    if seen.sees("survivor"):
        view["survivor_name"] = crypto.unseal_text(case.survivor_name_ct)
        view["survivor_address"] = crypto.unseal_text(case.survivor_address_ct)
        view["linked_member"] = case.linked_member if seen.core else None
    if seen.sees("narrative"):
        view["narrative"] = crypto.unseal_text(case.narrative_ct)
    if seen.sees("perpetrator"):
        view["perpetrator"] = crypto.unseal_text(case.perpetrator_ct)
    if seen.sees("medical"):
        view["medical"] = crypto.unseal_text(case.medical_ct)
    if seen.sees("incident"):
        view["incidents"] = list(case.incidents.all())
    if seen.sees("assessment"):
        view["assessments"] = [
            {"row": a, "summary": crypto.unseal_text(a.summary_ct)} for a in case.assessments.select_related("by")
        ]
    if seen.sees("plan"):
        view["plans"] = [{"row": p, "goals": crypto.unseal_text(p.goals_ct)} for p in case.plans.select_related("by")]
    if seen.sees("services"):
        view["services"] = list(case.services.select_related("agency"))
    if seen.sees("measures"):
        view["measures"] = list(case.measures.all())
    if seen.sees("follow_up"):
        view["follow_ups"] = [
            {"row": f, "note": crypto.unseal_text(f.note_ct)} for f in case.follow_ups.select_related("by")
        ]
    view["attachments"] = [
        {"row": a, "name": crypto.unseal_text(a.filename_ct)} for a in case.attachments.all() if seen.sees(a.section)
    ]
    if seen.core:
        view["consents"] = current_consents(case)
        view["approvals"] = list(case.approvals.select_related("requested_by", "decided_by"))
        view["referrals"] = list(case.referrals.select_related("to_agency", "to_user"))
        view["transfers"] = list(case.transfers.select_related("from_user", "to_user", "from_agency", "to_agency"))
        view["assigned"] = list(case.assigned.all())
        view["closure_approved"] = closure_approved(case)
    return view


def attachment_for(user: Any, case_pk: int, pk: int) -> tuple[Attachment, Access] | None:
    found = get_case_for(user, case_pk)
    if found is None:
        return None
    case, seen = found
    attachment = Attachment.objects.filter(case=case, pk=pk).first()
    if attachment is None or not seen.sees(attachment.section):
        return None
    return attachment, seen


def my_referrals(user: Any) -> QuerySet[Referral]:
    """Referrals to the user's agencies still open to them (sent or accepted)."""
    return Referral.objects.filter(referral_q(user), status__in=ACTIVE_REFERRAL).select_related("case", "to_agency")


@dataclass(frozen=True)
class QueueItem:
    case: Case
    clock: Clock
    overdue: bool


def supervisor_queue(user: Any, now: dt.datetime | None = None) -> list[QueueItem]:
    """The open clocks of the user's open cases, due first: what is overdue and what is running."""
    now = now or timezone.now()
    cases = list(visible_cases(user).filter(status=Status.OPEN).select_related("owner", "owner_agency", "ward"))
    core = core_case_ids(user, [c.pk for c in cases])
    cases = [c for c in cases if c.pk in core]
    by_id = {c.pk: c for c in cases}
    items = [
        QueueItem(by_id[case_id], clock, clock.state(now) == "overdue")
        for case_id, clocks in clocks_for(cases).items()
        for clock in clocks
        if clock.open()
    ]
    return sorted(items, key=lambda i: i.clock.due)


def notifications_for(user: Any) -> QuerySet[Notification]:
    """The user's alerts on cases still in their circle."""
    return Notification.objects.filter(user_id=user.pk, case__in=visible_cases(user)).select_related("case")[:100]


def label(vocabulary: vocab.Vocabulary, code: str, lang: str = "vi") -> str:
    """The label of a case code in the reader's language."""
    if code not in vocabulary:
        return code
    english, vietnamese = vocabulary[code]
    return english if lang == "en" else vietnamese
