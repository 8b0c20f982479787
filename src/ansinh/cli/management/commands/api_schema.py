"""``ansinh api-schema``: print the API's OpenAPI schema (``/api/v1/openapi.json``) as the snapshot test keeps it.

``ansinh api-schema > tests/api/openapi.json`` updates the snapshot after a deliberate change of the contract,
so that the change is a reviewed diff (``tests/api/test_openapi_snapshot.py``).
"""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand


def schema_text() -> str:
    from ansinh.api.urls import api

    return json.dumps(api.get_openapi_schema(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


class Command(BaseCommand):
    help = "Print the API's OpenAPI schema (the snapshot of tests/api/openapi.json)."

    def handle(self, *args: Any, **opts: Any) -> None:
        self.stdout.write(schema_text(), ending="")
