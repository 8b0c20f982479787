"""Feedback and petitions on administrative regulations (PAKN, Decree 20/2008/NĐ-CP) as their own queue.

received → classified → forwarded → answered → published; a complaint or a denunciation is *redirected* at
classification (the Law on Complaints and the Law on Denunciations govern them) and counted nowhere in the PAKN
report. Each step's deadline is dated data (``rules/feedback.yaml``), counted in working days from the receipt on
the working-day calendar; whether a step was on time is derived from the events, never stored. The citizen sends
feedback with no account and follows it with the code and secret on the receipt.
"""

from __future__ import annotations

import datetime as dt
import hmac
import secrets
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from ansinh.accounts.models import Actor, acting_user
from ansinh.audit.actions import record
from ansinh.dossiers import errors
from ansinh.dossiers.actions import SECRET_ALPHABET, secret_hash
from ansinh.dossiers.audit_actions import FEEDBACK_RECORDED
from ansinh.dossiers.models import FEEDBACK_LIFECYCLE, Feedback, FeedbackEvent, FeedbackKind, FeedbackStatus
from ansinh.dossiers.procedures import aware, clock, local, rules
from ansinh.dossiers.reports import local_date_sql

STEPS = ("classified", "forwarded", "answered", "published")
COUNTED = (FeedbackKind.FEEDBACK, FeedbackKind.PETITION)
REDIRECTED_KINDS = (FeedbackKind.COMPLAINT, FeedbackKind.DENUNCIATION)


def secret_matches(item: Feedback, secret: str) -> bool:
    return hmac.compare_digest(item.secret_hash, secret_hash(item.code, secret))


def deadlines(received_at: dt.datetime) -> dict[str, dt.datetime]:
    """Each step's due instant for a feedback received at ``received_at`` (the limits in force that day)."""
    days: dict[str, int] = rules().value_at("feedback_deadlines", local(received_at).date())
    work = clock(local(received_at).date(), max(days.values()))
    start = work.start(local(received_at))
    per_day = work.day_seconds(start.date())
    return {step: aware(work.add(start, int(days[step]) * per_day)) for step in STEPS}


def _append(
    item: Feedback, *, actor: Actor, kind: str, status: str, at: dt.datetime, note: str = "", unit: str = ""
) -> FeedbackEvent:
    old = item.status
    if status != old:
        FEEDBACK_LIFECYCLE.move(item.pk, old, status)
    last = item.events.order_by("-seq").first()
    if last is not None and at < last.at:
        raise errors.DossierError(f"event {kind} at {at.isoformat()} is before the last one", field="at")
    event = FeedbackEvent.objects.create(
        feedback=item,
        seq=(last.seq + 1) if last else 1,
        kind=kind,
        status=status,
        at=at,
        actor=acting_user(actor),
        note=note,
        unit=unit,
    )
    if status != old:
        Feedback.objects.filter(pk=item.pk).update(status=status)
        item.status = status
    record(
        actor=actor,
        action=FEEDBACK_RECORDED[kind],
        object_type="feedback",
        object_id=item.pk,
        changes={"status": [old, status]},
        ward_code=item.ward_id,
        source=None if actor is not None else "citizen",
        note=note,
    )
    return event


def _text(value: str, field: str, limit: int = 4000) -> str:
    value = (value or "").strip()
    if not value:
        raise errors.FeedbackFieldRequired(field=field)
    return value[:limit]


def do_receive_feedback(
    *, ward: Any, sender_name: str, subject: str, content: str, contact: str = "", at: dt.datetime | None = None
) -> tuple[Feedback, str]:
    """The citizen's feedback on a regulation: a code and a secret (shown once) to follow it."""
    at = at or timezone.now()
    if ward is None:
        raise errors.UnknownWard(field="ward")
    name, about, text = (
        _text(sender_name, "sender_name", 200),
        _text(subject, "subject", 300),
        _text(content, "content"),
    )
    secret = "".join(secrets.choice(SECRET_ALPHABET) for _ in range(8))
    with transaction.atomic():
        item = Feedback.objects.create(
            code=f"tmp-{secrets.token_hex(8)}",
            ward=ward,
            sender_name=name,
            contact=(contact or "").strip()[:120],
            subject=about,
            content=text,
            status=FeedbackStatus.RECEIVED,
            received_at=at,
            answer_due=deadlines(at)["answered"],
        )
        item.code = f"PA-{ward.pk}-{local(at).year}-{item.pk:06d}"
        item.secret_hash = secret_hash(item.code, secret)
        Feedback.objects.filter(pk=item.pk).update(code=item.code, secret_hash=item.secret_hash)
        _append(item, actor=None, kind="received", status=FeedbackStatus.RECEIVED, at=at)
    return item, secret


def _locked(item: Feedback) -> Feedback:
    return Feedback.objects.select_for_update().get(pk=item.pk)


def do_classify_feedback(
    *, actor: Actor, item: Feedback, kind: str, note: str = "", at: dt.datetime | None = None
) -> FeedbackEvent:
    """Classify: feedback or petition stays in the queue; a complaint or a denunciation is redirected (with a
    note saying where) and leaves the PAKN count."""
    if kind not in FeedbackKind.values:
        raise errors.FeedbackBadKind(field="kind")
    with transaction.atomic():
        item = _locked(item)
        redirected = kind in REDIRECTED_KINDS
        if redirected and not note.strip():
            raise errors.ReasonRequired(field="note")
        status = FeedbackStatus.REDIRECTED if redirected else FeedbackStatus.CLASSIFIED
        FEEDBACK_LIFECYCLE.check(item.status, status)
        Feedback.objects.filter(pk=item.pk).update(kind=kind)
        item.kind = kind
        return _append(
            item,
            actor=actor,
            kind="redirected" if redirected else "classified",
            status=status,
            at=at or timezone.now(),
            note=note.strip(),
        )


def do_forward_feedback(
    *, actor: Actor, item: Feedback, unit: str, note: str = "", at: dt.datetime | None = None
) -> FeedbackEvent:
    with transaction.atomic():
        return _append(
            _locked(item),
            actor=actor,
            kind="forwarded",
            status=FeedbackStatus.FORWARDED,
            at=at or timezone.now(),
            note=note,
            unit=_text(unit, "unit", 64),
        )


def do_answer_feedback(*, actor: Actor, item: Feedback, answer: str, at: dt.datetime | None = None) -> FeedbackEvent:
    with transaction.atomic():
        item = _locked(item)
        text = _text(answer, "answer")
        FEEDBACK_LIFECYCLE.check(item.status, FeedbackStatus.ANSWERED)
        Feedback.objects.filter(pk=item.pk).update(answer=text)
        item.answer = text
        return _append(item, actor=actor, kind="answered", status=FeedbackStatus.ANSWERED, at=at or timezone.now())


def do_publish_feedback(*, actor: Actor, item: Feedback, at: dt.datetime | None = None) -> FeedbackEvent:
    """Publish the answer (the subject and the answer, never the sender)."""
    with transaction.atomic():
        return _append(
            _locked(item), actor=actor, kind="published", status=FeedbackStatus.PUBLISHED, at=at or timezone.now()
        )


@dataclass(frozen=True)
class FeedbackReport:
    """PAKN of a unit over ``[start, end)``: received (feedback and petitions only), handled (answered in the
    period, of them on time), open at the end (of them overdue), and the redirected complaints and
    denunciations shown apart, never counted."""

    unit: str
    received: int = 0
    handled: int = 0
    handled_on_time: int = 0
    open: int = 0
    overdue: int = 0
    redirected: int = 0

    @property
    def handled_share(self) -> float | None:
        return self.handled / self.received if self.received else None


def feedback_report(start: dt.date, end: dt.date, wards: list[str] | None = None) -> list[FeedbackReport]:
    """Per ward and in total, one statement over the feedback and its events; the answer's timeliness compares
    its date with the answer deadline's (computed at receipt and kept on the feedback: ``answer_due``)."""
    s = connection.ops.adapt_datetimefield_value(timezone.make_aware(dt.datetime.combine(start, dt.time())))
    e = connection.ops.adapt_datetimefield_value(timezone.make_aware(dt.datetime.combine(end, dt.time())))
    params: list[Any] = [e]
    where = ""
    if wards is not None:
        where = f"AND f.ward_id IN ({', '.join(['%s'] * len(wards)) or 'NULL'})"
        params += list(wards)
    answered, due = local_date_sql("a.at", start), local_date_sql("f.answer_due", start)
    counted = "f.kind IN ('', 'feedback', 'petition')"
    sql = f"""
        SELECT f.ward_id,
            SUM(CASE WHEN f.received_at >= %s AND f.status != 'redirected' THEN 1 ELSE 0 END),
            SUM(CASE WHEN a.at >= %s AND ({counted}) THEN 1 ELSE 0 END),
            SUM(CASE WHEN a.at >= %s AND ({counted}) AND {answered} <= {due} THEN 1 ELSE 0 END),
            SUM(CASE WHEN a.at IS NULL AND f.status != 'redirected' THEN 1 ELSE 0 END),
            SUM(CASE WHEN a.at IS NULL AND f.status != 'redirected' AND f.answer_due < %s THEN 1 ELSE 0 END),
            SUM(CASE WHEN f.received_at >= %s AND f.status = 'redirected' THEN 1 ELSE 0 END)
        FROM dossiers_feedback f
        LEFT JOIN dossiers_feedbackevent a ON a.feedback_id = f.id AND a.kind = 'answered' AND a.at < %s
        WHERE f.received_at < %s {where}
        GROUP BY f.ward_id ORDER BY f.ward_id
    """  # noqa: S608 - placeholders and fixed expressions only
    params = [s, s, s, e, s, e, *params]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = [FeedbackReport(str(r[0]), *(int(v or 0) for v in r[1:])) for r in cursor.fetchall()]
    total = FeedbackReport(
        "",
        *(
            sum(getattr(r, f) for r in rows)
            for f in ("received", "handled", "handled_on_time", "open", "overdue", "redirected")
        ),
    )
    return [*rows, total]
