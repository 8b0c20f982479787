"""Helpers shared by the views."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest

from ansinh.audit.context import request_client_address

PAGE_SIZE = 25


def client_ip(request: HttpRequest) -> str | None:
    """The client's address: ``X-Forwarded-For`` read only from ``TRUSTED_PROXIES`` (``lib.addresses``)."""
    return request_client_address(request)


def is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true" and request.headers.get("HX-Boosted") != "true"


def paginate(request: HttpRequest, queryset: QuerySet[Any]) -> tuple[Page[Any], list[Any]]:
    paginator = Paginator(queryset, PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    page_range = list(paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1))
    return page, page_range


def forms_with_errors(*forms_: forms.BaseForm | None) -> list[forms.BaseForm]:
    return [f for f in forms_ if f is not None and f.is_bound and f.errors]


ON_DATE = {"date": "on"}  # an action's ``date`` is an event form's ``on``


def attach_registry_error(error: Any, *forms_: forms.BaseForm, renames: dict[str, str] | None = None) -> None:
    """Put a ``RegistryError`` next to the field it concerns, or at the top of the first form. ``renames``
    maps an action's field name to the form's where they differ (the actions say ``date``, event forms ``on``)."""
    field = getattr(error, "field", None)
    field = (renames or {}).get(field, field) if field else field
    message = getattr(error, "message", str(error))
    for form in forms_:
        if field and field in form.fields:
            form.add_error(field, message)
            return
    forms_[0].add_error(None, message)
