"""The review's pages: one task per page, thin (parse, check, call one action or query, render).

Reads start from ``ansinh.review.queries`` (the user's scope: a round outside it is a 404); writes go
through ``ansinh.review.actions`` (which check the role and the scope again and audit). Documents are
built from plain values by ``ansinh.review.documents``.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ansinh import vocab
from ansinh.accounts.permissions import can, shows_full_ids
from ansinh.accounts.scope import scoped_wards
from ansinh.lib.dates import format_date
from ansinh.registry import idnumber
from ansinh.registry.models import Household, Member
from ansinh.review import actions, queries
from ansinh.review.documents import pdf, xlsx
from ansinh.review.documents.data import (
    CertificateDocument,
    DecisionDocument,
    DecisionPart,
    Issuer,
    ListRow,
    MeetingMinutes,
    MemberRow,
    ProvisionalList,
    VoteRow,
)
from ansinh.review.errors import InvalidSurvey, NotAllowed, ReviewError, StaleVersion
from ansinh.review.explanations import indicator_order, standard_title
from ansinh.review.models import (
    CLASS_CHOICES,
    Certificate,
    Complaint,
    ComplaintStatus,
    Decision,
    HouseholdStage,
    Meeting,
    Round,
    RoundHousehold,
    RoundKind,
    SurveyResponse,
)
from ansinh.review.survey import load_form, merge_answers
from ansinh.review.tasks import enqueue_assessment
from ansinh.review.xlsform import (
    OfflineHousehold,
    OfflineMember,
    build_offline_workbook,
    build_xlsform,
)
from ansinh.standards import load_standard
from ansinh.tasks.models import Status as TaskStatus
from ansinh.web.common import forms_with_errors, paginate
from ansinh.web.display import registry_change_rows
from ansinh.web.review import forms as review_forms

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CLASS_LABELS: dict[str, Any] = dict(CLASS_CHOICES)


def _today() -> datetime.date:
    return timezone.localdate()


def _can_prepare(user: Any) -> bool:
    return can(user, "review", "prepare")


def _can_approve(user: Any) -> bool:
    return can(user, "review", "approve")


def _attach(error: ReviewError, form: Any) -> None:
    """A domain error next to the field it names, or at the top of the form."""
    if error.field and error.field in form.fields:
        form.add_error(error.field, error.message)
    else:
        form.add_error(None, error.message)


def _run(form: Any, action: Callable[[], Any]) -> Any:
    """Call ``action``; a domain refusal becomes a form error (None returned), a role refusal a 403."""
    try:
        return action()
    except NotAllowed as error:
        raise PermissionDenied(error.message) from error
    except ReviewError as error:
        _attach(error, form)
        return None


def _status(form_list: list[Any]) -> int:
    return 400 if form_list else 200


def _round_context(request: HttpRequest, review_round: Round, active: str) -> dict[str, Any]:
    """What every page of a round shows: its header and the step navigation."""
    return {
        "round": review_round,
        "active_step": active,
        "can_prepare": _can_prepare(request.user) and not review_round.is_locked,
        "can_approve": _can_approve(request.user) and not review_round.is_locked,
        "locked": review_round.is_locked,
        "review_css": True,
    }


def _issuer(review_round: Round, signer: str = "") -> Issuer:
    ward = review_round.ward
    return Issuer(province=ward.province.name if ward.province_id else "", ward=ward.name, signer_name=signer)


def _standard_label(standard_id: str) -> str:
    try:
        standard = load_standard(standard_id)
    except Exception:  # an unknown id still prints
        return standard_id
    return str(standard.title.get("vi") or standard_id)


def _heads(household_ids: list[int]) -> dict[int, Member]:
    heads = Member.objects.filter(household_id__in=household_ids, relation="head", status="active")
    return {m.household_id: m for m in heads}


# -- rounds -----------------------------------------------------------------------------------------


@login_required
def round_list(request: HttpRequest) -> HttpResponse:
    if not can(request.user, "review", "view"):
        raise PermissionDenied
    rounds = queries.rounds_for(request.user).order_by("-year", "-period_start", "ward__name")
    return render(
        request,
        "review/round_list.html",
        {
            "rounds": rounds[:200],
            "can_prepare": _can_prepare(request.user),
            "review_css": True,
        },
    )


@login_required
def round_create(request: HttpRequest) -> HttpResponse:
    if not _can_prepare(request.user):
        raise PermissionDenied
    wards = scoped_wards(request.user)
    if request.method == "POST":
        form = review_forms.RoundCreateForm(request.POST, wards=wards)
        if form.is_valid():
            data = form.cleaned_data
            review_round = _run(
                form,
                lambda: actions.do_create_round(
                    actor=request.user,
                    ward=data["ward"],
                    kind=data["kind"],
                    year=data["year"],
                    standards=data["standards"] or None,
                    period_start=data["period_start"] if data["kind"] == RoundKind.REGULAR else None,
                ),
            )
            if review_round is not None:
                messages.success(request, _("The review round was created. Now build its household list."))
                return redirect("review-round", pk=review_round.pk)
    else:
        form = review_forms.RoundCreateForm(
            wards=wards, initial={"year": _today().year, "ward": wards.first() if wards.count() == 1 else None}
        )
    errors = forms_with_errors(form)
    return render(
        request,
        "review/round_create.html",
        {"form": form, "forms_with_errors": errors, "review_css": True},
        status=_status(errors),
    )


@login_required
def round_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The round's household list, a page at a time, narrowed by stage or by a household code or address: where
    each household comes from and how far it is."""
    review_round = queries.get_round_for(request.user, pk)
    filters = review_forms.RoundListFilterForm(request.GET or None)
    wanted = filters.cleaned_data if filters.is_valid() else {}
    all_entries = queries.round_households(review_round)
    entries = queries.filter_round_households(all_entries, stage=wanted.get("stage", ""), q=wanted.get("q", ""))
    page, page_range = paginate(request, entries)
    heads = _heads([rh.household_id for rh in page.object_list])
    rows = []
    for rh in page.object_list:
        surveys = {s.form: s for s in rh.surveys.all()}
        rows.append(
            {"rh": rh, "head": heads.get(rh.household_id), "survey_a": surveys.get("A"), "survey_b": surveys.get("B")}
        )
    context = _round_context(request, review_round, "list")
    context.update(
        {
            "rows": rows,
            "page_obj": page,
            "page_range": page_range,
            "filters": filters,
            "filtered": bool(wanted.get("stage") or wanted.get("q")),
            "listed_any": all_entries.exists(),
            "class_labels": CLASS_LABELS,
            "active_count": all_entries.exclude(stage=HouseholdStage.REMOVED).count(),
            "add_form": review_forms.AddHouseholdForm(initial={"requested_on": _today()}),
            "list_open": review_round.allows("list"),
            "survey_open": review_round.allows("survey"),
            **_assessment_context(review_round),
        }
    )
    return render(request, "review/round_detail.html", context)


@login_required
@require_POST
def build_list(request: HttpRequest, pk: int) -> HttpResponse:
    review_round = queries.get_round_for(request.user, pk)
    try:
        added = actions.do_build_household_list(actor=request.user, review_round=review_round)
    except NotAllowed as error:
        raise PermissionDenied(error.message) from error
    except ReviewError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _(
                "The list was built: %(current)d from the current lists, %(requests)d from requests, "
                "%(screening)d from the registry screening."
            )
            % {
                "current": added.get("current_list", 0),
                "requests": added.get("requests", 0),
                "screening": added.get("screening", 0),
            },
        )
    return redirect("review-round", pk=review_round.pk)


@login_required
def household_add(request: HttpRequest, pk: int) -> HttpResponse:
    review_round = queries.get_round_for(request.user, pk)
    if not _can_prepare(request.user):
        raise PermissionDenied
    if request.method == "POST":
        form = review_forms.AddHouseholdForm(request.POST)
        if form.is_valid():
            household = (
                Household.objects.scoped(request.user)
                .filter(code=form.cleaned_data["code"].strip(), ward_id=review_round.ward_id)
                .first()
            )
            if household is None:
                form.add_error("code", _("No household of this ward has this code."))
            else:
                rh = _run(
                    form,
                    lambda: actions.do_add_round_household(
                        actor=request.user,
                        review_round=review_round,
                        household=household,
                        requested_on=form.cleaned_data["requested_on"],
                        reason=form.cleaned_data["reason"],
                    ),
                )
                if rh is not None:
                    messages.success(request, _("Household %(code)s was added to the list.") % {"code": household.code})
                    return redirect("review-round", pk=review_round.pk)
    else:
        form = review_forms.AddHouseholdForm(initial={"requested_on": _today(), "code": request.GET.get("code", "")})
    errors = forms_with_errors(form)
    context = _round_context(request, review_round, "list")
    context.update({"form": form, "forms_with_errors": errors})
    return render(request, "review/household_add.html", context, status=_status(errors))


@login_required
def household_remove(request: HttpRequest, pk: int, rh_pk: int) -> HttpResponse:
    review_round = queries.get_round_for(request.user, pk)
    rh = queries.get_round_household_for(request.user, rh_pk)
    if rh.round_id != review_round.pk:
        raise Http404
    if not _can_prepare(request.user):
        raise PermissionDenied
    if request.method == "POST":
        form = review_forms.RemoveHouseholdForm(request.POST)
        if (
            form.is_valid()
            and _run(
                form,
                lambda: actions.do_remove_round_household(
                    actor=request.user, round_household=rh, reason=form.cleaned_data["reason"]
                ),
            )
            is not None
        ):
            messages.success(request, _("Household %(code)s was removed from the list.") % {"code": rh.household.code})
            return redirect("review-round", pk=review_round.pk)
    else:
        form = review_forms.RemoveHouseholdForm()
    errors = forms_with_errors(form)
    context = _round_context(request, review_round, "list")
    context.update({"form": form, "rh": rh, "forms_with_errors": errors})
    return render(request, "review/household_remove.html", context, status=_status(errors))


@login_required
def request_create(request: HttpRequest) -> HttpResponse:
    """Record a household's request (form 01 or 04) with its date and channel."""
    if not _can_prepare(request.user):
        raise PermissionDenied
    if request.method == "POST":
        form = review_forms.RequestForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            household = Household.objects.scoped(request.user).filter(code=data["code"].strip()).first()
            if household is None:
                form.add_error("code", _("No household in your area has this code."))
            else:
                req = _run(
                    form,
                    lambda: actions.do_record_request(
                        actor=request.user,
                        household=household,
                        form=data["form"],
                        received_on=data["received_on"],
                        channel=data["channel"],
                        reason=data["reason"],
                    ),
                )
                if req is not None:
                    messages.success(
                        request, _("The request of household %(code)s was recorded.") % {"code": household.code}
                    )
                    if req.round_household_id:
                        return redirect("review-round", pk=req.round_household.round_id)
                    return redirect("review-rounds")
    else:
        form = review_forms.RequestForm(
            initial={"received_on": _today(), "channel": "direct", "code": request.GET.get("code", "")}
        )
    errors = forms_with_errors(form)
    return render(
        request,
        "review/request_create.html",
        {"form": form, "forms_with_errors": errors, "review_css": True},
        status=_status(errors),
    )


# -- survey -----------------------------------------------------------------------------------------


@login_required
def survey(request: HttpRequest, pk: int, rh_pk: int, form_code: str) -> HttpResponse:
    """Phiếu A or Phiếu B for one household: save a draft or submit (which updates the registry)."""
    review_round = queries.get_round_for(request.user, pk)
    rh = queries.get_round_household_for(request.user, rh_pk)
    if rh.round_id != review_round.pk or form_code not in ("A", "B"):
        raise Http404
    definition = load_form(form_code)
    members = list(Member.objects.active().filter(household_id=rh.household_id).order_by("date_of_birth", "pk"))
    existing = SurveyResponse.objects.filter(round_household=rh, form=form_code).first()
    # What the registry holds is the starting point; a saved draft's answers come over it.
    answers = merge_answers(
        queries.registry_answers(form_code, [rh.household_id])[rh.household_id], existing.answers if existing else {}
    )
    status = 200
    if request.method == "POST":
        if not _can_prepare(request.user):
            raise PermissionDenied
        form = review_forms.SurveyForm(
            request.POST, definition=definition, members=members, check_url=request.path + "check/"
        )
        if form.is_valid():
            submit = "submit" in request.POST
            try:
                saved = actions.do_save_survey(
                    actor=request.user,
                    round_household=rh,
                    form=form_code,
                    answers=form.answers(),
                    surveyed_on=form.cleaned_data.get("surveyed_on"),
                    expected_version=int(request.POST["version"])
                    if request.POST.get("version", "").isdigit()
                    else None,
                )
                if submit:
                    if saved.surveyed_on is None and form.cleaned_data.get("surveyed_on") is None:
                        raise InvalidSurvey(
                            _("Give the survey date."), field="surveyed_on", errors={"surveyed_on": "is required"}
                        )
                    _clean, problems = actions.submission_errors(saved, rh.household_id)
                    if problems:
                        raise InvalidSurvey(_("Some answers are missing or not valid."), errors=problems)
            except NotAllowed as error:
                raise PermissionDenied(error.message) from error
            except InvalidSurvey as error:
                form.attach_errors(error.errors)
                if not error.errors:
                    form.add_error(None, error.message)
            except StaleVersion as error:
                form.add_error(None, error.message)
                status = 409
            except ReviewError as error:
                _attach(error, form)
            else:
                if submit:  # nothing reaches the registry before the officer has seen what changes
                    return redirect("review-survey-confirm", pk=review_round.pk, rh_pk=rh.pk, form_code=form_code)
                messages.success(request, _("The draft was saved."))
                return redirect("review-survey", pk=review_round.pk, rh_pk=rh.pk, form_code=form_code)
        existing = SurveyResponse.objects.filter(round_household=rh, form=form_code).first()
    else:
        form = review_forms.SurveyForm(
            definition=definition,
            members=members,
            answers=answers,
            check_url=request.path + "check/",
            initial={"surveyed_on": (existing.surveyed_on if existing else None) or _today()},
        )
    errors = forms_with_errors(form)
    if errors and status == 200:
        status = 400
    context = _round_context(request, review_round, "survey")
    language = (request.LANGUAGE_CODE or "vi")[:2]
    context.update(
        {
            "rh": rh,
            "form": form,
            "groups": form.bound_groups(),
            "survey": existing,
            "form_code": form_code,
            "form_title": definition.title.get(language) or definition.title.get("vi"),
            "definition": definition,
            "forms_with_errors": errors,
            "can_edit": _can_prepare(request.user) and review_round.allows("survey"),
        }
    )
    return render(request, "review/survey.html", context, status=status)


@login_required
def survey_confirm(request: HttpRequest, pk: int, rh_pk: int, form_code: str) -> HttpResponse:
    """What submitting the survey will change in the registry, field by field in words, to confirm: the
    survey is submitted (and the registry updated) only from here, only with the changes shown."""
    review_round = queries.get_round_for(request.user, pk)
    rh = queries.get_round_household_for(request.user, rh_pk)
    if rh.round_id != review_round.pk or form_code not in ("A", "B"):
        raise Http404
    if not _can_prepare(request.user):
        raise PermissionDenied
    survey = SurveyResponse.objects.filter(round_household=rh, form=form_code).first()
    if survey is None or survey.status == "submitted":
        return redirect("review-survey", pk=review_round.pk, rh_pk=rh.pk, form_code=form_code)
    status = 200
    problem = ""
    if request.method == "POST":
        try:
            actions.do_submit_survey(actor=request.user, survey=survey, confirmed=request.POST.get("confirmed", ""))
        except NotAllowed as error:
            raise PermissionDenied(error.message) from error
        except InvalidSurvey:
            messages.error(request, _("Some answers are missing or not valid."))
            return redirect("review-survey", pk=review_round.pk, rh_pk=rh.pk, form_code=form_code)
        except ReviewError as error:
            problem, status = error.message, 409
            survey.refresh_from_db()
        else:
            messages.success(
                request,
                _("The survey of household %(code)s was submitted and the registry updated.")
                % {"code": rh.household.code},
            )
            return redirect("review-round", pk=review_round.pk)
    changes = queries.survey_registry_changes(survey)
    context = _round_context(request, review_round, "survey")
    language = (request.LANGUAGE_CODE or "vi")[:2]
    definition = load_form(form_code)
    context.update(
        {
            "rh": rh,
            "survey": survey,
            "form_code": form_code,
            "form_title": definition.title.get(language) or definition.title.get("vi"),
            "changes": registry_change_rows(changes),
            "fingerprint": queries.changes_fingerprint(changes),
            "problem": problem,
            "can_edit": review_round.allows("survey"),
        }
    )
    return render(request, "review/survey_confirm.html", context, status=status)


@login_required
@require_POST
def survey_check(request: HttpRequest, pk: int, rh_pk: int, form_code: str) -> HttpResponse:
    """One answer of the survey checked as soon as it is given (htmx): the field again, with its error."""
    review_round = queries.get_round_for(request.user, pk)
    rh = queries.get_round_household_for(request.user, rh_pk)
    if rh.round_id != review_round.pk or form_code not in ("A", "B"):
        raise Http404
    members = list(Member.objects.active().filter(household_id=rh.household_id).order_by("date_of_birth", "pk"))
    form = review_forms.SurveyForm(
        request.POST, definition=load_form(form_code), members=members, check_url=request.path
    )
    # htmx posts the whole form and names the answer that changed; a plain post sends that answer alone.
    key = request.headers.get("HX-Trigger-Name") or next((k for k in request.POST if k in form.field_definitions), "")
    if key not in form.field_definitions:
        raise Http404
    form.is_valid()  # the answers stay as typed; only the definition decides
    form.check_one(key)
    return render(
        request, "review/_field.html", {"field": form[key], "survey": True, "required": key in form.required_names}
    )


@login_required
def offline_workbook(request: HttpRequest, pk: int, form_code: str) -> HttpResponse:
    """The round's list as an XLSX workbook to fill in offline (form A or B)."""
    review_round = queries.get_round_for(request.user, pk)
    if form_code not in ("A", "B"):
        raise Http404
    entries = list(queries.round_households(review_round, include_removed=False))
    ids = [rh.household_id for rh in entries]
    heads = _heads(ids)
    members: dict[int, list[OfflineMember]] = {}
    for m in Member.objects.active().filter(household_id__in=ids).order_by("household_id", "date_of_birth", "pk"):
        members.setdefault(m.household_id, []).append(OfflineMember(m.pk, m.full_name))
    known = queries.registry_answers(form_code, ids)  # the workbook opens with what the registry holds
    households = []
    for rh in entries:
        survey = next((s for s in rh.surveys.all() if s.form == form_code), None)
        head = heads.get(rh.household_id)
        households.append(
            OfflineHousehold(
                code=rh.household.code,
                head_name=head.full_name if head else "",
                address=rh.household.address,
                members=members.get(rh.household_id, []),
                answers=merge_answers(known.get(rh.household_id, {}), survey.answers if survey else {}),
            )
        )
    body = build_offline_workbook(
        form_code,
        ward=review_round.ward.name,
        round_label=str(review_round),
        households=households,
        printed_on=_today(),
    )
    return _download(body, XLSX, f"phieu-{form_code.lower()}-{review_round.ward_id}-{review_round.year}.xlsx")


@login_required
def survey_import(request: HttpRequest, pk: int, form_code: str) -> HttpResponse:
    """Read a filled-in workbook or an ODK / KoBoToolbox export back as drafts (``do_import_surveys``)."""
    review_round = queries.get_round_for(request.user, pk)
    if form_code not in ("A", "B"):
        raise Http404
    if not _can_prepare(request.user):
        raise PermissionDenied
    problems: list[str] = []
    status = 200
    if request.method == "POST":
        form = review_forms.SurveyImportForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                result = actions.do_import_surveys(
                    actor=request.user,
                    review_round=review_round,
                    form=form_code,
                    content=upload.read(),
                    file_name=upload.name,
                )
            except NotAllowed as error:
                raise PermissionDenied(error.message) from error
            except ReviewError as error:
                problems = [error.message]
            else:
                problems = result.problems
            if problems:
                status = 400
            else:
                messages.success(
                    request,
                    _("%(saved)d surveys were saved as drafts; %(skipped)d were unchanged.")
                    % {"saved": result.saved, "skipped": result.skipped},
                )
                return redirect("review-round", pk=review_round.pk)
        else:
            status = 400
    else:
        form = review_forms.SurveyImportForm()
    context = _round_context(request, review_round, "list")
    context.update(
        {
            "form": form,
            "problems": problems,
            "form_code": form_code,
            "forms_with_errors": forms_with_errors(form),
            "can_edit": review_round.allows("survey"),
        }
    )
    return render(request, "review/survey_import.html", context, status=status)


@login_required
def xlsform(request: HttpRequest, form_code: str) -> HttpResponse:
    if not can(request.user, "review", "view"):
        raise PermissionDenied
    if form_code not in ("A", "B"):
        raise Http404
    return _download(build_xlsform(form_code), XLSX, f"ansinh-phieu-{form_code.lower()}-xlsform.xlsx")


# -- assessment -------------------------------------------------------------------------------------


@login_required
def explanation(request: HttpRequest, pk: int, household_pk: int, standard: str) -> HttpResponse:
    """One household's result explained in full, as read out at the village meeting."""
    review_round = queries.get_round_for(request.user, pk)
    assessment = queries.assessment_of(review_round, household_pk, standard)
    if assessment.stored_explanation:  # a scoring method's result: its own words, written at assessment
        lines = assessment.stored_explanation.splitlines()
    else:
        lines = queries.read_aloud(review_round, household_pk, standard, _lang()).splitlines()
    context = _round_context(request, review_round, "results")
    context.update({"assessment": assessment, "lines": lines, "standard_title": standard_title(standard, _lang())})
    return render(request, "review/explanation.html", context)


@login_required
def results(request: HttpRequest, pk: int) -> HttpResponse:
    """Provisional classes with their explanations; classes that change are highlighted."""
    review_round = queries.get_round_for(request.user, pk)
    standard = request.GET.get("standard") or (review_round.standards[0] if review_round.standards else "")
    if standard not in review_round.standards:
        standard = review_round.standards[0] if review_round.standards else ""
    changed_only = request.GET.get("changed") == "1"
    page, page_range = paginate(request, queries.assessments_for(review_round, standard, changed_only=changed_only))
    assessments = list(page.object_list)
    heads = _heads([a.household_id for a in assessments])
    methods = queries.scoring_methods_used(review_round, standard)
    context = _round_context(request, review_round, "results")
    context.update(
        {
            "rows": [
                {"a": a, "head": heads.get(a.household_id), "method": methods.get(a.income_basis)} for a in assessments
            ],
            "scoring_methods": list(methods.values()),
            "unverified_methods": [m for m in methods.values() if not m.verified],
            "standard": standard,
            "standards": [(s, _standard_label(s)) for s in review_round.standards],
            "changed_only": changed_only,
            "page_obj": page,
            "page_range": page_range,
            "counts": [
                (CLASS_LABELS.get(k, k), n) for k, n in queries.class_counts(review_round).get(standard, {}).items()
            ],
            "class_labels": CLASS_LABELS,
            "can_assess": _can_prepare(request.user) and review_round.allows("assess"),
            **_assessment_context(review_round),
        }
    )
    return render(request, "review/results.html", context)


@login_required
@require_POST
def assess(request: HttpRequest, pk: int) -> HttpResponse:
    """Queue the round's assessment; the results page shows its progress."""
    review_round = queries.get_round_for(request.user, pk)
    try:
        enqueue_assessment(actor=request.user, review_round=review_round)
    except NotAllowed as error:
        raise PermissionDenied(error.message) from error
    except ReviewError as error:
        messages.error(request, error.message)
    return redirect("review-results", pk=review_round.pk)


def _assessment_context(review_round: Round) -> dict[str, Any]:
    """The round's latest assessment task, whether it is still going, and what it said when it ended."""
    task = queries.assessment_task(review_round)
    running = task is not None and task.status in (TaskStatus.QUEUED, TaskStatus.RUNNING)
    notes: list[tuple[str, str]] = []
    if task is not None and task.status == TaskStatus.DONE:
        notes.append(("success", _("%(n)d households were assessed.") % {"n": task.result.get("households", 0)}))
        missing = task.result.get("missing_count", len(task.result.get("missing", [])))
        if missing:
            notes.append(("warning", _("%(n)d households of the list are no longer in the registry.") % {"n": missing}))
    elif task is not None and task.status == TaskStatus.FAILED:
        notes.append(("error", _("The assessment did not finish: %(error)s") % {"error": task.error}))
    return {"round": review_round, "assessment": task, "assessing": running, "assessment_notes": notes}


@login_required
def assess_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """The htmx-polled progress of the assessment; when it is over, the whole page reloads with the results."""
    review_round = queries.get_round_for(request.user, pk)
    context = _assessment_context(review_round)
    response = render(request, "review/_assessment_progress.html", context)
    if not context["assessing"]:
        response["HX-Refresh"] = "true"
    return response


# -- meeting ----------------------------------------------------------------------------------------


def _meeting_households(review_round: Round) -> list[RoundHousehold]:
    return list(
        queries.round_households(review_round, include_removed=False).filter(
            stage__in=(HouseholdStage.ASSESSED, HouseholdStage.AGREED, HouseholdStage.RESURVEY)
        )
    )


@login_required
def meeting(request: HttpRequest, pk: int) -> HttpResponse:
    review_round = queries.get_round_for(request.user, pk)
    households = [rh for rh in _meeting_households(review_round) if rh.stage == HouseholdStage.ASSESSED]
    if request.method == "POST":
        if not _can_prepare(request.user):
            raise PermissionDenied
        form = review_forms.MeetingForm(request.POST, households=households)
        if form.is_valid():
            data = form.cleaned_data
            done = _run(
                form,
                lambda: actions.do_record_meeting(
                    actor=request.user,
                    review_round=review_round,
                    held_on=data["held_on"],
                    present_count=data["present_count"],
                    votes=form.votes(),
                    place=data["place"],
                    chaired_by=data["chaired_by"],
                    participants=form.participant_list(),
                    secretary=data.get("secretary") or "",
                ),
            )
            if done is not None:
                messages.success(request, _("The meeting was recorded."))
                return redirect("review-meeting", pk=review_round.pk)
    else:
        form = review_forms.MeetingForm(households=households, initial={"held_on": _today()})
    errors = forms_with_errors(form)
    heads = _heads([rh.household_id for rh in households])
    context = _round_context(request, review_round, "meeting")
    context.update(
        {
            "form": form,
            "forms_with_errors": errors,
            "vote_rows": [
                {
                    "rh": rh,
                    "field": form[name],
                    "head": heads.get(rh.household_id),
                    "classes": {a.standard_id: a for a in rh.assessments.all()},
                }
                for rh, name in form.vote_names
            ],
            "meetings": list(review_round.meetings.prefetch_related("votes__round_household__household")),
            "can_record": _can_prepare(request.user) and review_round.allows("meeting") and bool(households),
        }
    )
    return render(request, "review/meeting.html", context, status=_status(errors))


@login_required
def minutes_pdf(request: HttpRequest, pk: int, meeting_pk: int) -> HttpResponse:
    review_round = queries.get_round_for(request.user, pk)
    meeting = Meeting.objects.filter(round=review_round, pk=meeting_pk).first()
    if meeting is None:
        raise Http404
    votes = list(meeting.votes.select_related("round_household__household"))
    heads = _heads([v.round_household.household_id for v in votes])
    first = review_round.standards[0] if review_round.standards else ""
    classes = {a.round_household_id: a.klass for a in review_round.assessments.filter(standard_id=first)}
    doc = MeetingMinutes(
        issuer=_issuer(review_round),
        year=review_round.year,
        held_on=meeting.held_on,
        place=meeting.place,
        chaired_by=meeting.chaired_by,
        present=meeting.present_count,
        secretary=meeting.secretary,
        participants=[str(p) for p in meeting.participants],
        votes=[
            VoteRow(
                code=v.round_household.household.code,
                head_name=heads[v.round_household.household_id].full_name
                if v.round_household.household_id in heads
                else "",
                address=v.round_household.household.address,
                klass=classes.get(v.round_household_id, ""),
                present=v.present,
                agree=v.agree,
                passed=v.passed,
            )
            for v in votes
        ],
        agreement_share=_agreement_share(meeting.held_on),
    )
    return _download(pdf.build_minutes(doc), "application/pdf", f"bien-ban-hop-dan-{review_round.pk}-{meeting.pk}.pdf")


def _agreement_share(on: datetime.date) -> float:
    from ansinh.review import rules

    return float(rules.rule("meeting_agreement_share", on))


# -- posting and complaints -------------------------------------------------------------------------


def _list_rows(review_round: Round, standard: str) -> list[ListRow]:
    assessments = list(queries.posted_list(review_round, standard))
    heads = _heads([a.household_id for a in assessments])
    rows = []
    for a in assessments:
        head = heads.get(a.household_id)
        rows.append(
            ListRow(
                code=a.household.code,
                head_name=head.full_name if head else "",
                address=a.household.address,
                members=a.members,
                klass=a.klass,
                previous_class=a.previous_class,
                deprivations=a.deprivation_count,
                income_per_person=a.income_per_person,
                changed=a.changed,
            )
        )
    return rows


@login_required
def posting(request: HttpRequest, pk: int) -> HttpResponse:
    review_round = queries.get_round_for(request.user, pk)
    if request.method == "POST":
        if not _can_prepare(request.user):
            raise PermissionDenied
        form = review_forms.PostingForm(request.POST)
        if form.is_valid():
            posted = _run(
                form,
                lambda: actions.do_open_posting(
                    actor=request.user,
                    review_round=review_round,
                    start=form.cleaned_data["start"],
                    places=form.cleaned_data["places"],
                ),
            )
            if posted is not None:
                messages.success(
                    request,
                    _("The list is posted from %(start)s to %(end)s (working days).")
                    % {"start": format_date(posted.start), "end": format_date(posted.end)},
                )
                return redirect("review-posting", pk=review_round.pk)
    else:
        form = review_forms.PostingForm(initial={"start": _today()})
    errors = forms_with_errors(form)
    complaints = list(review_round.complaints.select_related("round_household__household"))
    context = _round_context(request, review_round, "posting")
    context.update(
        {
            "form": form,
            "forms_with_errors": errors,
            "postings": list(review_round.postings.all()),
            "complaints": complaints,
            "today": _today(),
            "can_post": _can_prepare(request.user) and review_round.allows("post"),
            "can_complain": _can_prepare(request.user) and review_round.allows("complain"),
            "standards": [(s, _standard_label(s)) for s in review_round.standards],
            "has_results": review_round.assessments.exists(),
        }
    )
    return render(request, "review/posting.html", context, status=_status(errors))


@login_required
def provisional_list(request: HttpRequest, pk: int, standard: str, fmt: str) -> HttpResponse:
    review_round = queries.get_round_for(request.user, pk)
    if standard not in review_round.standards or fmt not in ("pdf", "xlsx"):
        raise Http404
    posting_row = review_round.postings.order_by("-start").first()
    doc = ProvisionalList(
        issuer=_issuer(review_round),
        year=review_round.year,
        standard=_standard_label(standard),
        rows=_list_rows(review_round, standard),
        start=posting_row.start if posting_row else None,
        end=posting_row.end if posting_row else None,
        places=posting_row.places if posting_row else "",
        printed_on=_today(),
    )
    name = f"danh-sach-niem-yet-{review_round.ward_id}-{review_round.year}-{standard}.{fmt}"
    if fmt == "pdf":
        return _download(pdf.build_provisional_list(doc), "application/pdf", name)
    return _download(xlsx.build_provisional_list(doc), XLSX, name)


@login_required
def complaint_create(request: HttpRequest, pk: int) -> HttpResponse:
    review_round = queries.get_round_for(request.user, pk)
    if not _can_prepare(request.user):
        raise PermissionDenied
    households = queries.round_households(review_round, include_removed=False)
    if request.method == "POST":
        form = review_forms.ComplaintForm(request.POST, households=households)
        if form.is_valid():
            data = form.cleaned_data
            complaint = _run(
                form,
                lambda: actions.do_record_complaint(
                    actor=request.user,
                    review_round=review_round,
                    received_on=data["received_on"],
                    content=data["content"],
                    round_household=data["round_household"],
                    complainant=data["complainant"],
                ),
            )
            if complaint is not None:
                messages.success(
                    request,
                    _("The complaint was recorded; answer it by %(due)s.") % {"due": format_date(complaint.due_on)},
                )
                return redirect("review-posting", pk=review_round.pk)
    else:
        form = review_forms.ComplaintForm(households=households, initial={"received_on": _today()})
    errors = forms_with_errors(form)
    context = _round_context(request, review_round, "posting")
    context.update({"form": form, "forms_with_errors": errors})
    return render(request, "review/complaint_create.html", context, status=_status(errors))


@login_required
def complaint_answer(request: HttpRequest, pk: int, complaint_pk: int) -> HttpResponse:
    review_round = queries.get_round_for(request.user, pk)
    complaint = (
        Complaint.objects.select_related("round_household__household")
        .filter(round=review_round, pk=complaint_pk)
        .first()
    )
    if complaint is None:
        raise Http404
    if not _can_prepare(request.user):
        raise PermissionDenied
    if request.method == "POST":
        form = review_forms.AnswerForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            answered = _run(
                form,
                lambda: actions.do_answer_complaint(
                    actor=request.user,
                    complaint=complaint,
                    answered_on=data["answered_on"],
                    answer=data["answer"],
                    reassess=data["reassess"],
                ),
            )
            if answered is not None:
                messages.success(request, _("The complaint was answered."))
                if answered.class_changes:
                    messages.warning(request, _("The household's class changed after the re-check."))
                return redirect("review-posting", pk=review_round.pk)
    else:
        form = review_forms.AnswerForm(initial={"answered_on": _today()})
    errors = forms_with_errors(form)
    context = _round_context(request, review_round, "posting")
    context.update(
        {
            "form": form,
            "complaint": complaint,
            "forms_with_errors": errors,
            "answerable": _can_prepare(request.user)
            and review_round.allows("complain")
            and complaint.status == ComplaintStatus.OPEN,
        }
    )
    return render(request, "review/complaint_answer.html", context, status=_status(errors))


# -- approval, decision, certificates -----------------------------------------------------------------


@login_required
def approve(request: HttpRequest, pk: int) -> HttpResponse:
    review_round = queries.get_round_for(request.user, pk)
    if request.method == "POST":
        if not _can_approve(request.user):
            raise PermissionDenied
        form = review_forms.ApproveForm(request.POST)
        if form.is_valid():
            decision = _run(
                form,
                lambda: actions.do_approve_round(
                    actor=request.user,
                    review_round=review_round,
                    number=form.cleaned_data["number"],
                    date=form.cleaned_data["date"],
                    recorded_on=_today(),
                ),
            )
            if decision is not None:
                messages.success(
                    request,
                    _("Decision %(number)s was issued; the round is approved and locked.")
                    % {"number": decision.number},
                )
                return redirect("review-approve", pk=review_round.pk)
    else:
        posting_row = review_round.postings.order_by("-end").first()
        form = review_forms.ApproveForm(
            initial={
                "number": actions.next_decision_number(review_round.ward, review_round.year),
                "date": max(_today(), posting_row.end + datetime.timedelta(days=1)) if posting_row else _today(),
            }
        )
    errors = forms_with_errors(form)
    decision = Decision.objects.filter(round=review_round).first()
    certificates = []
    if decision is not None:
        certificates = list(
            decision.certificates.select_related("household").order_by("household__code", "standard_id")
        )
    heads = _heads([c.household_id for c in certificates])
    context = _round_context(request, review_round, "approval")
    context.update(
        {
            "form": form,
            "forms_with_errors": errors,
            "decision": decision,
            "certificates": [{"c": c, "head": heads.get(c.household_id)} for c in certificates],
            "counts": {
                sid: [(CLASS_LABELS.get(k, k), n) for k, n in by_class.items()]
                for sid, by_class in queries.class_counts(review_round).items()
            },
            "open_complaints": review_round.complaints.filter(status=ComplaintStatus.OPEN).count(),
            "can_decide": _can_approve(request.user) and review_round.allows("approve"),
        }
    )
    return render(request, "review/approve.html", context, status=_status(errors))


def _decision_for(review_round: Round) -> Decision:
    decision = Decision.objects.filter(round=review_round).select_related("approved_by").first()
    if decision is None:
        raise Http404
    return decision


@login_required
def decision_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    review_round = queries.get_round_for(request.user, pk)
    decision = _decision_for(review_round)
    signer = decision.approved_by.get_full_name() if decision.approved_by_id else ""
    doc = DecisionDocument(
        issuer=_issuer(review_round, signer),
        number=decision.number,
        date=decision.date,
        year=review_round.year,
        # One article and one annex per standard: recognised, and escaping a list, under that standard.
        parts=[DecisionPart(_standard_label(s), _list_rows(review_round, s)) for s in review_round.standards],
    )
    return _download(
        pdf.build_decision(doc), "application/pdf", f"quyet-dinh-{review_round.ward_id}-{review_round.pk}.pdf"
    )


def _certificate_documents(
    review_round: Round, decision: Decision, certificates: list[Certificate], *, full_ids: bool
) -> list[CertificateDocument]:
    ids = [c.household_id for c in certificates]
    members: dict[int, list[Member]] = {}
    for m in Member.objects.active().filter(household_id__in=ids).order_by("household_id", "date_of_birth", "pk"):
        members.setdefault(m.household_id, []).append(m)
    signer = decision.approved_by.get_full_name() if decision.approved_by_id else ""
    docs = []
    for c in certificates:
        people = sorted(
            members.get(c.household_id, []), key=lambda m: (m.relation != "head", m.date_of_birth or datetime.date.min)
        )
        head = next((m for m in people if m.relation == "head"), None)
        docs.append(
            CertificateDocument(
                issuer=_issuer(review_round, signer),
                number=c.number,
                klass=c.klass,
                year=review_round.year,
                standard=_standard_label(c.standard_id),
                household_code=c.household.code,
                head_name=head.full_name if head else "",
                address=c.household.address,
                decision_number=decision.number,
                decision_date=decision.date,
                issued_on=c.issued_on,
                members=[
                    MemberRow(
                        full_name=m.full_name,
                        relation=m.relation,
                        sex=m.sex,
                        date_of_birth=m.date_of_birth,
                        id_number=(m.id_number or "") if full_ids else idnumber.mask(m.id_number),
                    )
                    for m in people
                ],
            )
        )
    return docs


@login_required
def certificate_pdf(request: HttpRequest, pk: int, certificate_pk: int) -> HttpResponse:
    review_round = queries.get_round_for(request.user, pk)
    decision = _decision_for(review_round)
    certificate = decision.certificates.select_related("household").filter(pk=certificate_pk).first()
    if certificate is None:
        raise Http404
    body = pdf.build_certificates(
        _certificate_documents(review_round, decision, [certificate], full_ids=shows_full_ids(request.user))
    )
    return _download(body, "application/pdf", f"giay-chung-nhan-{certificate.household.code}.pdf")


@login_required
def certificates_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    review_round = queries.get_round_for(request.user, pk)
    decision = _decision_for(review_round)
    certificates = list(decision.certificates.select_related("household").order_by("household__code", "standard_id"))
    if not certificates:
        raise Http404
    body = pdf.build_certificates(
        _certificate_documents(review_round, decision, certificates, full_ids=shows_full_ids(request.user))
    )
    return _download(body, "application/pdf", f"giay-chung-nhan-{review_round.ward_id}-{review_round.pk}.pdf")


def _lang() -> str:
    return (get_language() or "vi")[:2]


# -- summary and due list -----------------------------------------------------------------------------


def _summary_rows(report: Any, ward_names: dict[str, str]) -> list[dict[str, Any]]:
    rows = []
    for row in report.table.iter_rows(named=True):
        code = row["ward_code"]
        rows.append(
            {
                **row,
                "ward": _("Whole area") if code == queries.CITY else ward_names.get(code, code),
                "standard": standard_title(row["standard_id"], _lang()),
                "is_total": code == queries.CITY,
            }
        )
    return rows


def _summary_data(request: HttpRequest, review_round: Round, form: Any) -> dict[str, Any]:
    start, end = form.cleaned_data["start"], form.cleaned_data["end"]
    report = queries.flows(request.user, start, end, list(review_round.standards))
    ward_names = dict(scoped_wards(request.user).values_list("code", "name"))
    deprivations = []
    for standard in review_round.standards:
        frame = queries.dominant_deprivations([review_round], standard)
        labels = dict(indicator_order(standard, _lang()))
        for r in frame.iter_rows(named=True):
            label = labels.get(r["indicator"], r["indicator"].replace("_", " "))
            deprivations.append(
                {
                    **r,
                    "standard": standard_title(standard, _lang()),
                    "ward": ward_names.get(r["ward_code"], r["ward_code"]),
                    "indicator": label,  # the summary and its workbook name the indicator, never its code
                    "indicator_label": label,
                    "households": r["deprived"],
                }
            )
    flow_words = dict(xlsx.FLOW_COLUMNS)
    mismatches = [
        {
            **r,
            "ward": ward_names.get(r["ward_code"], r["ward_code"]),
            "standard": standard_title(r["standard_id"], _lang()),
            "household": r["household_id"],
            "detail": f"{vocab.household_class(r['class'], _lang())}: {r['difference']:+d} "
            f"({', '.join(flow_words.get(m, m) for m in r['movements'])})",
        }
        for r in report.mismatches.iter_rows(named=True)
    ]
    return {
        "report": report,
        "rows": _summary_rows(report, ward_names),
        "deprivations": deprivations,
        "mismatches": mismatches,
    }


def _default_period(review_round: Round) -> tuple[datetime.date, datetime.date]:
    previous = (
        Decision.objects.filter(round__ward=review_round.ward, date__lt=review_round.period_start)
        .order_by("-date")
        .first()
    )
    decision = Decision.objects.filter(round=review_round).first()
    start = previous.date if previous else review_round.period_start
    end = decision.date if decision else max(_today(), start)
    return start, end


@login_required
def summary(request: HttpRequest, pk: int) -> HttpResponse:
    """Flows by ward (and in total) over a period, with the dominant deprivations among poor households."""
    review_round = queries.get_round_for(request.user, pk)
    start, end = _default_period(review_round)
    form = review_forms.PeriodForm(request.GET or None, initial={"start": start, "end": end})
    if not form.is_bound:
        form = review_forms.PeriodForm({"start": format_date(start), "end": format_date(end)})
    data: dict[str, Any] = {}
    if form.is_valid():
        data = _summary_data(request, review_round, form)
    errors = forms_with_errors(form)
    context = _round_context(request, review_round, "summary")
    context.update({"form": form, "forms_with_errors": errors, **data, "query": request.GET.urlencode()})
    return render(request, "review/summary.html", context, status=_status(errors))


@login_required
def summary_xlsx(request: HttpRequest, pk: int) -> HttpResponse:
    review_round = queries.get_round_for(request.user, pk)
    start, end = _default_period(review_round)
    form = review_forms.PeriodForm(request.GET or {"start": format_date(start), "end": format_date(end)})
    if not form.is_valid():
        raise Http404
    data = _summary_data(request, review_round, form)
    flows = [{**r, "identity_ok": r["balanced"]} for r in data["rows"]]
    body = xlsx.build_summary(
        xlsx.RoundSummary(
            title=_("Poor and near-poor households from %(start)s to %(end)s")
            % {
                "start": format_date(form.cleaned_data["start"]),
                "end": format_date(form.cleaned_data["end"]),
            },
            flows=flows,
            deprivations=data["deprivations"],
            mismatches=data["mismatches"],
        )
    )
    return _download(body, XLSX, f"tong-hop-{review_round.ward_id}-{review_round.year}.xlsx")


@login_required
def due(request: HttpRequest) -> HttpResponse:
    """What is due and overdue: regular reviews' decisions, complaints' answers, periodic rounds' ends."""
    if not can(request.user, "review", "view"):
        raise PermissionDenied
    today = _today()
    items = queries.due_list(request.user, today)
    return render(request, "review/due.html", {"items": items, "today": today, "review_css": True})


def _download(body: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response
