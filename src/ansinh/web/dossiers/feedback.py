"""The PAKN pages, thin: the citizen sends feedback on a regulation and follows it (no account, throttled); the
one-stop staff work the queue of their wards (classify, forward, answer, publish); published answers are public."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ansinh.accounts.permissions import can
from ansinh.accounts.scope import get_in_area
from ansinh.dossiers import feedback as pakn
from ansinh.dossiers.errors import DossierError, WrongSecret
from ansinh.dossiers.models import Feedback, FeedbackKind, FeedbackStatus
from ansinh.geo.models import Ward
from ansinh.web.dossiers.public import APPLY_LIMIT, throttled

STEPS: dict[str, tuple[str, ...]] = {
    FeedbackStatus.RECEIVED: ("classify",),
    FeedbackStatus.CLASSIFIED: ("forward", "answer"),
    FeedbackStatus.FORWARDED: ("answer",),
    FeedbackStatus.ANSWERED: ("publish",),
}


def send(request: HttpRequest) -> HttpResponse:
    """The citizen's feedback on a regulation: the ward, the regulation concerned, the content."""
    post = request.POST
    values = {k: post.get(k, "").strip() for k in ("sender_name", "contact", "ward", "subject", "content")}
    context: dict[str, Any] = {"values": values, "wards": Ward.objects.filter(valid_to__isnull=True).order_by("name")}
    if request.method != "POST":
        return render(request, "dossiers/feedback_send.html", context)
    if throttled(request, "apply", limit=APPLY_LIMIT):
        context["errors"] = [("", _("Too many attempts. Try again in a few minutes."))]
        return render(request, "dossiers/feedback_send.html", context, status=429)
    try:
        item, secret = pakn.do_receive_feedback(
            ward=Ward.objects.filter(code=values["ward"], valid_to__isnull=True).first(),
            sender_name=values["sender_name"],
            contact=values["contact"],
            subject=values["subject"],
            content=values["content"],
        )
    except DossierError as error:
        context["errors"] = [(error.field or "", error.message)]
        return render(request, "dossiers/feedback_send.html", context, status=400)
    return render(request, "dossiers/feedback_sent.html", {"item": item, "secret": secret})


def follow(request: HttpRequest) -> HttpResponse:
    """The citizen follows a feedback with its code and secret."""
    context: dict[str, Any] = {"code": (request.POST.get("code") or request.GET.get("code") or "").strip()[:32]}
    if request.method == "POST":
        code, secret = context["code"], (request.POST.get("secret") or "").strip()[:32]
        if throttled(request, "follow", code):
            context["error"] = _("Too many attempts. Try again in a few minutes.")
            return render(request, "dossiers/feedback_follow.html", context, status=429)
        item = Feedback.objects.filter(code=code).first()
        if item is None or not pakn.secret_matches(item, secret):
            context["error"] = WrongSecret().message
            return render(request, "dossiers/feedback_follow.html", context, status=404)
        context["item"] = item
    return render(request, "dossiers/feedback_follow.html", context)


def published(request: HttpRequest) -> HttpResponse:
    """The published answers: the regulation concerned, the question and the answer, never the sender."""
    rows = Feedback.objects.filter(status=FeedbackStatus.PUBLISHED).select_related("ward").order_by("-received_at")
    return render(request, "dossiers/feedback_published.html", {"rows": rows[:100]})


@login_required
def queue(request: HttpRequest) -> HttpResponse:
    """The PAKN queue of the user's wards: open items with their next deadline, overdue first."""
    if not can(request.user, "dossier", "view"):
        raise PermissionDenied
    now = timezone.now()
    rows: list[dict[str, Any]] = []
    for item in (
        Feedback.objects.scoped(request.user)
        .select_related("ward")
        .exclude(status__in=[FeedbackStatus.PUBLISHED, FeedbackStatus.REDIRECTED])[:200]
    ):
        due = pakn.deadlines(item.received_at)
        step = {"received": "classified", "classified": "forwarded", "forwarded": "answered", "answered": "published"}
        when = due[step[item.status]]
        rows.append({"item": item, "due": when, "overdue": when < now})
    rows.sort(key=lambda r: r["due"])
    return render(request, "dossiers/feedback_queue.html", {"rows": rows})


def _item(request: HttpRequest, pk: int, action: str = "view") -> Feedback:
    # The one rule for refusals: 404 outside the user's wards, 403 inside them without dossier.<action>.
    found: Feedback = get_in_area(request.user, Feedback.objects.all(), resource="dossier", action=action, pk=pk)
    return found


@login_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    item = _item(request, pk)
    return render(
        request,
        "dossiers/feedback_detail.html",
        {
            "item": item,
            "events": item.events.order_by("seq"),
            "deadlines": pakn.deadlines(item.received_at),
            "steps": STEPS.get(item.status, ()) if can(request.user, "dossier", "process") else (),
            "kinds": FeedbackKind.choices,
        },
    )


@login_required
@require_POST
def act(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    item = _item(request, pk, "process")
    user, post = request.user, request.POST
    try:
        if step == "classify":
            pakn.do_classify_feedback(actor=user, item=item, kind=post.get("kind", ""), note=post.get("note", ""))
        elif step == "forward":
            pakn.do_forward_feedback(actor=user, item=item, unit=post.get("unit", ""), note=post.get("note", ""))
        elif step == "answer":
            pakn.do_answer_feedback(actor=user, item=item, answer=post.get("answer", ""))
        elif step == "publish":
            pakn.do_publish_feedback(actor=user, item=item)
        else:
            raise Http404
    except DossierError as error:
        messages.error(request, error.message)
    return redirect("dossiers-feedback-detail", pk=item.pk)
