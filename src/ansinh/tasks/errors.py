"""Errors of the task mechanism, each with a stable code."""

from __future__ import annotations


class TaskError(Exception):
    code = "task_error"


class IllegalTransition(TaskError):
    code = "illegal_transition"


class UnknownTaskKind(TaskError):
    code = "unknown_task_kind"


class Cancelled(TaskError):
    """Raised inside a running task at a checkpoint after someone asked to cancel it."""

    code = "cancelled"
