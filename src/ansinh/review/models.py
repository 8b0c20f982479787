"""The poverty review: rounds, their household lists, surveys, assessments, meeting, posting, complaints,
the approving decision with its certificates, and the official list (``PovertyStatus``).

Lifecycles are data: each status enum has an allowed-transitions map; ``ansinh.review.actions`` moves a
record after asking its ``Lifecycle`` (``ansinh.lib.lifecycle``; an illegal move raises ``IllegalTransition``) and
writes an event row.
Writes go through the actions only. An approved round is locked: the actions refuse, the admin is
read-only and database triggers (migration 0002) refuse UPDATE/DELETE of its results.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Now
from django.utils.translation import gettext_lazy as _

from ansinh import vocab
from ansinh.lib.lifecycle import Lifecycle
from ansinh.registry.models import choices
from ansinh.review.errors import IllegalTransition

CLASS_CHOICES = choices(vocab.POVERTY_CLASS)
LISTED_CLASS_CHOICES = choices({code: vocab.POVERTY_CLASS[code] for code in vocab.LISTED_CLASSES})


class RoundKind(models.TextChoices):
    PERIODIC = "periodic", _("Periodic (annual) review")
    REGULAR = "regular", _("Regular review")


class RoundStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    LISTING = "listing", _("Listing households")
    SURVEYING = "surveying", _("Surveying")
    ASSESSED = "assessed", _("Assessed (provisional)")
    MEETING = "meeting", _("Village meeting")
    POSTING = "posting", _("Public posting")
    APPROVED = "approved", _("Approved")


# The lifecycle of a round: status → the statuses it may move to. Assessment can be re-run after a
# household is re-surveyed (meeting or complaint), hence the moves back to surveying.
ROUND_TRANSITIONS: dict[str, tuple[str, ...]] = {
    RoundStatus.DRAFT: (RoundStatus.LISTING,),
    RoundStatus.LISTING: (RoundStatus.SURVEYING,),
    RoundStatus.SURVEYING: (RoundStatus.LISTING, RoundStatus.ASSESSED),
    RoundStatus.ASSESSED: (RoundStatus.SURVEYING, RoundStatus.MEETING),
    RoundStatus.MEETING: (RoundStatus.SURVEYING, RoundStatus.POSTING),
    RoundStatus.POSTING: (RoundStatus.APPROVED,),
    RoundStatus.APPROVED: (),
}
ROUND_LIFECYCLE = Lifecycle("round", ROUND_TRANSITIONS, error=IllegalTransition, label=_("A round"))
# Statuses in which the household list may change, surveys be saved, the round be assessed.
LIST_OPEN = (RoundStatus.DRAFT, RoundStatus.LISTING, RoundStatus.SURVEYING)
SURVEY_OPEN = (
    RoundStatus.LISTING,
    RoundStatus.SURVEYING,
    RoundStatus.ASSESSED,
    RoundStatus.MEETING,
    RoundStatus.POSTING,
)
ASSESS_OPEN = (RoundStatus.SURVEYING, RoundStatus.ASSESSED, RoundStatus.MEETING, RoundStatus.POSTING)
# Each step of the procedure → the round statuses in which its action accepts the round. The actions open
# the round with these and the pages ask ``Round.allows(step)``, so a page never offers a step its action
# refuses. An approved round allows nothing (it is locked); approval follows the transitions map.
ROUND_STEPS: dict[str, tuple[str, ...]] = {
    "list": LIST_OPEN,  # build the list, add or remove a household
    "survey": SURVEY_OPEN,  # save, submit or import a survey
    "assess": ASSESS_OPEN,
    "meeting": (RoundStatus.ASSESSED, RoundStatus.MEETING),
    "post": (RoundStatus.MEETING,),
    "complain": (RoundStatus.POSTING,),  # record or answer a complaint
    "approve": tuple(s for s, nexts in ROUND_TRANSITIONS.items() if RoundStatus.APPROVED in nexts),
}


class Round(models.Model):
    """One review of one ward, under one or more standards at once (e.g. ``["vn_2022", "hcm_2024"]``)."""

    ward = models.ForeignKey(
        "geo.Ward", on_delete=models.PROTECT, related_name="review_rounds", verbose_name=_("ward/commune")
    )
    kind = models.CharField(_("kind"), max_length=16, choices=RoundKind.choices)
    year = models.PositiveSmallIntegerField(_("year"))
    period_start = models.DateField(_("start of the review"))
    period_end = models.DateField(_("end of the review"))
    assessed_on = models.DateField(
        _("reference date"), help_text=_("The date the standards and ages are evaluated on.")
    )
    standards = models.JSONField(_("standards"), default=list)
    status = models.CharField(_("status"), max_length=16, choices=RoundStatus.choices, default=RoundStatus.DRAFT)
    corrects = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="corrections",
        verbose_name=_("corrects round"),
    )
    due_on = models.DateField(
        _("decision due"),
        null=True,
        blank=True,
        help_text=_("Legal deadline of a regular review (from the procedure rules)."),
    )
    note = models.TextField(_("note"), blank=True, default="")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    approved_at = models.DateTimeField(null=True, blank=True)
    # When the row last changed (set by every write path: save, the actions' updates, bulk inserts; the
    # database fills it for raw inserts): what the API's ``updated_since`` and its sync cursor read.
    updated_at = models.DateTimeField(_("changed at"), auto_now=True, db_default=Now())

    class Meta:
        verbose_name = _("review round")
        verbose_name_plural = _("review rounds")
        ordering = ["-period_start", "ward_id"]
        indexes = [
            models.Index(fields=["ward", "status"]),
            models.Index(fields=["status", "kind"]),
            models.Index(fields=["updated_at", "id"], name="review_round_updated"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.year} · {self.ward_id}"

    @property
    def is_locked(self) -> bool:
        return self.status == RoundStatus.APPROVED

    def allowed_next(self) -> tuple[str, ...]:
        return ROUND_TRANSITIONS[self.status]

    def allows(self, step: str) -> bool:
        """Whether the round's status lets ``step`` (a key of ``ROUND_STEPS``) be taken."""
        return self.status in ROUND_STEPS[step]


class RoundEvent(models.Model):
    """A move of a round, of one household in it, or of many households at once, from one status to another.

    A move of many households (``do_assess_round``) is one row whose ``households`` lists the round-household
    ids it moved, all from ``from_status``: a household's own history is its rows plus the rows that list it
    (``RoundHousehold.stage_events``). ``households`` is null on the other rows.
    """

    round = models.ForeignKey(Round, on_delete=models.PROTECT, related_name="events", db_constraint=False)
    round_household = models.ForeignKey(  # bulk rows, see Assessment
        "RoundHousehold", on_delete=models.PROTECT, null=True, blank=True, related_name="events", db_constraint=False
    )
    from_status = models.CharField(max_length=16, blank=True, default="")
    to_status = models.CharField(max_length=16)
    at = models.DateTimeField()
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+", db_index=False
    )  # bulk rows: no lookup by actor (the audit trail has it)
    note = models.TextField(blank=True, default="")
    households = models.JSONField(
        null=True, blank=True, default=None, help_text=_("round-household ids moved together by this event")
    )

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.from_status}→{self.to_status}"


class HouseholdSource(models.TextChoices):
    CURRENT_LIST = "current_list", _("On the current poor / near-poor list")
    FORM_01 = "form_01", _("Request to be reviewed (form 01)")
    FORM_04 = "form_04", _("Request for a regular review (form 04)")
    SCREENING = "screening", _("Registry screening")
    OFFICER = "officer", _("Added by the officer")


class Channel(models.TextChoices):
    DIRECT = "direct", _("In person")
    POST = "post", _("By post")
    ONLINE = "online", _("Online")
    VILLAGE_HEAD = "village_head", _("Through the village head")
    NONE = "", _("—")


class HouseholdStage(models.TextChoices):
    LISTED = "listed", _("Listed")
    SURVEYED = "surveyed", _("Surveyed")
    ASSESSED = "assessed", _("Assessed")
    AGREED = "agreed", _("Agreed by the meeting")
    RESURVEY = "resurvey", _("Back to survey")
    REMOVED = "removed", _("Removed from the list")


HOUSEHOLD_TRANSITIONS: dict[str, tuple[str, ...]] = {
    HouseholdStage.LISTED: (HouseholdStage.SURVEYED, HouseholdStage.ASSESSED, HouseholdStage.REMOVED),
    HouseholdStage.SURVEYED: (HouseholdStage.SURVEYED, HouseholdStage.ASSESSED, HouseholdStage.REMOVED),
    HouseholdStage.ASSESSED: (
        HouseholdStage.SURVEYED,
        HouseholdStage.ASSESSED,
        HouseholdStage.AGREED,
        HouseholdStage.RESURVEY,
        HouseholdStage.REMOVED,
    ),
    HouseholdStage.AGREED: (
        HouseholdStage.RESURVEY,
        HouseholdStage.SURVEYED,
        HouseholdStage.ASSESSED,
        HouseholdStage.REMOVED,
    ),
    HouseholdStage.RESURVEY: (HouseholdStage.SURVEYED, HouseholdStage.ASSESSED, HouseholdStage.REMOVED),
    HouseholdStage.REMOVED: (HouseholdStage.LISTED,),
}
HOUSEHOLD_LIFECYCLE = Lifecycle(
    "round household", HOUSEHOLD_TRANSITIONS, error=IllegalTransition, label=_("A household of the round")
)


class RoundHousehold(models.Model):
    """A household on a round's list: why it is there (source, date, channel, reason) and its stage."""

    # The unique (round, household) index covers lookups by round; fewer indexes keep bulk moves cheap.
    round = models.ForeignKey(Round, on_delete=models.PROTECT, related_name="households", db_index=False)
    household = models.ForeignKey("registry.Household", on_delete=models.PROTECT, related_name="review_entries")
    source = models.CharField(_("source"), max_length=16, choices=HouseholdSource.choices)
    requested_on = models.DateField(_("requested / listed on"))
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices, blank=True, default="")
    reason = models.TextField(_("reason"), blank=True, default="")
    stage = models.CharField(_("stage"), max_length=16, choices=HouseholdStage.choices, default=HouseholdStage.LISTED)
    removed_reason = models.TextField(_("reason for removal"), blank=True, default="")
    previous_class = models.CharField(
        _("class under the previous decision"),
        max_length=16,
        blank=True,
        default="",
        help_text=_("Per standard in previous_classes; this is the first standard's, for lists."),
    )
    previous_classes = models.JSONField(default=dict, help_text=_("standard id → class before this round"))
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+", db_index=False
    )
    added_at = models.DateTimeField()

    class Meta:
        verbose_name = _("household of a round")
        verbose_name_plural = _("households of a round")
        constraints = [models.UniqueConstraint(fields=["round", "household"], name="review_household_once_per_round")]
        # No index on the stage: lists are read by round (the unique index), and with the stage unindexed a
        # bulk move of a round's households updates them in place (PostgreSQL "HOT" updates: no new index
        # entries), helped by the table's fill factor (migration 0006), which leaves room on each page.

    def __str__(self) -> str:
        return f"{self.round_id}:{self.household_id}"

    def stage_events(self) -> list[RoundEvent]:
        """Every move of this household in its round, oldest first: its own event rows and the moves of many
        households that list it."""
        from django.db import connection

        together = RoundEvent.objects.filter(round_id=self.round_id, households__isnull=False)
        if connection.vendor == "postgresql":  # jsonb containment; SQLite has no JSON "contains" lookup
            together = together.filter(households__contains=[self.pk])
        events = [*self.events.all(), *(e for e in together if self.pk in (e.households or []))]
        return sorted(events, key=lambda e: (e.at, e.pk))


class ReviewRequest(models.Model):
    """A household's written request: form 01 (to be reviewed in the periodic round) or form 04 (a
    regular review, or recognition of escaping). It is taken into a round's list (``round_household``)."""

    household = models.ForeignKey("registry.Household", on_delete=models.PROTECT, related_name="review_requests")
    form = models.CharField(
        _("form"),
        max_length=16,
        choices=[
            (HouseholdSource.FORM_01, HouseholdSource.FORM_01.label),
            (HouseholdSource.FORM_04, HouseholdSource.FORM_04.label),
        ],
    )
    received_on = models.DateField(_("received on"))
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices, blank=True, default="")
    reason = models.TextField(_("reason"), blank=True, default="")
    round_household = models.OneToOneField(
        RoundHousehold, on_delete=models.PROTECT, null=True, blank=True, related_name="request"
    )
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    recorded_at = models.DateTimeField()

    class Meta:
        verbose_name = _("review request")
        verbose_name_plural = _("review requests")
        ordering = ["received_on", "id"]

    def __str__(self) -> str:
        return f"{self.form} {self.household_id} {self.received_on}"


class SurveyForm(models.TextChoices):
    A = "A", _("Form A: quick identification")
    B = "B", _("Form B: household survey")


class SurveyStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")


class SurveyResponse(models.Model):
    """Answers to form A or B (definitions in ``review/forms/*.yaml``); submitting updates the registry."""

    round_household = models.ForeignKey(RoundHousehold, on_delete=models.PROTECT, related_name="surveys")
    form = models.CharField(_("form"), max_length=1, choices=SurveyForm.choices)
    answers = models.JSONField(_("answers"), default=dict)
    status = models.CharField(_("status"), max_length=16, choices=SurveyStatus.choices, default=SurveyStatus.DRAFT)
    surveyed_on = models.DateField(_("surveyed on"), null=True, blank=True)
    surveyor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    source = models.CharField(max_length=16, default="web", help_text=_("web, xlsx, xlsform"))
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField()
    submitted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("survey response")
        verbose_name_plural = _("survey responses")
        constraints = [models.UniqueConstraint(fields=["round_household", "form"], name="review_one_survey_per_form")]

    def __str__(self) -> str:
        return f"{self.form} {self.round_household_id} ({self.status})"


class ScoringMethod(models.Model):
    """A points table for form B (per region and area, with cut-offs), loaded by an administrator.

    ``region`` is a province code or ``*`` (every province). ``table`` maps a form-B field to its points,
    as ``ansinh.review.scoring`` normalises them (``{"points": {answer: points}}``, ``{"bands": [[lower,
    points], ...]}`` for numbers, ``"count"`` for member fields); ``cutoffs`` maps a class to the highest score
    that still counts as at or below that line (``{"poor": 120, "near_poor": 140}``, optionally
    ``average_living``). A method is never changed once loaded: assessments name it (``income_basis`` =
    ``scoring:<id>``). Without a method for the round, surveyed income is used. No official points are
    shipped: they must be transcribed from Circular 07/2021 and marked verified.
    """

    name = models.CharField(_("name"), max_length=120)
    region = models.CharField(_("region"), max_length=64)
    area_type = models.CharField(_("urban or rural"), max_length=8)
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    table = models.JSONField(_("points table"), default=dict)
    cutoffs = models.JSONField(_("cut-offs"), default=dict)
    reference = models.CharField(_("legal reference"), max_length=255)
    verified = models.BooleanField(_("verified against the official text"), default=False)
    loaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    loaded_at = models.DateTimeField()

    class Meta:
        verbose_name = _("scoring method")
        verbose_name_plural = _("scoring methods")

    def __str__(self) -> str:
        return f"{self.name} ({self.region}, {self.area_type})"


class Assessment(models.Model):
    """The engine's result for one household of a round under one standard."""

    # Bulk rows (hundreds of thousands per round): the references are written by do_assess_round from rows
    # it has just read under the round's lock, and nothing referenced is ever deleted (PROTECT), so the
    # database-level foreign keys, whose deferred checks lock every referenced row at commit, are left out.
    round = models.ForeignKey(
        Round, on_delete=models.PROTECT, related_name="assessments", db_constraint=False, db_index=False
    )  # the unique (round, household, standard) index covers it
    round_household = models.ForeignKey(
        RoundHousehold, on_delete=models.PROTECT, related_name="assessments", db_constraint=False
    )
    # No index by household: results are read by round (and household), by round household, never by
    # household alone, and households are never deleted (so PROTECT never looks them up).
    household = models.ForeignKey(
        "registry.Household", on_delete=models.PROTECT, related_name="+", db_constraint=False, db_index=False
    )
    standard_id = models.CharField(_("standard"), max_length=32)
    parameter_version = models.CharField(_("parameter version"), max_length=64)
    klass = models.CharField(_("class"), max_length=16, choices=CLASS_CHOICES, db_column="class")
    deprivation_count = models.PositiveSmallIntegerField(_("deprivations"))
    income_per_person = models.FloatField(_("income per person (VND/month)"))
    income_line = models.FloatField(_("income line (VND/month)"))
    members = models.PositiveSmallIntegerField(_("members"), default=0)
    # {name: 1} for each indicator of the standard the household is deprived in, {name: null} for one not
    # determined (its input not known: to be surveyed); ``indicator_flags`` gives every indicator.
    indicators = models.JSONField(_("indicators"), default=dict)
    # Written only where it cannot be rebuilt (a class from a form-B score); ``explanation`` rebuilds the rest.
    stored_explanation = models.TextField(_("explanation"), blank=True, default="", db_column="explanation")
    income_basis = models.CharField(max_length=32, default="surveyed_income")
    previous_class = models.CharField(max_length=16, blank=True, default="")
    changed = models.BooleanField(_("class changed since the previous decision"), default=False)
    final = models.BooleanField(_("final"), default=False)
    assessed_at = models.DateTimeField()

    class Meta:
        verbose_name = _("assessment")
        verbose_name_plural = _("assessments")
        constraints = [
            models.UniqueConstraint(fields=["round", "household", "standard_id"], name="review_assessment_once"),
        ]

    def __str__(self) -> str:
        return f"{self.household_id} {self.standard_id}: {self.klass}"

    @property
    def explanation(self) -> str:
        """The explanation in the active language: the stored one (a scoring method's, in Vietnamese), else
        rebuilt from the stored figures."""
        if self.stored_explanation:
            return self.stored_explanation
        from django.utils.translation import get_language

        from ansinh.review.explanations import explain

        return explain(
            lang=(get_language() or "vi")[:2],
            standard_id=self.standard_id,
            income_per_person=self.income_per_person,
            income_line=self.income_line,
            deprivation_count=self.deprivation_count,
            deprived=self.indicators or {},
            klass=self.klass,
        )

    def indicator_flags(self) -> dict[str, int | None]:
        """Every indicator of the standard → 1 if the household is deprived in it, 0 if not, None if it is not
        determined (its input not known: to be surveyed)."""
        from ansinh.review.explanations import indicator_order

        stored = self.indicators or {}
        flags: dict[str, int | None] = {
            name: None if name in stored and stored[name] is None else 1 if stored.get(name) else 0
            for name, _label in indicator_order(self.standard_id)
        }
        return {**flags, **{name: 1 for name, value in stored.items() if value}}


class Meeting(models.Model):
    """The village meeting (họp dân) of a round."""

    round = models.ForeignKey(Round, on_delete=models.PROTECT, related_name="meetings")
    held_on = models.DateField(_("held on"))
    place = models.CharField(_("place"), max_length=255, blank=True, default="")
    chaired_by = models.CharField(_("chaired by"), max_length=150, blank=True, default="")
    present_count = models.PositiveIntegerField(_("people present"))
    participants = models.JSONField(_("participants"), default=list)
    secretary = models.CharField(_("secretary"), max_length=150, blank=True, default="")
    minutes = models.TextField(_("minutes"), blank=True, default="")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["held_on", "id"]

    def __str__(self) -> str:
        return f"{self.round_id} {self.held_on}"


class MeetingVote(models.Model):
    """Agreement of the meeting with one household's provisional result."""

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="votes")
    round_household = models.ForeignKey(RoundHousehold, on_delete=models.PROTECT, related_name="votes")
    present = models.PositiveIntegerField(_("present"))
    agree = models.PositiveIntegerField(_("agree"))
    passed = models.BooleanField(_("passed"))

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["meeting", "round_household"], name="review_vote_once"),
            models.CheckConstraint(condition=Q(agree__lte=models.F("present")), name="review_vote_agree_lte_present"),
        ]

    def __str__(self) -> str:
        return f"{self.agree}/{self.present}"


class Posting(models.Model):
    """Public posting of the provisional list; ``end`` is counted on the working-day calendar."""

    round = models.ForeignKey(Round, on_delete=models.PROTECT, related_name="postings")
    start = models.DateField(_("posted from"))
    end = models.DateField(_("posted until"))
    places = models.CharField(_("places"), max_length=255, blank=True, default="")
    posted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    posted_at = models.DateTimeField()

    class Meta:
        ordering = ["start", "id"]

    def __str__(self) -> str:
        return f"{self.start}..{self.end}"


class ComplaintStatus(models.TextChoices):
    OPEN = "open", _("Open")
    ANSWERED = "answered", _("Answered")


COMPLAINT_LIFECYCLE = Lifecycle(
    "complaint",
    {ComplaintStatus.OPEN: (ComplaintStatus.ANSWERED,), ComplaintStatus.ANSWERED: ()},
    error=IllegalTransition,
    label=_("A complaint"),
)


class Complaint(models.Model):
    """A complaint received during the posting; re-checked and answered within its deadline."""

    round = models.ForeignKey(Round, on_delete=models.PROTECT, related_name="complaints")
    round_household = models.ForeignKey(
        RoundHousehold, on_delete=models.PROTECT, null=True, blank=True, related_name="complaints"
    )
    received_on = models.DateField(_("received on"))
    complainant = models.CharField(_("complainant"), max_length=150, blank=True, default="")
    content = models.TextField(_("content"))
    due_on = models.DateField(_("answer due"))
    status = models.CharField(max_length=16, choices=ComplaintStatus.choices, default=ComplaintStatus.OPEN)
    answered_on = models.DateField(_("answered on"), null=True, blank=True)
    answer = models.TextField(_("answer"), blank=True, default="")
    class_changes = models.JSONField(
        _("class changes"), default=dict, help_text=_("standard id → [class before, class after]")
    )
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")

    class Meta:
        ordering = ["received_on", "id"]

    def __str__(self) -> str:
        return f"{self.received_on} {self.status}"


class DecisionKind(models.TextChoices):
    APPROVAL = "approval", _("Recognition")
    CORRECTION = "correction", _("Correction")


class Decision(models.Model):
    """The chairman's decision that recognises a round's lists (or corrects an earlier decision)."""

    round = models.OneToOneField(Round, on_delete=models.PROTECT, related_name="decision")
    kind = models.CharField(_("kind"), max_length=16, choices=DecisionKind.choices, default=DecisionKind.APPROVAL)
    number = models.CharField(_("number"), max_length=64)
    date = models.DateField(_("date"))
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    corrects = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="corrections")
    note = models.TextField(blank=True, default="")
    created_at = models.DateTimeField()

    class Meta:
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        ordering = ["-date", "-id"]

    def __str__(self) -> str:
        return self.number


class Certificate(models.Model):
    """Giấy chứng nhận hộ nghèo / hộ cận nghèo issued with a decision."""

    decision = models.ForeignKey(Decision, on_delete=models.PROTECT, related_name="certificates")
    household = models.ForeignKey("registry.Household", on_delete=models.PROTECT, related_name="poverty_certificates")
    standard_id = models.CharField(max_length=32)
    klass = models.CharField(max_length=16, choices=CLASS_CHOICES, db_column="class")
    number = models.CharField(_("number"), max_length=64, unique=True)
    issued_on = models.DateField(_("issued on"))

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["decision", "household", "standard_id"], name="review_certificate_once"),
        ]

    def __str__(self) -> str:
        return self.number


class StatusEnd(models.TextChoices):
    RECLASSIFIED = "reclassified", _("Reclassified (poor ↔ near-poor)")
    ESCAPED = "escaped", _("Escaped")
    MOVED = "moved", _("Moved to another ward")
    DISSOLVED = "dissolved", _("Household no longer exists")
    CORRECTED = "corrected", _("Corrected by a later decision")
    RENEWED = "renewed", _("Confirmed by a later decision")


class PovertyStatusQuerySet(models.QuerySet["PovertyStatus"]):
    def on(self, day: object) -> PovertyStatusQuerySet:
        return self.filter(valid_from__lte=day).filter(Q(valid_to__isnull=True) | Q(valid_to__gte=day))

    def current(self) -> PovertyStatusQuerySet:
        return self.filter(valid_to__isnull=True)


class PovertyStatus(models.Model):
    """The official list: a household's recognised class under a standard, from a decision, for a period.

    Rows are only appended by approvals; a later decision closes the open row (``valid_to``,
    ``end_reason``, and ``escaped_on`` when the household leaves both lists). The class, dates of start
    and the decision never change (database trigger).
    """

    household = models.ForeignKey("registry.Household", on_delete=models.PROTECT, related_name="poverty_statuses")
    ward = models.ForeignKey("geo.Ward", on_delete=models.PROTECT, related_name="+")
    standard_id = models.CharField(max_length=32)
    klass = models.CharField(max_length=16, choices=LISTED_CLASS_CHOICES, db_column="class")
    valid_from = models.DateField()
    valid_to = models.DateField(null=True, blank=True)
    decision = models.ForeignKey(Decision, on_delete=models.PROTECT, related_name="statuses")
    end_reason = models.CharField(max_length=16, choices=StatusEnd.choices, blank=True, default="")
    ended_by = models.ForeignKey(Decision, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    escaped_on = models.DateField(_("escaped on"), null=True, blank=True)

    objects = PovertyStatusQuerySet.as_manager()

    class Meta:
        verbose_name = _("poverty status")
        verbose_name_plural = _("poverty statuses")
        indexes = [
            models.Index(fields=["standard_id", "ward", "valid_from"]),
            models.Index(fields=["household", "standard_id", "valid_from"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["household", "standard_id"],
                condition=Q(valid_to__isnull=True),
                name="review_one_open_status",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.household_id} {self.standard_id} {self.klass} {self.valid_from}..{self.valid_to or ''}"
