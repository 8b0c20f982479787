"""Likely duplicates (same name without accents and same date of birth) for an officer to resolve."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ansinh.accounts.permissions import can, require, shows_full_ids
from ansinh.registry import actions
from ansinh.registry.models import DuplicateFlag
from ansinh.registry.queries import open_duplicate_flags_for
from ansinh.web.common import paginate


@login_required
def index(request: HttpRequest) -> HttpResponse:
    require(request.user, "duplicate", "view")
    page, page_range = paginate(request, open_duplicate_flags_for(request.user))
    context = {
        "page_obj": page,
        "page_range": page_range,
        "can_resolve": can(request.user, "duplicate", "resolve"),
        "show_ids": shows_full_ids(request.user),
        "statuses": [DuplicateFlag.Status.SAME_PERSON, DuplicateFlag.Status.DIFFERENT],
    }
    return render(request, "registry/duplicates/index.html", context)


@login_required
@require_POST
def resolve(request: HttpRequest, pk: int) -> HttpResponse:
    # The one rule for refusals: a pair outside the user's area does not exist for them (404), then the role.
    flag = get_object_or_404(open_duplicate_flags_for(request.user), pk=pk)
    require(request.user, "duplicate", "resolve")
    status = request.POST.get("status", "")
    if status not in (DuplicateFlag.Status.SAME_PERSON, DuplicateFlag.Status.DIFFERENT):
        messages.error(request, _("Choose whether they are the same person or different people."))
        return redirect("duplicate-list")
    actions.do_resolve_duplicate(actor=request.user, flag=flag, status=status)
    messages.success(
        request,
        _("%(a)s and %(b)s: %(status)s.")
        % {
            "a": flag.member_a.full_name,
            "b": flag.member_b.full_name,
            "status": DuplicateFlag.Status(status).label,
        },
    )
    return redirect("duplicate-list")
