"""Errors of imports and exports, each with a stable code and a message for the user, translated when raised
(``gettext``: the language active then, the request's in a view, ``LANGUAGE_CODE`` in a command or worker)."""

from __future__ import annotations

from typing import Any


class ImportError_(Exception):
    code = "import_error"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class UnreadableFile(ImportError_):
    """The file is not what it claims, is damaged, too big or hostile: refused before any row is read.

    ``reason`` is one of ``notices.MESSAGES`` with its ``params``: the batch stores them, so that the refusal is
    worded in the reader's language (``ImportBatch.error_message``); ``message`` is its wording when raised."""

    code = "unreadable_file"

    def __init__(self, reason: str, **params: Any) -> None:
        from ansinh.imports.notices import word

        super().__init__(word(reason, params))
        self.reason = reason
        self.params = params


class IllegalBatchTransition(ImportError_):
    code = "illegal_batch_transition"


class NothingToCommit(ImportError_):
    code = "nothing_to_commit"


class UnsafeStagingPath(ImportError_):
    """A batch's directory does not resolve inside the staging root: it is never removed."""

    code = "unsafe_staging_path"
