"""Admin for the review: read-only. Every change goes through ``ansinh.review.actions`` (audited, checked
against the lifecycle), and an approved round is locked in the database as well."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib import admin

from ansinh.audit.admin import ReadOnlyAdmin

from .models import (
    Assessment,
    Certificate,
    Complaint,
    Decision,
    Meeting,
    Posting,
    PovertyStatus,
    ReviewRequest,
    Round,
    RoundHousehold,
    ScoringMethod,
    SurveyResponse,
)

if TYPE_CHECKING:
    ModelAdmin = admin.ModelAdmin[Any]
else:
    ModelAdmin = admin.ModelAdmin


@admin.register(Round)
class RoundAdmin(ReadOnlyAdmin):
    list_display = ("id", "ward", "kind", "year", "status", "period_start", "period_end", "corrects")
    list_filter = ("kind", "status", "year")
    search_fields = ("ward__name", "ward__code")


@admin.register(RoundHousehold)
class RoundHouseholdAdmin(ReadOnlyAdmin):
    list_display = ("round", "household", "source", "stage", "requested_on")
    list_filter = ("source", "stage")


@admin.register(Assessment)
class AssessmentAdmin(ReadOnlyAdmin):
    list_display = ("round", "household", "standard_id", "klass", "deprivation_count", "changed", "final")
    list_filter = ("standard_id", "klass", "changed", "final")


@admin.register(Decision)
class DecisionAdmin(ReadOnlyAdmin):
    list_display = ("number", "date", "kind", "round", "approved_by", "corrects")


@admin.register(Certificate)
class CertificateAdmin(ReadOnlyAdmin):
    list_display = ("number", "household", "standard_id", "klass", "issued_on")


@admin.register(PovertyStatus)
class PovertyStatusAdmin(ReadOnlyAdmin):
    list_display = ("household", "ward", "standard_id", "klass", "valid_from", "valid_to", "end_reason", "escaped_on")
    list_filter = ("standard_id", "klass", "end_reason")


@admin.register(ScoringMethod)
class ScoringMethodAdmin(ReadOnlyAdmin):
    """Read-only: methods are loaded with ``ansinh load-scoring FILE.yaml`` (checked, audited) and never changed,
    because assessments name the method they used."""

    list_display = (
        "id",
        "name",
        "region",
        "area_type",
        "valid_from",
        "valid_to",
        "verified",
        "reference",
        "loaded_by",
        "loaded_at",
    )
    list_filter = ("verified", "area_type", "region")


for model in (ReviewRequest, SurveyResponse, Meeting, Posting, Complaint):
    admin.site.register(model, ReadOnlyAdmin)
