"""Adding and editing members, and the one-task forms: death, move-out, move to another household, change of head."""

from __future__ import annotations

import copy
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from ansinh.accounts.permissions import require
from ansinh.registry import actions, queries
from ansinh.registry.errors import ConcurrentEdit, RegistryError
from ansinh.registry.models import Household, Member
from ansinh.web.common import ON_DATE, attach_registry_error, forms_with_errors
from ansinh.web.conflicts import conflict_context
from ansinh.web.registry.forms import AddMemberEventForm, ChangeHeadForm, LeaveForm, MemberForm, MoveToHouseholdForm


def _member_of(request: HttpRequest, household: Household, member_pk: int, action: str) -> Member:
    member = queries.get_member_for(request.user, member_pk, action)
    if member.household_id != household.pk:
        raise Http404
    return member


def _active_household(request: HttpRequest, pk: int, action: str) -> Household:
    household = queries.get_household_for(request.user, pk, "view")
    require(request.user, "member", action)
    if household.status != "active":
        raise Http404
    return household


@login_required
def add(request: HttpRequest, pk: int) -> HttpResponse:
    household = _active_household(request, pk, "create")
    if request.method == "POST":
        form = MemberForm(request.POST)
        event_form = AddMemberEventForm(request.POST, prefix="event")
        if form.is_valid() and event_form.is_valid():
            try:
                member = actions.do_add_member(
                    actor=request.user,
                    household=household,
                    data=form.data_for_action(),
                    on=event_form.cleaned_data["on"],
                    kind=event_form.cleaned_data["kind"],
                )
            except RegistryError as error:
                attach_registry_error(error, form, event_form)
            else:
                messages.success(request, _("%(name)s was added to the household.") % {"name": member.full_name})
                for warning in form.warnings:
                    messages.warning(request, warning)
                return redirect("household-detail", pk=household.pk)
    else:
        form = MemberForm(initial={"relation": "child"})
        event_form = AddMemberEventForm(prefix="event")
    errors = forms_with_errors(event_form, form)
    context = {"household": household, "form": form, "event_form": event_form, "forms_with_errors": errors}
    return render(request, "registry/members/add.html", context, status=400 if errors else 200)


@login_required
def edit(request: HttpRequest, pk: int, member_pk: int) -> HttpResponse:
    household = _active_household(request, pk, "change")
    member = _member_of(request, household, member_pk, "change")
    conflict: dict[str, Any] | None = None
    status = 200
    if request.method == "POST":
        form = MemberForm(request.POST, instance=copy.copy(member))
        if form.is_valid():
            try:
                actions.do_update_member(
                    actor=request.user,
                    member=member,
                    changes=form.changes_for_action(),
                    expected_version=form.cleaned_data["version"],
                )
            except ConcurrentEdit as error:
                conflict = conflict_context(error, form, MemberForm, "member", user=request.user)
                form = conflict["form"]
                status = 409
            except RegistryError as error:
                attach_registry_error(error, form)
            else:
                messages.success(request, _("The changes to %(name)s were saved.") % {"name": member.full_name})
                for warning in form.warnings:
                    messages.warning(request, warning)
                return redirect("household-detail", pk=household.pk)
        if status == 200 and form.errors:
            status = 400
    else:
        form = MemberForm(instance=copy.copy(member))
    context = {
        "household": household,
        "member": member,
        "form": form,
        "conflict": conflict,
        "forms_with_errors": forms_with_errors(form),
    }
    return render(request, "registry/members/edit.html", context, status=status)


def _successors(household: Household, member: Member) -> Any:
    """Who could become head if ``member`` leaves: ``None`` unless the head leaves others behind."""
    if member.relation != "head":
        return None
    others = household.members.filter(status="active").exclude(pk=member.pk).order_by("date_of_birth")
    return others if others.exists() else None


def _leave(request: HttpRequest, pk: int, member_pk: int, kind: str) -> HttpResponse:
    household = _active_household(request, pk, "change")
    member = _member_of(request, household, member_pk, "change")
    if member.status != "active":
        raise Http404
    successors = _successors(household, member)
    label = _("Date of death") if kind == "death" else _("Date of moving out")
    if request.method == "POST":
        form = LeaveForm(request.POST, successors=successors, label=label)
        if form.is_valid():
            record = actions.do_record_death if kind == "death" else actions.do_move_out
            try:
                record(
                    actor=request.user,
                    member=member,
                    on=form.cleaned_data["on"],
                    new_head=form.cleaned_data.get("new_head"),
                    head_reason=form.cleaned_data.get("head_reason", ""),
                )
                if kind == "death":
                    messages.success(request, _("The death of %(name)s was recorded.") % {"name": member.full_name})
                else:
                    messages.success(request, _("%(name)s was recorded as moved out.") % {"name": member.full_name})
            except RegistryError as error:
                attach_registry_error(error, form, renames=ON_DATE)
            else:
                return redirect("household-detail", pk=household.pk)
    else:
        form = LeaveForm(successors=successors, label=label)
    errors = forms_with_errors(form)
    context = {"household": household, "member": member, "form": form, "kind": kind, "forms_with_errors": errors}
    return render(request, "registry/members/leave.html", context, status=400 if errors else 200)


@login_required
def death(request: HttpRequest, pk: int, member_pk: int) -> HttpResponse:
    return _leave(request, pk, member_pk, "death")


@login_required
def move_out(request: HttpRequest, pk: int, member_pk: int) -> HttpResponse:
    return _leave(request, pk, member_pk, "move_out")


@login_required
def move_to_household(request: HttpRequest, pk: int, member_pk: int) -> HttpResponse:
    household = _active_household(request, pk, "change")
    member = _member_of(request, household, member_pk, "change")
    if member.status != "active":
        raise Http404
    successors = _successors(household, member)
    targets = Household.objects.scoped(request.user, "change").select_related("ward")
    label = _("Date of the move")
    if request.method == "POST":
        form = MoveToHouseholdForm(request.POST, successors=successors, label=label, households=targets)
        if form.is_valid():
            target = form.cleaned_data["to_household"]
            try:
                actions.do_move_out(
                    actor=request.user,
                    member=member,
                    on=form.cleaned_data["on"],
                    to_household=target,
                    relation=form.cleaned_data["relation"],
                    new_head=form.cleaned_data.get("new_head"),
                    head_reason=form.cleaned_data.get("head_reason", ""),
                )
            except RegistryError as error:
                attach_registry_error(error, form, renames=ON_DATE)
            else:
                messages.success(
                    request,
                    _("%(name)s moved to household %(code)s.") % {"name": member.full_name, "code": target.code},
                )
                return redirect("household-detail", pk=household.pk)
    else:
        form = MoveToHouseholdForm(successors=successors, label=label, households=targets)
    errors = forms_with_errors(form)
    context = {"household": household, "member": member, "form": form, "forms_with_errors": errors}
    return render(request, "registry/members/move_to_household.html", context, status=400 if errors else 200)


@login_required
def change_head(request: HttpRequest, pk: int) -> HttpResponse:
    household = _active_household(request, pk, "change")
    candidates = household.members.filter(status="active").exclude(relation="head").order_by("date_of_birth")
    if request.method == "POST":
        form = ChangeHeadForm(request.POST, candidates=candidates, label=_("Date of the change"))
        if form.is_valid():
            try:
                actions.do_change_head(
                    actor=request.user,
                    household=household,
                    new_head=form.cleaned_data["new_head"],
                    on=form.cleaned_data["on"],
                    old_head_relation=form.cleaned_data["old_head_relation"],
                    head_reason=form.cleaned_data["head_reason"],
                )
            except RegistryError as error:
                attach_registry_error(error, form)
            else:
                messages.success(
                    request,
                    _("%(name)s is now the head of household.") % {"name": form.cleaned_data["new_head"].full_name},
                )
                return redirect("household-detail", pk=household.pk)
    else:
        form = ChangeHeadForm(candidates=candidates, label=_("Date of the change"))
    errors = forms_with_errors(form)
    context = {"household": household, "form": form, "has_candidates": candidates.exists(), "forms_with_errors": errors}
    return render(request, "registry/members/change_head.html", context, status=400 if errors else 200)
