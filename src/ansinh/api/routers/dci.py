"""DCI social-registry search: ``POST /registry/sync/search`` with ``idtype-value``, ``expression`` and
``predicate`` queries (``api.dci_query``) in a signed envelope (``api.dci_signature``).

Each query is read into one filter over the households the caller may see, starting from the same read as the
household search page (``registry.queries.search_households``); ``poverty_class`` and ``poverty_standard`` read
the official list (the open rows of ``review.models.PovertyStatus``). The ``total_count`` is therefore the page's
count for the same households, and the records are a page of that same filtered read.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.utils.translation import override
from ninja import Router

from ansinh.accounts.permissions import require
from ansinh.api import dci_query, dci_signature
from ansinh.api.errors import DciQueryInvalid, DciSignatureRefused
from ansinh.api.problems import error_responses
from ansinh.api.schemas.dci import ResponseEnvelope, SearchEnvelope, SearchRequest
from ansinh.api.security import ApiRequest
from ansinh.lib.errors import DomainError
from ansinh.registry import queries
from ansinh.registry.models import Household
from ansinh.review.models import PovertyStatus

router = Router(tags=["dci"])

# A refused signature is answered in the DCI envelope (header ``rjct`` with DCI's reason code), as JSON beside the
# problem documents the other 401s are.
_DCI_401 = {
    "responses": {
        401: {
            "description": "Not signed in (problem), or the envelope's signature refused (DCI envelope)",
            "content": {
                "application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}},
                "application/json": {"schema": {"$ref": "#/components/schemas/ResponseEnvelope"}},
            },
        }
    }
}


def query_tree(request: SearchRequest) -> Any:
    criteria = request.search_criteria
    if criteria.query_type == "predicate":
        if not isinstance(criteria.query, list):
            raise DciQueryInvalid(reason="a predicate query is a list of predicates")
        return dci_query.from_predicates(criteria.query)
    if isinstance(criteria.query, list):
        raise DciQueryInvalid(reason=f"an {criteria.query_type} query is an object")
    if criteria.query_type == "expression":
        return dci_query.from_expression(criteria.query)
    return dci_query.from_idtype(criteria.query)


def searched(user: Any, request: SearchRequest) -> QuerySet[Household]:
    """The households ``request`` finds among those ``user`` may see (the search page's read), by code."""
    tree = query_tree(request)
    return queries.search_households(user).filter(dci_query.to_q(tree)).order_by("code")


def _answer(user: Any, request: SearchRequest) -> dict[str, Any]:
    pagination = request.search_criteria.pagination
    qs = searched(user, request)
    total = qs.count()
    start = (pagination.page_number - 1) * pagination.page_size
    rows = list(qs[start : start + pagination.page_size])
    poverty: dict[int, dict[str, str]] = {}
    for household_id, standard, klass in (
        PovertyStatus.objects.current()
        .filter(household_id__in=[h.pk for h in rows])
        .values_list("household_id", "standard_id", "klass")
    ):
        poverty.setdefault(household_id, {})[standard] = klass
    records = [
        {
            "household_code": h.code,
            "ward_code": h.ward_id,
            "address": h.address,
            "area_type": h.area_type,
            "residence_type": h.residence_type,
            "status": h.status,
            "poverty": poverty.get(h.pk, {}),
        }
        for h in rows
    ]
    return {
        "reference_id": request.reference_id,
        "timestamp": timezone.now(),
        "status": "succ",
        "data": {"reg_records": records},
        "pagination": {"page_size": pagination.page_size, "page_number": pagination.page_number, "total_count": total},
        "locale": request.locale,
    }


def _header(body: SearchEnvelope | None, status: str, done: int, total: int, **more: Any) -> dict[str, Any]:
    return {
        "message_id": uuid.uuid4().hex,
        "message_ts": timezone.now(),
        "status": status,
        "total_count": total,
        "completed_count": done,
        "sender_id": "ansinh",
        "receiver_id": body.header.sender_id if body else "",
        **more,
    }


def _signature_refused(request: HttpRequest, body: SearchEnvelope, error: DciSignatureRefused) -> JsonResponse:
    answer = ResponseEnvelope.model_validate(
        {
            "header": _header(
                body,
                "rjct",
                0,
                len(body.message.search_request),
                status_reason_code=error.params["dci_code"],
                status_reason_message=error.message,
            ),
            "message": {
                "transaction_id": body.message.transaction_id,
                "correlation_id": body.header.message_id,
                "search_response": [],
            },
        }
    )
    return JsonResponse(answer.model_dump(mode="json"), status=401)


@router.post(
    "/registry/sync/search",
    response={200: ResponseEnvelope, **error_responses()},
    summary="DCI social-registry search (idtype-value, expression and predicate queries)",
    openapi_extra=_DCI_401,
)
def sync_search(request: ApiRequest, body: SearchEnvelope) -> Any:
    try:
        dci_signature.check(request, request.auth)
    except DciSignatureRefused as error:
        return _signature_refused(request, body, error)
    require(request.auth, "household", "view")
    answers = []
    for item in body.message.search_request:
        with override(item.locale):
            try:
                answers.append(_answer(request.auth, item))
            except DomainError as error:
                # An attribute, an operator or a query DCI's search cannot run: refused with DCI's reason code,
                # the text naming what was refused (``error.code`` says which, in ansinh's codes).
                answers.append(
                    {
                        "reference_id": item.reference_id,
                        "timestamp": timezone.now(),
                        "status": "rjct",
                        "status_reason_code": "rjct.search_criteria.invalid",
                        "status_reason_message": f"{error.code}: {error.message}",
                        "locale": item.locale,
                    }
                )
    succeeded = sum(1 for a in answers if a["status"] == "succ")
    status = "succ" if succeeded == len(answers) else "part" if succeeded else "rjct"
    return {
        "header": _header(body, status, succeeded, len(answers)),
        "message": {
            "transaction_id": body.message.transaction_id,
            "correlation_id": body.header.message_id,
            "search_response": answers,
        },
    }
