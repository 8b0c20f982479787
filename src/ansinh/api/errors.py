"""The API's own refusals (headers, keys, cursors, limits): domain errors with stable codes like every other, so
the one exception handler (``api.problems``) words them in the reader's language."""

from __future__ import annotations

from typing import Any, ClassVar

from django.utils.translation import gettext_lazy

from ansinh.lib.errors import DomainError


class ApiError(DomainError):
    code: ClassVar[str] = "api_error"
    status: ClassVar[int] = 400


class NotAuthenticated(ApiError):
    code: ClassVar[str] = "not_authenticated"
    status: ClassVar[int] = 401
    wording: ClassVar[Any] = gettext_lazy("Sign in, or send an API token (Authorization: Bearer …).")


class NotFound(ApiError):
    code: ClassVar[str] = "not_found"
    status: ClassVar[int] = 404
    wording: ClassVar[Any] = gettext_lazy("There is no such record, or it is outside your area.")


class Forbidden(ApiError):
    code: ClassVar[str] = "forbidden"
    status: ClassVar[int] = 403
    wording: ClassVar[Any] = gettext_lazy("Your role or token does not allow this.")


class CsrfFailed(ApiError):
    code: ClassVar[str] = "csrf_failed"
    status: ClassVar[int] = 403
    wording: ClassVar[Any] = gettext_lazy("A change from the browser needs the page's CSRF token (X-CSRFToken).")


class InvalidInput(ApiError):
    code: ClassVar[str] = "invalid_input"
    status: ClassVar[int] = 422
    wording: ClassVar[Any] = gettext_lazy("The request is not valid: see errors.")


class PreconditionRequired(ApiError):
    code: ClassVar[str] = "if_match_required"
    status: ClassVar[int] = 428
    wording: ClassVar[Any] = gettext_lazy(
        "A change needs If-Match with the record's current ETag; read the record first."
    )


class PreconditionFailed(ApiError):
    code: ClassVar[str] = "version_stale"
    status: ClassVar[int] = 412
    wording: ClassVar[Any] = gettext_lazy(
        "The record changed since you read it (now %(etag)s); read it again and re-apply your change."
    )


class IdempotencyKeyRequired(ApiError):
    code: ClassVar[str] = "idempotency_key_required"
    status: ClassVar[int] = 428
    wording: ClassVar[Any] = gettext_lazy("A creation needs an Idempotency-Key header (a new random key per object).")


class IdempotencyKeyReused(ApiError):
    code: ClassVar[str] = "idempotency_key_reused"
    status: ClassVar[int] = 422
    wording: ClassVar[Any] = gettext_lazy("This Idempotency-Key was already used for another request.")


class IdempotencyInProgress(ApiError):
    code: ClassVar[str] = "idempotency_in_progress"
    status: ClassVar[int] = 409
    wording: ClassVar[Any] = gettext_lazy("The first request with this Idempotency-Key is still running.")


class InvalidCursor(ApiError):
    code: ClassVar[str] = "invalid_cursor"
    status: ClassVar[int] = 400
    wording: ClassVar[Any] = gettext_lazy("The cursor is not valid; start again from the first page.")


class RateLimited(ApiError):
    code: ClassVar[str] = "rate_limited"
    status: ClassVar[int] = 429
    wording: ClassVar[Any] = gettext_lazy("Too many requests. Try again in %(seconds)d seconds.")


class DownloadExpired(ApiError):
    code: ClassVar[str] = "download_expired"
    status: ClassVar[int] = 410
    wording: ClassVar[Any] = gettext_lazy("This download link has expired or is not valid; ask for the export again.")


class DciAttributeUnsupported(ApiError):
    """A DCI search names an attribute ansinh does not search on (answered ``rjct.search_criteria.invalid``)."""

    code: ClassVar[str] = "dci_attribute_unsupported"
    status: ClassVar[int] = 422
    wording: ClassVar[Any] = gettext_lazy("The attribute %(attribute)s cannot be searched; these can: %(supported)s.")


class DciOperatorUnsupported(ApiError):
    code: ClassVar[str] = "dci_operator_unsupported"
    status: ClassVar[int] = 422
    wording: ClassVar[Any] = gettext_lazy(
        "The operator %(operator)s does not apply to %(attribute)s; these do: %(supported)s."
    )


class DciQueryInvalid(ApiError):
    code: ClassVar[str] = "dci_query_invalid"
    status: ClassVar[int] = 422
    wording: ClassVar[Any] = gettext_lazy("The search query is not valid: %(reason)s.")


class DciSignatureRefused(ApiError):
    """A DCI envelope whose signature is missing (where the token requires one), malformed, wrong or expired;
    ``dci_code`` is the DCI reason code the envelope answer carries."""

    code: ClassVar[str] = "dci_signature_refused"
    status: ClassVar[int] = 401
    wording: ClassVar[Any] = gettext_lazy("The message signature is refused: %(reason)s.")
