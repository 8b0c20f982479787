"""Values every page needs: the navigation the user may use, their role and their area."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _

from ansinh.accounts.permissions import can
from ansinh.imports.actions import can_import
from ansinh.web.cases.views import nav_url as case_nav_url


def _scope_label(user: Any) -> str:
    if user.is_superuser:
        return _("all areas")
    if user.province_id:
        return _("all of %(province)s") % {"province": user.province.name}
    names = list(user.wards.order_by("name").values_list("name", flat=True)[:4])
    if not names:
        return _("no area assigned")
    if len(names) > 3:
        return _("%(wards)s and others") % {"wards": ", ".join(names[:3])}
    return ", ".join(names)


def navigation(request: HttpRequest) -> dict[str, object]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}

    items = [{"url": reverse("home"), "label": _("Home"), "prefix": None}]
    if can(user, "household", "view"):
        items.append({"url": reverse("household-search"), "label": _("Households"), "prefix": "/households/"})
    if can(user, "household", "create"):
        items.append(
            {"url": reverse("household-create"), "label": _("Register a household"), "prefix": "/households/new/"}
        )
    if can_import(user):
        items.append({"url": reverse("import-index"), "label": _("Import"), "prefix": "/imports/"})
    if can(user, "household", "export"):
        items.append({"url": reverse("export"), "label": _("Export"), "prefix": "/exports/"})
    if can(user, "review", "view"):
        items.append({"url": reverse("review-rounds"), "label": _("Poverty review"), "prefix": "/review/"})
    if can(user, "payroll", "view"):
        items.append({"url": reverse("payroll-list"), "label": _("Payrolls"), "prefix": "/payrolls/"})
    if can(user, "enrolment", "view"):
        items.append({"url": reverse("enrolment-list"), "label": _("Enrolments"), "prefix": "/enrolments/"})
    if can(user, "report", "view"):
        items.append({"url": reverse("reports-dashboard"), "label": _("Reports"), "prefix": "/reports/"})
    if can(user, "duplicate", "view"):
        items.append({"url": reverse("duplicate-list"), "label": _("Likely duplicates"), "prefix": "/duplicates/"})
    cases_url = case_nav_url(user)
    if cases_url:
        items.append({"url": cases_url, "label": _("Cases"), "prefix": "/cases/"})
    if can(user, "audit", "view"):
        items.append({"url": reverse("audit-search"), "label": _("Audit trail"), "prefix": "/audit/"})
    if user.is_staff:
        items.append({"url": reverse("admin:index"), "label": _("Administration"), "prefix": "/admin/"})
    path = request.path
    current = None
    best = -1
    for item in items:  # the longest matching prefix is the current page
        prefix = str(item["prefix"] or item["url"])
        matches = path.startswith(prefix) if item["prefix"] else path == prefix
        if matches and len(prefix) > best:
            current, best = item, len(prefix)
    nav_items = [{**item, "current": item is current} for item in items]
    return {
        "nav_items": nav_items,
        "role_label": user.get_role_display() if hasattr(user, "get_role_display") else "",
        "scope_label": _scope_label(user),
    }
