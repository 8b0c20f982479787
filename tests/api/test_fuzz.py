"""A property-based run of the whole schema (schemathesis, in process through the WSGI application): no server
error and no response outside the schema (status codes, content types, bodies), for every operation.

Kept small here (``API_FUZZ_EXAMPLES``, 5 per operation by default); the run outside the repository uses
thousands: ``API_FUZZ_EXAMPLES=2000 pytest tests/api/test_fuzz.py``.
"""

from __future__ import annotations

import os
import uuid
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis import checks

from ansinh.config.wsgi import application

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)
EXAMPLES = int(os.environ.get("API_FUZZ_EXAMPLES", "5"))
CHECKS = [
    checks.not_a_server_error,
    checks.status_code_conformance,
    checks.content_type_conformance,
    checks.response_schema_conformance,
]


@pytest.fixture(autouse=True)
def _keep_the_test_connection() -> Any:
    """Called through the WSGI application, each request's end would close the database connection that holds
    the test's transaction (on PostgreSQL); Django's test client keeps it open the same way."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def fuzz_token(make_token: Any, officer: Any, ward_a: Any, family: Any, settings: Any) -> str:
    from tests.api.conftest import OFFICER_GRANTS

    settings.API_RATE_LIMIT = settings.API_ADDRESS_RATE_LIMIT = 10**9
    return str(make_token(officer, OFFICER_GRANTS, wards=[ward_a])[1])


@pytest.mark.slow
@pytest.mark.django_db
@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.filter_too_much],
)
def test_every_operation_answers_within_its_schema(case: Any, fuzz_token: str) -> None:
    headers = {
        "Authorization": f"Bearer {fuzz_token}",
        "Idempotency-Key": uuid.uuid4().hex,
        "If-Match": '"1"',
        "Accept-Language": "en",
    }
    case.call_and_validate(headers=headers, checks=CHECKS)
