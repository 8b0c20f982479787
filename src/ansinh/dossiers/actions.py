"""Every change to a dossier: one ``do_<verb>_dossier`` action, keyword-only, an acting user (``None`` for the
citizen's own steps, which the audit names "citizen"), one transaction, one appended event, the dossier's summary
of event times derived again from its events (``dossiers.summary``) and one audit entry.

No action, and no other path, writes a dossier's timeliness: there is no such field. The appointment is computed
here (at acceptance and at the end of a supplement pause) and written into the event; a correction is an event
with a reason, reported as "adjusted".
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from collections.abc import Mapping, Sequence
from typing import Any

from django.db import transaction
from django.utils import timezone

from ansinh.accounts.models import Actor, acting_user
from ansinh.audit.actions import record
from ansinh.dossiers import attachments, errors, summary
from ansinh.dossiers.attachments import Upload, check_count
from ansinh.dossiers.audit_actions import EVENT_RECORDED, DossiersAudit
from ansinh.dossiers.drives import open_driven_action, review_decided, review_decision
from ansinh.dossiers.models import LIFECYCLE, Attachment, Channel, Dossier, DossierEvent, EventKind, Rating, Status
from ansinh.dossiers.procedures import appointment, local, moved_by_pause, procedure, rating_criteria
from ansinh.dossiers.queries import current_appointment, last_event
from ansinh.tasks.actions import enqueue_on_commit

SECRET_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # noqa: S105 - an alphabet; no 0/O, 1/I (read aloud)


def secret_hash(code: str, secret: str) -> str:
    return hashlib.sha256(f"{code}:{secret.strip().upper()}".encode()).hexdigest()


def secret_matches(dossier: Dossier, secret: str) -> bool:
    return hmac.compare_digest(dossier.secret_hash, secret_hash(dossier.code, secret))


def _append(
    dossier: Dossier,
    *,
    actor: Actor,
    kind: str,
    status: str | None = None,
    at: dt.datetime,
    appointment: dt.datetime | None = None,
    reason: str = "",
    unit: str = "",
    data: dict[str, Any] | None = None,
) -> DossierEvent:
    """Append one event (moving the status through the lifecycle when ``status`` is given) and audit it."""
    old = dossier.status
    new = old if status is None else status
    if status is not None:
        LIFECYCLE.move(dossier.pk, old, new)
    previous = last_event(dossier)
    if previous is not None and at < previous.at:
        raise errors.DossierError(f"event {kind} at {at.isoformat()} is before the last one", field="at")
    event = DossierEvent.objects.create(
        dossier=dossier,
        seq=(previous.seq + 1) if previous is not None else 1,
        kind=kind,
        status=new,
        at=at,
        actor=acting_user(actor),
        appointment=appointment,
        reason=reason,
        unit=unit,
        data=data or {},
    )
    if new != old:
        Dossier.objects.filter(pk=dossier.pk).update(status=new, updated_at=timezone.now())
        dossier.status = new
    summary.refresh([dossier.pk])  # the times the reports read, derived again in this transaction
    changes: dict[str, Any] = {"event": kind, "seq": event.seq}
    if new != old:
        changes["status"] = [old, new]
    if appointment is not None:
        changes["appointment"] = appointment.isoformat()
    record(
        actor=actor,
        action=EVENT_RECORDED[kind],
        object_type="dossier",
        object_id=dossier.pk,
        changes=changes,
        household_id=dossier.household_id,
        ward_code=dossier.ward_id,
        source=None if actor is not None else "citizen",
        note=reason,
    )
    return event


def _locked(dossier: Dossier) -> Dossier:
    return Dossier.objects.select_for_update().get(pk=dossier.pk)


def _reason(reason: str) -> str:
    if not reason or not reason.strip():
        raise errors.ReasonRequired(field="reason")
    return reason.strip()


def _end_with_reason(
    actor: Actor, dossier: Dossier, kind: str, status: str, reason: str, at: dt.datetime | None
) -> DossierEvent:
    """Refuse, withdraw or stop: a move that needs a reason and nothing else."""
    with transaction.atomic():
        return _append(
            _locked(dossier), actor=actor, kind=kind, status=status, at=at or timezone.now(), reason=_reason(reason)
        )


def do_receive_dossier(
    *,
    actor: Actor,
    procedure_code: str,
    ward: Any,
    channel: str,
    applicant_name: str,
    documents: Sequence[str],
    applicant_phone: str = "",
    household: Any = None,
    receiving_ward: Any = None,
    at: dt.datetime | None = None,
    uploads: Sequence[Upload] = (),
    household_code: str = "",
) -> tuple[Dossier, str]:
    """Receive a dossier (online, at the counter, by post): refuses an unknown procedure, a missing applicant and
    missing required documents (an online dossier's documents are the files attached, checked by content).
    Returns the dossier and its secret, shown once on the receipt and never stored in clear."""
    at = at or timezone.now()
    proc = procedure(procedure_code, local(at).date())
    if not applicant_name.strip():
        raise errors.ApplicantRequired(field="applicant_name")
    given = set(documents) | {u.document for u in uploads}
    missing = [name for code, name in proc.documents.items() if code not in given]
    if missing:
        raise errors.MissingDocuments(missing="; ".join(missing), field="documents")
    if channel not in Channel.values:
        raise errors.DossierError(f"unknown channel {channel!r}", field="channel")
    check_count(list(uploads))
    secret = "".join(secrets.choice(SECRET_ALPHABET) for _ in range(8))
    written = [(u, attachments.files_dir() / f"{u.sha256[:2]}/{u.sha256}") for u in uploads]
    fresh = [path for _u, path in written if not path.exists()]
    try:
        return _receive(
            actor,
            proc,
            ward,
            channel,
            applicant_name,
            applicant_phone,
            household,
            receiving_ward,
            at,
            given,
            uploads,
            household_code,
            secret,
        )
    except BaseException:
        for path in fresh:  # nothing half-written: the files this attempt wrote go with its rows
            path.unlink(missing_ok=True)
        raise


def _receive(
    actor: Actor,
    proc: Any,
    ward: Any,
    channel: str,
    applicant_name: str,
    applicant_phone: str,
    household: Any,
    receiving_ward: Any,
    at: dt.datetime,
    documents: set[str],
    uploads: Sequence[Upload],
    household_code: str,
    secret: str,
) -> tuple[Dossier, str]:
    with transaction.atomic():
        dossier = Dossier.objects.create(
            code=f"tmp-{secrets.token_hex(8)}",
            procedure=proc.code,
            ward=ward,
            receiving_ward=receiving_ward or ward,
            channel=channel,
            status=Status.RECEIVED,
            applicant_name=applicant_name.strip(),
            applicant_phone=applicant_phone.strip(),
            household=household,
            documents=sorted(documents),
            received_at=at,
        )
        dossier.code = f"{ward.pk}-{local(at).year}-{dossier.pk:07d}"
        dossier.secret_hash = secret_hash(dossier.code, secret)
        Dossier.objects.filter(pk=dossier.pk).update(code=dossier.code, secret_hash=dossier.secret_hash)
        Attachment.objects.bulk_create(
            [
                Attachment(
                    dossier=dossier,
                    document=u.document,
                    name=u.name,
                    content_type=u.content_type,
                    size=len(u.content),
                    sha256=u.sha256,
                    key=attachments.store(u),
                    at=at,
                )
                for u in uploads
            ]
        )
        data: dict[str, Any] = {"channel": channel}
        if household_code.strip():
            data["household_code"] = household_code.strip()[:32]
        if uploads:
            data["files"] = len(uploads)
        _append(dossier, actor=actor, kind=EventKind.RECEIVED, at=at, data=data)
    return dossier, secret


def do_accept_dossier(
    *, actor: Actor, dossier: Dossier, at: dt.datetime | None = None, household_code: str = ""
) -> DossierEvent:
    """Accept a complete dossier: the clock starts and the appointment is computed and stored with the calendar
    version it used. ``household_code`` names the registry household the dossier concerns (an online applicant
    may give it, the officer confirms it); it must be in the dossier's ward."""
    at = at or timezone.now()
    with transaction.atomic():
        dossier = _locked(dossier)
        LIFECYCLE.check(dossier.status, Status.ACCEPTED)
        if household_code.strip() and dossier.household_id is None:
            from ansinh.registry.models import Household

            found = Household.objects.filter(code=household_code.strip(), ward_id=dossier.ward_id).first()
            if found is None:
                raise errors.UnknownHousehold(household=household_code.strip(), field="household_code")
            Dossier.objects.filter(pk=dossier.pk).update(household=found, updated_at=timezone.now())
            dossier.household = found
        proc = procedure(dossier.procedure, local(at).date())
        due = appointment(proc, at)
        event = _append(
            dossier,
            actor=actor,
            kind=EventKind.ACCEPTED,
            status=Status.ACCEPTED,
            at=at,
            appointment=due.due,
            data={"calendar": due.calendar, "started": due.started.isoformat()},
        )
        open_driven_action(actor=actor, dossier=dossier, proc=proc, on=local(at).date())
        return event


def do_refuse_dossier(*, actor: Actor, dossier: Dossier, reason: str, at: dt.datetime | None = None) -> DossierEvent:
    return _end_with_reason(actor, dossier, EventKind.REFUSED, Status.REFUSED, reason, at)


def do_hand_off_dossier(
    *, actor: Actor, dossier: Dossier, unit: str, note: str = "", at: dt.datetime | None = None
) -> DossierEvent:
    """Hand the dossier to the next unit (a line of the control sheet)."""
    if not unit.strip():
        raise errors.DossierError("a hand-off names the receiving unit", field="unit")
    with transaction.atomic():
        dossier = _locked(dossier)
        return _append(
            dossier,
            actor=actor,
            kind=EventKind.HANDED_OFF,
            status=Status.PROCESSING,
            at=at or timezone.now(),
            unit=unit.strip(),
            reason=note,
        )


def do_request_supplement(
    *, actor: Actor, dossier: Dossier, reason: str, documents: Sequence[str] = (), at: dt.datetime | None = None
) -> DossierEvent:
    """Ask the applicant to supplement the dossier: the clock pauses until the supplement arrives."""
    with transaction.atomic():
        dossier = _locked(dossier)
        return _append(
            dossier,
            actor=actor,
            kind=EventKind.SUPPLEMENT_REQUESTED,
            status=Status.SUPPLEMENT,
            at=at or timezone.now(),
            reason=_reason(reason),
            data={"documents": list(documents)},
        )


def do_receive_supplement(*, actor: Actor, dossier: Dossier, at: dt.datetime | None = None) -> DossierEvent:
    """The supplement arrived: the clock runs again and the appointment moves by the paused working time."""
    at = at or timezone.now()
    with transaction.atomic():
        dossier = _locked(dossier)
        LIFECYCLE.check(dossier.status, Status.PROCESSING)
        paused = last_event(dossier)
        assert paused is not None and paused.kind == EventKind.SUPPLEMENT_REQUESTED
        due, seconds = moved_by_pause(current_appointment(dossier), paused.at, at)
        return _append(
            dossier,
            actor=actor,
            kind=EventKind.SUPPLEMENT_RECEIVED,
            status=Status.PROCESSING,
            at=at,
            appointment=due,
            data={"paused_working_seconds": seconds},
        )


def do_decide_dossier(
    *,
    actor: Actor,
    dossier: Dossier,
    result: str,
    number: str = "",
    at: dt.datetime | None = None,
    not_granted: bool = False,
) -> DossierEvent:
    """Record the decision (the end of processing, against which timeliness is derived). An allowance
    application is decided only by its enrolment decision (:func:`do_decide_by_enrolment`) or, with
    ``not_granted`` and a reason, by the refusal to grant it."""
    data: dict[str, Any] = {}
    with transaction.atomic():
        dossier = _locked(dossier)
        if not review_decided(dossier):
            raise errors.ReviewStillOpen()
        decision = review_decision(dossier)
        if decision is not None:
            # The review's decision is the dossier's result: its number unless the officer gives another.
            number = number.strip() or decision.number
            data["review_decision"] = decision.pk
        proc = procedure(dossier.procedure, local(dossier.received_at).date())
        if proc.drives == "enrolment_decision":
            if not not_granted:
                raise errors.EnrolmentDecisionRequired()
            result = _reason(result)
        return _append(
            dossier,
            actor=actor,
            kind=EventKind.DECIDED,
            status=Status.DECIDED,
            at=at or timezone.now(),
            reason=result,
            data={"number": number, **data},
        )


def do_decide_by_enrolment(
    *,
    actor: Actor,
    dossier: Dossier,
    member: Any,
    category: str,
    start_month: dt.date,
    decision_number: str,
    decision_date: dt.date,
    signer_name: str = "",
    at: dt.datetime | None = None,
) -> DossierEvent:
    """Decide an allowance application by the enrolment decision it drives: the programmes' grant (which checks
    the actor's right to enrol, the category and the person) and the dossier's decision in one transaction; the
    decision is the dossier's result document. Refuses a person outside the dossier's ward or household."""
    from ansinh.programs.actions import do_enrol_person

    with transaction.atomic():
        dossier = _locked(dossier)
        proc = procedure(dossier.procedure, local(dossier.received_at).date())
        if proc.drives != "enrolment_decision" or not proc.programme:
            raise errors.NotAnEnrolmentDossier()
        LIFECYCLE.check(dossier.status, Status.DECIDED)
        household = member.household
        if household.ward_id != dossier.ward_id or (dossier.household_id and household.pk != dossier.household_id):
            raise errors.PersonNotInDossierWard(field="member")
        enrolment = do_enrol_person(
            actor=actor,
            member=member,
            programme=proc.programme,
            category=category,
            start_month=start_month,
            decision_number=decision_number,
            decision_date=decision_date,
            signer_name=signer_name,
        )
        decision = enrolment.decisions.order_by("id").first()
        assert decision is not None
        Dossier.objects.filter(pk=dossier.pk).update(
            enrolment_decision=decision, household=household, updated_at=timezone.now()
        )
        dossier.enrolment_decision, dossier.household = decision, household
        return _append(
            dossier,
            actor=actor,
            kind=EventKind.DECIDED,
            status=Status.DECIDED,
            at=at or timezone.now(),
            reason=f"{proc.programme}/{category}",
            data={"number": decision_number, "enrolment_decision": decision.pk, "enrolment": enrolment.pk},
        )


def do_send_apology(
    *, actor: Actor, dossier: Dossier, reason: str, new_date: dt.date, sent_by: str, at: dt.datetime | None = None
) -> DossierEvent:
    """Record the apology letter of a late dossier: the reason, the new date, how it was sent (letter, email,
    SMS). It does not move the appointment: the dossier stays late in every report."""
    at = at or timezone.now()
    with transaction.atomic():
        dossier = _locked(dossier)
        due = current_appointment(dossier)
        if new_date <= local(due).date():
            raise errors.BadNewDate(due=local(due).strftime("%d/%m/%Y %H:%M"), field="new_date")
        return _append(
            dossier,
            actor=actor,
            kind=EventKind.APOLOGY,
            at=at,
            reason=_reason(reason),
            data={"new_date": new_date.isoformat(), "sent_by": sent_by},
        )


def do_return_dossier(*, actor: Actor, dossier: Dossier, at: dt.datetime | None = None) -> DossierEvent:
    """Return the result; refuses before the decision, and refuses a late return with no apology letter."""
    at = at or timezone.now()
    with transaction.atomic():
        dossier = _locked(dossier)
        if dossier.status != Status.DECIDED:
            raise errors.NotDecided()
        due = current_appointment(dossier)
        late = local(at).date() > local(due).date()
        if late and not dossier.events.filter(kind=EventKind.APOLOGY).exists():
            raise errors.LateWithoutApology(due=local(due).strftime("%d/%m/%Y %H:%M"))
        event = _append(dossier, actor=actor, kind=EventKind.RETURNED, status=Status.RETURNED, at=at)
        # The reports' dossier facts of the ward follow the returned result (a background task, after commit).
        refresh = {"source": "dossier", "wards": [dossier.ward_id], "reason": f"dossier returned {dossier.code}"}
        enqueue_on_commit("reports.refresh_facts", refresh)
        return event


def do_withdraw_dossier(*, actor: Actor, dossier: Dossier, reason: str, at: dt.datetime | None = None) -> DossierEvent:
    return _end_with_reason(actor, dossier, EventKind.WITHDRAWN, Status.WITHDRAWN, reason, at)


def do_stop_dossier(*, actor: Actor, dossier: Dossier, reason: str, at: dt.datetime | None = None) -> DossierEvent:
    return _end_with_reason(actor, dossier, EventKind.STOPPED, Status.STOPPED, reason, at)


def do_correct_dossier(
    *, actor: Actor, dossier: Dossier, appointment: dt.datetime, reason: str, at: dt.datetime | None = None
) -> DossierEvent:
    """Correct the appointment (a limit mis-read, a calendar notice published late): a new event with a reason.
    The dossier is reported as "adjusted" in every report from then on; nothing earlier is changed."""
    with transaction.atomic():
        dossier = _locked(dossier)
        if dossier.status in (Status.RECEIVED, Status.REFUSED):
            raise errors.DossierError("only an accepted dossier has an appointment to correct", field="appointment")
        old = current_appointment(dossier)
        return _append(
            dossier,
            actor=actor,
            kind=EventKind.CORRECTED,
            at=at or timezone.now(),
            appointment=appointment,
            reason=_reason(reason),
            data={"was": old.isoformat()},
        )


def do_rate_dossier(
    *,
    dossier: Dossier,
    secret: str,
    level: int,
    criteria: Mapping[str, int | str] | None = None,
    comment: str = "",
    channel: str = "web",
    at: dt.datetime | None = None,
) -> Rating:
    """The citizen rates a returned dossier once (per channel), with the dossier's secret: a level of the
    five-level scale and, optionally, a score (2, 1 or 0) for each per-dossier criterion in force."""
    if not secret_matches(dossier, secret):
        raise errors.WrongSecret(field="secret")
    if level not in Rating.Level.values:
        raise errors.BadRating(field="level")
    try:
        scores = {str(k): int(v) for k, v in (criteria or {}).items()}
    except (TypeError, ValueError):
        raise errors.BadRating(field="criteria") from None
    asked = rating_criteria(local(at or timezone.now()).date())
    if any(str(v) not in asked.scores or k not in asked.criteria for k, v in scores.items()):
        raise errors.BadRating(field="criteria")
    with transaction.atomic():
        dossier = _locked(dossier)
        if dossier.status != Status.RETURNED:
            raise errors.NotReturned()
        if Rating.objects.filter(dossier=dossier, channel=channel).exists():
            raise errors.AlreadyRated()
        rating = Rating.objects.create(
            dossier=dossier, channel=channel, level=level, criteria=scores, comment=comment, at=at or timezone.now()
        )
        record(
            actor=None,
            action=DossiersAudit.RATED,
            object_type="dossier",
            object_id=dossier.pk,
            changes={"level": level},
            ward_code=dossier.ward_id,
            source="citizen",
        )
    return rating
