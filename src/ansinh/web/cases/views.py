"""The cases' pages, thin: parse, check the role, read through the case's circle (``cases.scope``), call one
action, render. A case outside the user's circle is a 404, whatever the user's area or role; a step the role
does not allow is a 403. Every page, attachment and export of a case writes one read event (``cases.readlog``).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ansinh import vocab
from ansinh.accounts.permissions import can, require
from ansinh.cases import actions, exports, queries, stats
from ansinh.cases.clocks import clocks_for
from ansinh.cases.errors import CaseError, ConcurrentEdit
from ansinh.cases.models import (
    Agency,
    ApprovalKind,
    Case,
    ConsentKind,
    Measure,
    ReadKind,
    Referral,
    Section,
    Service,
    Stage,
)
from ansinh.cases.readlog import read_log, record_read
from ansinh.cases.scope import access, may_break_glass, visible_cases
from ansinh.geo.models import Ward


def _lang() -> str:
    return "en" if (get_language() or "vi").startswith("en") else "vi"


def _choices(vocabulary: vocab.Vocabulary) -> list[tuple[str, str]]:
    lang = _lang()
    return [(code, en if lang == "en" else vi) for code, (en, vi) in vocabulary.items()]


def _at(value: str | None, field: str) -> dt.datetime | None:
    """A ``datetime-local`` input (``2026-12-07T09:30``) as an aware time; blank is ``None`` (now)."""
    if not value:
        return None
    try:
        return timezone.make_aware(dt.datetime.fromisoformat(value))
    except ValueError:
        raise CaseError(_("Enter a date and time (dd/mm/yyyy hh:mm)."), field=field) from None


def _date(value: str | None, field: str) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise CaseError(_("Enter a date (dd/mm/yyyy)."), field=field) from None


def _case(request: HttpRequest, pk: int) -> tuple[Case, Any]:
    found = queries.get_case_for(request.user, pk)
    if found is None:
        raise Http404
    return found


def _vocab_context() -> dict[str, Any]:
    return {
        "kinds": _choices(vocab.CASE_KIND),
        "receivers": _choices(vocab.CASE_RECEIVER),
        "channels": _choices(vocab.CASE_CHANNEL),
        "sexes": _choices(vocab.SEX),
        "incident_types": _choices(vocab.INCIDENT_TYPE),
        "location_types": _choices(vocab.LOCATION_TYPE),
        "relations": _choices(vocab.PERPETRATOR_RELATION),
        "risk_levels": _choices(vocab.RISK_LEVEL),
        "forms": _choices(vocab.ASSESSMENT_FORM),
        "services_vocab": _choices(vocab.CASE_SERVICE),
        "measures_vocab": _choices(vocab.DV_MEASURE),
        "section_choices": [(s.value, s.label) for s in Section],
        "consent_kinds": [(k.value, k.label) for k in ConsentKind],
        "approval_kinds": [(k.value, k.label) for k in ApprovalKind],
    }


@login_required
def case_list(request: HttpRequest) -> HttpResponse:
    """The user's open cases (names hidden; a supervisor may reveal them, each reveal logged), the referrals
    received and the alerts."""
    require(request.user, "case", "view")
    reveal = request.method == "POST" and request.POST.get("reveal") == "1"
    if reveal and not can(request.user, "case", "reveal"):
        raise PermissionDenied
    closed = request.GET.get("status") == "closed"
    # The cron job (`ansinh case-alerts`) alerts everyone; opening the list catches up on one's own cases at once.
    actions.raise_clock_alerts(among=visible_cases(request.user).filter(status="open").values_list("pk", flat=True))
    rows = queries.case_rows(request.user, reveal=reveal, status="closed" if closed else "open")
    if reveal:
        actions.do_reveal(actor=request.user, cases=[r.case for r in rows if r.name != "—"])
    lang = _lang()
    for row in rows:
        row.kind_label = queries.label(vocab.CASE_KIND, row.case.kind, lang)  # type: ignore[attr-defined]
        row.stage_label = Stage(row.stage).label  # type: ignore[attr-defined]
    return render(
        request,
        "cases/list.html",
        {
            "rows": rows,
            "revealed": reveal,
            "closed": closed,
            "can_reveal": can(request.user, "case", "reveal"),
            "can_create": can(request.user, "case", "create"),
            "referrals": queries.my_referrals(request.user),
            "notifications": queries.notifications_for(request.user)[:10],
            "now": timezone.now(),
        },
    )


@login_required
def case_new(request: HttpRequest) -> HttpResponse:
    require(request.user, "case", "create")
    my_agencies = Agency.objects.filter(members__user_id=request.user.pk or 0, active=True)
    # The commune responsible for the case (not a scope: a hospital centre serves the whole city).
    wards = Ward.objects.filter(
        valid_to__isnull=True, province_id__in=Agency.objects.filter(ward__isnull=False).values("ward__province_id")
    ).order_by("name")
    post = request.POST
    error = None
    if request.method == "POST":
        try:
            ward = wards.filter(code=post.get("ward", "")).first()
            if ward is None:
                raise CaseError(_("Choose the commune or ward of the case."), field="ward")
            received_at = _at(post.get("received_at"), "received_at") or timezone.now()
            case = actions.do_open_case(
                actor=request.user,
                agency_code=post.get("agency", ""),
                kind=post.get("kind", ""),
                ward=ward,
                received_at=received_at,
                received_by=post.get("received_by", ""),
                channel=post.get("channel", ""),
                survivor={
                    "name": post.get("survivor_name", ""),
                    "sex": post.get("survivor_sex", ""),
                    "age": int(post.get("survivor_age") or 0),
                    "address": post.get("survivor_address", ""),
                },
                narrative=post.get("narrative", ""),
                perpetrator=post.get("perpetrator", ""),
                medical=post.get("medical", ""),
                incident={
                    "occurred_on": _date(post.get("occurred_on"), "occurred_on") or received_at.date(),
                    "kind": post.get("incident_kind", ""),
                    "location_type": post.get("location_type", ""),
                    "perpetrator_relation": post.get("perpetrator_relation", ""),
                    "reported_before": post.get("reported_before") == "on",
                },
                consents={k: post.get(f"consent_{k}") == "on" for k in ("services", "referral", "reporting")},
            )
        except CaseError as e:
            error = e
        except ValueError:
            error = CaseError(_("Enter the age in whole years."), field="survivor_age")
        else:
            messages.success(request, _("Case %(code)s was opened.") % {"code": case.code})
            return redirect("cases-detail", pk=case.pk)
    return render(
        request,
        "cases/new.html",
        {"agencies": my_agencies, "wards": wards, "error": error, "post": post, **_vocab_context()},
        status=400 if error else 200,
    )


def _detail_context(request: HttpRequest, case: Case, seen: Any) -> dict[str, Any]:
    lang = _lang()
    view = queries.case_view(case, seen)
    clocks = clocks_for([case]).get(case.pk, []) if seen.core or seen.via == "break_glass" else []
    return {
        "case": case,
        "view": view,
        "seen": seen,
        "lang": lang,
        "stage": Stage(queries.case_stage(case)).label,
        "kind_label": queries.label(vocab.CASE_KIND, case.kind, lang),
        "clocks": [{"clock": c, "state": c.state(timezone.now())} for c in clocks],
        "can_change": seen.core and can(request.user, "case", "change"),
        "can_refer": seen.core and can(request.user, "case", "refer"),
        "can_approve": seen.core and can(request.user, "case", "approve"),
        "can_export": can(request.user, "case", "export"),
        "can_override": can(request.user, "case", "override"),
        "agencies_all": Agency.objects.filter(active=True),
        "my_referrals": Referral.objects.filter(
            case=case, to_agency__members__user_id=request.user.pk or 0, status__in=("in_progress", "accepted")
        ).distinct(),
        **_vocab_context(),
    }


@login_required
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The case as this user may see it; the read is logged with the sections shown."""
    case, seen = _case(request, pk)
    context = _detail_context(request, case, seen)
    record_read(request.user, case, ReadKind.PAGE, context["view"]["sections"])
    return render(request, "cases/detail.html", context)


@login_required
def case_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Edit the survivor and the confidential sections; a save over someone else's is refused with their changes."""
    case, seen = _case(request, pk)
    if not seen.core or not can(request.user, "case", "change"):
        raise PermissionDenied
    labels = {
        "survivor_name": _("Full name"),
        "survivor_address": _("Address"),
        "narrative": _("Narrative"),
        "perpetrator": _("Perpetrator"),
        "medical": _("Medical"),
    }
    fields = tuple(labels)
    conflict = None
    error = None
    status = 200
    view = queries.case_view(case, seen)
    values: dict[str, Any] = {f: view.get(f, "") for f in fields}
    version = case.version
    if request.method == "POST":
        values = {f: request.POST.get(f, "") for f in fields}
        try:
            expected = int(request.POST.get("version") or 0)
        except ValueError:
            expected = 0
        try:
            actions.do_update_case(actor=request.user, case=case, changes=values, expected_version=expected)
        except ConcurrentEdit as e:
            current = queries.case_view(e.current, seen)
            changed = sorted({name for ev in e.their_changes for name in ev.changes if name in fields})
            conflict = {
                "message": e.message,
                "rows": [
                    {"field": labels[name], "theirs": current.get(name, ""), "yours": values.get(name, "")}
                    for name in changed
                ],
                "who": [(ev.actor_name, ev.at) for ev in e.their_changes],
            }
            # Merged: a field this user did not change takes theirs; theirs are shown beside.
            for name in fields:
                if name not in changed:
                    values[name] = current.get(name, "")
            version = e.current.version
            status = 409
        except CaseError as e:
            error = e
            status = 400
        else:
            messages.success(request, _("The case was saved."))
            return redirect("cases-detail", pk=case.pk)
    record_read(request.user, case, ReadKind.PAGE, ["survivor", "narrative", "perpetrator", "medical"])
    return render(
        request,
        "cases/edit.html",
        {"case": case, "values": values, "version": version, "conflict": conflict, "error": error},
        status=status,
    )


def _service(case: Case, pk: str) -> Service:
    found = case.services.filter(pk=pk or 0).first()
    if found is None:
        raise Http404
    return found


def _referral(case: Case, pk: str) -> Referral:
    found = case.referrals.filter(pk=pk or 0).first()
    if found is None:
        raise Http404
    return found


def _measure(case: Case, pk: str) -> Measure:
    found = case.measures.filter(pk=pk or 0).first()
    if found is None:
        raise Http404
    return found


STEPS = (
    "assess", "plan", "request_approval", "decide_approval", "service", "service_done", "refer", "respond_referral",
    "complete_referral", "revoke_referral", "transfer", "assign", "request_measure", "decide_measure", "follow_up",
    "consent", "link_member", "attach", "close", "reopen", "incident",
)  # fmt: skip


@login_required
@require_POST
def case_step(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    """One step on the case, by the action of that step; a refusal is shown on the case's page."""
    if step not in STEPS:
        raise Http404
    case, _seen = _case(request, pk)
    user, post = request.user, request.POST
    try:
        _do(step, user, case, post, request)
    except CaseError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Saved."))
    return redirect("cases-detail", pk=case.pk)


def _do(step: str, user: Any, case: Case, post: Any, request: HttpRequest) -> None:
    reason = post.get("reason", "")
    if step == "assess":
        actions.do_assess(
            actor=user, case=case, form=post.get("form", ""), risk_level=post.get("risk_level", ""),
            at=_at(post.get("at"), "at"), summary=post.get("summary", ""),
        )  # fmt: skip
    elif step == "plan":
        actions.do_record_plan(actor=user, case=case, goals=post.get("goals", ""), at=_at(post.get("at"), "at"))
    elif step == "request_approval":
        actions.do_request_approval(actor=user, case=case, kind=post.get("kind", ""))
    elif step == "decide_approval":
        approval = case.approvals.filter(pk=post.get("approval") or 0).first()
        if approval is None:
            raise Http404
        actions.do_decide_approval(actor=user, approval=approval, approve=post.get("approve") == "1", note=reason)
    elif step == "service":
        actions.do_add_service(
            actor=user, case=case, kind=post.get("kind", ""), agency_code=post.get("agency", ""),
            due_on=_date(post.get("due_on"), "due_on"),
        )  # fmt: skip
    elif step == "service_done":
        actions.do_implement_service(
            actor=user, service=_service(case, post.get("service")), at=_at(post.get("at"), "at")
        )
    elif step == "refer":
        actions.do_refer(
            actor=user, case=case, to_agency=post.get("to_agency", ""), to_user=post.get("to_user", "").strip(),
            sections=post.getlist("sections"), override_reason=post.get("override_reason", ""),
        )  # fmt: skip
    elif step == "respond_referral":
        actions.do_respond_referral(
            actor=user, referral=_referral(case, post.get("referral")), accept=post.get("accept") == "1", note=reason
        )
    elif step == "complete_referral":
        actions.do_complete_referral(actor=user, referral=_referral(case, post.get("referral")))
    elif step == "revoke_referral":
        actions.do_revoke_referral(actor=user, referral=_referral(case, post.get("referral")), reason=reason)
    elif step == "transfer":
        actions.do_transfer(
            actor=user, case=case, to_agency=post.get("to_agency", ""), to_user=post.get("to_user", "").strip(),
            override_reason=post.get("override_reason", ""),
        )  # fmt: skip
    elif step == "assign":
        actions.do_assign(actor=user, case=case, username=post.get("username", "").strip())
    elif step == "request_measure":
        actions.do_request_measure(
            actor=user, case=case, kind=post.get("kind", ""), requested_at=_at(post.get("at"), "at")
        )
    elif step == "decide_measure":
        actions.do_decide_measure(
            actor=user, measure=_measure(case, post.get("measure")), granted=post.get("granted") == "1",
            decided_at=_at(post.get("at"), "at"), valid_until=_at(post.get("valid_until"), "valid_until"),
        )  # fmt: skip
    elif step == "follow_up":
        actions.do_follow_up(actor=user, case=case, note=post.get("note", ""), at=_at(post.get("at"), "at"))
    elif step == "consent":
        actions.do_record_consent(actor=user, case=case, kind=post.get("kind", ""), given=post.get("given") == "1")
    elif step == "link_member":
        try:
            member_id = int(post.get("member", ""))
        except ValueError:
            raise CaseError(_("Enter the member's number."), field="member") from None
        actions.do_link_member(actor=user, case=case, member_id=member_id)
    elif step == "attach":
        upload = request.FILES.get("file")
        if upload is None:
            raise CaseError(_("Choose a file."), field="file")
        actions.do_attach(
            actor=user, case=case, section=post.get("section", ""), name=upload.name or "", content=upload.read()
        )
    elif step == "incident":
        actions.do_add_incident(
            actor=user, case=case,
            occurred_on=_date(post.get("occurred_on"), "occurred_on") or timezone.localdate(),
            kind=post.get("kind", ""), location_type=post.get("location_type", ""),
            perpetrator_relation=post.get("perpetrator_relation", ""),
            reported_before=post.get("reported_before") == "on",
        )  # fmt: skip
    elif step == "close":
        actions.do_close(actor=user, case=case)
    elif step == "reopen":
        actions.do_reopen(actor=user, case=case, reason=reason)


@login_required
def attachment(request: HttpRequest, pk: int, attachment_pk: int) -> HttpResponse:
    found = queries.attachment_for(request.user, pk, attachment_pk)
    if found is None:
        raise Http404
    item, _seen = found
    from ansinh.cases import crypto

    content = crypto.unseal(item.content_ct)
    record_read(request.user, item.case, ReadKind.ATTACHMENT, [f"attachment:{item.pk}", item.section])
    response = HttpResponse(content, content_type=item.content_type)
    ending = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}[item.content_type]
    response["Content-Disposition"] = f'attachment; filename="{item.case.code}-{item.pk}.{ending}"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
def export(request: HttpRequest, pk: int) -> HttpResponse:
    """The case as a password-protected PDF: the password is used once, never stored."""
    case, seen = _case(request, pk)
    require(request.user, "case", "export")
    error = None
    if request.method == "POST":
        try:
            view = queries.case_view(case, seen)
            content = exports.case_pdf(case, view, request.POST.get("password", ""))
        except CaseError as e:
            error = e
        else:
            record_read(request.user, case, ReadKind.EXPORT, view["sections"])
            response = HttpResponse(content, content_type="application/pdf")
            response["Content-Disposition"] = f'attachment; filename="{case.code}.pdf"'
            response["Cache-Control"] = "no-store"
            return response
    return render(request, "cases/export.html", {"case": case, "error": error}, status=400 if error else 200)


@login_required
def break_glass(request: HttpRequest) -> HttpResponse:
    """A supervisor opens a case outside their circle by its code, with a reason (logged; the owner is told)."""
    require(request.user, "case", "break_glass")
    error = None
    if request.method == "POST":
        case = Case.objects.filter(code=request.POST.get("code", "").strip()).first()
        try:
            if case is None:
                raise CaseError(_("There is no case with this code."), field="code")
            if not may_break_glass(request.user, case) and access(request.user, case) is not None:
                return redirect("cases-detail", pk=case.pk)
            actions.do_break_glass(actor=request.user, case=case, reason=request.POST.get("reason", ""))
        except CaseError as e:
            error = e
        else:
            return redirect("cases-detail", pk=case.pk)
    return render(request, "cases/break_glass.html", {"error": error}, status=400 if error else 200)


@login_required
def queue(request: HttpRequest) -> HttpResponse:
    """The supervisor's queue: every open clock of the cases in their circle, overdue first by due time."""
    require(request.user, "case", "view")
    items = queries.supervisor_queue(request.user)
    return render(
        request,
        "cases/queue.html",
        {"overdue": [i for i in items if i.overdue], "running": [i for i in items if not i.overdue]},
    )


@login_required
def statistics(request: HttpRequest) -> HttpResponse:
    require(request.user, "case", "report")
    rows = request.GET.get("rows", "kind")
    columns = request.GET.get("columns", "incident_type")
    if rows not in stats.DIMENSIONS or columns not in stats.DIMENSIONS or rows == columns:
        rows, columns = "kind", "incident_type"
    table = stats.table(request.user, rows, columns, lang=_lang())
    body = list(zip([*table.rows, _("Total")], table.cells, strict=True))
    dims = [
        ("ward", _("Commune or ward")),
        ("kind", _("Kind of case")),
        ("incident_type", _("Type of incident")),
        ("age_band", _("Age band")),
        ("sex", _("Sex")),
    ]
    return render(
        request,
        "cases/statistics.html",
        {"table": table, "body": body, "dims": dims, "rows": rows, "columns": columns},
    )


@login_required
def national_export(request: HttpRequest) -> HttpResponse:
    """The de-identified incidents for national reporting (codes and age bands only), logged as a read."""
    require(request.user, "case", "report")
    error = None
    if request.method == "POST":
        frame = stats.national_incidents(request.user)
        try:
            content = exports.national_xlsx(frame, request.POST.get("password", ""))
        except CaseError as e:
            error = e
        else:
            record_read(request.user, None, ReadKind.NATIONAL_EXPORT, [f"rows:{frame.height}"])
            response = HttpResponse(
                content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            )
            response["Content-Disposition"] = 'attachment; filename="incidents-national.xlsx"'
            response["Cache-Control"] = "no-store"
            return response
    return render(request, "cases/national_export.html", {"error": error}, status=400 if error else 200)


@login_required
def read_log_page(request: HttpRequest) -> HttpResponse:
    """The read log of cases, for its auditors (``case_log.view``); it names cases by code only."""
    events = read_log(request.user)
    case_code = request.GET.get("case", "").strip()
    if case_code:
        events = events.filter(case__code=case_code)
    return render(request, "cases/read_log.html", {"events": events[:300], "case_code": case_code})


def nav_url(user: Any) -> str | None:
    """Where the navigation's "Cases" item leads for ``user`` (``None``: no item)."""
    if can(user, "case", "view"):
        return reverse("cases-list")
    if can(user, "case", "report"):
        return reverse("cases-statistics")
    if can(user, "case_log", "view"):
        return reverse("cases-read-log")
    return None
