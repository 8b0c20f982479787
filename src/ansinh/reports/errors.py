"""Errors the reports raise: ``ansinh.lib.errors.DomainError`` with a stable code, worded when shown."""

from __future__ import annotations

from typing import Any, ClassVar

from django.utils.translation import gettext_lazy as _

from ansinh.lib.errors import DomainError


class ReportError(DomainError):
    code: ClassVar[str] = "report_invalid"
    wording: ClassVar[Any] = _("This report cannot be made: %(reason)s.")


class StandardsMixed(ReportError):
    code: ClassVar[str] = "report_standards_mixed"
    wording: ClassVar[Any] = _(
        "Figures of different poverty standards cannot be added: choose one standard, or show the standards apart."
    )
