"""What accounts write to the audit trail (``ansinh.audit.actions.AuditAction``)."""

from __future__ import annotations

from ansinh.audit.actions import AuditAction


class AccountsAudit(AuditAction):
    USER_CREATE = "user.create"
    USER_CHANGE = "user.change"
    USER_SUPERUSER = "user.superuser"
    USER_SUPERUSER_REVOKE = "user.superuser_revoke"
    TOKEN_CREATE = "api_token.create"  # noqa: S105 - an audit action name, not a secret
    TOKEN_REVOKE = "api_token.revoke"  # noqa: S105
    TOKEN_USE = "api_token.use"  # noqa: S105
    TOKEN_REFUSED = "api_token.refused"  # noqa: S105
    SIGNATURE_REFUSED = "api_token.signature_refused"


# Whether the account was created → what saving it is called; whether it is made a superuser → what that is called.
USER_SAVED = {True: AccountsAudit.USER_CREATE, False: AccountsAudit.USER_CHANGE}
SUPERUSER_SET = {True: AccountsAudit.USER_SUPERUSER, False: AccountsAudit.USER_SUPERUSER_REVOKE}
