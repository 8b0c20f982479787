"""The dossiers' pages, thin: parse, check the role, read through the user's scope, call one action, render.

Officers see the dossiers of their wards only (``Dossier.objects.scoped``); a dossier outside the scope is a 404.
The citizen follows a dossier and rates it with its code and secret, no account, throttled per address and per
code. No page offers, and no form accepts, a timeliness: it is derived from the events.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ansinh.accounts.permissions import can
from ansinh.dossiers import actions, documents, queries
from ansinh.dossiers.errors import DossierError, WrongSecret
from ansinh.dossiers.models import Dossier, Rating, Status
from ansinh.dossiers.procedures import procedure, rating_criteria
from ansinh.dossiers.reports import aware_day, period_report, satisfaction
from ansinh.lib.errors import DomainError
from ansinh.web.common import client_ip
from ansinh.web.dossiers.public import attachment_response

# Throttle of the citizen's page: attempts per address and per dossier code in a window (seconds).
FOLLOW_LIMIT, FOLLOW_WINDOW = 20, 600


def _dossier(request: HttpRequest, pk: int, action: str = "view") -> Dossier:
    """The dossier by the one rule for refusals: 404 outside the user's wards, 403 inside without the action."""
    return queries.get_dossier_for(request.user, pk, action)


@login_required
def dossier_list(request: HttpRequest) -> HttpResponse:
    """Due soon and overdue first, then the latest received."""
    if not can(request.user, "dossier", "view"):
        raise PermissionDenied
    now = timezone.now()
    due = queries.due_soon_and_overdue(request.user, now)
    rows = [{"dossier": d, "due": when, "overdue": when < now} for d, when in due]
    latest = queries.dossiers_for(request.user)[:50]
    return render(request, "dossiers/list.html", {"rows": rows, "latest": latest})


@login_required
def dossier_detail(request: HttpRequest, pk: int) -> HttpResponse:
    dossier = _dossier(request, pk)
    now = timezone.now()
    events = dossier.events.select_related("actor").order_by("seq")
    proc = procedure(dossier.procedure, timezone.localtime(dossier.received_at).date())
    timeliness = queries.timeliness(dossier, now)
    return render(
        request,
        "dossiers/detail.html",
        {
            "dossier": dossier,
            "events": events,
            "procedure": proc,
            "timeliness": timeliness,
            "timeliness_label": TIMELINESS_LABELS.get(timeliness.kind, timeliness.kind),
            "can_process": can(request.user, "dossier", "process"),
            "steps": _steps(dossier, proc),
            "enrolment": _enrolment_context(dossier, proc),
            "review": _review_context(dossier),
            "attachments": dossier.attachments.all(),
            "documents": [(k, DOCUMENT_LABELS[k]) for k in documents.available(dossier)],
            "household_code_given": (events[0].data or {}).get("household_code", "") if events else "",
        },
    )


# The derived timeliness in words (``dossiers.queries.Timeliness``, its kind); shown, never set.
TIMELINESS_LABELS = {
    "early": gettext_lazy("Early"),
    "on_time": gettext_lazy("On time"),
    "late": gettext_lazy("Late"),
    "in_time": gettext_lazy("In time"),
    "overdue": gettext_lazy("Overdue"),
    "paused": gettext_lazy("Paused"),
    "none": gettext_lazy("No clock yet"),
}

DOCUMENT_LABELS = {
    "receipt": gettext_lazy("Receipt and appointment (form 01)"),
    "supplement": gettext_lazy("Supplement request (form 02)"),
    "refusal": gettext_lazy("Refusal (form 03)"),
    "apology": gettext_lazy("Apology and new date (form 04)"),
    "control": gettext_lazy("Control sheet (form 06)"),
    "result": gettext_lazy("Result: the enrolment decision"),
}

STEPS_BY_STATUS: dict[str, tuple[str, ...]] = {
    Status.RECEIVED: ("accept", "refuse", "withdraw"),
    Status.ACCEPTED: ("hand_off", "supplement", "decide", "withdraw", "stop"),
    Status.PROCESSING: ("hand_off", "supplement", "decide", "withdraw", "stop"),
    Status.SUPPLEMENT: ("supplement_received", "withdraw", "stop"),
    Status.DECIDED: ("apology", "return"),
}


def _decide_by_enrolment(user: Any, dossier: Dossier, post: Any) -> None:
    """Parse the enrolment decision's form (a person of the ward, a category, the first month, the number and
    date) and call the one action; every bad value is a worded refusal."""
    from ansinh.registry.models import Member

    member = Member.objects.scoped(user).filter(pk=_int(post.get("member"))).select_related("household").first()
    if member is None:
        raise DossierError(_("Choose the person the decision grants."), field="member")
    try:
        start_month = dt.date.fromisoformat((post.get("start_month") or "") + "-01")
        decision_date = dt.date.fromisoformat(post.get("decision_date") or "")
    except ValueError:
        raise DossierError(_("Enter the first month (YYYY-MM) and the decision date."), field="start_month") from None
    number = (post.get("number") or "").strip()
    if not number:
        raise DossierError(_("Enter the decision number."), field="number")
    try:
        actions.do_decide_by_enrolment(
            actor=user,
            dossier=dossier,
            member=member,
            category=post.get("category", ""),
            start_month=start_month,
            decision_number=number,
            decision_date=decision_date,
            signer_name=(post.get("signer_name") or "").strip(),
        )
    except PermissionDenied:
        raise DossierError(_("Your role cannot record an enrolment decision."), field="member") from None
    except DomainError as error:
        if isinstance(error, DossierError):
            raise
        raise DossierError(error.message, field=error.field) from None


def _int(text: Any) -> int:
    try:
        return int(text)
    except (TypeError, ValueError):
        return 0


def _steps(dossier: Dossier, proc: Any) -> tuple[str, ...]:
    steps = STEPS_BY_STATUS.get(dossier.status, ())
    if proc.drives == "enrolment_decision" and "decide" in steps:
        return (*tuple(s for s in steps if s != "decide"), "decide_enrolment", "not_granted")
    return steps


def _review_context(dossier: Dossier) -> dict[str, Any] | None:
    """The regular review a form-04 dossier opened (a link to its pages) and, once approved, its decision."""
    if dossier.review_round_id is None:
        return None
    from ansinh.dossiers.drives import review_decision
    from ansinh.review.models import Round

    return {
        "round": Round.objects.filter(pk=dossier.review_round_id).first(),
        "decision": review_decision(dossier),
    }


def _enrolment_context(dossier: Dossier, proc: Any) -> dict[str, Any] | None:
    """What the enrolment decision's form offers: the programme's categories and the household's members."""
    if proc.drives != "enrolment_decision" or not proc.programme:
        return None
    from ansinh.payments.actions import programme_labels

    name, categories = programme_labels(proc.programme, (get_language() or "vi")[:2])
    household = dossier.household
    members = list(household.members.all()) if household is not None else []
    return {
        "programme": name,
        "categories": list(categories.items()),
        "members": members,
        "decision": dossier.enrolment_decision,
    }


@login_required
@require_POST
def act(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    """One step of the dossier, by the action of that step; a refusal is shown on the dossier's page."""
    dossier = _dossier(request, pk, "process")
    user, post = request.user, request.POST
    reason = post.get("reason", "")
    try:
        if step == "accept":
            actions.do_accept_dossier(actor=user, dossier=dossier, household_code=post.get("household_code", ""))
        elif step == "refuse":
            actions.do_refuse_dossier(actor=user, dossier=dossier, reason=reason)
        elif step == "hand_off":
            actions.do_hand_off_dossier(actor=user, dossier=dossier, unit=post.get("unit", ""), note=reason)
        elif step == "supplement":
            actions.do_request_supplement(actor=user, dossier=dossier, reason=reason)
        elif step == "supplement_received":
            actions.do_receive_supplement(actor=user, dossier=dossier)
        elif step == "decide":
            actions.do_decide_dossier(
                actor=user,
                dossier=dossier,
                result=reason,
                number=post.get("number", ""),
                not_granted=post.get("not_granted") == "1",
            )
        elif step == "not_granted":
            actions.do_decide_dossier(actor=user, dossier=dossier, result=reason, not_granted=True)
        elif step == "decide_enrolment":
            _decide_by_enrolment(user, dossier, post)
        elif step == "apology":
            try:
                new_date = dt.date.fromisoformat(post.get("new_date", ""))
            except ValueError:
                raise DossierError(_("Enter the new date."), field="new_date") from None
            actions.do_send_apology(
                actor=user, dossier=dossier, reason=reason, new_date=new_date, sent_by=post.get("sent_by", "letter")
            )
        elif step == "return":
            actions.do_return_dossier(actor=user, dossier=dossier)
        elif step == "withdraw":
            actions.do_withdraw_dossier(actor=user, dossier=dossier, reason=reason)
        elif step == "stop":
            actions.do_stop_dossier(actor=user, dossier=dossier, reason=reason)
        else:
            raise Http404
    except DossierError as error:
        from django.contrib import messages

        messages.error(request, error.message)
    return redirect("dossiers-detail", pk=dossier.pk)


def parse_period(text: str) -> tuple[dt.date, dt.date, str] | None:
    """``YYYY`` (a year), ``YYYY-Qn`` (a quarter) or ``YYYY-MM`` (a month) as ``[start, end)`` and its label.

    >>> parse_period("2023-Q2")[:2], parse_period("2023")[2], parse_period("2023-13")
    ((datetime.date(2023, 4, 1), datetime.date(2023, 7, 1)), '2023', None)
    """
    text = (text or "").strip().upper()
    try:
        if len(text) == 4:
            year = int(text)
            return dt.date(year, 1, 1), dt.date(year + 1, 1, 1), text
        if len(text) == 7 and text[4:6] == "-Q" and text[6] in "1234":
            year, q = int(text[:4]), int(text[6])
            start = dt.date(year, 3 * q - 2, 1)
            return start, (start + dt.timedelta(days=95)).replace(day=1), text
        if len(text) == 7 and text[4] == "-":
            start = dt.date(int(text[:4]), int(text[5:]), 1)
            return start, (start + dt.timedelta(days=32)).replace(day=1), text
    except ValueError:
        return None
    return None


def _report_period(request: HttpRequest, wards: list[str] | None) -> tuple[dt.date, dt.date, str]:
    """The period asked (``?period=`` or the older ``?month=``), else the year of the latest dossier accepted
    in the user's wards (a first visit opens on a period with data), else the current month."""
    asked = parse_period(request.GET.get("period") or request.GET.get("month") or "")
    if asked:
        return asked
    latest = queries.latest_acceptance(wards)
    if latest is not None:
        year = str(timezone.localtime(latest).year)
        found = parse_period(year)
        assert found is not None
        return found
    today = timezone.localdate()
    return parse_period(f"{today:%Y-%m}") or (today, today, "")


@login_required
def report(request: HttpRequest) -> HttpResponse:
    """The period report of the user's wards (``?period=YYYY``, ``YYYY-Qn`` or ``YYYY-MM``), with the PAKN report
    and the satisfaction of each quarter of the year."""
    if not can(request.user, "dossier", "view"):
        raise PermissionDenied
    from ansinh.accounts.scope import ward_codes
    from ansinh.dossiers.feedback import feedback_report

    wards = ward_codes(request.user)
    start, end, label = _report_period(request, wards)
    rows = period_report(start, end, wards)
    quarters = []
    for q in range(1, 5):
        q_start, q_end, q_label = parse_period(f"{start.year}-Q{q}") or (start, end, "")
        quarters.append((q_label, satisfaction(q_start, q_end, wards)))
    return render(
        request,
        "dossiers/report.html",
        {
            "rows": rows,
            "start": start,
            "end": end,
            "label": label,
            "last_day": end - dt.timedelta(days=1),
            "feedback": feedback_report(start, end, wards),
            "quarters": quarters,
        },
    )


@login_required
def indicators_page(request: HttpRequest) -> HttpResponse:
    """The Decision 766 indicators of the user's wards for a period, each with its formula and counts."""
    if not can(request.user, "dossier", "view"):
        raise PermissionDenied
    from ansinh.accounts.scope import ward_codes
    from ansinh.dossiers import indicators

    wards = ward_codes(request.user)
    start, end, label = _report_period(request, wards)
    items, by_unit = indicators.scores(start, end, wards)
    _items, reference, verified = indicators.indicators(start)
    return render(
        request,
        "dossiers/indicators.html",
        {
            "items": items,
            "units": sorted(by_unit.items(), key=lambda kv: (kv[0] == "", kv[0])),
            "label": label,
            "start": start,
            "last_day": end - dt.timedelta(days=1),
            "reference": reference,
            "verified": verified,
        },
    )


def _month(text: str) -> tuple[dt.date, dt.date]:
    """``YYYY-MM`` as ``[first day, first day of the next month)``; the current month when absent or bad."""
    try:
        start = dt.date.fromisoformat(text + "-01")
    except ValueError:
        start = timezone.localdate().replace(day=1)
    return start, (start + dt.timedelta(days=32)).replace(day=1)


def _throttled(request: HttpRequest, code: str) -> bool:
    over = False
    for key in (f"dossier-follow:ip:{client_ip(request)}", f"dossier-follow:code:{code}"):
        cache.add(key, 0, FOLLOW_WINDOW)
        over = cache.incr(key) > FOLLOW_LIMIT or over
    return over


def follow(request: HttpRequest) -> HttpResponse:
    """The citizen's page: the status of a dossier from its code and secret, and its rating once returned."""
    code = (request.POST.get("code") or request.GET.get("code") or "").strip()
    secret = (request.POST.get("secret") or "").strip()
    criteria = rating_criteria(timezone.localdate())
    english = (get_language() or "vi").startswith("en")
    context: dict[str, Any] = {
        "code": code,
        "levels": Rating.Level.choices,
        "criteria": [(k, words["en" if english else "vi"]) for k, words in criteria.criteria.items()],
        "scores": [(k, words["en" if english else "vi"]) for k, words in criteria.scores.items()],
    }
    if request.method == "POST":
        if _throttled(request, code):
            context["error"] = _("Too many attempts. Try again in a few minutes.")
            return render(request, "dossiers/follow.html", context, status=429)
        dossier = Dossier.objects.filter(code=code).first()
        if dossier is None or not actions.secret_matches(dossier, secret):
            context["error"] = WrongSecret().message
            return render(request, "dossiers/follow.html", context, status=404)
        if "level" in request.POST:
            try:
                actions.do_rate_dossier(
                    dossier=dossier,
                    secret=secret,
                    level=int(request.POST.get("level") or 0),
                    criteria={
                        k: request.POST[f"criterion_{k}"]
                        for k in criteria.criteria
                        if request.POST.get(f"criterion_{k}", "") != ""
                    },
                    comment=request.POST.get("comment", "")[:2000],
                )
                context["rated"] = True
            except (DossierError, ValueError) as error:
                context["error"] = error.message if isinstance(error, DossierError) else _("Choose a level.")
        context.update(
            dossier=dossier,
            secret=secret,
            events=dossier.events.order_by("seq").only("kind", "at", "status"),
            due=dossier.events.filter(appointment__isnull=False)
            .order_by("-seq")
            .values_list("appointment", flat=True)
            .first(),
            can_rate=dossier.status == Status.RETURNED and not dossier.ratings.exists(),
            files=dossier.attachments.all(),
            documents=[(k, DOCUMENT_LABELS[k]) for k in documents.available(dossier) if k != "control"],
        )
    return render(request, "dossiers/follow.html", context)


@login_required
def officer_file(request: HttpRequest, pk: int, attachment_id: int) -> HttpResponse:
    """A file of a dossier in the officer's scope, as a download (404 outside the scope)."""
    dossier = _dossier(request, pk)
    row = dossier.attachments.filter(pk=attachment_id).first()
    if row is None:
        raise Http404
    return attachment_response(row)


def pdf_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
def document(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    """One of the dossier's documents as a PDF (404 outside the scope or before its event)."""
    dossier = _dossier(request, pk)
    try:
        content = documents.build(dossier, kind)
    except documents.MissingEvent:
        raise Http404 from None
    return pdf_response(content, f"{dossier.code}-{kind}.pdf")


@login_required
def register(request: HttpRequest) -> HttpResponse:
    """The register (form 07) of one ward of the user's scope for a month (``?ward=…&month=YYYY-MM``)."""
    if not can(request.user, "dossier", "view"):
        raise PermissionDenied
    from ansinh.accounts.scope import scoped_wards

    # Without a ward chosen, the first of the user's wards (a ward officer has one).
    wards = scoped_wards(request.user).order_by("code")
    ward = wards.filter(code=request.GET["ward"]).first() if request.GET.get("ward") else wards.first()
    if ward is None:
        raise Http404
    start, end = _month(request.GET.get("month", ""))
    rows = list(
        queries.dossiers_for(request.user)
        .filter(ward=ward, received_at__gte=aware_day(start), received_at__lt=aware_day(end))
        .order_by("received_at", "pk")
    )
    return pdf_response(documents.build_register(ward, start, end, rows), f"so-theo-doi-{ward.code}-{start:%Y-%m}.pdf")
