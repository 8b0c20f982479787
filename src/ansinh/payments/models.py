"""Monthly payrolls: one programme × month × ward, computed from the enrolments and the rules in force as
columnar work (``ansinh.engine.benefits``), frozen with a content hash of its inputs and the rules version,
then approved by someone other than who computed it. Each line keeps its components and its explanation.

A frozen payroll cannot change by any path: the actions refuse, and database triggers (migration 0002) refuse
any insert, update or delete of its lines and any change of its totals or hashes. The same person cannot be
paid by two payrolls of one programme and month (a unique constraint on the paid lines).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Now
from django.utils.translation import gettext_lazy as _

from ansinh.geo.models import Ward
from ansinh.lib.lifecycle import Lifecycle
from ansinh.payments.errors import IllegalTransition
from ansinh.programs.models import Enrolment
from ansinh.registry.models import Member


class PayrollStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    COMPUTED = "computed", _("Computed")
    FROZEN = "frozen", _("Frozen")
    IN_APPROVAL = "in_approval", _("In approval")
    APPROVED = "approved", _("Approved")
    EXPORTED = "exported", _("Exported")
    RECONCILING = "reconciling", _("Reconciling")
    RECONCILED = "reconciled", _("Reconciled")
    CLOSED = "closed", _("Closed")
    ABORTED = "aborted", _("Aborted")


S = PayrollStatus
PAYROLL_TRANSITIONS: dict[str, tuple[str, ...]] = {
    S.DRAFT: (S.COMPUTED, S.ABORTED),
    S.COMPUTED: (S.COMPUTED, S.FROZEN, S.ABORTED),
    S.FROZEN: (S.IN_APPROVAL, S.ABORTED),
    S.IN_APPROVAL: (S.APPROVED, S.DRAFT, S.ABORTED),  # back to draft = rejected, with a reason
    S.APPROVED: (S.EXPORTED,),
    S.EXPORTED: (S.RECONCILING,),
    S.RECONCILING: (S.RECONCILED,),
    S.RECONCILED: (S.CLOSED,),
    S.CLOSED: (),
    S.ABORTED: (),
}
PAYROLL_LIFECYCLE = Lifecycle("payroll", PAYROLL_TRANSITIONS, error=IllegalTransition, label=_("A payroll"))
# Statuses in which lines, totals and hashes are fixed (the triggers of migration 0002 list the same).
LOCKED = (S.FROZEN, S.IN_APPROVAL, S.APPROVED, S.EXPORTED, S.RECONCILING, S.RECONCILED, S.CLOSED)


class PayrollKind(models.TextChoices):
    REGULAR = "regular", _("Monthly payroll")
    FOLLOW_UP = "follow_up", _("Follow-up payroll")
    CAMPAIGN = "campaign", _("Campaign payroll")


class LineKind(models.TextChoices):
    REGULAR = "regular", _("Month's allowance")
    ARREARS = "arrears", _("Arrears")
    RECOVERY = "recovery", _("Recovery")
    FOLLOW_UP = "follow_up", _("Payment of a failed line")
    GIFT = "gift", _("Gift")


class Payroll(models.Model):
    kind = models.CharField(_("kind"), max_length=16, choices=PayrollKind.choices, default=PayrollKind.REGULAR)
    follows = models.ForeignKey(
        "self", verbose_name=_("follows payroll"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="follow_ups",
    )  # fmt: skip
    approvals_needed = models.PositiveSmallIntegerField(_("approvals needed"), default=1)
    reason = models.TextField(_("reason"), blank=True, default="")
    programme = models.CharField(_("programme"), max_length=32)
    month = models.DateField(_("month"))
    ward = models.ForeignKey(Ward, verbose_name=_("ward"), on_delete=models.PROTECT, related_name="+")
    status = models.CharField(_("status"), max_length=16, choices=PayrollStatus.choices, default=S.DRAFT)
    rules_version = models.CharField(_("rules version"), max_length=64, blank=True, default="")
    inputs_hash = models.CharField(_("content hash of the inputs"), max_length=64, blank=True, default="")
    total_amount = models.BigIntegerField(_("total (VND)"), default=0)
    line_count = models.PositiveIntegerField(_("lines"), default=0)
    paid_count = models.PositiveIntegerField(_("people paid"), default=0)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    computed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    computed_at = models.DateTimeField(null=True, blank=True)
    frozen_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    approved_at = models.DateTimeField(null=True, blank=True)
    # When the row last changed (set by every write path: save, the actions' updates, bulk inserts; the
    # database fills it for raw inserts): what the API's ``updated_since`` and its sync cursor read.
    updated_at = models.DateTimeField(_("changed at"), auto_now=True, db_default=Now())

    class Meta:
        verbose_name = _("payroll")
        ordering = ["-month", "programme", "ward_id", "id"]
        indexes = [
            models.Index(fields=["programme", "month"]),
            models.Index(fields=["updated_at", "id"], name="payments_payroll_updated"),
        ]

    def __str__(self) -> str:
        return f"{self.programme} {self.month:%m/%Y} {self.ward_id} #{self.pk}"

    @property
    def locked(self) -> bool:
        return self.status in LOCKED


class PayrollLine(models.Model):
    """One enrolment's line in one payroll: paid (``amount``) or not and why, with the amount's components."""

    payroll = models.ForeignKey(Payroll, on_delete=models.PROTECT, related_name="lines")
    kind = models.CharField(_("kind"), max_length=16, choices=LineKind.choices, default=LineKind.REGULAR)
    # The month the amount is for: the payroll's month, or an earlier one (arrears, recovery, a repaid line).
    for_month = models.DateField(_("for month"), null=True)
    # The line a recovery takes back or a follow-up pays again (each at most once).
    source_line = models.ForeignKey("self", on_delete=models.PROTECT, null=True, related_name="+")
    enrolment = models.ForeignKey(Enrolment, on_delete=models.PROTECT, null=True, related_name="+")
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="+")
    programme = models.CharField(max_length=32)
    month = models.DateField()
    ward_code = models.CharField(max_length=16)
    category = models.CharField(_("category"), max_length=64)
    age = models.PositiveSmallIntegerField(_("age"))
    rows = models.CharField(_("legal rows"), max_length=200)
    base = models.BigIntegerField(_("base level"), null=True)
    coefficient = models.FloatField(_("coefficient"), null=True)
    entitled = models.BigIntegerField(_("entitled (VND)"))
    amount = models.BigIntegerField(_("paid (VND)"))
    status = models.CharField(_("status"), max_length=24)
    paid_category = models.CharField(max_length=64, blank=True, default="")
    references = models.CharField(_("legal references"), max_length=400)
    verified = models.BooleanField(default=False)
    explanation_vi = models.CharField(max_length=600)
    explanation_en = models.CharField(max_length=600)

    class Meta:
        verbose_name = _("payroll line")
        ordering = ["payroll_id", "member_id", "enrolment_id"]
        indexes = [models.Index(fields=["payroll", "ward_code", "category"])]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "for_month", "member", "kind"],
                condition=Q(status="paid"),
                name="payments_one_payment_per_person_month_kind",
            ),
            models.UniqueConstraint(fields=["source_line", "kind"], name="payments_source_line_once"),
        ]

    def __str__(self) -> str:
        return f"{self.payroll_id}: {self.member_id} {self.amount}"


class PayrollEvent(models.Model):
    payroll = models.ForeignKey(Payroll, on_delete=models.PROTECT, related_name="events")
    old = models.CharField(max_length=16)
    new = models.CharField(max_length=16)
    reason = models.TextField(blank=True, default="")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    at = models.DateTimeField()

    class Meta:
        ordering = ["payroll_id", "at", "id"]

    def __str__(self) -> str:
        return f"{self.payroll_id}: {self.old} → {self.new}"

    @staticmethod
    def _label(status: str) -> str:
        return str(PayrollStatus(status).label) if status in PayrollStatus.values else status

    @property
    def old_label(self) -> str:
        """The status left, in words."""
        return self._label(self.old)

    @property
    def new_label(self) -> str:
        """The status entered, in words."""
        return self._label(self.new)


class PayrollApproval(models.Model):
    """One sign-off of a payroll in approval; the number needed is the approval-threshold data's."""

    payroll = models.ForeignKey(Payroll, on_delete=models.PROTECT, related_name="approvals")
    approver = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["payroll", "approver"], name="payments_one_approval_per_user")]

    def __str__(self) -> str:
        return f"{self.payroll_id} ✓ {self.approver_id}"


class Outcome(models.TextChoices):
    PAID = "paid", _("Paid")
    FAILED = "failed", _("Not paid")


class ResultImport(models.Model):
    """A payment-results file: staged and validated, then committed as a whole (or not at all)."""

    payroll = models.ForeignKey(Payroll, on_delete=models.PROTECT, related_name="result_imports")
    file_name = models.CharField(max_length=200)
    file_sha256 = models.CharField(max_length=64)
    status = models.CharField(max_length=16, default="validated")  # validated | committed | refused
    rows = models.PositiveIntegerField(default=0)
    changed = models.PositiveIntegerField(default=0)
    issues = models.JSONField(default=list, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    committed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"results:{self.pk} {self.status}"


class PaymentResult(models.Model):
    """What the payment channel says happened to one payable line."""

    line = models.OneToOneField(PayrollLine, on_delete=models.PROTECT, related_name="result")
    payroll = models.ForeignKey(Payroll, on_delete=models.PROTECT, related_name="results")
    outcome = models.CharField(_("outcome"), max_length=8, choices=Outcome.choices)
    delivered = models.BigIntegerField(_("delivered (VND)"), default=0)
    paid_on = models.DateField(_("paid on"), null=True, blank=True)
    reference = models.CharField(_("reference"), max_length=64, blank=True, default="")
    reason = models.CharField(_("reason"), max_length=200, blank=True, default="")
    imported = models.ForeignKey(ResultImport, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [models.CheckConstraint(condition=Q(delivered__gte=0), name="payments_delivered_non_negative")]

    def __str__(self) -> str:
        return f"{self.line_id}: {self.outcome} {self.delivered}"


class VerificationPlan(models.Model):
    """A random sample of a payroll's paid lines to ask whether the money arrived; the sample is drawn again
    identically from its stored seed."""

    payroll = models.ForeignKey(Payroll, on_delete=models.PROTECT, related_name="verifications")
    confidence = models.FloatField(_("confidence"))
    margin = models.FloatField(_("margin of error"))
    seed = models.BigIntegerField(_("seed"))
    sample_size = models.PositiveIntegerField(_("sample size"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"verification:{self.pk} ({self.sample_size})"


class Answer(models.TextChoices):
    RECEIVED = "received", _("Received")
    PROBLEMS = "received_with_problems", _("Received with problems")
    NOT_RECEIVED = "not_received", _("Not received")


class VerificationCheck(models.Model):
    plan = models.ForeignKey(VerificationPlan, on_delete=models.PROTECT, related_name="checks")
    line = models.ForeignKey(PayrollLine, on_delete=models.PROTECT, related_name="+")
    answer = models.CharField(_("answer"), max_length=24, choices=Answer.choices, blank=True, default="")
    note = models.TextField(_("note"), blank=True, default="")
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["plan", "line"], name="payments_one_check_per_line")]

    def __str__(self) -> str:
        return f"{self.plan_id}/{self.line_id}: {self.answer}"


class PaymentComplaint(models.Model):
    """A complaint about one payment, opened by a verification answer or by an officer."""

    line = models.ForeignKey(PayrollLine, on_delete=models.PROTECT, related_name="complaints")
    verification = models.OneToOneField(
        VerificationCheck, on_delete=models.PROTECT, null=True, related_name="complaint"
    )
    text = models.TextField(_("complaint"))
    status = models.CharField(_("status"), max_length=16, default="open")
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    opened_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"complaint:{self.pk} ({self.line_id})"
