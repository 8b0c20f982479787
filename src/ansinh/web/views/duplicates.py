"""Likely duplicates (same name without accents and same date of birth) for an officer to resolve."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ansinh.accounts.permissions import can, require
from ansinh.accounts.scope import scoped_households
from ansinh.registry import actions
from ansinh.registry.models import DuplicateFlag
from ansinh.web.views.common import paginate, shows_full_ids


def open_flags_for(user: Any) -> QuerySet[DuplicateFlag]:
    """Open flags whose two people both live in the user's area (a pair across areas is for someone whose
    area covers both, so that no one sees a person outside their area).

    TODO(registry): move to ``ansinh.registry.queries`` next to the other named reads.
    """
    households = scoped_households(user).values("pk")
    return (
        DuplicateFlag.objects.filter(
            status=DuplicateFlag.Status.OPEN,
            member_a__household__in=households,
            member_b__household__in=households,
        )
        .select_related("member_a__household__ward", "member_b__household__ward")
        .order_by("flagged_at", "pk")
    )


@login_required
def index(request: HttpRequest) -> HttpResponse:
    require(request.user, "duplicate", "view")
    page, page_range = paginate(request, open_flags_for(request.user))
    context = {
        "page_obj": page,
        "page_range": page_range,
        "can_resolve": can(request.user, "duplicate", "resolve"),
        "show_ids": shows_full_ids(request.user),
        "statuses": [DuplicateFlag.Status.SAME_PERSON, DuplicateFlag.Status.DIFFERENT],
    }
    return render(request, "web/duplicates/index.html", context)


@login_required
@require_POST
def resolve(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, "duplicate", "resolve")
    flag = get_object_or_404(open_flags_for(request.user), pk=pk)
    status = request.POST.get("status", "")
    if status not in (DuplicateFlag.Status.SAME_PERSON, DuplicateFlag.Status.DIFFERENT):
        messages.error(request, _("Choose whether they are the same person or different people."))
        return redirect("duplicate-list")
    actions.do_resolve_duplicate(actor=request.user, flag=flag, status=status)
    messages.success(request, _("%(a)s and %(b)s: %(status)s.") % {
        "a": flag.member_a.full_name, "b": flag.member_b.full_name,
        "status": DuplicateFlag.Status(status).label,
    })
    return redirect("duplicate-list")
