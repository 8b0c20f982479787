"""Refusals of the accounts: API tokens (``accounts.tokens``) and their idempotency records."""

from __future__ import annotations

from typing import Any, ClassVar

from django.utils.translation import gettext_lazy

from ansinh.lib.errors import DomainError


class TokenRefused(DomainError):
    """A token that does not let the request in; the API answers 401 (403 for the address)."""

    code: ClassVar[str] = "token_invalid"
    wording: ClassVar[Any] = gettext_lazy("The API token is not valid.")


class TokenExpired(TokenRefused):
    code: ClassVar[str] = "token_expired"
    wording: ClassVar[Any] = gettext_lazy("The API token is outside its validity dates.")


class TokenRevoked(TokenRefused):
    code: ClassVar[str] = "token_revoked"
    wording: ClassVar[Any] = gettext_lazy("The API token was revoked.")


class TokenAddressRefused(TokenRefused):
    code: ClassVar[str] = "token_address_refused"
    wording: ClassVar[Any] = gettext_lazy("The API token may not be used from the address %(address)s.")


class TokenGrantRefused(DomainError):
    """A grant the owner's role does not hold, or an area outside the owner's: refused when the token is made."""

    code: ClassVar[str] = "token_grant_refused"
    wording: ClassVar[Any] = gettext_lazy("The token cannot be given %(grant)s: its owner may not do it.")


class TokenSetupInvalid(DomainError):
    code: ClassVar[str] = "token_setup_invalid"
    wording: ClassVar[Any] = gettext_lazy("The token cannot be made: %(reason)s")
