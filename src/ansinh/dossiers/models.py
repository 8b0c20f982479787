"""A dossier is an append-only log of events; its status is the lifecycle's, its timeliness is derived.

``Dossier`` holds what does not change (code, procedure, units, channel, applicant) and the current status, moved
only by the actions through :data:`LIFECYCLE`. ``DossierEvent`` rows are never updated nor deleted (database
triggers refuse it, migration 0002); the appointment is written into the event that sets it (acceptance, the end
of a supplement pause, a correction) with the calendar version used, so a later edit of the holiday table moves
no dossier already received. Early, on time and late exist nowhere as a field: ``queries.timeliness`` and the
period report compute them from the events.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models.functions import Now
from django.utils.translation import gettext_lazy as _

from ansinh.accounts.scope import scoped
from ansinh.dossiers.errors import IllegalFeedbackTransition, IllegalTransition
from ansinh.lib.lifecycle import Lifecycle


class Channel(models.TextChoices):
    ONLINE = "online", _("Online")
    COUNTER = "counter", _("At the counter")
    POST = "post", _("By post")


class Status(models.TextChoices):
    RECEIVED = "received", _("Received, being checked")
    ACCEPTED = "accepted", _("Accepted")
    REFUSED = "refused", _("Refused")
    PROCESSING = "processing", _("Being processed")
    SUPPLEMENT = "supplement", _("Supplement requested")
    STOPPED = "stopped", _("Processing stopped")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    DECIDED = "decided", _("Decided")
    RETURNED = "returned", _("Result returned")


# The national portal's status codes where one corresponds (dossiers reference §3.1).
PORTAL_CODES = {
    Status.RECEIVED: 1,
    Status.ACCEPTED: 2,
    Status.REFUSED: 3,
    Status.PROCESSING: 4,
    Status.SUPPLEMENT: 5,
    Status.WITHDRAWN: 7,
    Status.STOPPED: 8,
    Status.DECIDED: 9,
    Status.RETURNED: 10,
}

# The lifecycle as data: status → the statuses it may move to. ``processing → processing`` is a hand-off.
LIFECYCLE = Lifecycle(
    "dossier",
    {
        Status.RECEIVED: (Status.ACCEPTED, Status.REFUSED, Status.WITHDRAWN),
        Status.ACCEPTED: (Status.PROCESSING, Status.SUPPLEMENT, Status.DECIDED, Status.WITHDRAWN, Status.STOPPED),
        Status.PROCESSING: (Status.PROCESSING, Status.SUPPLEMENT, Status.DECIDED, Status.WITHDRAWN, Status.STOPPED),
        Status.SUPPLEMENT: (Status.PROCESSING, Status.WITHDRAWN, Status.STOPPED),
        Status.DECIDED: (Status.RETURNED,),
        Status.REFUSED: (),
        Status.STOPPED: (),
        Status.WITHDRAWN: (),
        Status.RETURNED: (),
    },
    error=IllegalTransition,
    label=_("dossier"),
)

OPEN = (Status.ACCEPTED, Status.PROCESSING, Status.SUPPLEMENT)


class DossierQuerySet(models.QuerySet["Dossier"]):
    def scoped(self, user: Any, action: str = "view") -> DossierQuerySet:
        """The dossiers ``user`` may ``action`` (view, process): role first, then the competent ward."""
        return scoped(user, self, resource="dossier", action=action)


class Dossier(models.Model):
    code = models.CharField(_("dossier code"), max_length=32, unique=True)
    secret_hash = models.CharField(max_length=128, editable=False)
    procedure = models.CharField(_("procedure"), max_length=64)
    ward = models.ForeignKey(
        "geo.Ward", on_delete=models.PROTECT, related_name="dossiers", verbose_name=_("competent ward")
    )
    receiving_ward = models.ForeignKey(
        "geo.Ward", on_delete=models.PROTECT, related_name="+", verbose_name=_("receiving ward")
    )
    channel = models.CharField(_("channel"), max_length=8, choices=Channel.choices)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, editable=False)
    applicant_name = models.CharField(_("applicant"), max_length=200)
    applicant_phone = models.CharField(_("phone"), max_length=20, blank=True, default="")
    household = models.ForeignKey(
        "registry.Household", on_delete=models.PROTECT, null=True, blank=True, related_name="dossiers"
    )
    documents = models.JSONField(_("documents"), default=list, blank=True)
    received_at = models.DateTimeField(_("received at"), editable=False)
    review_round = models.ForeignKey(
        "review.Round", on_delete=models.PROTECT, null=True, blank=True, related_name="dossiers", editable=False
    )
    # The enrolment decision an allowance application drove (its result document), set when it is decided.
    enrolment_decision = models.ForeignKey(
        "programs.Decision", on_delete=models.PROTECT, null=True, blank=True, related_name="dossiers", editable=False
    )
    # When the row last changed (set by every write path: save, the actions' updates, bulk inserts; the
    # database fills it for raw inserts): what the API's ``updated_since`` and its sync cursor read.
    updated_at = models.DateTimeField(_("changed at"), auto_now=True, db_default=Now())

    objects = DossierQuerySet.as_manager()

    class Meta:
        ordering = ["-received_at"]
        verbose_name = _("dossier")
        verbose_name_plural = _("dossiers")
        indexes = [
            models.Index(fields=["ward", "status"]),
            models.Index(fields=["updated_at", "id"], name="dossiers_dossier_updated"),
        ]

    def __str__(self) -> str:
        return self.code

    @property
    def portal_code(self) -> int:
        return PORTAL_CODES[Status(self.status)]


class EventKind(models.TextChoices):
    RECEIVED = "received", _("Received")
    ACCEPTED = "accepted", _("Accepted; appointment set")
    REFUSED = "refused", _("Refused")
    HANDED_OFF = "handed_off", _("Handed off")
    SUPPLEMENT_REQUESTED = "supplement_requested", _("Supplement requested")
    SUPPLEMENT_RECEIVED = "supplement_received", _("Supplement received; appointment moved")
    DECIDED = "decided", _("Decided")
    APOLOGY = "apology", _("Apology letter sent")
    RETURNED = "returned", _("Result returned")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    STOPPED = "stopped", _("Stopped")
    CORRECTED = "corrected", _("Corrected")


class DossierEvent(models.Model):
    """One step of a dossier, never changed after it is written. ``appointment`` is set by the events that set
    or move the due instant; the dossier's current appointment is that of its last such event."""

    dossier = models.ForeignKey(Dossier, on_delete=models.PROTECT, related_name="events")
    seq = models.PositiveIntegerField()
    kind = models.CharField(max_length=24, choices=EventKind.choices)
    status = models.CharField(max_length=12, choices=Status.choices)  # the dossier's status after the event
    at = models.DateTimeField()
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True)
    appointment = models.DateTimeField(null=True, blank=True)
    reason = models.TextField(blank=True, default="")
    unit = models.CharField(max_length=64, blank=True, default="")  # a hand-off's receiving unit
    data = models.JSONField(default=dict, blank=True)  # calendar version, paused seconds, letter number …

    class Meta:
        ordering = ["dossier_id", "seq"]
        constraints = [models.UniqueConstraint(fields=["dossier", "seq"], name="dossier_event_seq_unique")]
        indexes = [models.Index(fields=["kind", "at"]), models.Index(fields=["at"], name="dossier_event_at")]

    def __str__(self) -> str:
        return f"{self.dossier_id}#{self.seq} {self.kind}"


class Rating(models.Model):
    """A citizen's rating of one dossier: the five-level satisfaction scale, once per dossier and channel."""

    class Level(models.IntegerChoices):
        VERY_SATISFIED = 5, _("Very satisfied")
        SATISFIED = 4, _("Satisfied")
        NEUTRAL = 3, _("Neutral")
        DISSATISFIED = 2, _("Dissatisfied")
        VERY_DISSATISFIED = 1, _("Very dissatisfied")

    dossier = models.ForeignKey(Dossier, on_delete=models.PROTECT, related_name="ratings")
    channel = models.CharField(max_length=8, default="web")
    level = models.PositiveSmallIntegerField(choices=Level.choices)
    criteria = models.JSONField(default=dict, blank=True)  # criterion number → 0, 1 or 2
    comment = models.TextField(blank=True, default="")
    at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["dossier", "channel"], name="dossier_rating_once")]
        # PostgreSQL reads a period's ratings from the index alone (satisfaction, the 766 indicators).
        indexes = [models.Index(fields=["at"], name="dossier_rating_at", include=["dossier", "level"])]

    def __str__(self) -> str:
        return f"{self.dossier_id} {self.level}"


class Attachment(models.Model):
    """A file attached to a dossier (a required document or another): checked by content, stored outside the
    web root under its digest (``dossiers.attachments``), handed out only as a download. Never changed."""

    dossier = models.ForeignKey(Dossier, on_delete=models.PROTECT, related_name="attachments")
    document = models.CharField(_("document"), max_length=64)
    name = models.CharField(_("file name"), max_length=120)
    content_type = models.CharField(max_length=40)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    key = models.CharField(max_length=80, editable=False)
    at = models.DateTimeField()

    class Meta:
        ordering = ["dossier_id", "document", "pk"]

    def __str__(self) -> str:
        return f"{self.dossier_id} {self.document} {self.name}"


class FeedbackStatus(models.TextChoices):
    RECEIVED = "received", _("Received")
    CLASSIFIED = "classified", _("Classified")
    FORWARDED = "forwarded", _("Forwarded")
    ANSWERED = "answered", _("Answered")
    PUBLISHED = "published", _("Published")
    REDIRECTED = "redirected", _("Redirected (complaint or denunciation)")


class FeedbackKind(models.TextChoices):
    FEEDBACK = "feedback", _("Feedback on a regulation")
    PETITION = "petition", _("Petition on a regulation")
    COMPLAINT = "complaint", _("Complaint (Law on Complaints)")
    DENUNCIATION = "denunciation", _("Denunciation (Law on Denunciations)")


FEEDBACK_LIFECYCLE = Lifecycle(
    "feedback",
    {
        FeedbackStatus.RECEIVED: (FeedbackStatus.CLASSIFIED, FeedbackStatus.REDIRECTED),
        FeedbackStatus.CLASSIFIED: (FeedbackStatus.FORWARDED, FeedbackStatus.ANSWERED),
        FeedbackStatus.FORWARDED: (FeedbackStatus.ANSWERED,),
        FeedbackStatus.ANSWERED: (FeedbackStatus.PUBLISHED,),
        FeedbackStatus.PUBLISHED: (),
        FeedbackStatus.REDIRECTED: (),
    },
    error=IllegalFeedbackTransition,
    label=_("feedback"),
)


class FeedbackQuerySet(models.QuerySet["Feedback"]):
    def scoped(self, user: Any, action: str = "view") -> FeedbackQuerySet:
        """The feedback ``user`` may ``action``: the one-stop staff's rights on dossiers, then the ward."""
        return scoped(user, self, resource="dossier", action=action)


class Feedback(models.Model):
    """A citizen's feedback or petition on an administrative regulation (PAKN). Its status moves only through
    ``dossiers.feedback``; its steps are the append-only :class:`FeedbackEvent` rows; ``answer_due`` is computed
    at receipt from the dated limits, never typed."""

    code = models.CharField(_("feedback code"), max_length=32, unique=True)
    secret_hash = models.CharField(max_length=128, editable=False)
    ward = models.ForeignKey("geo.Ward", on_delete=models.PROTECT, related_name="feedback", verbose_name=_("ward"))
    sender_name = models.CharField(_("sender"), max_length=200)
    contact = models.CharField(_("contact"), max_length=120, blank=True, default="")
    subject = models.CharField(_("regulation concerned"), max_length=300)
    content = models.TextField(_("content"))
    kind = models.CharField(
        _("kind"), max_length=12, choices=FeedbackKind.choices, blank=True, default="", editable=False
    )
    status = models.CharField(_("status"), max_length=12, choices=FeedbackStatus.choices, editable=False)
    answer = models.TextField(_("answer"), blank=True, default="", editable=False)
    received_at = models.DateTimeField(_("received at"), editable=False)
    answer_due = models.DateTimeField(_("answer due"), editable=False)

    objects = FeedbackQuerySet.as_manager()

    class Meta:
        ordering = ["-received_at"]
        indexes = [models.Index(fields=["ward", "status"])]

    def __str__(self) -> str:
        return self.code


class FeedbackEvent(models.Model):
    feedback = models.ForeignKey(Feedback, on_delete=models.PROTECT, related_name="events")
    seq = models.PositiveIntegerField()
    kind = models.CharField(max_length=12)
    status = models.CharField(max_length=12, choices=FeedbackStatus.choices)
    at = models.DateTimeField()
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True)
    note = models.TextField(blank=True, default="")
    unit = models.CharField(max_length=64, blank=True, default="")

    class Meta:
        ordering = ["feedback_id", "seq"]
        constraints = [models.UniqueConstraint(fields=["feedback", "seq"], name="feedback_event_seq_unique")]
        indexes = [models.Index(fields=["kind", "at"])]

    def __str__(self) -> str:
        return f"{self.feedback_id}#{self.seq} {self.kind}"


class DossierSummary(models.Model):
    """The times of one dossier's events, one row per dossier, for the set-based reports. Derived from the events
    by ``dossiers.summary.refresh`` in the transaction that appends each event; never typed, never judged: no
    column says early, on time, late or overdue (the reports derive that from these times and an as-of date)."""

    dossier = models.OneToOneField(
        Dossier, on_delete=models.PROTECT, primary_key=True, related_name="summary", editable=False
    )
    ward = models.ForeignKey("geo.Ward", on_delete=models.PROTECT, related_name="+", editable=False)
    procedure = models.CharField(max_length=64, editable=False)
    channel = models.CharField(max_length=8, editable=False)
    received_at = models.DateTimeField(editable=False)
    accepted_at = models.DateTimeField(null=True, editable=False)
    ended_at = models.DateTimeField(null=True, editable=False)  # decided or withdrawn: the end of processing
    decided_at = models.DateTimeField(null=True, editable=False)
    returned_at = models.DateTimeField(null=True, editable=False)
    withdrawn_at = models.DateTimeField(null=True, editable=False)
    stopped_at = models.DateTimeField(null=True, editable=False)
    refused_at = models.DateTimeField(null=True, editable=False)
    corrected_at = models.DateTimeField(null=True, editable=False)  # the first correction: "adjusted"
    paused_seconds = models.BigIntegerField(default=0, editable=False)  # working time paused for supplements
    files = models.PositiveIntegerField(default=0, editable=False)  # files attached at receipt (digitised)
    ended_on = models.DateField(null=True, editable=False)  # the local date of ended_at
    due = models.DateTimeField(null=True, editable=False)  # the appointment in force
    due_on = models.DateField(null=True, editable=False)  # its local date
    due_set_at = models.DateTimeField(null=True, editable=False)  # when the event that set it happened
    last_status = models.CharField(max_length=12, editable=False)
    last_at = models.DateTimeField(editable=False)
    last_seq = models.PositiveIntegerField(editable=False)

    class Meta:
        indexes = [
            models.Index(fields=["ended_at"], name="dossier_summary_ended"),
            models.Index(fields=["accepted_at"], name="dossier_summary_accepted"),
            # A rated dossier's ward from the index alone (satisfaction joins the ratings here).
            models.Index(fields=["dossier"], name="dossier_summary_ward", include=["ward"]),
        ]

    def __str__(self) -> str:
        return f"{self.pk} summary"
