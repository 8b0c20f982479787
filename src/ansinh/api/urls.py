"""``/api/v1/``: one router per module, mounted here, one line each (``ROUTERS``).

A module that lands later adds its ``api/routers/<module>.py`` (a ``router``) and one line below. Every router
reads through the module's own scoped queries and writes through its actions; the one exception handler
(``api.problems``) answers every refusal as problem details; the schema is ``/api/v1/openapi.json`` and the
interactive documentation ``/api/v1/docs``, served from the project's own static files (no CDN).
"""

from __future__ import annotations

from typing import Any

from ninja import NinjaAPI, Router, Swagger

from ansinh.api import problems
from ansinh.api.routers import cases, dci, dossiers, meta, programs, registry, reports, review, units
from ansinh.api.security import AUTH

# (prefix, router): one line per module.
ROUTERS: list[tuple[str, Router]] = [
    ("/", meta.router),
    ("/units/", units.router),
    ("/registry/", registry.router),
    ("/", registry.download_router),
    ("/", dci.router),
    ("/review/", review.router),
    ("/programs/", programs.router),
    ("/dossiers/", dossiers.router),
    ("/reports/", reports.router),
    ("/cases/", cases.router),
]


class Api(NinjaAPI):
    def get_openapi_schema(self, *args: Any, **kwargs: Any) -> Any:
        """Problem documents are ``application/problem+json`` (RFC 9457), not plain JSON."""
        schema = super().get_openapi_schema(*args, **kwargs)
        for operations in schema.get("paths", {}).values():
            for operation in operations.values():
                for status, response in operation.get("responses", {}).items():
                    content = response.get("content") or {}
                    # (unless the operation declares its problem documents beside another JSON answer itself)
                    if int(status) >= 400 and "application/json" in content and problems.CONTENT_TYPE not in content:
                        response["content"] = {problems.CONTENT_TYPE: content.pop("application/json")}
        return schema


api = Api(
    title="ansinh API",
    version="1",
    description=(
        "REST API of ansinh (docs/api.md). Authenticate with an API token (Authorization: Bearer …) or the "
        "site's session. Changes need If-Match; creations need Idempotency-Key; errors are RFC 9457 problem "
        "details in the language of Accept-Language (vi, en)."
    ),
    urls_namespace="api-v1",
    auth=AUTH,
    docs=Swagger(settings={"persistAuthorization": False}),
    docs_url="/docs",
    openapi_url="/openapi.json",
)
problems.install(api)
for prefix, router in ROUTERS:
    api.add_router(prefix, router)

urlpatterns = api.urls[0]
