"""Victims' cases: one case, one code, across the agencies that serve the survivor.

What a case *is* at any moment is derived, never typed: its stage from what has been recorded
(:func:`ansinh.cases.queries.stage`), its clocks from the dated law and the events (``cases/clocks.py``).
Its ``status`` (open, closed) moves only through :data:`LIFECYCLE`. The confidential sections (the survivor's
identity, the narrative, the perpetrator, the medical section, every free text and every attachment) are held
as ciphertext (``*_ct``, ``cases/crypto.py``); nothing here decrypts. Who sees a case is its circle
(``cases/scope.py``), never the registry's area scope. ``ReadEvent`` and ``BreakGlass`` rows are append-only
(database triggers, migration 0002).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ansinh import vocab
from ansinh.cases.errors import IllegalTransition
from ansinh.lib.lifecycle import Lifecycle


def _choices(vocabulary: vocab.Vocabulary) -> list[tuple[str, str]]:
    return [(code, vi) for code, (_en, vi) in vocabulary.items()]


class Agency(models.Model):
    """A body serving survivors, with its own users: a hospital centre, a commune, the police, a shelter, legal aid."""

    code = models.CharField(_("agency code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=_choices(vocab.AGENCY_KIND))
    ward = models.ForeignKey(
        "geo.Ward", verbose_name=_("commune or ward"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("agency")
        verbose_name_plural = _("agencies")

    def __str__(self) -> str:
        return self.name


class AgencyMember(models.Model):
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="members")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="case_agencies")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["agency", "user"], name="cases_agency_member_once")]

    def __str__(self) -> str:
        return f"{self.user_id}@{self.agency_id}"


class Status(models.TextChoices):
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


class Stage(models.TextChoices):
    """Derived from what has been recorded (Primero's workflow), never stored."""

    NEW = "new", _("New")
    ASSESSMENT = "assessment", _("Assessment")
    PLAN = "plan", _("Plan")
    SERVICES = "services", _("Services")
    CLOSED = "closed", _("Closed")


LIFECYCLE = Lifecycle(
    "case", {Status.OPEN: (Status.CLOSED,), Status.CLOSED: (Status.OPEN,)}, error=IllegalTransition, label=_("case")
)


class Section(models.TextChoices):
    """The sections of a case page: what a referral may share and what a read event names."""

    SURVIVOR = "survivor", _("Survivor")
    INCIDENT = "incident", _("Incidents")
    NARRATIVE = "narrative", _("Narrative")
    PERPETRATOR = "perpetrator", _("Perpetrator")
    MEDICAL = "medical", _("Medical")
    ASSESSMENT = "assessment", _("Assessments")
    PLAN = "plan", _("Plan")
    SERVICES = "services", _("Services")
    MEASURES = "measures", _("Measures")
    FOLLOW_UP = "follow_up", _("Follow-up")


ALL_SECTIONS = tuple(Section.values)
# Sections held as ciphertext (besides every free text and attachment).
ENCRYPTED_SECTIONS = (Section.SURVIVOR, Section.NARRATIVE, Section.PERPETRATOR, Section.MEDICAL)


class Case(models.Model):
    code = models.CharField(_("case code"), max_length=24, unique=True)
    kind = models.CharField(_("kind of case"), max_length=8, choices=_choices(vocab.CASE_KIND))
    ward = models.ForeignKey("geo.Ward", verbose_name=_("commune or ward"), on_delete=models.PROTECT, related_name="+")
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.OPEN, editable=False)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    owner_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="owned_cases")
    assigned = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+")
    received_at = models.DateTimeField(_("information received at"))
    received_by = models.CharField(_("received by"), max_length=20, choices=_choices(vocab.CASE_RECEIVER))
    channel = models.CharField(_("channel"), max_length=12, choices=_choices(vocab.CASE_CHANNEL))
    survivor_code = models.CharField(_("survivor code"), max_length=16, unique=True)
    survivor_sex = models.CharField(_("sex"), max_length=1, choices=_choices(vocab.SEX))
    survivor_age = models.PositiveSmallIntegerField(_("age when reported"))
    survivor_name_ct = models.BinaryField(editable=False)
    survivor_address_ct = models.BinaryField(editable=False)
    narrative_ct = models.BinaryField(editable=False)
    perpetrator_ct = models.BinaryField(editable=False)
    medical_ct = models.BinaryField(editable=False)
    linked_member = models.ForeignKey(
        "registry.Member", on_delete=models.PROTECT, null=True, blank=True, related_name="+", editable=False
    )
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(editable=False)
    updated_at = models.DateTimeField(editable=False)
    closed_at = models.DateTimeField(null=True, blank=True, editable=False)
    reopened_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-received_at"]
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        indexes = [models.Index(fields=["owner_agency", "status"]), models.Index(fields=["ward", "status"])]

    def __str__(self) -> str:
        return self.code


class Incident(models.Model):
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="incidents")
    occurred_on = models.DateField(_("date of the incident"))
    kind = models.CharField(_("type of incident"), max_length=24, choices=_choices(vocab.INCIDENT_TYPE))
    location_type = models.CharField(_("place"), max_length=12, choices=_choices(vocab.LOCATION_TYPE))
    perpetrator_relation = models.CharField(
        _("perpetrator's relation"), max_length=16, choices=_choices(vocab.PERPETRATOR_RELATION)
    )
    reported_before = models.BooleanField(_("reported before"), default=False)

    class Meta:
        ordering = ["occurred_on", "id"]

    def __str__(self) -> str:
        return f"{self.case_id} {self.kind}"


class ConsentKind(models.TextChoices):
    SERVICES = "services", _("Consent to services")
    REFERRAL = "referral", _("Consent to referral and disclosure to another agency")
    REPORTING = "reporting", _("Consent to statistical reporting")
    REGISTRY_LINK = "registry_link", _("Consent to link with the household registry")


class Consent(models.Model):
    """One answer of the survivor (or guardian); the latest of a kind is in force."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="consents")
    kind = models.CharField(max_length=16, choices=ConsentKind.choices)
    given = models.BooleanField()
    at = models.DateTimeField()
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")

    class Meta:
        ordering = ["case_id", "at", "id"]

    def __str__(self) -> str:
        return f"{self.case_id} {self.kind}={self.given}"


class Assessment(models.Model):
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="assessments")
    form = models.CharField(_("form"), max_length=16, choices=_choices(vocab.ASSESSMENT_FORM))
    risk_level = models.CharField(_("risk"), max_length=8, choices=_choices(vocab.RISK_LEVEL))
    at = models.DateTimeField(_("assessed at"))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    summary_ct = models.BinaryField(editable=False)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.case_id} {self.form} {self.risk_level}"


class Plan(models.Model):
    """A support and intervention plan (the latest is in force)."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="plans")
    drafted_at = models.DateTimeField(_("drafted at"))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    goals_ct = models.BinaryField(editable=False)

    class Meta:
        ordering = ["drafted_at", "id"]

    def __str__(self) -> str:
        return f"{self.case_id} plan {self.drafted_at:%Y-%m-%d}"


class ApprovalKind(models.TextChoices):
    ASSESSMENT = "assessment", _("Assessment")
    PLAN = "plan", _("Plan")
    CLOSURE = "closure", _("Closure")


class ApprovalStatus(models.TextChoices):
    REQUESTED = "requested", _("Requested")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


APPROVAL_LIFECYCLE = Lifecycle(
    "approval",
    {ApprovalStatus.REQUESTED: (ApprovalStatus.APPROVED, ApprovalStatus.REJECTED), ApprovalStatus.APPROVED: (),
     ApprovalStatus.REJECTED: ()},
    error=IllegalTransition,
    label=_("approval"),
)  # fmt: skip


class Approval(models.Model):
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="approvals")
    kind = models.CharField(max_length=12, choices=ApprovalKind.choices)
    status = models.CharField(max_length=12, choices=ApprovalStatus.choices, default=ApprovalStatus.REQUESTED)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    requested_at = models.DateTimeField()
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    note = models.TextField(blank=True, default="")

    class Meta:
        ordering = ["requested_at", "id"]

    def __str__(self) -> str:
        return f"{self.case_id} {self.kind} {self.status}"


class Service(models.Model):
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="services")
    kind = models.CharField(_("service"), max_length=24, choices=_choices(vocab.CASE_SERVICE))
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    due_on = models.DateField(_("due on"), null=True, blank=True)
    created_at = models.DateTimeField()
    implemented_at = models.DateTimeField(_("implemented at"), null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.case_id} {self.kind}"


class ReferralStatus(models.TextChoices):
    IN_PROGRESS = "in_progress", _("Sent")
    ACCEPTED = "accepted", _("Accepted")
    REJECTED = "rejected", _("Rejected")
    DONE = "done", _("Done")
    REVOKED = "revoked", _("Revoked")


REFERRAL_LIFECYCLE = Lifecycle(
    "referral",
    {
        ReferralStatus.IN_PROGRESS: (ReferralStatus.ACCEPTED, ReferralStatus.REJECTED, ReferralStatus.REVOKED),
        ReferralStatus.ACCEPTED: (ReferralStatus.DONE, ReferralStatus.REVOKED),
        ReferralStatus.REJECTED: (),
        ReferralStatus.DONE: (),
        ReferralStatus.REVOKED: (),
    },
    error=IllegalTransition,
    label=_("referral"),
)
# A referral in these statuses opens its shared sections to the receiving agency.
ACTIVE_REFERRAL = (ReferralStatus.IN_PROGRESS, ReferralStatus.ACCEPTED)


class Referral(models.Model):
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="referrals")
    service = models.ForeignKey(Service, on_delete=models.PROTECT, null=True, blank=True, related_name="referrals")
    to_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="referrals")
    to_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    status = models.CharField(max_length=12, choices=ReferralStatus.choices, default=ReferralStatus.IN_PROGRESS)
    sections = models.JSONField(default=list)  # the shareable sections the receiving agency sees
    consent_override = models.BooleanField(default=False)
    override_reason = models.TextField(blank=True, default="")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    created_at = models.DateTimeField()
    closed_at = models.DateTimeField(null=True, blank=True)
    note = models.TextField(blank=True, default="")

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.case_id} → {self.to_agency_id} {self.status}"


class Transfer(models.Model):
    """A change of owner; the previous owner stays on record here."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="transfers")
    from_user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    from_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    to_user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    to_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    consent_override = models.BooleanField(default=False)
    reason = models.TextField(blank=True, default="")

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.case_id} {self.from_user_id}→{self.to_user_id}"


class Measure(models.Model):
    """A measure of Law 13/2022 Art. 22: requested, then decided (granted or refused) by the competent person."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="measures")
    kind = models.CharField(_("measure"), max_length=24, choices=_choices(vocab.DV_MEASURE))
    requested_at = models.DateTimeField(_("requested at"))
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    granted = models.BooleanField(null=True)
    valid_from = models.DateTimeField(null=True, blank=True)
    valid_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["requested_at", "id"]

    def __str__(self) -> str:
        return f"{self.case_id} {self.kind}"


class FollowUp(models.Model):
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="follow_ups")
    at = models.DateTimeField()
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    note_ct = models.BinaryField(editable=False)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.case_id} follow-up {self.at:%Y-%m-%d}"


class Attachment(models.Model):
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="attachments")
    section = models.CharField(max_length=16, choices=Section.choices)
    filename_ct = models.BinaryField(editable=False)
    content_type = models.CharField(max_length=40)
    size = models.PositiveIntegerField()
    content_ct = models.BinaryField(editable=False)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    uploaded_at = models.DateTimeField()

    class Meta:
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return f"{self.case_id} attachment {self.pk}"


class ReadKind(models.TextChoices):
    PAGE = "page", _("Case page")
    ATTACHMENT = "attachment", _("Attachment")
    EXPORT = "export", _("Export")
    REVEAL = "reveal", _("Names revealed")
    BREAK_GLASS = "break_glass", _("Break the glass")
    NATIONAL_EXPORT = "national_export", _("National incident export")


class ReadEvent(models.Model):
    """One read of a case (a page with the sections shown, an attachment, an export, a reveal of names) or of
    the cases' de-identified statistics. Inserted only; the database refuses UPDATE and DELETE."""

    at = models.DateTimeField(db_index=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    user_name = models.CharField(max_length=150)
    case = models.ForeignKey(Case, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    kind = models.CharField(max_length=16, choices=ReadKind.choices)
    what = models.JSONField(default=list)  # sections shown, the attachment, the cases revealed
    reason = models.TextField(blank=True, default="")
    request_id = models.CharField(max_length=64, blank=True, default="")
    ip_address = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.user_name} {self.kind} {self.case_id}"

    @property
    def what_text(self) -> str:
        """What was read, in words: a section by its name; an attachment or a case code as it is."""
        return ", ".join(str(Section(item).label) if item in Section.values else str(item) for item in self.what or [])


class BreakGlass(models.Model):
    """A supervisor's opening of a case outside their circle, with the reason, until ``expires_at``."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()
    expires_at = models.DateTimeField()
    reason = models.TextField()

    def __str__(self) -> str:
        return f"{self.user_id} → {self.case_id} {self.at:%Y-%m-%d %H:%M}"


class Notification(models.Model):
    """An alert to one user (a clock that ran out, a break-the-glass on their case, a referral received). The
    text names the case by its code only: no survivor's name, address or school (Decree 56/2017 privacy list)."""

    class Kind(models.TextChoices):
        CLOCK_OVERDUE = "clock_overdue", _("Clock overdue")
        BREAK_GLASS = "break_glass", _("Case opened by break the glass")
        REFERRAL = "referral", _("Referral received")
        TRANSFER = "transfer", _("Case transferred to you")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="case_notifications")
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    key = models.CharField(max_length=200, unique=True)  # one alert per clock, user and start
    params: Any = models.JSONField(default=dict)
    at = models.DateTimeField()

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.user_id} {self.kind} {self.case_id}"
