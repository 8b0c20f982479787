"""RFC 9457 problem details: the one exception handler of the API.

Every refusal is a ``lib.errors.DomainError`` (the domain's, or the API's own in ``api.errors``) answered as
``application/problem+json`` with its stable ``code``, a ``title`` and ``detail`` worded in the language the
request asked for (``Accept-Language``, read by Django's locale middleware: Vietnamese by default, English on
request) and, for invalid input, the fields at fault. Django's ``Http404`` and ``PermissionDenied`` (what the
scope and the actions raise) and ninja's own errors are turned into the same shape.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, Throttled
from ninja.errors import ValidationError as NinjaValidationError

from ansinh.accounts.errors import TokenAddressRefused, TokenRefused
from ansinh.api import errors
from ansinh.api.schemas.common import Problem, ProblemField
from ansinh.lib.errors import DomainError
from ansinh.registry.errors import ConcurrentEdit

CONTENT_TYPE = "application/problem+json"


def _titles() -> dict[int, str]:
    return {
        400: _("Bad request"),
        401: _("Not signed in"),
        403: _("Not allowed"),
        404: _("Not found"),
        409: _("Conflict"),
        410: _("Gone"),
        412: _("Changed since read"),
        422: _("Refused"),
        428: _("Precondition required"),
        429: _("Too many requests"),
    }


def status_of(error: DomainError) -> int:
    if isinstance(error, errors.ApiError):
        return error.status
    if isinstance(error, ConcurrentEdit):
        return 412
    if isinstance(error, TokenAddressRefused):
        return 403
    if isinstance(error, TokenRefused):
        return 401
    return 422  # the domain refuses a well-formed request (a rule, a lifecycle, a duplicate)


def problem(
    request: HttpRequest,
    error: DomainError,
    *,
    status: int | None = None,
    fields: list[ProblemField] | None = None,
    headers: dict[str, str] | None = None,
) -> HttpResponse:
    status = status or status_of(error)
    body = Problem(
        type=f"urn:ansinh:problem:{error.code}",
        title=_titles().get(status, _("Refused")),
        status=status,
        detail=error.message,
        code=error.code,
        instance=request.path,
        field=error.field,
        errors=fields or [],
    )
    response = HttpResponse(body.model_dump_json(), status=status, content_type=CONTENT_TYPE)
    response["Content-Language"] = get_language() or "vi"
    if isinstance(error, ConcurrentEdit):
        response["ETag"] = f'"{error.current.version}"'
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def _domain(request: HttpRequest, exc: Any) -> HttpResponse:
    headers = {}
    if isinstance(exc, errors.RateLimited):
        headers["Retry-After"] = str(exc.params["seconds"])
    if isinstance(exc, TokenRefused) and not isinstance(exc, TokenAddressRefused):
        headers["WWW-Authenticate"] = 'Bearer realm="ansinh"'
    return problem(request, exc, headers=headers)


def _validation(request: HttpRequest, exc: Any) -> HttpResponse:
    fields = []
    for item in exc.errors:
        loc = [str(part) for part in item.get("loc", ()) if part not in ("body", "query", "path", "header", "payload")]
        fields.append(
            ProblemField(field=".".join(loc), code=str(item.get("type", "invalid")), message=item.get("msg", ""))
        )
    return problem(request, errors.InvalidInput(), fields=fields)


def _http_error(request: HttpRequest, exc: Any) -> HttpResponse:
    if isinstance(exc, Throttled):
        return problem(request, errors.RateLimited(seconds=int(exc.wait or 1)))
    if isinstance(exc, AuthenticationError):
        return problem(request, errors.NotAuthenticated(), headers={"WWW-Authenticate": 'Bearer realm="ansinh"'})
    if exc.status_code == 403:
        return problem(request, errors.CsrfFailed() if "CSRF" in str(exc) else errors.Forbidden())
    return problem(request, errors.ApiError(str(exc)), status=exc.status_code)


def install(api: NinjaAPI) -> None:
    """Make every refusal of ``api`` a problem document."""

    def on_404(request: HttpRequest, exc: Any) -> HttpResponse:
        return problem(request, errors.NotFound())

    def on_403(request: HttpRequest, exc: Any) -> HttpResponse:
        return problem(request, errors.Forbidden())

    api.add_exception_handler(DomainError, _domain)
    api.add_exception_handler(NinjaValidationError, _validation)
    api.add_exception_handler(HttpError, _http_error)
    api.add_exception_handler(AuthenticationError, _http_error)
    api.add_exception_handler(Http404, on_404)
    api.add_exception_handler(PermissionDenied, on_403)


def error_responses(*codes: int) -> dict[int, Any]:
    """The problem responses an operation documents (every operation may answer 401, 403, 422 and 429)."""
    return {code: Problem for code in sorted({400, 401, 403, 422, 429, *codes})}
