"""Households, their members and their history.

Field names are the column names of the household and member frames (``docs/frames.md``) that the
engine reads; coded fields use the vocabularies of ``ansinh.vocab``.
Writes go through ``ansinh.registry.actions`` (audited, versioned), never a bare ``.save()``.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ansinh import vocab
from ansinh.accounts.scope import scoped


def choices(vocabulary: vocab.Vocabulary) -> list[tuple[str, str]]:
    return [(code, _(en)) for code, (en, _vi) in vocabulary.items()]  # type: ignore[misc]


class HouseholdQuerySet(models.QuerySet["Household"]):
    def active(self) -> HouseholdQuerySet:
        return self.filter(status="active")

    def scoped(self, user: Any, action: str = "view") -> HouseholdQuerySet:
        """The households ``user`` may ``action`` (view, change, export): role first, then area."""
        return scoped(user, self, resource="household", action=action)

    def in_wards(self, ward_codes: list[str]) -> HouseholdQuerySet:
        return self.filter(ward_id__in=ward_codes)


class Household(models.Model):
    code = models.CharField(_("household code"), max_length=32, unique=True)
    ward = models.ForeignKey(
        "geo.Ward", verbose_name=_("ward/commune"), on_delete=models.PROTECT, related_name="households"
    )
    address = models.CharField(_("address"), max_length=255)
    address_folded = models.CharField(max_length=255, db_index=True, editable=False, default="")
    residence_type = models.CharField(
        _("residence type"), max_length=16, choices=choices(vocab.RESIDENCE_TYPE), default="permanent"
    )
    area_type = models.CharField(_("urban or rural"), max_length=8, choices=choices(vocab.AREA_TYPE))
    floor_area_m2 = models.FloatField(_("floor area (m²)"), null=True, blank=True)
    wall_durable = models.BooleanField(_("walls of durable materials"), default=True)
    frame_durable = models.BooleanField(_("columns/frame of durable materials"), default=True)
    roof_durable = models.BooleanField(_("roof of durable materials"), default=True)
    water_source = models.CharField(
        _("drinking-water source"), max_length=24, choices=choices(vocab.WATER_SOURCE), default="piped"
    )
    toilet_type = models.CharField(
        _("toilet type"), max_length=24, choices=choices(vocab.TOILET_TYPE), default="septic"
    )
    uses_telecom = models.BooleanField(_("uses telephone services"), default=True)
    uses_internet = models.BooleanField(_("uses internet services"), default=True)
    has_tv = models.BooleanField(_("has a television"), default=False)
    has_radio = models.BooleanField(_("has a radio"), default=False)
    has_computer = models.BooleanField(_("has a computer"), default=False)
    has_internet_phone = models.BooleanField(_("has a phone that can access the internet"), default=False)
    has_basic_phone = models.BooleanField(_("has a basic phone (calls and text, no internet)"), default=False)
    uses_digital_services = models.BooleanField(_("uses digital services"), default=False)
    waste_handling = models.CharField(
        _("household waste handling"), max_length=24, choices=choices(vocab.WASTE_HANDLING), default="collected"
    )
    other_income_monthly = models.BigIntegerField(
        _("other household income (VND/month)"),
        default=0,
        help_text=_("Income not earned by a single member, such as farming or remittances."),
    )
    status = models.CharField(_("status"), max_length=16, choices=choices(vocab.HOUSEHOLD_STATUS), default="active")
    dissolved_on = models.DateField(_("dissolved on"), null=True, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = HouseholdQuerySet.as_manager()

    class Meta:
        verbose_name = _("household")
        verbose_name_plural = _("households")
        indexes = [
            models.Index(fields=["ward", "status"]),
            # The API's sync order (``updated_since``): rows changed since a moment, by (changed at, id).
            models.Index(fields=["updated_at", "id"], name="registry_household_updated"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(floor_area_m2__gte=0), name="household_floor_area_non_negative"),
            models.CheckConstraint(condition=Q(other_income_monthly__gte=0), name="household_other_income_gte0"),
        ]

    def __str__(self) -> str:
        return self.code

    @property
    def head(self) -> Member | None:
        return next((m for m in self.current_members() if m.relation == "head"), None)

    def current_members(self) -> list[Member]:
        return [m for m in self.members.all() if m.status == "active"]


class MemberQuerySet(models.QuerySet["Member"]):
    def active(self) -> MemberQuerySet:
        return self.filter(status="active")

    def scoped(self, user: Any, action: str = "view") -> MemberQuerySet:
        """The members ``user`` may ``action``: role first, then the area of their household."""
        return scoped(user, self, resource="member", action=action, ward="household__ward")


MEMBER_STATUS = {"active": _("In the household"), "deceased": _("Deceased"), "moved_out": _("Moved out")}


class Member(models.Model):
    household = models.ForeignKey(
        Household, verbose_name=_("household"), on_delete=models.PROTECT, related_name="members"
    )
    full_name = models.CharField(_("full name"), max_length=150)
    name_folded = models.CharField(max_length=150, db_index=True, editable=False, default="")
    sex = models.CharField(_("sex"), max_length=1, choices=choices(vocab.SEX))
    date_of_birth = models.DateField(_("date of birth"))
    id_number = models.CharField(
        _("personal ID number"),
        max_length=12,
        null=True,
        blank=True,
        unique=True,
        help_text=_("12 digits, as on the citizen identity card."),
    )
    legacy_id_number = models.CharField(_("old ID card number (9 digits)"), max_length=9, blank=True, default="")
    relation = models.CharField(_("relation to the head"), max_length=24, choices=choices(vocab.RELATION))
    ethnicity = models.CharField(_("ethnicity"), max_length=16, choices=choices(vocab.ETHNICITY), default="kinh")
    disability_level = models.CharField(
        _("disability"), max_length=24, choices=choices(vocab.DISABILITY_LEVEL), default="none"
    )
    disability_assessed_on = models.DateField(
        _("disability assessed on"), null=True, blank=True, help_text=_("Date of the disability assessment.")
    )
    unable_to_work = models.BooleanField(_("unable to work"), default=False)
    has_health_insurance = models.BooleanField(_("has health insurance"), default=True)
    schooling_status = models.CharField(
        _("schooling"), max_length=16, choices=choices(vocab.SCHOOLING_STATUS), default="not_attending"
    )
    school_level = models.CharField(
        _("level attended"), max_length=24, choices=choices(vocab.SCHOOL_LEVEL), blank=True, default=""
    )
    education_level = models.CharField(
        _("highest level completed"), max_length=24, choices=choices(vocab.EDUCATION_LEVEL), default="none"
    )
    employment_status = models.CharField(
        _("employment"), max_length=24, choices=choices(vocab.EMPLOYMENT_STATUS), default="employed"
    )
    has_labour_contract = models.BooleanField(_("has a labour contract"), default=False)
    has_social_insurance = models.BooleanField(_("has social insurance"), default=False)
    receives_pension = models.BooleanField(_("receives a pension"), default=False)
    pension_monthly = models.BigIntegerField(
        _("pension or monthly social-insurance benefit (VND)"), default=0, help_text=_("0 without a pension.")
    )
    monthly_income = models.BigIntegerField(_("monthly income (VND)"), default=0)
    nutrition_status = models.CharField(
        _("nutrition (children under 16)"),
        max_length=16,
        choices=choices(vocab.NUTRITION_STATUS),
        blank=True,
        default="",
    )
    merit_category = models.CharField(
        _("person with merit"), max_length=32, choices=choices(vocab.MERIT_CATEGORY), blank=True, default=""
    )
    status = models.CharField(_("status"), max_length=16, choices=list(MEMBER_STATUS.items()), default="active")
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = MemberQuerySet.as_manager()

    class Meta:
        verbose_name = _("member")
        verbose_name_plural = _("members")
        indexes = [
            models.Index(fields=["name_folded", "date_of_birth"]),
            models.Index(fields=["household", "status"]),
            models.Index(fields=["updated_at", "id"], name="registry_member_updated"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(monthly_income__gte=0), name="member_income_non_negative"),
            models.CheckConstraint(condition=Q(pension_monthly__gte=0), name="member_pension_non_negative"),
        ]

    def __str__(self) -> str:
        return self.full_name

    def age_on(self, day: datetime.date) -> int:
        dob = self.date_of_birth
        return day.year - dob.year - ((day.month, day.day) < (dob.month, dob.day))


class Membership(models.Model):
    """A member's stay in a household, so the registry can say who belonged to it on any date."""

    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="memberships")
    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="memberships")
    start = models.DateField(_("from"))
    end = models.DateField(_("until"), null=True, blank=True, help_text=_("Last day in the household."))
    start_reason = models.CharField(max_length=24)
    end_reason = models.CharField(max_length=24, blank=True, default="")

    class Meta:
        indexes = [models.Index(fields=["household", "start"])]

    def __str__(self) -> str:
        return f"{self.member_id}@{self.household_id} {self.start}..{self.end or ''}"


class EventKind(models.TextChoices):
    REGISTERED = "registered", _("Registered")
    BIRTH = "birth", _("Birth")
    DEATH = "death", _("Death")
    MOVE_IN = "move_in", _("Moved in")
    MOVE_OUT = "move_out", _("Moved out")
    SPLIT = "split", _("Split into a new household")
    MERGE = "merge", _("Merged with another household")
    HEAD_CHANGE = "head_change", _("Change of head")
    MEMBER_ADDED = "member_added", _("Member added")
    DISSOLVED = "dissolved", _("Household dissolved")


class HouseholdEvent(models.Model):
    """A dated event in a household's life; the audit trail keeps the field-level detail."""

    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="events")
    kind = models.CharField(_("event"), max_length=24, choices=EventKind.choices)
    date = models.DateField(_("date"))
    member = models.ForeignKey(Member, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    related_household = models.ForeignKey(Household, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    note = models.TextField(_("note"), blank=True, default="")
    recorded_at = models.DateTimeField(_("recorded at"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")

    class Meta:
        ordering = ["-date", "-id"]
        indexes = [models.Index(fields=["household", "date"])]

    def __str__(self) -> str:
        return f"{self.date} {self.kind}"


class DuplicateFlag(models.Model):
    """Two members who may be the same person (same folded name and date of birth)."""

    class Status(models.TextChoices):
        OPEN = "open", _("To check")
        SAME_PERSON = "same_person", _("Same person")
        DIFFERENT = "different", _("Different people")

    member_a = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="+")
    member_b = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="+")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.OPEN)
    flagged_at = models.DateTimeField()
    resolved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["member_a", "member_b"], name="duplicate_pair_once"),
            models.CheckConstraint(condition=Q(member_a__lt=models.F("member_b")), name="duplicate_pair_ordered"),
        ]

    def __str__(self) -> str:
        return f"{self.member_a_id}~{self.member_b_id} ({self.status})"
