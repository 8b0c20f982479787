"""The whole audit trail, for administrators."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import patch_vary_headers

from ansinh.accounts.permissions import require, shows_full_ids
from ansinh.audit.models import AuditEvent
from ansinh.registry import queries
from ansinh.web.audit.forms import AuditSearchForm
from ansinh.web.common import forms_with_errors, is_htmx, paginate
from ansinh.web.display import action_label, describe_changes, object_label, source_label


@login_required
def search(request: HttpRequest) -> HttpResponse:
    require(request.user, "audit", "view")
    form = AuditSearchForm(request.GET or None)
    events = AuditEvent.objects.none()
    if not form.is_bound:
        events = queries.search_audit(request.user)
    elif form.is_valid():
        events = queries.search_audit(request.user, **form.cleaned_data)
    page, page_range = paginate(request, events)
    show_ids = shows_full_ids(request.user)
    rows = [
        {
            "event": e,
            "action": action_label(e.action),
            "changes": describe_changes(e.object_type, e.changes, show_ids=show_ids, action=e.action),
            "record": object_label(e.object_type, e.action),
            "source": source_label(e.source),
        }
        for e in page.object_list
    ]
    context = {
        "form": form,
        "page_obj": page,
        "page_range": page_range,
        "rows": rows,
        "hx_target": "#results",
        "forms_with_errors": forms_with_errors(form),
    }
    template = "audit/_results.html" if is_htmx(request) else "audit/search.html"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response
