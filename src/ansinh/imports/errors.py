"""Errors of imports and exports: ``ansinh.lib.errors.DomainError`` with a stable code, worded in the language
active when the message is read (the request's in a view, ``LANGUAGE_CODE`` in a command or worker); older
call sites word theirs when raising (``gettext``)."""

from __future__ import annotations

from typing import Any, ClassVar

from django.utils.translation import gettext_lazy

from ansinh.lib import lifecycle
from ansinh.lib.errors import DomainError


class ImportError_(DomainError):
    code: ClassVar[str] = "import_error"


class UnreadableFile(ImportError_):
    """The file is not what it claims, is damaged, too big or hostile: refused before any row is read.

    ``reason`` is one of ``notices.MESSAGES`` with its ``params``: the batch stores them, so that the refusal is
    worded in the reader's language (``ImportBatch.error_message``), as is ``message`` whenever it is read."""

    code: ClassVar[str] = "unreadable_file"

    def __init__(self, reason: str, **params: Any) -> None:
        super().__init__(**params)
        self.reason = reason

    @property
    def message(self) -> str:
        from ansinh.imports.notices import word

        return word(self.reason, self.params)


class IllegalTransition(lifecycle.IllegalTransition, ImportError_):
    """A batch status move the lifecycle map does not allow (``models.LIFECYCLE``), or a step its status refuses
    (worded by the caller); the statuses are shown by their labels."""

    wording: ClassVar[Any] = gettext_lazy("The import cannot move from “%(old)s” to “%(new)s”.")

    def wording_params(self) -> dict[str, Any]:
        from ansinh.imports.models import BatchStatus

        return {"old": BatchStatus(self.params["old"]).label, "new": BatchStatus(self.params["new"]).label}


class NothingToCommit(ImportError_):
    code: ClassVar[str] = "nothing_to_commit"


class UnsafeStagingPath(ImportError_):
    """A batch's directory does not resolve inside the staging root: it is never removed."""

    code: ClassVar[str] = "unsafe_staging_path"


class RegistryBusy(ImportError_):
    """SQLite: a commit holds the only write lock until it ends; asking it to stop must wait."""

    code: ClassVar[str] = "registry_busy"
    wording: ClassVar[Any] = gettext_lazy("The registry is being written; try again in a few seconds.")
