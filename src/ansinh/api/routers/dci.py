"""DCI social-registry search: ``POST /registry/sync/search`` with predicate queries.

Each predicate is read into a filter over the households the caller may see, starting from the same read as the
household search page (``registry.queries.search_households``); ``poverty_class`` and ``poverty_standard`` read
the official list (the open rows of ``review.models.PovertyStatus``). The ``total_count`` is therefore the page's count
for the same households.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import override
from ninja import Router

from ansinh.accounts.permissions import require
from ansinh.api.problems import error_responses
from ansinh.api.schemas.dci import Expression, ResponseEnvelope, SearchEnvelope, SearchRequest
from ansinh.api.security import ApiRequest
from ansinh.lib.errors import DomainError
from ansinh.registry import queries
from ansinh.registry.models import Household
from ansinh.review.models import PovertyStatus

router = Router(tags=["dci"])

_FIELDS = {
    "ward_code": "ward_id",
    "household_code": "code",
    "area_type": "area_type",
    "residence_type": "residence_type",
    "status": "status",
}


def _values(expr: Expression) -> list[str]:
    return expr.attribute_value if isinstance(expr.attribute_value, list) else [expr.attribute_value]


def _q(expr: Expression) -> Q:
    values = _values(expr)
    field = _FIELDS.get(expr.attribute_name)
    if field is not None:
        q = Q(**{f"{field}__in": values})
    else:
        return Q()  # the poverty attributes are read together, below
    return ~q if expr.operator == "ne" else q


def _poverty(expressions: list[Expression]) -> Q:
    """The official-list part of a search: the households whose open status matches every poverty expression."""
    classes = [e for e in expressions if e.attribute_name == "poverty_class"]
    standards = [e for e in expressions if e.attribute_name == "poverty_standard"]
    if not classes and not standards:
        return Q()
    statuses = PovertyStatus.objects.current()
    for expr in classes:
        statuses = (statuses.exclude if expr.operator == "ne" else statuses.filter)(klass__in=_values(expr))
    for expr in standards:
        statuses = (statuses.exclude if expr.operator == "ne" else statuses.filter)(standard_id__in=_values(expr))
    return Q(pk__in=statuses.values("household_id"))


def searched(user: Any, request: SearchRequest) -> QuerySet[Household]:
    expressions = [e for p in request.search_criteria.query for e in (p.expression1, p.expression2) if e is not None]
    qs = queries.search_households(user)
    for expr in expressions:
        qs = qs.filter(_q(expr))
    return qs.filter(_poverty(expressions)).order_by("code")


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


@router.post(
    "/registry/sync/search",
    response={200: ResponseEnvelope, **error_responses()},
    summary="DCI social-registry search (predicate queries)",
)
def sync_search(request: ApiRequest, body: SearchEnvelope) -> Any:
    require(request.auth, "household", "view")
    answers = []
    for item in body.message.search_request:
        with override(item.locale):
            try:
                answers.append(_answer(request.auth, item))
            except DomainError as error:
                answers.append(
                    {
                        "reference_id": item.reference_id,
                        "timestamp": timezone.now(),
                        "status": "rjct",
                        "status_reason_code": error.code,
                        "status_reason_message": error.message,
                        "locale": item.locale,
                    }
                )
    succeeded = sum(1 for a in answers if a["status"] == "succ")
    return {
        "header": {
            "message_id": uuid.uuid4().hex,
            "message_ts": timezone.now(),
            "status": "succ" if succeeded == len(answers) else "part" if succeeded else "rjct",
            "total_count": len(answers),
            "completed_count": succeeded,
            "sender_id": "ansinh",
            "receiver_id": body.header.sender_id,
        },
        "message": {
            "transaction_id": body.message.transaction_id,
            "correlation_id": body.header.message_id,
            "search_response": answers,
        },
    }
