"""Payroll actions: create, compute, freeze, submit, approve, reject, abort. Each is one transaction, one
audit event and one lifecycle event; compute and freeze read the inputs in one query and hand them to the
engine as one frame, and store the lines in bulk."""

from __future__ import annotations

import datetime as dt
import hashlib
from functools import cache
from typing import Any

import polars as pl
from django.db import IntegrityError, transaction
from django.utils import timezone

from ansinh.accounts.models import Actor, acting_user
from ansinh.audit.actions import record
from ansinh.dbframes import insert_model_frame
from ansinh.engine.benefits import (
    ENROLMENT_COLUMNS,
    GIFT,
    PAID,
    RECOVERED,
    arrears_lines,
    campaign_lines,
    component_schema,
    month_lines,
    recovery_lines,
)
from ansinh.geo.models import Ward
from ansinh.lib.legal import NoValue
from ansinh.payments import errors
from ansinh.payments.audit_actions import PAYROLL_MOVED, PaymentsAudit
from ansinh.payments.channels import (
    approvals_needed,
    draw_sample,
    export_frame,
    file_digest,
    layouts,
    payment_data,
    read_results,
    sample_size,
    validate_results,
    write_export,
)
from ansinh.payments.models import (
    PAYROLL_LIFECYCLE,
    Answer,
    LineKind,
    Outcome,
    PaymentComplaint,
    PaymentResult,
    Payroll,
    PayrollApproval,
    PayrollEvent,
    PayrollKind,
    PayrollLine,
    PayrollStatus,
    ResultImport,
    VerificationCheck,
    VerificationPlan,
)
from ansinh.payments.queries import (
    campaign_inputs,
    exported_after_death,
    failed_lines,
    paid_before,
    payable_lines,
    payroll_inputs,
    stored_results,
)
from ansinh.programs.rules import RULES_DIR, campaigns, legal_rules, programmes
from ansinh.registry.actions import require_in_area
from ansinh.tasks.actions import enqueue_on_commit

S = PayrollStatus
PERSON_COLUMNS = ["member_id", "date_of_birth", "date_of_death", "ward_code"]
REGULAR = "regular"


@cache
def rules_version() -> str:
    """A hash of every programme rule file: the rule version a frozen payroll records."""
    digest = hashlib.sha256()
    for path in sorted(RULES_DIR.glob("*.yaml")):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def inputs_hash(payroll: Payroll, inputs: pl.DataFrame, *more: pl.DataFrame) -> str:
    """The content hash of a payroll's inputs: its programme, month, ward, the rules version and every input
    row (sorted), so any change to an enrolment, a person's dates or an earlier payment it reads changes it."""
    digest = hashlib.sha256(f"{payroll.programme}|{payroll.month}|{payroll.ward_id}|{rules_version()}".encode())
    digest.update(inputs.sort("enrolment_id").write_ndjson().encode())
    for frame in more:
        digest.update(frame.sort(frame.columns).write_ndjson().encode())
    return digest.hexdigest()


def _move(payroll: Payroll, new: str, actor: Actor, reason: str = "", **fields: Any) -> None:
    PAYROLL_LIFECYCLE.move(payroll, payroll.status, new)
    old = payroll.status
    payroll.status = new
    fields["updated_at"] = timezone.now()
    for name, value in fields.items():
        setattr(payroll, name, value)
    Payroll.objects.filter(pk=payroll.pk).update(status=new, **fields)
    PayrollEvent.objects.create(
        payroll=payroll, old=old, new=new, reason=reason, actor=acting_user(actor),
        at=timezone.now(),
    )  # fmt: skip
    record(
        actor=actor, action=PAYROLL_MOVED[new], object_type="payroll", object_id=payroll.pk,
        changes={"status": [old, new]}, ward_code=payroll.ward_id, note=reason,
    )  # fmt: skip


def _locked(payroll: Payroll) -> Payroll:
    return Payroll.objects.select_for_update().get(pk=payroll.pk)


@transaction.atomic
def do_create_payroll(*, actor: Actor, programme: str, month: dt.date, ward: Ward) -> Payroll:
    """A draft payroll for ``programme`` in ``month`` in ``ward``. Refuses an unknown programme and a month
    that has not begun."""
    require_in_area(actor, "payroll", "prepare", ward.code)
    if programme not in programmes():
        raise errors.UnknownProgramme(programme=programme)
    month = month.replace(day=1)
    if month > timezone.localdate().replace(day=1):
        raise errors.FutureMonth(month=f"{month:%m/%Y}")
    payroll = Payroll.objects.create(programme=programme, month=month, ward=ward, created_by=acting_user(actor))
    record(actor=actor, action=PaymentsAudit.PAYROLL_CREATE, object_type="payroll", object_id=payroll.pk,
           changes={"programme": programme, "month": month.isoformat()}, ward_code=ward.code)  # fmt: skip
    return payroll


def _compute(payroll: Payroll) -> tuple[pl.DataFrame, str]:
    """The payroll's lines and the hash of its inputs; a rule with no value in force for the month is refused
    naming the parameter."""
    try:
        if payroll.kind == PayrollKind.FOLLOW_UP:
            return _follow_up_lines(payroll)
        if payroll.kind == PayrollKind.CAMPAIGN:
            return _campaign_lines(payroll)
        return _month_lines(payroll)
    except NoValue as missing:
        day = dt.date.fromisoformat(missing.params["on"]).strftime("%d/%m/%Y")
        month = f"{payroll.month:%m/%Y}"
        raise errors.RuleMissing(parameter=missing.params["path"], month=month, day=day) from missing


def _campaign_lines(payroll: Payroll) -> tuple[pl.DataFrame, str]:
    """A campaign's gifts in the ward: one line per person and group, the highest group paid."""
    campaign = campaigns()[payroll.programme]
    wanted = sorted({p for g in campaign.groups for p in g.members})
    inputs = campaign_inputs(wanted, campaign.month, payroll.ward_id)
    people = inputs.select(PERSON_COLUMNS).unique("member_id")
    enrolled = inputs.select("enrolment_id", "member_id", "programme", "category")
    lines = campaign_lines(enrolled, people, campaign, legal_rules(str(payroll.ward.province_id)))
    return lines, inputs_hash(payroll, inputs)


def _follow_up_lines(payroll: Payroll) -> tuple[pl.DataFrame, str]:
    """A follow-up pays again each line of the payroll it follows whose payment failed and that no other
    follow-up pays (the database holds each source line to one follow-up)."""
    assert payroll.follows_id is not None
    failed = failed_lines(payroll.follows_id, payroll.pk)
    lines = failed.with_columns(
        pl.lit(LineKind.FOLLOW_UP.value).alias("kind"),
        pl.col("line_id").alias("source_line_id"),
        pl.concat_str([pl.lit("Chi lại khoản chưa chi được: "), pl.col("explanation_vi")]).alias("explanation_vi"),
        pl.concat_str([pl.lit("Paid again after a failed payment: "), pl.col("explanation_en")]).alias(
            "explanation_en"
        ),
    ).select(list(component_schema()))
    keys = failed.select(pl.col("line_id").alias("enrolment_id"), "member_id", "amount", "for_month")
    return lines.cast(component_schema()), inputs_hash(payroll, keys)


def _month_lines(payroll: Payroll) -> tuple[pl.DataFrame, str]:
    """The payroll's lines: the month's allowances of the enrolments in force, the arrears of retroactive
    decisions and the recoveries of payments exported after a death, with the content hash of every input."""
    inputs = payroll_inputs(payroll.programme, payroll.month, payroll.ward_id)
    people = inputs.select(PERSON_COLUMNS).unique("member_id")
    rules = legal_rules(str(payroll.ward.province_id))
    programme = programmes()[payroll.programme]
    enrolments = inputs.select(*ENROLMENT_COLUMNS, pl.col("decided_on").dt.truncate("1mo").alias("decided_month"))
    regular = month_lines(enrolments.select(ENROLMENT_COLUMNS), people, programme, rules, payroll.month)
    retroactive = enrolments.filter(pl.col("decided_month") >= pl.col("start_month"))
    paid = paid_before(payroll.programme, payroll.month, retroactive["member_id"].unique().to_list(), payroll.pk)
    arrears = arrears_lines(retroactive, people, programme, rules, payroll.month, paid)
    exported = exported_after_death(payroll.programme, payroll.ward_id, payroll.pk)
    recoveries = recovery_lines(exported, programme, rules, payroll.month)
    lines = pl.concat(
        [
            regular.with_columns(
                pl.lit(REGULAR).alias("kind"),
                pl.lit(payroll.month, dtype=pl.Date).alias("for_month"),
                pl.lit(None, dtype=pl.Int64).alias("source_line_id"),
            ).cast(component_schema()),
            arrears.cast(component_schema()),
            recoveries.cast(component_schema()),
        ]
    )
    digest = inputs_hash(payroll, inputs, paid, exported)
    return lines, digest


def _refuse_paid_elsewhere(payroll: Payroll, lines: pl.DataFrame) -> None:
    kind = GIFT if payroll.kind == PayrollKind.CAMPAIGN else REGULAR
    paid = lines.filter((pl.col("status") == PAID) & (pl.col("kind") == kind))["member_id"].to_list()
    elsewhere = (
        PayrollLine.objects.filter(
            programme=payroll.programme, for_month=payroll.month, kind=kind, status=PAID, member_id__in=paid
        )
        .exclude(payroll=payroll)
        .order_by("member_id")
    )
    first = elsewhere.select_related("member").first()
    if first is not None:
        raise errors.AlreadyOnPayroll(
            name=first.member.full_name,
            count=elsewhere.count(),
            month=f"{payroll.month:%m/%Y}",
            payroll=first.payroll_id,
        )


@transaction.atomic
def do_compute_payroll(*, actor: Actor, payroll: Payroll) -> Payroll:
    """Compute the payroll's lines from the enrolments and the rules in force in its month, replacing any
    earlier computation. Refuses a person already paid for the month by another payroll (naming it) and a
    month with no rule in force (naming the parameter)."""
    payroll = _locked(payroll)
    require_in_area(actor, "payroll", "prepare", payroll.ward_id)
    PAYROLL_LIFECYCLE.check(payroll.status, S.COMPUTED)
    lines, digest = _compute(payroll)
    _refuse_paid_elsewhere(payroll, lines)
    PayrollLine.objects.filter(payroll=payroll).delete()
    stored = lines.with_columns(
        pl.lit(payroll.pk, dtype=pl.Int64).alias("payroll_id"),
        pl.lit(payroll.programme).alias("programme"),
        pl.lit(payroll.month).alias("month"),
    )
    try:
        with transaction.atomic():
            insert_model_frame(PayrollLine, stored)
    except IntegrityError:  # a concurrent payroll paid someone between the check and the insert
        _refuse_paid_elsewhere(payroll, lines)
        raise
    paid = lines.filter(pl.col("status") == PAID)
    net = lines.filter(pl.col("status").is_in([PAID, RECOVERED]))
    _move(
        payroll, S.COMPUTED, actor, inputs_hash=digest, rules_version=rules_version(),
        total_amount=int(net["amount"].sum() or 0), line_count=lines.height,
        paid_count=paid["member_id"].n_unique(),
        computed_by=acting_user(actor), computed_at=timezone.now(),
    )  # fmt: skip
    return payroll


@transaction.atomic
def do_freeze_payroll(*, actor: Actor, payroll: Payroll) -> Payroll:
    """Freeze a computed payroll: its inputs are read again and must hash as when it was computed (eligibility
    re-checked at freeze); from now on nothing changes its lines or totals."""
    payroll = _locked(payroll)
    require_in_area(actor, "payroll", "prepare", payroll.ward_id)
    PAYROLL_LIFECYCLE.check(payroll.status, S.FROZEN)
    _, digest = _compute(payroll)
    if digest != payroll.inputs_hash or payroll.rules_version != rules_version():
        raise errors.InputsChanged()
    _move(payroll, S.FROZEN, actor, frozen_at=timezone.now())
    _facts_changed(payroll, "frozen")
    return payroll


@transaction.atomic
def do_submit_payroll(*, actor: Actor, payroll: Payroll) -> Payroll:
    """Send a frozen payroll for approval; the sign-offs it needs follow from its total (data)."""
    payroll = _locked(payroll)
    require_in_area(actor, "payroll", "prepare", payroll.ward_id)
    PayrollApproval.objects.filter(payroll=payroll).delete()  # a resubmission after a rejection starts again
    _move(payroll, S.IN_APPROVAL, actor, approvals_needed=approvals_needed(abs(payroll.total_amount)))
    return payroll


@transaction.atomic
def do_approve_payroll(*, actor: Actor, payroll: Payroll) -> Payroll:
    """Approve a payroll in approval; the user who computed it cannot."""
    payroll = _locked(payroll)
    require_in_area(actor, "payroll", "approve", payroll.ward_id)
    if actor is not None and payroll.computed_by_id == actor.pk:
        raise errors.ApproverComputed()
    PAYROLL_LIFECYCLE.check(payroll.status, S.APPROVED)
    user = acting_user(actor)
    if user is not None:
        if PayrollApproval.objects.filter(payroll=payroll, approver=user).exists():
            raise errors.AlreadyApproved()
        PayrollApproval.objects.create(payroll=payroll, approver=user, at=timezone.now())
    given = PayrollApproval.objects.filter(payroll=payroll).count()
    if user is not None and given < payroll.approvals_needed:
        record(actor=actor, action=PaymentsAudit.PAYROLL_SIGNED, object_type="payroll", object_id=payroll.pk,
               changes={"approvals": [given - 1, given], "needed": payroll.approvals_needed},
               ward_code=payroll.ward_id)  # fmt: skip
        return payroll
    _move(payroll, S.APPROVED, actor, approved_by=user, approved_at=timezone.now())
    return payroll


@transaction.atomic
def do_reject_payroll(*, actor: Actor, payroll: Payroll, reason: str) -> Payroll:
    """Send a payroll in approval back to draft, with the reason."""
    payroll = _locked(payroll)
    require_in_area(actor, "payroll", "approve", payroll.ward_id)
    if not reason.strip():
        raise errors.ReasonRequired()
    _move(payroll, S.DRAFT, actor, reason=reason.strip())
    return payroll


@transaction.atomic
def do_abort_payroll(*, actor: Actor, payroll: Payroll, reason: str) -> Payroll:
    """Abort a payroll not yet approved; its lines are removed so its people can be paid by another."""
    payroll = _locked(payroll)
    require_in_area(actor, "payroll", "prepare", payroll.ward_id)
    if not reason.strip():
        raise errors.ReasonRequired()
    was_locked = payroll.locked
    _move(payroll, S.ABORTED, actor, reason=reason.strip())
    PayrollLine.objects.filter(payroll=payroll).delete()
    if was_locked:
        _facts_changed(payroll, "aborted")
    return payroll


def _facts_changed(payroll: Payroll, what: str) -> None:
    """The reports' payroll facts of the ward follow a frozen (or aborted frozen) payroll, after commit."""
    refresh = {"source": "payroll", "wards": [payroll.ward_id], "reason": f"payroll {what} #{payroll.pk}"}
    enqueue_on_commit("reports.refresh_facts", refresh)


@transaction.atomic
def do_create_campaign_payroll(*, actor: Actor, campaign: str, ward: Ward) -> Payroll:
    """A draft payroll of a one-off campaign (Tết gifts) in ``ward``, in the campaign's month."""
    require_in_area(actor, "payroll", "prepare", ward.code)
    found = campaigns().get(campaign)
    if found is None:
        raise errors.UnknownProgramme(programme=campaign)
    if found.month > timezone.localdate().replace(day=1):
        raise errors.FutureMonth(month=f"{found.month:%m/%Y}")
    payroll = Payroll.objects.create(kind=PayrollKind.CAMPAIGN, programme=campaign, month=found.month, ward=ward,
                                     created_by=acting_user(actor))  # fmt: skip
    record(actor=actor, action=PaymentsAudit.PAYROLL_CREATE, object_type="payroll", object_id=payroll.pk,
           changes={"campaign": campaign, "month": found.month.isoformat()}, ward_code=ward.code)  # fmt: skip
    return payroll


def programme_labels(code: str, lang: str = "vi") -> tuple[str, dict[str, str]]:
    """A programme's or campaign's name and its categories' (or groups') names in ``lang``."""
    if code in programmes():
        p = programmes()[code]
        return p.name.get(lang, p.name["vi"]), {k: c.name.get(lang, c.name["vi"]) for k, c in p.categories.items()}
    if code in campaigns():
        c = campaigns()[code]
        return c.name.get(lang, c.name["vi"]), {g.key: g.name.get(lang, g.name["vi"]) for g in c.groups}
    return code, {}


@transaction.atomic
def do_create_follow_up(*, actor: Actor, payroll: Payroll, reason: str = "") -> Payroll:
    """A follow-up payroll linked to ``payroll`` for the lines whose payment failed, computed at once. Refuses
    when the payroll has no results yet or no failed line is left to pay."""
    parent = _locked(payroll)
    require_in_area(actor, "payroll", "prepare", parent.ward_id)
    if parent.status not in (S.RECONCILING, S.RECONCILED, S.CLOSED):
        raise errors.NoResultsYet()
    follow_up = Payroll.objects.create(
        kind=PayrollKind.FOLLOW_UP, follows=parent, programme=parent.programme, month=parent.month,
        ward=parent.ward, created_by=acting_user(actor), reason=reason,
    )  # fmt: skip
    record(actor=actor, action=PaymentsAudit.PAYROLL_CREATE, object_type="payroll", object_id=follow_up.pk,
           changes={"follows": parent.pk, "kind": PayrollKind.FOLLOW_UP.value}, ward_code=parent.ward_id)  # fmt: skip
    lines, _ = _follow_up_lines(follow_up)
    if lines.is_empty():
        raise errors.NothingToFollowUp(payroll=parent.pk)
    return do_compute_payroll(actor=actor, payroll=follow_up)


# --- paying and reconciling --------------------------------------------------------------------------------


@transaction.atomic
def do_export_payroll(*, actor: Actor, payroll: Payroll, layout: str) -> tuple[str, bytes]:
    """The payment file of an approved payroll in the channel's ``layout`` (the payable lines only); the
    first export moves the payroll to exported. Returns the file's name and content."""
    payroll = _locked(payroll)
    require_in_area(actor, "payroll", "export", payroll.ward_id)
    found = layouts()
    if layout not in found:
        raise errors.UnknownLayout(layout=layout)
    if payroll.status not in (S.APPROVED, S.EXPORTED, S.RECONCILING):
        raise errors.NotApproved()
    chosen = found[layout]
    name, labels = programme_labels(payroll.programme)
    lines = payable_lines(payroll.pk).with_columns(
        pl.col("category").replace_strict(labels, default=pl.col("category")).alias("category_label"),
        pl.format("{} {}", pl.lit(name), pl.col("for_month").dt.strftime("%m/%Y")).alias("description"),
    )
    title = f"{name} — tháng {payroll.month:%m/%Y} — bảng lương #{payroll.pk}"
    content = write_export(export_frame(lines, chosen), chosen, title)
    if payroll.status == S.APPROVED:
        _move(payroll, S.EXPORTED, actor, reason=layout)
    record(actor=actor, action=PaymentsAudit.PAYROLL_FILE, object_type="payroll", object_id=payroll.pk,
           changes={"layout": layout, "lines": lines.height}, ward_code=payroll.ward_id)  # fmt: skip
    extension = "csv" if chosen.format == "csv" else "xlsx"
    return f"chi-tra-{payroll.pk}-{layout}.{extension}", content


def _stage(actor: Actor, payroll: Payroll, name: str, content: bytes) -> tuple[ResultImport, pl.DataFrame]:
    try:
        raw = read_results(name, content)
    except Exception as exc:  # an unreadable file is refused as a whole, in words
        raise errors.UnreadableResults(name=name) from exc
    new, issues = validate_results(raw, payable_lines(payroll.pk).select("line_id", "amount"),
                                   stored_results(payroll.pk))  # fmt: skip
    staged = ResultImport.objects.create(
        payroll=payroll, file_name=name[:200], file_sha256=file_digest(content), rows=raw.height,
        status="refused" if issues else "validated", issues=[i.as_dict() for i in issues],
        created_by=acting_user(actor),
    )  # fmt: skip
    return staged, new


def do_import_results(*, actor: Actor, payroll: Payroll, name: str, content: bytes) -> ResultImport:
    """Stage and validate a payment-results file, then commit it as a whole: a file with any row error is
    refused and writes no result (its errors are kept on the staged import, by row and column); a file read
    again changes nothing. The first results move the payroll to reconciling, the last to reconciled."""
    with transaction.atomic():
        payroll = _locked(payroll)
        require_in_area(actor, "payroll", "prepare", payroll.ward_id)
        if payroll.status not in (S.EXPORTED, S.RECONCILING):
            raise errors.NotExported()
        staged, new = _stage(actor, payroll, name, content)
        if staged.status == "refused":
            return staged
        stored = new.with_columns(
            pl.lit(payroll.pk, dtype=pl.Int64).alias("payroll_id"),
            pl.lit(staged.pk, dtype=pl.Int64).alias("imported_id"),
        )
        insert_model_frame(PaymentResult, stored)
        ResultImport.objects.filter(pk=staged.pk).update(
            status="committed", changed=new.height, committed_at=timezone.now()
        )
        staged.refresh_from_db()
        record(actor=actor, action=PaymentsAudit.PAYROLL_RESULTS, object_type="payroll", object_id=payroll.pk,
               changes={"results": new.height, "file": name, "import": staged.pk}, ward_code=payroll.ward_id,
               source=f"payment-results:{staged.pk}")  # fmt: skip
        if new.height and payroll.status == S.EXPORTED:
            _move(payroll, S.RECONCILING, actor)
        if payroll.status == S.RECONCILING and _missing_results(payroll) == 0:
            _move(payroll, S.RECONCILED, actor)
    return staged


def _missing_results(payroll: Payroll) -> int:
    return int(PayrollLine.objects.filter(payroll=payroll, status=PAID, amount__gt=0, result__isnull=True).count())


@transaction.atomic
def do_reconcile_payroll(*, actor: Actor, payroll: Payroll) -> Payroll:
    """Mark a payroll reconciled; refused while any payable line has no result (naming how many)."""
    payroll = _locked(payroll)
    require_in_area(actor, "payroll", "prepare", payroll.ward_id)
    missing = _missing_results(payroll)
    if missing:
        raise errors.ResultsMissing(count=missing)
    _move(payroll, S.RECONCILED, actor)
    return payroll


@transaction.atomic
def do_create_verification(
    *, actor: Actor, payroll: Payroll, confidence: float | None = None, margin: float | None = None,
    seed: int | None = None,
) -> VerificationPlan:  # fmt: skip
    """A verification sample of the payroll's paid lines: its size from ``confidence`` and ``margin`` (the
    data's defaults), drawn from ``seed`` (random when not given), which is stored so the same lines can be
    drawn again."""
    payroll = _locked(payroll)
    require_in_area(actor, "payroll", "prepare", payroll.ward_id)
    if payroll.status not in (S.RECONCILING, S.RECONCILED, S.CLOSED):
        raise errors.NoResultsYet()
    defaults = payment_data()["verification"]
    confidence = float(confidence if confidence is not None else defaults["confidence"])
    margin = float(margin if margin is not None else defaults["margin"])
    if not (0.5 <= confidence < 1) or not (0 < margin < 0.5):
        raise errors.BadSample(confidence=confidence, margin=margin)
    if seed is None:
        seed = int.from_bytes(hashlib.sha256(f"{payroll.pk}{timezone.now().isoformat()}".encode()).digest()[:6])
    paid = pl.Series(
        "line_id",
        list(PayrollLine.objects.filter(payroll=payroll, result__outcome=Outcome.PAID).values_list("pk", flat=True)),
        dtype=pl.Int64,
    )
    size = sample_size(paid.len(), confidence, margin)
    plan = VerificationPlan.objects.create(payroll=payroll, confidence=confidence, margin=margin, seed=seed,
                                           sample_size=size, created_by=acting_user(actor))  # fmt: skip
    VerificationCheck.objects.bulk_create(
        [VerificationCheck(plan=plan, line_id=line) for line in draw_sample(paid, size, seed)]
    )
    record(actor=actor, action=PaymentsAudit.VERIFICATION_CREATE, object_type="payroll", object_id=payroll.pk,
           changes={"plan": plan.pk, "size": size, "seed": seed}, ward_code=payroll.ward_id)  # fmt: skip
    return plan


@transaction.atomic
def do_answer_check(*, actor: Actor, check: VerificationCheck, answer: str, note: str = "") -> VerificationCheck:
    """Record a beneficiary's answer; "received with problems" and "not received" open a complaint linked
    to the payment."""
    check = VerificationCheck.objects.select_for_update().select_related("plan__payroll").get(pk=check.pk)
    payroll = check.plan.payroll
    require_in_area(actor, "payroll", "prepare", payroll.ward_id)
    if answer not in Answer.values:
        raise errors.BadAnswer(answer=answer)
    if check.answer:
        raise errors.AlreadyAnswered()
    VerificationCheck.objects.filter(pk=check.pk).update(answer=answer, note=note, answered_at=timezone.now())
    check.refresh_from_db()
    if answer != Answer.RECEIVED:
        complaint = PaymentComplaint.objects.create(
            line_id=check.line_id, verification=check, text=note or str(Answer(answer).label),
            opened_by=acting_user(actor), opened_at=timezone.now(),
        )  # fmt: skip
        record(actor=actor, action=PaymentsAudit.COMPLAINT_OPEN, object_type="payment_complaint",
               object_id=complaint.pk, changes={"line": check.line_id, "answer": answer},
               ward_code=payroll.ward_id)  # fmt: skip
    return check
