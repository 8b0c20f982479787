"""Enrolments by decision: one person's right to one category of a programme, from a start month to an end
month, each grant, adjustment and stop a numbered decision with its signer. The amount is never stored here:
a payroll looks it up for its month (``ansinh.engine.benefits``). Writes go through ``programs.actions``."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Now
from django.utils.translation import gettext_lazy as _

from ansinh.registry.models import Member


class DecisionKind(models.TextChoices):
    GRANT = "grant", _("Grant")
    ADJUST = "adjust", _("Adjustment")
    STOP = "stop", _("Stop")


class EnrolmentQuerySet(models.QuerySet["Enrolment"]):
    def in_force(self, month: object) -> EnrolmentQuerySet:
        """Enrolments paid in ``month`` (started, not ended)."""
        return self.filter(start_month__lte=month).filter(Q(end_month__isnull=True) | Q(end_month__gte=month))


class Enrolment(models.Model):
    member = models.ForeignKey(Member, verbose_name=_("person"), on_delete=models.PROTECT, related_name="enrolments")
    programme = models.CharField(_("programme"), max_length=32)
    category = models.CharField(_("category"), max_length=64)
    start_month = models.DateField(_("first month paid"))
    end_month = models.DateField(_("last month paid"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # When the row last changed (set by every write path: save, the actions' updates, bulk inserts; the
    # database fills it for raw inserts): what the API's ``updated_since`` and its sync cursor read.
    updated_at = models.DateTimeField(_("changed at"), auto_now=True, db_default=Now())

    objects = EnrolmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("enrolment")
        ordering = ["programme", "member_id", "start_month"]
        indexes = [
            models.Index(fields=["programme", "start_month"]),
            models.Index(fields=["updated_at", "id"], name="programs_enrolment_updated"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["member", "programme", "category"],
                condition=Q(end_month__isnull=True),
                name="programs_one_open_enrolment_per_category",
            )
        ]

    def __str__(self) -> str:
        return f"{self.programme}/{self.category} #{self.member_id}"


class Decision(models.Model):
    """A grant, an adjustment or a stop of an enrolment, signed by the role the rules name for its date."""

    enrolment = models.ForeignKey(Enrolment, on_delete=models.PROTECT, related_name="decisions")
    kind = models.CharField(_("kind"), max_length=8, choices=DecisionKind.choices)
    number = models.CharField(_("decision number"), max_length=64)
    date = models.DateField(_("decision date"))
    signer_role = models.CharField(_("signed by (role)"), max_length=32)
    signer_name = models.CharField(_("signed by"), max_length=150, blank=True, default="")
    effective_month = models.DateField(_("month of effect"))
    reason = models.TextField(_("reason"), blank=True, default="")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    recorded_at = models.DateTimeField()

    class Meta:
        verbose_name = _("decision")
        ordering = ["enrolment_id", "effective_month", "id"]

    def __str__(self) -> str:
        return f"{self.number} ({self.kind})"
