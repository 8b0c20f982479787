"""The fact tables: one batch per (source, ward) refresh, its rows by ward × period × dimension.

A refresh never updates a fact: it writes a new batch (the next version of that slice), its rows, and marks
the slice's previous batch not current, in one transaction, so a reader sees either the old slice or the new
one, never half of each. A batch carries when it was built (the "as of" of every figure it holds), why (the
event or the rebuild) and the query that made it.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class FactBatch(models.Model):
    source = models.CharField(_("source"), max_length=32)
    ward_code = models.CharField(_("ward"), max_length=16)
    version = models.PositiveIntegerField(_("version"))
    current = models.BooleanField(default=True)
    built_at = models.DateTimeField(_("as of"))
    reason = models.CharField(_("reason"), max_length=120, blank=True, default="")
    query = models.TextField(_("query"), blank=True, default="")
    rows = models.PositiveIntegerField(default=0)
    seconds = models.FloatField(default=0)

    class Meta:
        ordering = ["source", "ward_code", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["source", "ward_code", "version"], name="reports_batch_version_unique")
        ]
        indexes = [models.Index(fields=["current", "source", "ward_code"])]

    def __str__(self) -> str:
        return f"{self.source}/{self.ward_code} v{self.version}"


class Fact(models.Model):
    """One figure: ``value`` of ``measure`` for a ward, a year (and a month, 0 for the year's own figures),
    a standard, a programme and a category (empty where the measure has none)."""

    batch = models.ForeignKey(FactBatch, on_delete=models.CASCADE, related_name="facts", db_index=False)
    source = models.CharField(max_length=32)
    measure = models.CharField(max_length=32)
    ward_code = models.CharField(max_length=16)
    year = models.PositiveSmallIntegerField()
    month = models.PositiveSmallIntegerField(default=0)
    standard = models.CharField(max_length=32, blank=True, default="")
    programme = models.CharField(max_length=32, blank=True, default="")
    category = models.CharField(max_length=64, blank=True, default="")
    value = models.BigIntegerField()

    class Meta:
        indexes = [models.Index(fields=["batch", "year"])]

    def __str__(self) -> str:
        return f"{self.measure} {self.ward_code} {self.year}/{self.month}: {self.value}"


class YearFact(models.Model):
    """A batch's facts with the months added up: one row per measure, ward, year, standard, programme and
    category, written with the batch (same transaction) and deleted with it. The pages that show years (the
    dashboards) read these, a twelfth of the monthly rows, already shaped, by the current batches' ids."""

    batch = models.ForeignKey(FactBatch, on_delete=models.CASCADE, related_name="year_facts", db_index=False)
    source = models.CharField(max_length=32)
    measure = models.CharField(max_length=32)
    ward_code = models.CharField(max_length=16)
    year = models.PositiveSmallIntegerField()
    standard = models.CharField(max_length=32, blank=True, default="")
    programme = models.CharField(max_length=32, blank=True, default="")
    category = models.CharField(max_length=64, blank=True, default="")
    value = models.BigIntegerField()

    class Meta:
        indexes = [models.Index(fields=["batch", "year"], name="reports_yearfact_batch_year")]

    def __str__(self) -> str:
        return f"{self.measure} {self.ward_code} {self.year}: {self.value}"
