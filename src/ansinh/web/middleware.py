"""Security headers that Django's SecurityMiddleware does not set, and Vietnamese as the default language."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse


def _admin_policy(policy: str) -> str:
    # Django's admin ships inline scripts and styles in a few widgets; it is only for administrators.
    return policy.replace("script-src 'self'", "script-src 'self' 'unsafe-inline'").replace(
        "style-src 'self'", "style-src 'self' 'unsafe-inline'"
    )


class SecurityHeadersMiddleware:
    """Adds a content security policy without inline scripts, and a permissions policy.

    It also makes Vietnamese the language of every page unless the user chose another one with the
    language switch (the ``django_language`` cookie): officers' browsers are often set to English, and
    the system is Vietnamese first. The API (``/api/``) keeps the caller's ``Accept-Language``. It must stay
    before ``LocaleMiddleware`` (it is, in settings).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        # Other systems choose the language of the API's problem details with Accept-Language (docs/api.md).
        if settings.LANGUAGE_COOKIE_NAME not in request.COOKIES and not request.path.startswith("/api/"):
            request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
        response = self.get_response(request)
        policy = settings.CONTENT_SECURITY_POLICY
        if request.path.startswith("/admin/"):
            policy = _admin_policy(policy)
        response.headers.setdefault("Content-Security-Policy", policy)
        response.headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        # A request refused before authentication (a foreign Host header: 400) has no user.
        user = getattr(request, "user", None)
        signed_in = bool(user is not None and user.is_authenticated)
        response.headers.setdefault("Cache-Control", "no-store" if signed_in else "private")
        return response


class ControlCharactersMiddleware:
    """The one place text enters the web: a form field or query parameter holding a control character (NUL,
    ESC, …; ``lib.text.control_character``) is refused with 400 and a page naming the field and the character,
    before any view reads it. Nothing is written; the browser's Back button returns to the filled-in form.

    Every form, the admin and the views that read ``request.POST`` directly are covered alike; uploaded files
    are not text here (an import refuses such a cell by row and column, a survey workbook by row and field).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        found = _control_characters(request)
        if found and request.path.startswith("/api/"):
            return _control_problem(request, found)
        if found:
            from django.shortcuts import render

            return render(request, "web/control_characters.html", {"fields": found}, status=400)
        return self.get_response(request)


def _control_problem(request: HttpRequest, found: list[dict[str, str]]) -> HttpResponse:
    """The same refusal for other systems: RFC 9457 problem details, as every API error (docs/api.md)."""
    import json

    from django.utils.translation import gettext as _

    title = _("A control character cannot be saved")
    body = {
        "type": "urn:ansinh:problem:control_character",
        "title": title,
        "status": 400,
        "detail": title,
        "code": "control_character",
        "instance": request.path,
        "field": found[0]["field"],
        "errors": [
            {
                "field": f["field"],
                "code": "control_character",
                "message": _("Field “%(field)s”: the control character %(character)s in “%(value)s”.") % f,
            }
            for f in found
        ],
    }
    return HttpResponse(json.dumps(body, ensure_ascii=False), status=400, content_type="application/problem+json")


class _Fields:
    """A JSON body's texts as ``(path, [value])`` pairs, the shape ``QueryDict.lists()`` gives."""

    def __init__(self, pairs: list[tuple[str, list[str]]]) -> None:
        self.pairs = pairs

    def lists(self) -> list[tuple[str, list[str]]]:
        return self.pairs


def _json_fields(request: HttpRequest) -> _Fields:
    """Every key and text of a JSON body (the API's), named by its path (``members.0.full_name``)."""
    import json

    try:
        data = json.loads(request.body or b"null")
    except Exception:  # unreadable or too large: the view answers that
        return _Fields([])
    pairs: list[tuple[str, list[str]]] = []

    def walk(value: object, path: str) -> None:
        if isinstance(value, str):
            pairs.append((path or "body", [value]))
        elif isinstance(value, dict):
            for key, item in value.items():
                walk(item, f"{path}.{key}" if path else str(key))
                pairs.append((str(key), []))
        elif isinstance(value, list):
            for i, item in enumerate(value):
                walk(item, f"{path}.{i}" if path else str(i))

    walk(data, "")
    return _Fields(pairs)


def _control_characters(request: HttpRequest) -> list[dict[str, str]]:
    from ansinh.lib.text import control_character, visible_controls

    found = []
    sources: list[Any] = [request.GET]
    if request.method == "POST":
        sources.append(request.POST)
    if request.content_type == "application/json" and request.method in ("POST", "PUT", "PATCH"):
        sources.append(_json_fields(request))
    for source in sources:
        for name, values in source.lists():
            for value in [name, *values]:
                character = control_character(value)
                if character:
                    secret = any(word in name.lower() for word in ("password", "secret", "token"))
                    shown = "…" if secret else visible_controls(value)[:200]
                    found.append({"field": visible_controls(name), "character": character, "value": shown})
                    break
    return found
