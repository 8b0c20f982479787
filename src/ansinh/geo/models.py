"""Administrative units (two-tier since 2025-07-01, three-tier before) and the working-day calendar.

Codes are NSO (formerly GSO) codes. A ward's province is a foreign key, never a code prefix
(policy reference §7.3). The former units are history: ``valid_to = 2025-06-30``.
"""

from __future__ import annotations

import datetime
from typing import TypeVar

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ansinh.vocab import AREA_TYPE

# Law 72/2025/QH15 and Resolution 202/2025/QH15: the two-tier local government took effect on this day.
REORGANISATION_DATE = datetime.date(2025, 7, 1)
FORMER_VALID_TO = datetime.date(2025, 6, 30)


def _default_valid_from() -> datetime.date:
    return REORGANISATION_DATE


def _default_former_valid_to() -> datetime.date:
    return FORMER_VALID_TO


_M = TypeVar("_M", bound=models.Model)


class ValidityQuerySet(models.QuerySet[_M]):
    def current(self, on: datetime.date | None = None) -> ValidityQuerySet[_M]:
        """Units in force on ``on``; without a date, the units that have not been abolished."""
        if on is None:
            return self.filter(valid_to__isnull=True)
        return self.filter(Q(valid_from__isnull=True) | Q(valid_from__lte=on)).filter(
            Q(valid_to__isnull=True) | Q(valid_to__gte=on)
        )


class Province(models.Model):
    """A province-level unit in force since 2025-07-01 (34 of them)."""

    class Kind(models.TextChoices):
        CITY = "city", _("Centrally-run city")  # thành phố trực thuộc trung ương
        PROVINCE = "province", _("Province")  # tỉnh

    code = models.CharField(_("code"), max_length=2, primary_key=True)
    name = models.CharField(_("name"), max_length=100)
    name_folded = models.CharField(max_length=100, db_index=True, editable=False, default="")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    valid_from = models.DateField(_("valid from"), default=_default_valid_from)
    valid_to = models.DateField(_("valid to"), null=True, blank=True)

    objects = ValidityQuerySet.as_manager()

    class Meta:
        ordering = ["code"]
        verbose_name = _("province")
        verbose_name_plural = _("provinces")

    def __str__(self) -> str:
        return self.name


class Ward(models.Model):
    """A commune-level unit in force since 2025-07-01: phường, xã or đặc khu (3,321 of them)."""

    class Kind(models.TextChoices):
        WARD = "ward", _("Ward")  # phường
        COMMUNE = "commune", _("Commune")  # xã
        SPECIAL_ZONE = "special_zone", _("Special zone")  # đặc khu

    class AreaType(models.TextChoices):
        URBAN = "urban", _(AREA_TYPE["urban"][0])
        RURAL = "rural", _(AREA_TYPE["rural"][0])

    # The poverty line depends on the area (Decree 07/2021, and its successor Decree 351/2025).
    # phường → urban and xã → rural follow the unit type; the treatment of đặc khu is not verified,
    # so it defaults to rural and an administrator may override it.
    DEFAULT_AREA_TYPE = {
        Kind.WARD: AreaType.URBAN,
        Kind.COMMUNE: AreaType.RURAL,
        Kind.SPECIAL_ZONE: AreaType.RURAL,
    }

    code = models.CharField(_("code"), max_length=5, primary_key=True)
    name = models.CharField(_("name"), max_length=100)
    name_folded = models.CharField(max_length=100, db_index=True, editable=False, default="")
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    province = models.ForeignKey(Province, on_delete=models.PROTECT, related_name="wards", verbose_name=_("province"))
    area_type = models.CharField(_("urban/rural"), max_length=5, choices=AreaType.choices)
    area_type_overridden = models.BooleanField(
        _("urban/rural set by an administrator"),
        default=False,
        help_text=_("When set, loading the units never changes the urban/rural attribute of this ward."),
    )
    valid_from = models.DateField(_("valid from"), default=_default_valid_from)
    valid_to = models.DateField(_("valid to"), null=True, blank=True)

    objects = ValidityQuerySet.as_manager()

    class Meta:
        ordering = ["province_id", "code"]
        verbose_name = _("ward")
        verbose_name_plural = _("wards")

    def __str__(self) -> str:
        return self.name

    @classmethod
    def default_area_type(cls, kind: str) -> str:
        return str(cls.DEFAULT_AREA_TYPE[cls.Kind(kind)])


class FormerProvince(models.Model):
    """A province-level unit of the three-tier system, abolished or reorganised on 2025-07-01 (63)."""

    class Kind(models.TextChoices):
        CITY = "city", _("Centrally-run city")
        PROVINCE = "province", _("Province")

    code = models.CharField(_("code"), max_length=2, primary_key=True)
    name = models.CharField(_("name"), max_length=100)
    name_folded = models.CharField(max_length=100, db_index=True, editable=False, default="")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.PROVINCE)
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid to"), default=_default_former_valid_to)

    objects = ValidityQuerySet.as_manager()

    class Meta:
        ordering = ["code"]
        verbose_name = _("former province")
        verbose_name_plural = _("former provinces")

    def __str__(self) -> str:
        return self.name


class FormerDistrict(models.Model):
    """A district-level unit (quận, huyện, thị xã, thành phố thuộc tỉnh), abolished on 2025-07-01."""

    class Kind(models.TextChoices):
        URBAN_DISTRICT = "urban_district", _("Urban district")  # quận
        RURAL_DISTRICT = "rural_district", _("Rural district")  # huyện
        TOWN = "town", _("District-level town")  # thị xã
        CITY = "city", _("City")  # thành phố thuộc tỉnh / thuộc thành phố trực thuộc trung ương

    code = models.CharField(_("code"), max_length=3, primary_key=True)
    name = models.CharField(_("name"), max_length=100)
    name_folded = models.CharField(max_length=100, db_index=True, editable=False, default="")
    kind = models.CharField(_("kind"), max_length=14, choices=Kind.choices)
    province = models.ForeignKey(
        FormerProvince, on_delete=models.PROTECT, related_name="districts", verbose_name=_("former province")
    )
    # The island districts (Côn Đảo, Lý Sơn, Bạch Long Vĩ, Cồn Cỏ, Hoàng Sa) had no commune-level units;
    # each became a special zone as a whole, so their succession is recorded at district level.
    successor = models.ForeignKey(
        "Ward",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="former_districts",
        verbose_name=_("successor (district without wards)"),
    )
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid to"), default=_default_former_valid_to)

    objects = ValidityQuerySet.as_manager()

    class Meta:
        ordering = ["code"]
        verbose_name = _("former district")
        verbose_name_plural = _("former districts")

    def __str__(self) -> str:
        return self.name


class FormerWard(models.Model):
    """A commune-level unit of the three-tier system (phường, xã, thị trấn), about 10,040 of them."""

    class Kind(models.TextChoices):
        WARD = "ward", _("Ward")  # phường
        COMMUNE = "commune", _("Commune")  # xã
        TOWNSHIP = "township", _("Township")  # thị trấn

    code = models.CharField(_("code"), max_length=5, primary_key=True)
    name = models.CharField(_("name"), max_length=100)
    name_folded = models.CharField(max_length=100, db_index=True, editable=False, default="")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    district = models.ForeignKey(
        FormerDistrict, on_delete=models.PROTECT, related_name="wards", verbose_name=_("former district")
    )
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid to"), default=_default_former_valid_to)

    objects = ValidityQuerySet.as_manager()

    class Meta:
        ordering = ["code"]
        verbose_name = _("former ward")
        verbose_name_plural = _("former wards")

    def __str__(self) -> str:
        return self.name


class WardSuccession(models.Model):
    """Former ward → current ward. Many-to-one; a former ward split over several wards is partial."""

    former_ward = models.ForeignKey(
        FormerWard, on_delete=models.CASCADE, related_name="successions", verbose_name=_("former ward")
    )
    ward = models.ForeignKey(
        Ward, on_delete=models.CASCADE, related_name="predecessions", verbose_name=_("current ward")
    )
    is_partial = models.BooleanField(
        _("partial"), default=False, help_text=_("Only part of the former ward went to this ward.")
    )
    note = models.CharField(_("note"), max_length=200, blank=True, default="")

    class Meta:
        ordering = ["former_ward_id", "ward_id"]
        constraints = [models.UniqueConstraint(fields=["former_ward", "ward"], name="geo_wardsuccession_unique_pair")]
        verbose_name = _("ward succession")
        verbose_name_plural = _("ward successions")

    def __str__(self) -> str:
        return f"{self.former_ward_id} → {self.ward_id}"


class CalendarException(models.Model):
    """An official exception to the working-day calendar, maintained by an administrator.

    ``holidays.VN`` gives the statutory holidays; each year's Prime Minister / Ministry of Home Affairs
    notice adds days off (bridges) and make-up working days (often Saturdays) for the public sector.
    """

    class Kind(models.TextChoices):
        DAY_OFF = "day_off", _("Day off")
        WORKING_DAY = "working_day", _("Working day")

    date = models.DateField(_("date"), unique=True)
    kind = models.CharField(_("kind"), max_length=11, choices=Kind.choices)
    reason = models.CharField(_("reason"), max_length=200)
    legal_reference = models.CharField(_("legal reference"), max_length=200, blank=True, default="")

    class Meta:
        ordering = ["date"]
        verbose_name = _("calendar exception")
        verbose_name_plural = _("calendar exceptions")

    def __str__(self) -> str:
        return f"{self.date.isoformat()} {self.get_kind_display()}"
