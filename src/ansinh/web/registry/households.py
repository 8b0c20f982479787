"""Household search, page, registration, editing, and splitting and merging households."""

from __future__ import annotations

import copy
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _

from ansinh.accounts.permissions import can, require, shows_full_ids
from ansinh.accounts.scope import scoped_wards
from ansinh.lib.dates import format_date
from ansinh.payments.queries import household_benefits
from ansinh.registry import actions, queries
from ansinh.registry.errors import ConcurrentEdit, RegistryError
from ansinh.registry.models import Household, Member
from ansinh.review.queries import household_standing
from ansinh.standards.loader import StandardError, load_standard
from ansinh.vocab import LISTED_CLASSES, POVERTY_CLASS_HOUSEHOLD
from ansinh.web.common import (
    ON_DATE,
    attach_registry_error,
    forms_with_errors,
    holds_personal_number,
    is_htmx,
    paginate,
    recall_search,
    remember_search,
)
from ansinh.web.conflicts import conflict_context
from ansinh.web.display import action_label, describe_changes
from ansinh.web.registry.forms import (
    HouseholdForm,
    HouseholdSearchForm,
    MemberForm,
    MembersOnForm,
    MergeHouseholdForm,
    MergeRelationsForm,
    RegistrationDateForm,
    SplitHouseholdForm,
)


@login_required
def search(request: HttpRequest) -> HttpResponse:
    """The household search. The form is sent with POST and the search kept under a short-lived token
    (``?s=…``), so that an ID number never reaches a URL, the logs or the history; a ``?q=`` link (a code, a
    name) still works, but not one holding an ID number."""
    require(request.user, "household", "view")
    wards = scoped_wards(request.user)
    token = ""
    expired = False
    if request.method == "POST":
        form = HouseholdSearchForm(request.POST, wards=wards)
        if form.is_valid():
            terms = {"q": form.cleaned_data["q"], "ward": form.cleaned_data["ward"] or ""}
            token = remember_search(request, terms)
            if not is_htmx(request):
                see_other = redirect(f"{reverse('household-search')}?{urlencode({'s': token})}")
                see_other.status_code = 303
                return see_other
    elif "s" in request.GET:
        terms_or_none = recall_search(request, request.GET["s"])
        expired = terms_or_none is None
        token = "" if expired else request.GET["s"]
        form = HouseholdSearchForm(terms_or_none, wards=wards)
    else:
        form = HouseholdSearchForm(request.GET or None, wards=wards)
        if form.is_bound and holds_personal_number(request.GET.get("q", "")):
            form.add_error("q", _("Search an ID number with the search button, not in the address."))
    households: QuerySet[Household] = Household.objects.none()
    searched = form.is_bound
    if not form.is_bound:
        households = queries.search_households(request.user)
    elif form.is_valid():
        households = queries.search_households(
            request.user, q=form.cleaned_data["q"], ward_code=form.cleaned_data["ward"] or None
        )
    # One extra query for the 25 heads on the page (not one per row).
    households = households.prefetch_related(
        Prefetch("members", queryset=Member.objects.active().filter(relation="head"), to_attr="heads")
    )
    page, page_range = paginate(request, households)
    rows = [{"household": h, "head": next(iter(h.heads), None)} for h in page.object_list]
    context = {
        "form": form,
        "page_obj": page,
        "page_range": page_range,
        "rows": rows,
        "searched": searched,
        "expired": expired,
        "hx_target": "#results",
        "can_create": can(request.user, "household", "create"),
        "forms_with_errors": forms_with_errors(form),
        "may_export": can(request.user, "household", "export"),
        "export_query": urlencode({"s": token}) if token else _export_query(form),
        "pages_query": {"s": token} if token else None,
    }
    template = "registry/households/_results.html" if is_htmx(request) else "registry/households/search.html"
    response = render(request, template, context)
    if token and is_htmx(request):
        response["HX-Push-Url"] = f"{reverse('household-search')}?{urlencode({'s': token})}"
    patch_vary_headers(response, ["HX-Request"])
    return response


def _export_query(form: HouseholdSearchForm) -> str:
    """The export page's query for the households on screen (the link is shown only to exporting roles)."""
    if form.is_bound and not form.is_valid():
        return ""
    data = form.cleaned_data if form.is_bound else {}
    return urlencode({k: v for k, v in {"ward": data.get("ward") or "", "q": data.get("q") or ""}.items() if v})


@login_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    household = queries.get_household_for(request.user, pk)
    show_ids = shows_full_ids(request.user)
    members = list(household.members.order_by("date_of_birth", "pk"))
    timeline = []
    for item in queries.household_timeline(household):
        if item["kind"] == "change":
            audit = item["audit"]
            item = {
                **item,
                "action": action_label(audit.action),
                "changes": describe_changes(audit.object_type, audit.changes, show_ids=show_ids, action=audit.action),
            }
        timeline.append(item)
    names = {m.pk: m.full_name for m in members}
    on_form = MembersOnForm(request.GET if "on" in request.GET else None)
    members_on = list(queries.members_on(household, on_form.cleaned_data["on"])) if on_form.is_valid() else None
    context = {
        "household": household,
        "current_members": [m for m in members if m.status == "active"],
        "former_members": [m for m in members if m.status != "active"],
        "member_names": names,
        "timeline": timeline,
        "on_form": on_form,
        "members_on": members_on,
        "today": timezone.localdate(),
        "show_ids": show_ids,
        "can_change": can(request.user, "household", "change") and household.status == "active",
        "can_change_members": can(request.user, "member", "change") and household.status == "active",
        "can_add_member": can(request.user, "member", "create") and household.status == "active",
        "can_split": can_split(request.user) and household.status == "active",
        "benefits": household_benefits(request.user, household.pk),
        "standing": _standing(request, household.pk),
    }
    return render(request, "registry/households/detail.html", context)


def _standing(request: HttpRequest, household_pk: int) -> list[dict[str, Any]]:
    """The household's class under each standard, in the reader's language, with its decision and certificate."""
    lang = "en" if (request.LANGUAGE_CODE or "vi").startswith("en") else "vi"
    rows = []
    for row in household_standing(request.user, household_pk):
        try:
            title = load_standard(row.standard_id).title
            standard = str(title.get(lang) or title.get("vi") or row.standard_id)
        except StandardError:  # a retired standard's id still prints
            standard = row.standard_id
        label = POVERTY_CLASS_HOUSEHOLD.get(row.klass)
        rows.append(
            {
                "row": row,
                "standard": standard,
                "label": (label[0] if lang == "en" else label[1]) if label else row.klass,
                "listed": row.klass in LISTED_CLASSES,
            }
        )
    return rows


def _household_data(form: HouseholdForm) -> dict[str, Any]:
    data = form.data_for_action()
    if "ward" in data:
        data["ward_id"] = data.pop("ward").code
    return data


@login_required
def create(request: HttpRequest) -> HttpResponse:
    require(request.user, "household", "create")
    require(request.user, "member", "create")
    wards = scoped_wards(request.user)
    if request.method == "POST":
        household_form = HouseholdForm(request.POST, wards=wards)
        head_form = MemberForm(request.POST, prefix="head", head=True)
        date_form = RegistrationDateForm(request.POST, prefix="reg", label=_("Date of registration"))
        if household_form.is_valid() and head_form.is_valid() and date_form.is_valid():
            try:
                household = actions.do_register_household(
                    actor=request.user,
                    household=_household_data(household_form),
                    members=[head_form.data_for_action()],
                    on=date_form.cleaned_data["on"],
                    head_reason=date_form.cleaned_data["head_reason"],
                )
            except RegistryError as error:
                attach_registry_error(error, household_form, head_form, date_form)
            else:
                messages.success(request, _("Household %(code)s was registered.") % {"code": household.code})
                for warning in head_form.warnings:
                    messages.warning(request, warning)
                return redirect("household-detail", pk=household.pk)
    else:
        household_form = HouseholdForm(wards=wards, initial={"ward": wards.first() if wards.count() == 1 else None})
        head_form = MemberForm(prefix="head", head=True)
        date_form = RegistrationDateForm(prefix="reg", label=_("Date of registration"))
    context = {
        "household_form": household_form,
        "head_form": head_form,
        "date_form": date_form,
        "forms_with_errors": forms_with_errors(household_form, head_form, date_form),
    }
    return render(
        request, "registry/households/create.html", context, status=400 if context["forms_with_errors"] else 200
    )


@login_required
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    household = queries.get_household_for(request.user, pk, "change")
    require(request.user, "household", "change")
    wards = scoped_wards(request.user)
    conflict: dict[str, Any] | None = None
    status = 200
    if request.method == "POST":
        form = HouseholdForm(request.POST, instance=copy.copy(household), wards=wards)
        if form.is_valid():
            expected = form.cleaned_data["version"]
            changes = form.changes_for_action()
            if "ward" in changes:
                changes["ward_id"] = changes.pop("ward").code
            try:
                actions.do_update_household(
                    actor=request.user, household=household, changes=changes, expected_version=expected
                )
            except ConcurrentEdit as error:
                conflict = conflict_context(
                    error, form, HouseholdForm, "household", form_kwargs={"wards": wards}, user=request.user
                )
                form = conflict["form"]
                status = 409
            except RegistryError as error:
                attach_registry_error(error, form)
            else:
                messages.success(request, _("The changes to household %(code)s were saved.") % {"code": household.code})
                return redirect("household-detail", pk=household.pk)
        if status == 200 and form.errors:
            status = 400
    else:
        form = HouseholdForm(instance=copy.copy(household), wards=wards)
    context = {
        "household": household,
        "form": form,
        "conflict": conflict,
        "forms_with_errors": forms_with_errors(form),
    }
    return render(request, "registry/households/edit.html", context, status=status)


def can_split(user: Any) -> bool:
    """Splitting creates a household and changes members: the role needs all three."""
    return all(
        can(user, resource, action)
        for resource, action in (("household", "create"), ("household", "change"), ("member", "change"))
    )


def _changeable_household(request: HttpRequest, pk: int) -> Household:
    """A household the user may change and whose members they may move; a dissolved one is gone (404)."""
    household = queries.get_household_for(request.user, pk, "change")
    require(request.user, "member", "change")
    if household.status != "active":
        raise Http404
    return household


@login_required
def split(request: HttpRequest, pk: int) -> HttpResponse:
    household = _changeable_household(request, pk)
    require(request.user, "household", "create")
    candidates = household.members.filter(status="active").order_by("date_of_birth", "pk")
    if request.method == "POST":
        form = SplitHouseholdForm(request.POST, candidates=candidates)
        if form.is_valid():
            data = form.cleaned_data
            try:
                new_household = actions.do_split_household(
                    actor=request.user,
                    household=household,
                    members=list(data["members"]),
                    head=data["head"],
                    remaining_head=data["remaining_head"],
                    code=data["code"],
                    address=data["address"],
                    on=data["on"],
                    relations=form.relations(),
                    head_reason=data["head_reason"],
                )
            except RegistryError as error:
                attach_registry_error(error, form, renames=ON_DATE)
            else:
                messages.success(
                    request,
                    _("Household %(code)s was split off from household %(source)s.")
                    % {"code": new_household.code, "source": household.code},
                )
                return redirect("household-detail", pk=new_household.pk)
    else:
        form = SplitHouseholdForm(candidates=candidates)
    errors = forms_with_errors(form)
    context = {
        "household": household,
        "form": form,
        "enough_members": candidates.count() > 1,
        "forms_with_errors": errors,
    }
    return render(request, "registry/households/split.html", context, status=400 if errors else 200)


@login_required
def merge(request: HttpRequest, pk: int) -> HttpResponse:
    """Two steps: the receiving household and the date, then a confirmation showing both households where
    each joining member's relation to the receiving head is chosen; only the confirmation writes."""
    household = _changeable_household(request, pk)
    targets = Household.objects.scoped(request.user, "change").select_related("ward")
    relations_form: MergeRelationsForm | None = None
    if request.method == "POST":
        form = MergeHouseholdForm(request.POST, households=targets)
        if form.is_valid():
            target, on = form.cleaned_data["target"], form.cleaned_data["on"]
            try:
                joining = actions.check_merge(source=household, target=target, on=on)
            except RegistryError as error:
                attach_registry_error(error, form, renames=ON_DATE)
            else:
                confirmed = request.POST.get("confirm") == "yes"
                relations_form = MergeRelationsForm(request.POST if confirmed else None, members=joining)
                if confirmed and relations_form.is_valid():
                    try:
                        target = actions.do_merge_households(
                            actor=request.user,
                            source=household,
                            target=target,
                            on=on,
                            relations=relations_form.relations(),
                        )
                    except RegistryError as error:
                        if str(error.field or "").startswith("relation"):
                            attach_registry_error(error, relations_form)
                        else:  # the households changed since the confirmation was shown
                            attach_registry_error(error, form, renames=ON_DATE)
                            relations_form = None
                    else:
                        messages.success(
                            request,
                            _("Household %(source)s was merged into household %(target)s.")
                            % {"source": household.code, "target": target.code},
                        )
                        return redirect("household-detail", pk=target.pk)
    else:
        # The confirmation's "Back" link brings the values back in the query string.
        initial = {name: request.GET[name][:32] for name in ("target", "on") if request.GET.get(name)}
        form = MergeHouseholdForm(households=targets, initial=initial)
    if relations_form is not None:
        target, on = form.cleaned_data["target"], form.cleaned_data["on"]
        errors = forms_with_errors(relations_form)
        back = urlencode({"target": target.code, "on": format_date(on)})
        context = {
            "household": household,
            "target": target,
            "on": on,
            "relations_form": relations_form,
            "target_members": target.members.filter(status="active").order_by("date_of_birth", "pk"),
            "back_url": f"{reverse('household-merge', args=[household.pk])}?{back}",
            "forms_with_errors": errors,
        }
        return render(request, "registry/households/merge_confirm.html", context, status=400 if errors else 200)
    errors = forms_with_errors(form)
    context = {"household": household, "form": form, "forms_with_errors": errors}
    return render(request, "registry/households/merge.html", context, status=400 if errors else 200)
