"""The citizen's pages, no account: apply online, follow a dossier, download its files and documents.

Every request that tries a code, a secret or a new application is throttled per address (and per code where
there is one). A failed application is shown again with what was typed and the good files kept (a staging token,
``dossiers.attachments``); every refusal is worded in the reader's language. Files leave only as downloads.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from ansinh.dossiers import actions, attachments, documents
from ansinh.dossiers.errors import BadAttachment, DossierError, UnknownProcedure, UnknownWard, WrongSecret
from ansinh.dossiers.models import Attachment, Channel, Dossier
from ansinh.dossiers.procedures import procedure, procedure_codes
from ansinh.geo.models import Ward
from ansinh.web.common import client_ip

# Attempts per address (and per dossier code) in a window, in seconds.
APPLY_LIMIT, APPLY_WINDOW = 10, 3600
CODE_LIMIT, CODE_WINDOW = 20, 600


def throttled(request: HttpRequest, scope: str, code: str = "", *, limit: int = CODE_LIMIT) -> bool:
    """Count this attempt against the address (and the code) and say whether a limit is passed."""
    window = APPLY_WINDOW if scope == "apply" else CODE_WINDOW
    keys = [f"dossier-{scope}:ip:{client_ip(request)}"] + ([f"dossier-{scope}:code:{code}"] if code else [])
    over = False
    for key in keys:
        cache.add(key, 0, window)
        over = cache.incr(key) > limit or over
    return over


def _procedures_today() -> list[Any]:
    today = timezone.localdate()
    found = []
    for code in procedure_codes():
        try:
            found.append(procedure(code, today))
        except UnknownProcedure:
            continue
    return found


def apply_choose(request: HttpRequest) -> HttpResponse:
    """The department's procedures open for online application today."""
    return render(request, "dossiers/apply_choose.html", {"procedures": _procedures_today()})


def _wards() -> list[Ward]:
    return list(Ward.objects.filter(valid_to__isnull=True).order_by("name"))


def apply(request: HttpRequest, code: str) -> HttpResponse:
    """Apply online for one procedure: the applicant, the ward, one file per required document (and others)."""
    try:
        proc = procedure(code, timezone.localdate())
    except UnknownProcedure as error:
        return render(request, "dossiers/apply_choose.html", {"error": error.message}, status=404)
    post = request.POST
    values = {k: post.get(k, "").strip()[:200] for k in ("applicant_name", "applicant_phone", "ward", "household_code")}
    token = post.get("token", "")
    token = token if attachments.TOKEN.match(token) else attachments.new_token()
    context: dict[str, Any] = {"procedure": proc, "wards": _wards(), "values": values, "token": token}
    if request.method != "POST":
        context["kept"] = []
        return render(request, "dossiers/apply.html", context)
    if throttled(request, "apply", limit=APPLY_LIMIT):
        context.update(errors=[("", _("Too many attempts. Try again in a few minutes."))], kept=[])
        return render(request, "dossiers/apply.html", context, status=429)

    errors: list[tuple[str, str]] = []
    uploads = {u.document: [u] for u in attachments.staged(token)}
    for document in [*proc.documents, "other"]:
        files = request.FILES.getlist(f"doc_{document}")
        good = []
        for f in files:
            try:
                if (f.size or 0) > attachments.max_bytes():
                    raise BadAttachment(
                        name=attachments.safe_name(f.name or ""),
                        limit=settings.DOSSIER_ATTACHMENT_MAX_MB,
                        field=f"doc_{document}",
                    )
                good.append(attachments.check(document, f.name or "", f.read()))
            except BadAttachment as error:
                errors.append((f"doc_{document}", error.message))
        if good:
            uploads[document] = good
    flat = [u for group in uploads.values() for u in group]
    ward = Ward.objects.filter(code=values["ward"], valid_to__isnull=True).first()
    if ward is None:
        errors.append(("ward", UnknownWard().message))
    if not errors:
        try:
            dossier, secret = actions.do_receive_dossier(
                actor=None,
                procedure_code=proc.code,
                ward=ward,
                channel=Channel.ONLINE,
                applicant_name=values["applicant_name"],
                applicant_phone=values["applicant_phone"],
                documents=(),
                uploads=flat,
                household_code=values["household_code"],
            )
        except DossierError as error:
            errors.append((error.field or "", error.message))
        else:
            attachments.discard(token)
            attachments.purge_staging()
            return render(request, "dossiers/applied.html", {"dossier": dossier, "secret": secret, "procedure": proc})
    attachments.stage(token, flat)
    context.update(errors=errors, kept=flat)
    return render(request, "dossiers/apply.html", context, status=400)


def attachment_response(row: Attachment) -> HttpResponse:
    """A stored file as a download: never inline, never sniffed, never run in the page's origin."""
    try:
        content = attachments.read(row.key)
    except FileNotFoundError:
        raise Http404 from None
    response = HttpResponse(content, content_type=row.content_type)
    response["Content-Disposition"] = f'attachment; filename="{row.name}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response


def citizen_dossier(request: HttpRequest) -> tuple[Dossier | None, HttpResponse | None]:
    """The dossier a POST's code and secret open, or the refusal to send (throttled, or no match: a 404)."""
    code = (request.POST.get("code") or "").strip()[:32]
    secret = (request.POST.get("secret") or "").strip()[:32]
    if throttled(request, "follow", code):
        return None, HttpResponse(_("Too many attempts. Try again in a few minutes."), status=429)
    dossier = Dossier.objects.filter(code=code).first()
    if dossier is None or not actions.secret_matches(dossier, secret):
        return None, HttpResponse(WrongSecret().message, status=404)
    return dossier, None


def citizen_file(request: HttpRequest, attachment_id: int) -> HttpResponse:
    """One of the citizen's own files, with the dossier's code and secret (POST, so the secret is in no URL)."""
    if request.method != "POST":
        raise Http404
    dossier, refusal = citizen_dossier(request)
    if refusal is not None or dossier is None:
        return refusal or HttpResponse(status=404)
    row = Attachment.objects.filter(pk=attachment_id, dossier=dossier).first()
    if row is None:
        raise Http404
    return attachment_response(row)


def citizen_document(request: HttpRequest, kind: str) -> HttpResponse:
    """One of the citizen's own dossier documents (receipt, supplement request, refusal, apology) as a PDF."""
    if request.method != "POST" or kind not in ("receipt", "supplement", "refusal", "apology", "result"):
        raise Http404
    dossier, refusal = citizen_dossier(request)
    if refusal is not None or dossier is None:
        return refusal or HttpResponse(status=404)
    try:
        content = documents.build(dossier, kind)
    except documents.MissingEvent:
        raise Http404 from None
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{dossier.code}-{kind}.pdf"'
    response["X-Content-Type-Options"] = "nosniff"
    return response
