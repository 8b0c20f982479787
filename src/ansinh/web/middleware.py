"""Security headers that Django's SecurityMiddleware does not set, and Vietnamese as the default language."""

from __future__ import annotations

from collections.abc import Callable

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
