"""Every change of a case: one audited action each, in one transaction, checked before anything is written.

Each ``do_…`` checks the role (the permission matrix) and the circle (``cases.scope``), validates its input
(an unknown agency, a referral to a user outside the receiving agency, a closure without its approval, a time
before the information was received, a wrong attachment: a ``CaseError`` naming the field), then writes and
records one audit event (field names and codes; a confidential value is written as ``"•"``). Confidential text
is sealed (``cases.crypto``) before it reaches a model.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Iterable, Mapping
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from ansinh import vocab
from ansinh.accounts.models import Actor, User, acting_user
from ansinh.accounts.permissions import can
from ansinh.audit.actions import jsonable, record
from ansinh.audit.models import AuditEvent
from ansinh.cases import crypto
from ansinh.cases.audit_actions import CasesAudit
from ansinh.cases.clocks import clocks_for, rule
from ansinh.cases.errors import (
    AlreadyInCircle,
    ApprovalMissing,
    ApprovalNotAllowed,
    BadAttachment,
    BeforeReport,
    Closed,
    ConcurrentEdit,
    ConsentMissing,
    InFuture,
    NotAgencyMember,
    ReasonRequired,
    UnknownAgency,
    UnknownCode,
    UnknownSection,
    ValidityTooLong,
    WrongKind,
)
from ansinh.cases.models import (
    ALL_SECTIONS,
    APPROVAL_LIFECYCLE,
    LIFECYCLE,
    REFERRAL_LIFECYCLE,
    Agency,
    AgencyMember,
    Approval,
    ApprovalKind,
    ApprovalStatus,
    Assessment,
    Attachment,
    BreakGlass,
    Case,
    Consent,
    ConsentKind,
    FollowUp,
    Incident,
    Measure,
    Notification,
    Plan,
    ReadKind,
    Referral,
    ReferralStatus,
    Service,
    Status,
    Transfer,
)
from ansinh.cases.readlog import record_read
from ansinh.cases.scope import Access, access
from ansinh.lib.dates import DATETIME_FORMAT
from ansinh.tasks.actions import enqueue_on_commit

HIDDEN = "•"
# Confidential fields of the case itself → their ciphertext column.
SEALED_FIELDS = {
    "survivor_name": "survivor_name_ct",
    "survivor_address": "survivor_address_ct",
    "narrative": "narrative_ct",
    "perpetrator": "perpetrator_ct",
    "medical": "medical_ct",
}
PLAIN_FIELDS = ("survivor_sex", "survivor_age")
# Accepted attachments: what the file starts with → (content type, file name endings).
ATTACHMENT_TYPES = {
    b"%PDF-": ("application/pdf", (".pdf",)),
    b"\xff\xd8\xff": ("image/jpeg", (".jpg", ".jpeg")),
    b"\x89PNG\r\n\x1a\n": ("image/png", (".png",)),
}
# Who approves what, beyond the supervisor's ``case.approve``: the child's support plan and the prohibit-contact
# decision are the commune chairman's (Decree 56/2017; Law 13/2022 Art. 25).
CHAIRMAN_ROLE = "ward_chairman"


def _fmt(at: dt.datetime) -> str:
    return timezone.localtime(at).strftime(DATETIME_FORMAT)


def _code(vocabulary: vocab.Vocabulary, value: Any, field: str) -> str:
    if value not in vocabulary:
        raise UnknownCode(field=field, value=value)
    return str(value)


def _circle(actor: Actor, case: Case, action: str = "change", *, core: bool = True) -> Access:
    """Refuse a user without the permission or outside the case's circle (or, ``core``, only a referral's)."""
    if not can(actor, "case", action):
        raise PermissionDenied(f"case.{action}")
    found = access(actor, case)
    if found is None or (core and not found.core):
        raise PermissionDenied("case circle")
    return found


def _open(case: Case) -> None:
    if case.status != Status.OPEN:
        raise Closed


def _when(case: Case, at: dt.datetime | None, field: str, *, after: dt.datetime | None = None) -> dt.datetime:
    """A time of a step: not before the information was received (or ``after``), not in the future."""
    now = timezone.now()
    at = at or now
    floor = after or case.received_at
    if at < floor:
        raise BeforeReport(field=field, at=_fmt(at), received=_fmt(floor))
    if at > now + dt.timedelta(minutes=5):
        raise InFuture(field=field, at=_fmt(at))
    return at


def _refresh_facts(case: Case, what: str) -> None:
    """The reports' case figures of the ward follow (a background task after commit; the reason names no case:
    the facts' batches hold counts only)."""
    enqueue_on_commit("reports.refresh_facts", {"source": "cases", "wards": [case.ward_id], "reason": what})


def _audit(
    actor: Actor, action: CasesAudit, case: Case, changes: Mapping[str, Any] | None = None, note: str = ""
) -> None:
    record(actor=actor, action=action, object_type="case", object_id=case.pk, changes=changes, note=note)


def _touch(case: Case) -> None:
    Case.objects.filter(pk=case.pk).update(version=F("version") + 1, updated_at=timezone.now())
    case.refresh_from_db(fields=["version", "updated_at"])


def agency(code: str, field: str = "agency") -> Agency:
    found = Agency.objects.filter(code=code, active=True).first()
    if found is None:
        raise UnknownAgency(field=field, agency=code)
    return found


def _member(agency_: Agency, user: User | str | None, field: str) -> User:
    username = user if isinstance(user, str) else getattr(user, "username", "")
    found = User.objects.filter(username=username, is_active=True, case_agencies__agency=agency_).first()
    if found is None:
        raise NotAgencyMember(field=field, user=username or "–", agency=agency_.name)
    return found


def current_consents(case: Case) -> dict[str, bool]:
    """The consent in force of each kind (the latest answer); a kind never asked is not given."""
    given = {k: False for k in ConsentKind.values}
    for kind, value in case.consents.order_by("at", "id").values_list("kind", "given"):
        given[kind] = value
    return given


def _notify(users: Iterable[Any], case: Case, kind: str, key: str, **params: Any) -> None:
    now = timezone.now()
    Notification.objects.bulk_create(
        [
            Notification(user_id=u.pk, case=case, kind=kind, key=f"{key}:{u.pk}", params=params, at=now)
            for u in {u.pk: u for u in users if u is not None}.values()
        ],
        ignore_conflicts=True,
    )


def supervisors(agency_: Agency) -> list[User]:
    """The users of an agency whose role approves (its supervisors, the commune chairman)."""
    users = User.objects.filter(case_agencies__agency=agency_, is_active=True)
    return [u for u in users if can(u, "case", "approve")]


# --- opening and editing ------------------------------------------------------------------------------------


@transaction.atomic
def do_open_case(
    *,
    actor: Actor,
    agency_code: str,
    kind: str,
    ward: Any,
    received_at: dt.datetime,
    received_by: str,
    channel: str,
    survivor: Mapping[str, Any],
    narrative: str = "",
    perpetrator: str = "",
    medical: str = "",
    incident: Mapping[str, Any] | None = None,
    consents: Mapping[str, bool] | None = None,
) -> Case:
    """Open a case from the information received (Decree 56/2017 form 01 for a child): the owner is the actor,
    the owning agency the one named (the actor must be one of its users)."""
    if not can(actor, "case", "create"):
        raise PermissionDenied("case.create")
    owner_agency = agency(agency_code)
    user = acting_user(actor)
    if user is None or not AgencyMember.objects.filter(agency=owner_agency, user=user).exists():
        raise NotAgencyMember(field="agency", user=getattr(actor, "username", "–"), agency=owner_agency.name)
    _code(vocab.CASE_KIND, kind, "kind")
    _code(vocab.CASE_RECEIVER, received_by, "received_by")
    _code(vocab.CASE_CHANNEL, channel, "channel")
    _code(vocab.SEX, survivor.get("sex"), "survivor_sex")
    now = timezone.now()
    if received_at > now + dt.timedelta(minutes=5):
        raise InFuture(field="received_at", at=_fmt(received_at))
    age = int(survivor.get("age") or 0)
    if kind == "child" and age >= int(rule("child_age_limit", timezone.localtime(received_at).date()).value):
        raise WrongKind(field="survivor_age")
    case = Case.objects.create(
        code=f"CA-{timezone.localtime(received_at):%Y}-{secrets.token_hex(3).upper()}",
        kind=kind,
        ward=ward,
        owner=user,
        owner_agency=owner_agency,
        received_at=received_at,
        received_by=received_by,
        channel=channel,
        survivor_code=f"S-{secrets.token_hex(4).upper()}",
        survivor_sex=survivor["sex"],
        survivor_age=age,
        survivor_name_ct=crypto.seal_text(survivor.get("name")),
        survivor_address_ct=crypto.seal_text(survivor.get("address")),
        narrative_ct=crypto.seal_text(narrative),
        perpetrator_ct=crypto.seal_text(perpetrator),
        medical_ct=crypto.seal_text(medical),
        created_at=now,
        updated_at=now,
    )
    changes: dict[str, Any] = {
        "kind": [None, kind],
        "ward": [None, getattr(ward, "pk", ward)],
        "owner_agency": [None, owner_agency.code],
        "received_at": [None, jsonable(received_at)],
        **{name: [None, HIDDEN] for name in SEALED_FIELDS},
    }
    _audit(actor, CasesAudit.OPEN, case, changes)
    if incident:
        do_add_incident(actor=actor, case=case, **incident)
    for kind_, given in (consents or {}).items():
        do_record_consent(actor=actor, case=case, kind=kind_, given=given, at=received_at)
    _refresh_facts(case, "case opened")
    return case


def _their_changes(case: Case, since_version: int) -> list[AuditEvent]:
    events = AuditEvent.objects.filter(object_type="case", object_id=str(case.pk)).order_by("-id")[:50]
    return [e for e in events if (e.changes.get("version") or [0, 0])[1] > since_version][::-1]


@transaction.atomic
def do_update_case(*, actor: Actor, case: Case, changes: Mapping[str, Any], expected_version: int) -> Case:
    """Change the survivor's identity, the narrative, the perpetrator or the medical section; refused with
    ``ConcurrentEdit`` (their changes attached) if someone saved the case after ``expected_version``."""
    current = Case.objects.select_for_update().get(pk=case.pk)
    _circle(actor, current)
    _open(current)
    if current.version != expected_version:
        raise ConcurrentEdit(current, _their_changes(current, expected_version))
    update: dict[str, Any] = {}
    changed: dict[str, Any] = {}
    for name, column in SEALED_FIELDS.items():
        if name in changes and (changes[name] or "") != crypto.unseal_text(getattr(current, column)):
            update[column] = crypto.seal_text(changes[name])
            changed[name] = [HIDDEN, HIDDEN]
    if "survivor_sex" in changes:
        _code(vocab.SEX, changes["survivor_sex"], "survivor_sex")
    for name in PLAIN_FIELDS:
        if name in changes and changes[name] != getattr(current, name):
            update[name] = changes[name]
            changed[name] = [jsonable(getattr(current, name)), jsonable(changes[name])]
    if not changed:
        return current
    updated = Case.objects.filter(pk=current.pk, version=expected_version).update(
        **update, version=F("version") + 1, updated_at=timezone.now()
    )
    if updated != 1:  # pragma: no cover - guarded by select_for_update / IMMEDIATE transactions
        raise ConcurrentEdit(current, _their_changes(current, expected_version))
    changed["version"] = [expected_version, expected_version + 1]
    current.refresh_from_db()
    _audit(actor, CasesAudit.UPDATE, current, changed)
    return current


@transaction.atomic
def do_add_incident(
    *,
    actor: Actor,
    case: Case,
    occurred_on: dt.date,
    kind: str,
    location_type: str,
    perpetrator_relation: str,
    reported_before: bool = False,
) -> Incident:
    _circle(actor, case)
    _code(vocab.INCIDENT_TYPE, kind, "incident_kind")
    _code(vocab.LOCATION_TYPE, location_type, "location_type")
    _code(vocab.PERPETRATOR_RELATION, perpetrator_relation, "perpetrator_relation")
    if occurred_on > timezone.localtime(case.received_at).date():
        raise BeforeReport(field="occurred_on", at=occurred_on.strftime("%d/%m/%Y"), received=_fmt(case.received_at))
    incident = Incident.objects.create(
        case=case,
        occurred_on=occurred_on,
        kind=kind,
        location_type=location_type,
        perpetrator_relation=perpetrator_relation,
        reported_before=reported_before,
    )
    _audit(actor, CasesAudit.INCIDENT, case, {"incident": [None, kind]})
    return incident


@transaction.atomic
def do_record_consent(*, actor: Actor, case: Case, kind: str, given: bool, at: dt.datetime | None = None) -> Consent:
    _circle(actor, case)
    if kind not in ConsentKind.values:
        raise UnknownCode(field="consent", value=kind)
    before = current_consents(case)[kind]
    consent = Consent.objects.create(
        case=case, kind=kind, given=bool(given), at=at or timezone.now(), recorded_by=acting_user(actor)
    )
    _audit(actor, CasesAudit.CONSENT, case, {f"consent_{kind}": [before, bool(given)]})
    if kind == ConsentKind.REPORTING and before != bool(given):
        _refresh_facts(case, "reporting consent changed")
    if kind == ConsentKind.REGISTRY_LINK and not given and case.linked_member_id:
        Case.objects.filter(pk=case.pk).update(linked_member=None)
        case.linked_member = None
        _audit(actor, CasesAudit.LINK_MEMBER, case, {"linked_member": [HIDDEN, None]})
    return consent


@transaction.atomic
def do_link_member(*, actor: Actor, case: Case, member_id: int) -> Case:
    """Link the survivor to a registry member the actor may see: only with the survivor's consent. The link is
    shown only inside the circle; the registry's pages never read it."""
    from ansinh.registry.models import Member

    _circle(actor, case)
    if not current_consents(case)[ConsentKind.REGISTRY_LINK]:
        raise ConsentMissing(field="member", consents=ConsentKind.REGISTRY_LINK.label)
    member = Member.objects.scoped(actor).filter(pk=member_id).first()
    if member is None:
        raise UnknownCode(field="member", value=member_id)
    Case.objects.filter(pk=case.pk).update(linked_member=member)
    case.linked_member = member
    _touch(case)
    _audit(actor, CasesAudit.LINK_MEMBER, case, {"linked_member": [None, HIDDEN]})
    return case


# --- assessment, plan, approvals ----------------------------------------------------------------------------

CHILD_FORMS = ("child_initial", "child_specific")


@transaction.atomic
def do_assess(
    *, actor: Actor, case: Case, form: str, risk_level: str, at: dt.datetime | None = None, summary: str = ""
) -> Assessment:
    """Record an assessment: Decree 56/2017 form 02 or 03 for a child, the DV risk assessment otherwise."""
    _circle(actor, case)
    _open(case)
    _code(vocab.ASSESSMENT_FORM, form, "form")
    _code(vocab.RISK_LEVEL, risk_level, "risk_level")
    if (form in CHILD_FORMS) != (case.kind == "child"):
        raise WrongKind(field="form")
    when = _when(case, at, "at")
    assessment = Assessment.objects.create(
        case=case,
        form=form,
        risk_level=risk_level,
        at=when,
        by=acting_user(actor),
        summary_ct=crypto.seal_text(summary),
    )
    _touch(case)
    _audit(actor, CasesAudit.ASSESS, case, {"assessment": [None, form], "risk_level": [None, risk_level]})
    return assessment


@transaction.atomic
def do_record_plan(*, actor: Actor, case: Case, goals: str, at: dt.datetime | None = None) -> Plan:
    _circle(actor, case)
    _open(case)
    if not goals.strip():
        raise ReasonRequired(field="goals")
    plan = Plan.objects.create(
        case=case, drafted_at=_when(case, at, "at"), by=acting_user(actor), goals_ct=crypto.seal_text(goals)
    )
    _touch(case)
    _audit(actor, CasesAudit.PLAN, case, {"plan": [None, HIDDEN]})
    return plan


@transaction.atomic
def do_request_approval(*, actor: Actor, case: Case, kind: str) -> Approval:
    _circle(actor, case)
    _open(case)
    if kind not in ApprovalKind.values:
        raise UnknownCode(field="kind", value=kind)
    if kind == ApprovalKind.ASSESSMENT and not case.assessments.exists():
        raise ApprovalNotAllowed(field="kind", reason=_needs("an assessment"))
    if kind == ApprovalKind.PLAN and not case.plans.exists():
        raise ApprovalNotAllowed(field="kind", reason=_needs("a plan"))
    pending = case.approvals.filter(kind=kind, status=ApprovalStatus.REQUESTED).first()
    if pending:
        return pending
    approval = Approval.objects.create(
        case=case, kind=kind, requested_by=acting_user(actor), requested_at=timezone.now()
    )
    _audit(actor, CasesAudit.APPROVAL_REQUEST, case, {f"approval_{kind}": [None, ApprovalStatus.REQUESTED.value]})
    return approval


def _needs(what: str) -> str:
    from django.utils.translation import gettext

    return gettext("Record %(what)s before asking for its approval.") % {"what": gettext(what)}


@transaction.atomic
def do_decide_approval(*, actor: Actor, approval: Approval, approve: bool, note: str = "") -> Approval:
    """Approve or reject: a supervisor of the case's circle, never the one who asked; a child's support plan
    only by the commune chairman (Decree 56/2017)."""
    from django.utils.translation import gettext

    case = approval.case
    _circle(actor, case, "approve")
    user = acting_user(actor)
    if user is not None and approval.requested_by_id == user.pk:
        raise ApprovalNotAllowed(reason=gettext("You cannot decide your own request."))
    if approval.kind == ApprovalKind.PLAN and case.kind == "child" and getattr(actor, "role", "") != CHAIRMAN_ROLE:
        raise ApprovalNotAllowed(
            reason=gettext("A child's support and intervention plan is approved by the commune chairman.")
        )
    new = ApprovalStatus.APPROVED if approve else ApprovalStatus.REJECTED
    APPROVAL_LIFECYCLE.check(approval.status, new)
    old = approval.status
    approval.status, approval.decided_by, approval.decided_at, approval.note = new, user, timezone.now(), note
    approval.save(update_fields=["status", "decided_by", "decided_at", "note"])
    _touch(case)
    _audit(actor, CasesAudit.APPROVAL_DECIDE, case, {f"approval_{approval.kind}": [old, new.value]})
    return approval


# --- services, referrals, transfers -------------------------------------------------------------------------


@transaction.atomic
def do_add_service(
    *, actor: Actor, case: Case, kind: str, agency_code: str = "", due_on: dt.date | None = None
) -> Service:
    _circle(actor, case)
    _open(case)
    _code(vocab.CASE_SERVICE, kind, "service")
    provider = agency(agency_code, "provider") if agency_code else None
    if due_on is not None and due_on < timezone.localtime(case.received_at).date():
        raise BeforeReport(field="due_on", at=due_on.strftime("%d/%m/%Y"), received=_fmt(case.received_at))
    service = Service.objects.create(case=case, kind=kind, agency=provider, due_on=due_on, created_at=timezone.now())
    _touch(case)
    _audit(actor, CasesAudit.SERVICE, case, {"service": [None, kind]})
    return service


@transaction.atomic
def do_implement_service(*, actor: Actor, service: Service, at: dt.datetime | None = None) -> Service:
    case = service.case
    _circle(actor, case)
    service.implemented_at = _when(case, at, "implemented_at")
    service.save(update_fields=["implemented_at"])
    _touch(case)
    _audit(actor, CasesAudit.SERVICE_DONE, case, {f"service_{service.pk}": [None, jsonable(service.implemented_at)]})
    return service


def _consent_gate(actor: Actor, case: Case, needed: Iterable[str], override_reason: str) -> bool:
    """Whether the step overrides a missing consent (refused unless the role may and a reason is given)."""
    consents = current_consents(case)
    missing = [k for k in needed if not consents[k]]
    if not missing:
        return False
    if not can(actor, "case", "override"):
        raise ConsentMissing(field="consent", consents=", ".join(str(ConsentKind(k).label).lower() for k in missing))
    if not override_reason.strip():
        raise ReasonRequired(field="override_reason")
    return True


@transaction.atomic
def do_refer(
    *,
    actor: Actor,
    case: Case,
    to_agency: str,
    sections: Iterable[str],
    to_user: str = "",
    service: Service | None = None,
    override_reason: str = "",
) -> Referral:
    """Refer the case to an agency (and, if named, one of its users), sharing only ``sections``. Needs the
    survivor's consent to services and to referral; otherwise the override permission and a reason (audited)."""
    _circle(actor, case, "refer")
    _open(case)
    receiving = agency(to_agency, "to_agency")
    recipient = _member(receiving, to_user, "to_user") if to_user else None
    chosen = list(dict.fromkeys(sections))
    for section in chosen:
        if section not in ALL_SECTIONS:
            raise UnknownSection(field="sections", value=section)
    overridden = _consent_gate(actor, case, (ConsentKind.SERVICES, ConsentKind.REFERRAL), override_reason)
    referral = Referral.objects.create(
        case=case,
        service=service,
        to_agency=receiving,
        to_user=recipient,
        sections=chosen,
        consent_override=overridden,
        override_reason=override_reason.strip() if overridden else "",
        created_by=acting_user(actor),
        created_at=timezone.now(),
    )
    _touch(case)
    changes = {"referral": [None, receiving.code], "sections": [None, chosen]}
    if overridden:
        _audit(actor, CasesAudit.REFER_OVERRIDE, case, changes, note=override_reason.strip())
    else:
        _audit(actor, CasesAudit.REFER, case, changes)
    users = [recipient] if recipient else list(User.objects.filter(case_agencies__agency=receiving, is_active=True))
    _notify(users, case, Notification.Kind.REFERRAL, f"referral:{referral.pk}", agency=receiving.name)
    return referral


def _receiver(actor: Actor, referral: Referral) -> None:
    user = acting_user(actor)
    ok = (
        user is not None
        and can(user, "case", "view")
        and AgencyMember.objects.filter(agency=referral.to_agency, user=user).exists()
        and referral.to_user_id in (None, user.pk)
    )
    if not ok:
        raise PermissionDenied("referral receiver")


@transaction.atomic
def do_respond_referral(*, actor: Actor, referral: Referral, accept: bool, note: str = "") -> Referral:
    """The receiving agency accepts the referral, or rejects it with a reason."""
    _receiver(actor, referral)
    new = ReferralStatus.ACCEPTED if accept else ReferralStatus.REJECTED
    if not accept and not note.strip():
        raise ReasonRequired(field="note")
    return _move_referral(actor, referral, new, note, CasesAudit.REFERRAL_RESPOND)


@transaction.atomic
def do_complete_referral(*, actor: Actor, referral: Referral) -> Referral:
    """The receiving agency marks the referral done; its service is then implemented."""
    _receiver(actor, referral)
    moved = _move_referral(actor, referral, ReferralStatus.DONE, "", CasesAudit.REFERRAL_RESPOND)
    if referral.service_id:
        Service.objects.filter(pk=referral.service_id, implemented_at__isnull=True).update(
            implemented_at=timezone.now()
        )
    return moved


@transaction.atomic
def do_revoke_referral(*, actor: Actor, referral: Referral, reason: str = "") -> Referral:
    """Revoke a referral: the receiving agency loses its access at once."""
    _circle(actor, referral.case, "refer")
    return _move_referral(actor, referral, ReferralStatus.REVOKED, reason, CasesAudit.REFERRAL_REVOKE)


def _move_referral(actor: Actor, referral: Referral, new: str, note: str, action: CasesAudit) -> Referral:
    REFERRAL_LIFECYCLE.check(referral.status, new)
    old = referral.status
    referral.status = new
    referral.note = note
    if new in (ReferralStatus.REJECTED, ReferralStatus.DONE, ReferralStatus.REVOKED):
        referral.closed_at = timezone.now()
    referral.save(update_fields=["status", "note", "closed_at"])
    _touch(referral.case)
    _audit(actor, action, referral.case, {f"referral_{referral.pk}": [old, new]}, note=note)
    return referral


@transaction.atomic
def do_transfer(*, actor: Actor, case: Case, to_agency: str, to_user: str, override_reason: str = "") -> Transfer:
    """Give the case to another owner (of another agency, or the same); the previous owner stays on record and
    loses the case unless assigned or an approver of the new owning agency. Needs the consent to referral and
    disclosure, or an override with a reason."""
    _circle(actor, case, "refer")
    _open(case)
    receiving = agency(to_agency, "to_agency")
    new_owner = _member(receiving, to_user, "to_user")
    overridden = False
    if receiving.pk != case.owner_agency_id:
        overridden = _consent_gate(actor, case, (ConsentKind.REFERRAL,), override_reason)
    transfer = Transfer.objects.create(
        case=case,
        from_user_id=case.owner_id,
        from_agency_id=case.owner_agency_id,
        to_user=new_owner,
        to_agency=receiving,
        at=timezone.now(),
        by=acting_user(actor),
        consent_override=overridden,
        reason=override_reason.strip(),
    )
    old = (case.owner.username, case.owner_agency.code)
    Case.objects.filter(pk=case.pk).update(owner=new_owner, owner_agency=receiving)
    case.refresh_from_db()
    _touch(case)
    _audit(
        actor,
        CasesAudit.TRANSFER,
        case,
        {"owner": [old[0], new_owner.username], "owner_agency": [old[1], receiving.code]},
        note=override_reason.strip(),
    )
    _notify([new_owner], case, Notification.Kind.TRANSFER, f"transfer:{transfer.pk}", agency=receiving.name)
    return transfer


@transaction.atomic
def do_assign(*, actor: Actor, case: Case, username: str) -> Case:
    """Assign a user of the owning agency to the case."""
    _circle(actor, case)
    user = _member(case.owner_agency, username, "username")
    case.assigned.add(user)
    _touch(case)
    _audit(actor, CasesAudit.ASSIGN, case, {"assigned": [None, user.username]})
    return case


# --- domestic-violence measures (Law 13/2022 Art. 22, 25) ----------------------------------------------------


@transaction.atomic
def do_request_measure(*, actor: Actor, case: Case, kind: str, requested_at: dt.datetime | None = None) -> Measure:
    _circle(actor, case)
    _open(case)
    _code(vocab.DV_MEASURE, kind, "measure")
    if case.kind != "dv":
        raise WrongKind(field="measure")
    if kind == "prohibit_contact" and not current_consents(case)[ConsentKind.SERVICES]:
        # A request from an agency needs the victim's (or guardian's) consent (Art. 25).
        raise ConsentMissing(field="measure", consents=str(ConsentKind.SERVICES.label).lower())
    measure = Measure.objects.create(
        case=case, kind=kind, requested_at=_when(case, requested_at, "requested_at"), requested_by=acting_user(actor)
    )
    _touch(case)
    _audit(actor, CasesAudit.MEASURE_REQUEST, case, {"measure": [None, kind]})
    return measure


@transaction.atomic
def do_decide_measure(
    *,
    actor: Actor,
    measure: Measure,
    granted: bool,
    decided_at: dt.datetime | None = None,
    valid_until: dt.datetime | None = None,
) -> Measure:
    """Decide a measure. Prohibit contact: the commune chairman, valid from the signature for at most the days
    of ``dv_prohibit_contact_validity`` in force."""
    from django.utils.translation import gettext

    case = measure.case
    _circle(actor, case, "approve")
    if measure.kind == "prohibit_contact" and getattr(actor, "role", "") != CHAIRMAN_ROLE:
        raise ApprovalNotAllowed(reason=gettext("A prohibit-contact decision is the commune chairman's."))
    if measure.decided_at is not None:
        raise ApprovalNotAllowed(reason=gettext("This measure has already been decided."))
    when = _when(case, decided_at, "decided_at", after=measure.requested_at)
    valid_from = None
    if granted and measure.kind == "prohibit_contact":
        days = int(rule("dv_prohibit_contact_validity", timezone.localtime(when).date()).value)
        valid_until = valid_until or when + dt.timedelta(days=days)
        if valid_until <= when:
            raise BeforeReport(field="valid_until", at=_fmt(valid_until), received=_fmt(when))
        if valid_until - when > dt.timedelta(days=days):
            raise ValidityTooLong(field="valid_until", days=days)
        valid_from = when
    else:
        valid_until = None
    measure.granted, measure.decided_at, measure.decided_by = bool(granted), when, acting_user(actor)
    measure.valid_from, measure.valid_until = valid_from, valid_until
    measure.save(update_fields=["granted", "decided_at", "decided_by", "valid_from", "valid_until"])
    _touch(case)
    _audit(
        actor, CasesAudit.MEASURE_DECIDE, case, {f"measure_{measure.pk}": [None, "granted" if granted else "refused"]}
    )
    return measure


# --- follow-up, attachments, closure ------------------------------------------------------------------------


@transaction.atomic
def do_follow_up(*, actor: Actor, case: Case, note: str, at: dt.datetime | None = None) -> FollowUp:
    _circle(actor, case)
    if not note.strip():
        raise ReasonRequired(field="note")
    follow_up = FollowUp.objects.create(
        case=case, at=_when(case, at, "at"), by=acting_user(actor), note_ct=crypto.seal_text(note)
    )
    _touch(case)
    _audit(actor, CasesAudit.FOLLOW_UP, case, {"follow_up": [None, HIDDEN]})
    return follow_up


def sniff(name: str, content: bytes) -> str | None:
    """The content type of an accepted attachment (by its first bytes and its name), else ``None``."""
    for magic, (content_type, endings) in ATTACHMENT_TYPES.items():
        if content.startswith(magic) and name.lower().endswith(endings):
            return content_type
    return None


@transaction.atomic
def do_attach(*, actor: Actor, case: Case, section: str, name: str, content: bytes) -> Attachment:
    """Attach a PDF, JPEG or PNG to a section, sealed at rest (its name too)."""
    _circle(actor, case)
    if section not in ALL_SECTIONS:
        raise UnknownSection(field="section", value=section)
    max_mb = int(settings.CASES_ATTACHMENT_MAX_MB)
    content_type = sniff(name, content)
    if content_type is None or not content or len(content) > max_mb * 1024 * 1024:
        raise BadAttachment(field="file", name=name, max_mb=max_mb)
    attachment = Attachment.objects.create(
        case=case,
        section=section,
        filename_ct=crypto.seal_text(name),
        content_type=content_type,
        size=len(content),
        content_ct=crypto.seal(content),
        uploaded_by=acting_user(actor),
        uploaded_at=timezone.now(),
    )
    _touch(case)
    _audit(actor, CasesAudit.ATTACH, case, {"attachment": [None, HIDDEN], "section": [None, section]})
    return attachment


def closure_approved(case: Case) -> bool:
    """An approved closure since the case was (re)opened."""
    approvals = case.approvals.filter(kind=ApprovalKind.CLOSURE, status=ApprovalStatus.APPROVED)
    if case.reopened_at:
        approvals = approvals.filter(decided_at__gt=case.reopened_at)
    return approvals.exists()


@transaction.atomic
def do_close(*, actor: Actor, case: Case) -> Case:
    _circle(actor, case)
    LIFECYCLE.check(case.status, Status.CLOSED)
    if not closure_approved(case):
        raise ApprovalMissing(field="closure", kind=ApprovalKind.CLOSURE.label.lower())
    now = timezone.now()
    Case.objects.filter(pk=case.pk).update(status=Status.CLOSED, closed_at=now)
    case.refresh_from_db()
    _touch(case)
    _audit(actor, CasesAudit.CLOSE, case, {"status": [Status.OPEN.value, Status.CLOSED.value]})
    _refresh_facts(case, "case closed")
    return case


@transaction.atomic
def do_reopen(*, actor: Actor, case: Case, reason: str) -> Case:
    _circle(actor, case)
    LIFECYCLE.check(case.status, Status.OPEN)
    if not reason.strip():
        raise ReasonRequired(field="reason")
    Case.objects.filter(pk=case.pk).update(status=Status.OPEN, reopened_at=timezone.now())
    case.refresh_from_db()
    _touch(case)
    _audit(actor, CasesAudit.REOPEN, case, {"status": [Status.CLOSED.value, Status.OPEN.value]}, note=reason.strip())
    _refresh_facts(case, "case reopened")
    return case


# --- break the glass, reveal, alerts ------------------------------------------------------------------------


@transaction.atomic
def do_break_glass(*, actor: Actor, case: Case, reason: str) -> BreakGlass:
    """A supervisor outside the circle opens the case with a reason, for ``CASES_BREAK_GLASS_HOURS``: logged as a
    read, audited, and the owner is notified."""
    if not can(actor, "case", "break_glass"):
        raise PermissionDenied("case.break_glass")
    if access(actor, case) is not None:
        raise AlreadyInCircle
    if not reason.strip():
        raise ReasonRequired(field="reason")
    user = acting_user(actor)
    assert user is not None  # can() refuses anonymous users
    now = timezone.now()
    grant = BreakGlass.objects.create(
        case=case,
        user=user,
        at=now,
        expires_at=now + dt.timedelta(hours=int(settings.CASES_BREAK_GLASS_HOURS)),
        reason=reason.strip(),
    )
    record_read(user, case, ReadKind.BREAK_GLASS, [], reason=reason.strip())
    _audit(actor, CasesAudit.BREAK_GLASS, case, {"break_glass": [None, user.username]}, note=reason.strip())
    _notify(
        [case.owner, *supervisors(case.owner_agency)],
        case,
        Notification.Kind.BREAK_GLASS,
        f"break_glass:{grant.pk}",
        by=user.username,
    )
    return grant


def do_reveal(*, actor: Actor, cases: Iterable[Case]) -> int:
    """Reveal the survivors' names of a list: one read event per case revealed. Only for ``case.reveal``."""
    if not can(actor, "case", "reveal"):
        raise PermissionDenied("case.reveal")
    n = 0
    for case in cases:
        record_read(actor, case, ReadKind.REVEAL, ["survivor_name"])
        n += 1
    return n


def raise_clock_alerts(now: dt.datetime | None = None, *, among: Iterable[int] | None = None) -> int:
    """Notify the owner and the owning agency's supervisors of every clock that ran out on an open case (once per
    clock, user and start), of every case or only ``among`` (ids). Returns how many alerts were written."""
    now = now or timezone.now()
    open_cases = Case.objects.filter(status=Status.OPEN).select_related("owner", "owner_agency")
    if among is not None:
        open_cases = open_cases.filter(pk__in=list(among))
    cases = list(open_cases)
    alerts: list[Notification] = []
    approvers: dict[int, list[User]] = {}
    by_id = {c.pk: c for c in cases}
    for case_id, clocks in clocks_for(cases).items():
        case = by_id[case_id]
        for clock in clocks:
            if clock.state(now) != "overdue":
                continue
            if case.owner_agency_id not in approvers:
                approvers[case.owner_agency_id] = supervisors(case.owner_agency)
            for user in {u.pk: u for u in [case.owner, *approvers[case.owner_agency_id]]}.values():
                alerts.append(
                    Notification(
                        user=user,
                        case=case,
                        kind=Notification.Kind.CLOCK_OVERDUE,
                        key=f"clock:{clock.key}:{case.pk}:{clock.started.isoformat()}:{user.pk}",
                        params={"clock": clock.key, "due": clock.due.isoformat()},
                        at=now,
                    )
                )
    before = Notification.objects.count()
    Notification.objects.bulk_create(alerts, ignore_conflicts=True)
    return Notification.objects.count() - before
