from __future__ import annotations

import uuid
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from ansinh.audit import context


class RequestContextMiddleware:
    """Gives every web request an id (echoed as ``X-Request-ID``) that its audit events carry."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request_id = uuid.uuid4().hex
        source = "api" if request.path.startswith("/api/") else "web"
        token = context.current.set(
            context.RequestContext(
                request_id=request_id, ip_address=context.request_client_address(request), source=source
            )
        )
        try:
            response = self.get_response(request)
        finally:
            context.current.reset(token)
        response.headers["X-Request-ID"] = request_id
        return response
