"""Errors of the task mechanism: ``ansinh.lib.errors.DomainError`` with a stable code."""

from __future__ import annotations

from typing import Any, ClassVar

from ansinh.lib import lifecycle
from ansinh.lib.errors import DomainError


class TaskError(DomainError):
    code: ClassVar[str] = "task_error"


class IllegalTransition(lifecycle.IllegalTransition, TaskError):
    """A task status move the lifecycle map does not allow (``models.LIFECYCLE``)."""


class UnknownTaskKind(TaskError):
    code: ClassVar[str] = "unknown_task_kind"
    wording: ClassVar[Any] = "%(kind)s"

    def __init__(self, kind: str) -> None:
        super().__init__(kind=kind)


class Cancelled(TaskError):
    """Raised inside a running task at a checkpoint after someone asked to cancel it."""

    code: ClassVar[str] = "cancelled"
