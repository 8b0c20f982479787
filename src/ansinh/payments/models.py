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


class Payroll(models.Model):
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

    class Meta:
        verbose_name = _("payroll")
        ordering = ["-month", "programme", "ward_id", "id"]
        indexes = [models.Index(fields=["programme", "month"])]

    def __str__(self) -> str:
        return f"{self.programme} {self.month:%m/%Y} {self.ward_id} #{self.pk}"

    @property
    def locked(self) -> bool:
        return self.status in LOCKED


class PayrollLine(models.Model):
    """One enrolment's line in one payroll: paid (``amount``) or not and why, with the amount's components."""

    payroll = models.ForeignKey(Payroll, on_delete=models.PROTECT, related_name="lines")
    enrolment = models.ForeignKey(Enrolment, on_delete=models.PROTECT, related_name="+")
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
                fields=["programme", "month", "member"],
                condition=Q(status="paid"),
                name="payments_one_payment_per_person_month",
            )
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
