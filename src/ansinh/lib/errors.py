"""The one base of the project's domain errors: a stable code with its parameters, worded only when shown.

An error is raised with its parameters; :attr:`DomainError.message` words it when read, in the language active
then (the request's in a view, ``LANGUAGE_CODE`` in a command or a worker), as ``imports.problems`` does for the
problems of an import's rows. A domain app gives its subclass a ``code`` (stable: pages, the API and stored
records may keep it; rename none) and a ``wording`` marked for translation with ``gettext_lazy``: the lazy
string is translated each time it is read, so this module imports no Django and the pure layers (``standards``,
``engine``) raise the same errors with plain English wording.

Older call sites still hand over a message already worded at raise time (``ReviewError(_("…"))``); that
message is shown as it is, the code and ``field`` stay available.

>>> class NoSuchWard(DomainError):
...     code = "no_such_ward"
...     wording = "The ward %(ward)s does not exist."
>>> error = NoSuchWard(ward="26734")
>>> error.code, error.params, error.message, str(error)
('no_such_ward', {'ward': '26734'}, 'The ward 26734 does not exist.', 'The ward 26734 does not exist.')
>>> DomainError("Already worded.", field="name").message
'Already worded.'
"""

from __future__ import annotations

from typing import Any, ClassVar


class DomainError(Exception):
    """Something the domain refuses, identified by ``code`` with its ``params``; ``field`` names the input it
    concerns, if any (a form shows the message beside it)."""

    code: ClassVar[str] = "domain_error"
    # English source, ``%(name)s`` placeholders filled from ``params``; a lazy translation in a Django app.
    # Empty: the error has no wording of its own (a signal such as a task's cancellation).
    wording: ClassVar[Any] = ""

    def __init__(self, message: Any = None, /, *, field: str | None = None, **params: Any) -> None:
        self.params: dict[str, Any] = params
        self.field = field
        self._worded = message
        super().__init__(message if message is not None else self.code)

    def wording_params(self) -> dict[str, Any]:
        """The values the wording's placeholders take (the parameters; a subclass may show them otherwise)."""
        return self.params

    @property
    def message(self) -> str:
        """The error worded in the active language (``str()`` of a lazy translation is read now)."""
        if self._worded is not None:
            return str(self._worded)
        return str(self.wording) % self.wording_params()

    def __str__(self) -> str:
        return self.message
