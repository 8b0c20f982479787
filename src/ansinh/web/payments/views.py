"""Thin pages of the program officer: parse, check permission, call one action or query, render."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ansinh.accounts.permissions import can
from ansinh.accounts.scope import get_in_area, scoped_wards
from ansinh.audit.actions import record
from ansinh.engine.benefits import campaign_duplicates
from ansinh.lib.errors import DomainError
from ansinh.payments import actions, documents
from ansinh.payments import queries as payment_queries
from ansinh.payments.audit_actions import PaymentsAudit
from ansinh.payments.channels import layouts
from ansinh.payments.models import Answer, PayrollStatus
from ansinh.payments.queries import campaign_lines_frame, get_payroll_for, kind_totals, scoped_payrolls, totals
from ansinh.programs import actions as program_actions
from ansinh.programs import queries as programs_queries
from ansinh.programs.models import Decision, Enrolment
from ansinh.programs.queries import scoped_enrolments
from ansinh.programs.rules import campaigns, legal_rules, programmes
from ansinh.registry.models import Member
from ansinh.web.payments.forms import DecisionForm, EnrolForm, PayrollCreateForm, ReasonForm, ResultsForm

S = PayrollStatus


def _lang() -> str:
    return (get_language() or "vi")[:2]


def _names(programme: str) -> tuple[str, dict[str, str]]:
    """The programme's (or campaign's) name and its categories' (groups') names in the active language."""
    return actions.programme_labels(programme, _lang())


@login_required
def enrolment_list(request: HttpRequest) -> HttpResponse:
    if not can(request.user, "enrolment", "view"):
        raise PermissionDenied
    enrolments = (
        scoped_enrolments(request.user)
        .select_related("member__household")
        .prefetch_related("decisions")
        .order_by("-start_month", "pk")
    )
    rows = []
    for enrolment in enrolments[:300]:
        name, categories = _names(enrolment.programme)
        rows.append((enrolment, name, categories.get(enrolment.category, enrolment.category)))
    return render(request, "payments/enrolment_list.html", {
        "rows": rows, "count": enrolments.count(),
        # Only the links the role may follow (a link to a refused page is a dead end).
        "can_enrol": can(request.user, "enrolment", "create"),
        "can_certify": can(request.user, "household", "export"),
    })  # fmt: skip


@login_required
def payroll_list(request: HttpRequest) -> HttpResponse:
    if not can(request.user, "payroll", "view"):
        raise PermissionDenied
    form = PayrollCreateForm(wards=scoped_wards(request.user), language=_lang())
    if request.method == "POST":
        if not can(request.user, "payroll", "prepare"):
            raise PermissionDenied
        form = PayrollCreateForm(request.POST, wards=scoped_wards(request.user), language=_lang())
        if form.is_valid():
            data = form.cleaned_data
            code, ward = data["programme"], data["ward"]
            if code in campaigns():
                payroll = _run(request, lambda: actions.do_create_campaign_payroll(
                    actor=request.user, campaign=code, ward=ward))  # fmt: skip
            else:
                payroll = _run(request, lambda: actions.do_create_payroll(
                    actor=request.user, programme=code, month=data["month"], ward=ward))  # fmt: skip
            if payroll is not None:
                return redirect("payroll-detail", pk=payroll.pk)
    payrolls = scoped_payrolls(request.user).select_related("ward")[:200]
    rows = [(p, _names(p.programme)[0]) for p in payrolls]
    return render(
        request,
        "payments/payroll_list.html",
        {"rows": rows, "form": form, "can_prepare": can(request.user, "payroll", "prepare")},
    )


def _payroll(request: HttpRequest, pk: int) -> Any:
    """The payroll by the one rule for refusals: 404 outside the user's area, 403 inside without payroll.view."""
    return get_payroll_for(request.user, pk)


@login_required
def payroll_detail(request: HttpRequest, pk: int) -> HttpResponse:
    payroll = _payroll(request, pk)
    name, categories = _names(payroll.programme)
    rows = [{**row, "category_name": categories.get(row["category"], row["category"])} for row in totals(payroll)]
    user = request.user
    prepare, approve = can(user, "payroll", "prepare"), can(user, "payroll", "approve")
    paying = payroll.status in (S.APPROVED, S.EXPORTED, S.RECONCILING)
    resulted = payroll.status in (S.RECONCILING, S.RECONCILED, S.CLOSED)
    steps = {
        "compute": prepare and payroll.status in (S.DRAFT, S.COMPUTED),
        "freeze": prepare and payroll.status == S.COMPUTED,
        "submit": prepare and payroll.status == S.FROZEN,
        "approve": approve and payroll.status == S.IN_APPROVAL and payroll.computed_by_id != user.pk,
        "reject": approve and payroll.status == S.IN_APPROVAL,
        "abort": prepare and payroll.status in (S.DRAFT, S.COMPUTED, S.FROZEN, S.IN_APPROVAL),
        "reconcile": prepare and payroll.status == S.RECONCILING,
        "follow_up": prepare and resulted and not payment_queries.failed_lines(payroll.pk, 0).is_empty(),
        "verify": prepare and resulted,
    }
    lang = _lang()
    return render(
        request,
        "payments/payroll_detail.html",
        {"payroll": payroll, "programme_name": name, "totals": rows, "steps": steps, "reason_form": ReasonForm(),
         "events": payroll.events.select_related("actor"), "kinds": kind_totals(payroll),
         "approvals": payroll.approvals.select_related("approver"),
         "layouts": [(code, layout.name.get(lang, layout.name["vi"])) for code, layout in layouts().items()]
         if paying and can(user, "payroll", "export") else [],
         "results_form": ResultsForm() if prepare and payroll.status in (S.EXPORTED, S.RECONCILING) else None,
         "imports": payroll.result_imports.all()[:5], "verifications": payroll.verifications.all(),
         "follow_ups": payroll.follow_ups.all(),
         "duplicates": _duplicates(payroll, categories) if payroll.kind == "campaign" else None},
    )  # fmt: skip


def _duplicates(payroll: Any, groups: dict[str, str]) -> list[dict[str, Any]]:
    """The campaign's duplicate report: everyone in more than one group, the group paid first."""
    frame = campaign_lines_frame(payroll.pk)
    found = campaign_duplicates(frame).join(frame.select("member_id", "full_name").unique("member_id"),
                                            on="member_id")  # fmt: skip
    return [
        {**row, "groups": [groups.get(g, g) for g in row["groups"]], "paid_group": groups.get(row["paid_group"], "")}
        for row in found.sort("full_name").to_dicts()
    ]


STEPS: dict[str, Callable[..., Any]] = {
    "compute": actions.do_compute_payroll,
    "freeze": actions.do_freeze_payroll,
    "submit": actions.do_submit_payroll,
    "approve": actions.do_approve_payroll,
    "reject": actions.do_reject_payroll,
    "abort": actions.do_abort_payroll,
    "reconcile": actions.do_reconcile_payroll,
    "follow_up": actions.do_create_follow_up,
    "verify": actions.do_create_verification,
}


def _run(request: HttpRequest, action: Callable[[], Any]) -> Any:
    """Call ``action``; a domain refusal is shown to the user (None returned)."""
    try:
        return action()
    except DomainError as error:
        messages.error(request, error.message)
        return None


@login_required
@require_POST
def payroll_step(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    """One lifecycle step of a payroll; the action checks the role, the area and the move."""
    if step not in STEPS:
        raise Http404
    payroll = _payroll(request, pk)
    kwargs: dict[str, Any] = {"actor": request.user, "payroll": payroll}
    if step in ("reject", "abort"):
        form = ReasonForm(request.POST)
        kwargs["reason"] = form.data.get("reason", "")
    done = _run(request, lambda: STEPS[step](**kwargs))
    if done is not None:
        messages.success(request, _("Done: %(step)s.") % {"step": _(step)})
        if step == "follow_up":
            return redirect("payroll-detail", pk=done.pk)
        if step == "verify":
            return redirect("payroll-verification", pk=payroll.pk, plan_pk=done.pk)
    return redirect("payroll-detail", pk=payroll.pk)


@login_required
@require_POST
def payroll_file(request: HttpRequest, pk: int, layout: str) -> HttpResponse:
    """The payment file of an approved payroll in a channel's layout (the first one marks it exported)."""
    payroll = _payroll(request, pk)
    made = _run(request, lambda: actions.do_export_payroll(actor=request.user, payroll=payroll, layout=layout))
    if made is None:
        return redirect("payroll-detail", pk=payroll.pk)
    name, content = made
    kind = "text/csv" if name.endswith(".csv") else "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    response = HttpResponse(content, content_type=kind)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
@require_POST
def payroll_results(request: HttpRequest, pk: int) -> HttpResponse:
    """Import a payment-results file; its row errors are shown on the payroll's page and nothing is written."""
    payroll = _payroll(request, pk)
    if not can(request.user, "payroll", "prepare"):
        raise PermissionDenied  # inside the area without the right: 403 (the one rule for refusals)
    form = ResultsForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Choose the payment-results file (XLSX or CSV)."))
        return redirect("payroll-detail", pk=payroll.pk)
    upload = form.cleaned_data["file"]
    staged = _run(request, lambda: actions.do_import_results(
        actor=request.user, payroll=payroll, name=upload.name, content=upload.read()))  # fmt: skip
    if staged is not None:
        if staged.status == "refused":
            messages.error(request, _("The file has %(count)s errors; nothing was recorded.") % {
                "count": len(staged.issues)})  # fmt: skip
        else:
            messages.success(request, _("%(count)s results recorded.") % {"count": staged.changed})
    return redirect("payroll-detail", pk=payroll.pk)


@login_required
def payroll_verification(request: HttpRequest, pk: int, plan_pk: int) -> HttpResponse:
    """A verification sample: the lines drawn, each with the beneficiary's answer or a form to record it."""
    payroll = _payroll(request, pk)
    plan = get_object_or_404(payroll.verifications, pk=plan_pk)
    if request.method == "POST":
        check = get_object_or_404(plan.checks, pk=request.POST.get("check", 0))
        answered = _run(request, lambda: actions.do_answer_check(
            actor=request.user, check=check, answer=request.POST.get("answer", ""),
            note=request.POST.get("note", "")))  # fmt: skip
        if answered is not None:
            messages.success(request, _("Answer recorded."))
        return redirect("payroll-verification", pk=payroll.pk, plan_pk=plan.pk)
    checks = plan.checks.select_related("line__member__household", "complaint").order_by("line__member__full_name")
    return render(request, "payments/payroll_verification.html", {
        "payroll": payroll, "plan": plan, "checks": checks, "answers": Answer.choices,
        "can_answer": can(request.user, "payroll", "prepare")})  # fmt: skip


@login_required
def payroll_lines(request: HttpRequest, pk: int) -> HttpResponse:
    """The lines behind a total: filtered by ward and category (the drill from the payroll's totals)."""
    payroll = _payroll(request, pk)
    name, categories = _names(payroll.programme)
    lines = payroll.lines.select_related("member").order_by("member__full_name", "pk")
    ward, category = request.GET.get("ward", ""), request.GET.get("category", "")
    if ward:
        lines = lines.filter(ward_code=ward)
    if category:
        lines = lines.filter(category=category)
    if request.GET.get("kind"):
        lines = lines.filter(kind=request.GET["kind"])
    rows = [(line, categories.get(line.category, line.category)) for line in lines[:500]]
    return render(
        request,
        "payments/payroll_lines.html",
        {"payroll": payroll, "programme_name": name, "rows": rows, "count": lines.count(),
         "category_name": categories.get(category, category), "ward": ward},
    )  # fmt: skip


@login_required
def payroll_line(request: HttpRequest, pk: int, line_pk: int) -> HttpResponse:
    """One line and its explanation: the category, the components and the law that makes the amount."""
    payroll = _payroll(request, pk)
    line = get_object_or_404(payroll.lines.select_related("member__household", "source_line", "result"), pk=line_pk)
    name, categories = _names(payroll.programme)
    programme = programmes().get(payroll.programme)
    category = programme.categories.get(line.category) if programme else None
    return render(
        request,
        "payments/payroll_line.html",
        {"payroll": payroll, "line": line, "programme_name": name,
         "category_name": categories.get(line.category, line.category), "clause": category.clause if category else "",
         "paid_name": categories.get(line.paid_category, line.paid_category),
         "explanation": line.explanation_vi if _lang() == "vi" else line.explanation_en,
         "legal_basis": programme.legal_basis if programme else campaigns()[payroll.programme].legal_basis,
         "result": getattr(line, "result", None)},
    )  # fmt: skip


@login_required
def due_list(request: HttpRequest) -> HttpResponse:
    """The officer's due list: changes that registry events call for, each settled by a decision."""
    if not can(request.user, "enrolment", "view"):
        raise PermissionDenied
    due = programs_queries.due_list(request.user, timezone.localdate())
    names = dict(Member.objects.filter(pk__in=due["member_id"].to_list()).values_list("pk", "full_name"))
    rows = []
    for row in due.head(300).to_dicts():
        programme_name, categories = _names(row["programme"])
        rows.append({**row, "full_name": names.get(row["member_id"], ""), "programme_name": programme_name,
                     "category_name": categories.get(row["category"], row["category"]),
                     "new_category_name": categories.get(row["new_category"] or "", ""),
                     "reason": row["reason_vi"] if _lang() == "vi" else row["reason_en"],
                     "form": DecisionForm(prefix=f"e{row['enrolment_id']}-{row['event']}")})  # fmt: skip
    return render(request, "payments/due_list.html", {
        "rows": rows, "count": due.height,
        "can_decide": can(request.user, "enrolment", "change")})  # fmt: skip


@login_required
@require_POST
def due_decide(request: HttpRequest, enrolment_pk: int, event: str) -> HttpResponse:
    """Settle one proposed change by its decision: a stop, or a move to the category that follows."""
    # The one rule for refusals: an enrolment outside the user's area is 404, inside without the right 403.
    enrolment = get_in_area(
        request.user, Enrolment.objects.all(), resource="enrolment", action="change",
        ward="member__household__ward", pk=enrolment_pk,
    )  # fmt: skip
    due = programs_queries.due_list(request.user, timezone.localdate())
    found = due.filter((due["enrolment_id"] == enrolment_pk) & (due["event"] == event))
    if found.is_empty():
        raise Http404
    row = found.row(0, named=True)
    form = DecisionForm(request.POST, prefix=f"e{enrolment_pk}-{event}")
    if not form.is_valid():
        messages.error(request, _("Give the decision's number and date."))
        return redirect("enrolment-due")
    data = form.cleaned_data
    common = {"actor": request.user, "enrolment": enrolment, "from_month": row["from_month"],
              "decision_number": data["decision_number"], "decision_date": data["decision_date"],
              "reason": row["reason_vi"], "signer_name": data["signer_name"]}  # fmt: skip
    if row["proposal"] == "adjust" and row["new_category"]:
        done = _run(request, lambda: program_actions.do_adjust_enrolment(category=row["new_category"], **common))
    else:
        done = _run(request, lambda: program_actions.do_stop_enrolment(**common))
    if done is not None:
        messages.success(request, _("Decision %(number)s recorded.") % {"number": data["decision_number"]})
    return redirect("enrolment-due")


@login_required
def enrol(request: HttpRequest) -> HttpResponse:
    """An application entered by the officer and the decision that grants it."""
    if not can(request.user, "enrolment", "create"):
        raise PermissionDenied
    form = EnrolForm(request.POST or None, language=_lang())
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        member = Member.objects.scoped(request.user).filter(id_number=data["id_number"].strip()).first()
        if member is None:
            form.add_error("id_number", _("Nobody with this ID number is registered in your area."))
        else:
            programme, category = data["category"].split(":", 1)
            enrolment = _run(request, lambda: program_actions.do_enrol_person(
                actor=request.user, member=member, programme=programme, category=category,
                start_month=data["start_month"], decision_number=data["decision_number"],
                decision_date=data["decision_date"], signer_name=data["signer_name"]))  # fmt: skip
            if enrolment is not None:
                messages.success(request, _("%(name)s is enrolled.") % {"name": member.full_name})
                return redirect("enrolment-list")
    return render(request, "payments/enrol.html", {"form": form}, status=400 if form.errors else 200)


@login_required
def decision_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """A decision on an enrolment as the PDF the chairman signs."""
    decision = get_in_area(
        request.user, Decision.objects.select_related("enrolment__member__household__ward__province"),
        resource="enrolment", ward="enrolment__member__household__ward", pk=pk,
    )  # fmt: skip
    response = HttpResponse(documents.decision_pdf(decision), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="quyet-dinh-{decision.pk}.pdf"'
    return response


@login_required
def certified_lists(request: HttpRequest) -> HttpResponse:
    """The certified lists of the user's wards, as XLSX and PDF."""
    if not can(request.user, "household", "export"):
        raise PermissionDenied
    return render(request, "payments/certified_lists.html", {"wards": scoped_wards(request.user),
                                                             "kinds": documents.LIST_KINDS})  # fmt: skip


@login_required
def certified_list(request: HttpRequest, kind: str, ward_code: str, fmt: str) -> HttpResponse:
    """One certified list of one ward (health-insurance support of the near-poor, or preferential loans)."""
    if kind not in documents.LIST_KINDS or fmt not in ("xlsx", "pdf"):
        raise Http404
    # A ward outside the user's area does not exist for them (404); inside it, the list needs household.export.
    ward = get_object_or_404(scoped_wards(request.user).select_related("province"), code=ward_code)
    if not can(request.user, "household", "export"):
        raise PermissionDenied
    on = timezone.localdate()
    if kind == "hi_support":
        frame = payment_queries.hi_support_list(ward.code, on)
    else:
        months = int(legal_rules().value_at("loans.escaped_within_months", on))
        frame = payment_queries.loans_list(ward.code, on, months)
    rows = documents.list_rows(kind, frame, on)
    record(actor=request.user, action=PaymentsAudit.CERTIFIED_LIST, object_type="ward", object_id=ward.code,
           changes={"list": kind, "rows": len(rows), "format": fmt}, ward_code=ward.code)  # fmt: skip
    if fmt == "pdf":
        response = HttpResponse(documents.list_pdf(kind, ward, rows, on), content_type="application/pdf")
    else:
        response = HttpResponse(
            documents.list_xlsx(kind, ward, rows, on),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    response["Content-Disposition"] = f'attachment; filename="{kind}-{ward.code}-{on:%Y%m%d}.{fmt}"'
    return response
