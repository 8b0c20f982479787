"""Helpers shared by the views."""

from __future__ import annotations

import re
import secrets
import time
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


# -- searches kept out of URLs ------------------------------------------------------------------------------
# A personal number in a URL stays in the server's and the proxy's logs and in the browser's history. So a
# search is sent with POST and kept in the session under a short-lived random token: the page's address (and
# its pagination links, and the export link) carry only ``?s=<token>``.
SEARCH_SESSION_KEY = "searches"
SEARCH_TTL_SECONDS = 30 * 60
SEARCHES_KEPT = 20
PERSONAL_NUMBER = re.compile(r"(?<!\d)(\d[\s.\-]?){8}\d((?:[\s.\-]?\d){3})?(?!\d)")


def remember_search(request: HttpRequest, terms: dict[str, str]) -> str:
    """Keep ``terms`` in the session; the token that finds them for the next half hour."""
    now = time.time()
    kept = {
        token: entry
        for token, entry in (request.session.get(SEARCH_SESSION_KEY) or {}).items()
        if now - float(entry.get("at", 0)) < SEARCH_TTL_SECONDS
    }
    token = secrets.token_urlsafe(9)
    kept[token] = {"terms": terms, "at": now}
    request.session[SEARCH_SESSION_KEY] = dict(sorted(kept.items(), key=lambda kv: kv[1]["at"])[-SEARCHES_KEPT:])
    return token


def recall_search(request: HttpRequest, token: str) -> dict[str, str] | None:
    """The terms kept under ``token``, or None when it has expired or is not this session's."""
    entry = (request.session.get(SEARCH_SESSION_KEY) or {}).get(token)
    if not entry or time.time() - float(entry.get("at", 0)) >= SEARCH_TTL_SECONDS:
        return None
    return dict(entry["terms"])


def holds_personal_number(text: str) -> bool:
    """Whether ``text`` holds what looks like an ID number (12 digits) or a former ID card number (9).

    >>> holds_personal_number("079 080 001 234"), holds_personal_number("HCM-0001"), holds_personal_number("12")
    (True, False, False)
    """
    return bool(PERSONAL_NUMBER.search(text or ""))
