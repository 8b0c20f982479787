"""Lifecycles as data: an allowed-transitions map, one error for an illegal move, one event per move.

A domain app declares its statuses (a ``TextChoices``) and a :class:`Lifecycle` over them; its mover (the
function that changes a record's status) asks :meth:`Lifecycle.move`, which refuses an illegal move with
:class:`IllegalTransition` (the one name for it, whatever the record) and otherwise returns the :class:`Move`
that the mover records as its event: a ``RoundEvent`` row, an audit entry. Every move is also logged
(``ansinh.lifecycle``), so a status change that has no table of its own (a background task) leaves a trace.
Nothing here reads the database or imports Django.

>>> batch = Lifecycle("import", {"uploaded": ("validating",), "validating": ("validated",), "validated": ()})
>>> batch.move(7, "uploaded", "validating")
Move(what='import', subject=7, old='uploaded', new='validating')
>>> batch.move(7, "validated", "uploaded")
Traceback (most recent call last):
...
ansinh.lib.lifecycle.IllegalTransition: import cannot move from validated to uploaded.
>>> batch.sources("validated")
('validating',)
"""

from __future__ import annotations

import logging
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar

from ansinh.lib.errors import DomainError

log = logging.getLogger("ansinh.lifecycle")


class IllegalTransition(DomainError):
    """A status move the lifecycle's map does not allow. ``params``: ``what`` (the record's kind), ``old``,
    ``new`` (status codes). A domain app words it its own way in a subclass (status labels, for instance)."""

    code: ClassVar[str] = "illegal_transition"
    wording: ClassVar[Any] = "%(what)s cannot move from %(old)s to %(new)s."

    def __init__(self, what: Any, old: str, new: str, message: Any = None) -> None:
        super().__init__(message, what=what, old=old, new=new)

    @property
    def from_status(self) -> str:
        return str(self.params["old"])

    @property
    def to_status(self) -> str:
        return str(self.params["new"])


@dataclass(frozen=True)
class Move:
    """One allowed move of one record: the event its mover writes."""

    what: str
    subject: Any
    old: str
    new: str


@dataclass(frozen=True)
class Lifecycle:
    """The statuses of one kind of record (``what``) and the moves allowed between them.

    ``transitions`` maps every status to the statuses it may move to (a final status maps to nothing); every
    target must itself be a status of the map. ``error`` is the ``IllegalTransition`` subclass raised (its
    wording); ``label`` names the record in that error (``what`` when not given; may be a lazy translation)."""

    what: str
    transitions: Mapping[str, Collection[str]]
    error: type[IllegalTransition] = IllegalTransition
    label: Any = None
    _next: Mapping[str, tuple[str, ...]] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        nexts = {str(old): tuple(str(n) for n in news) for old, news in self.transitions.items()}
        unknown = sorted({n for news in nexts.values() for n in news} - set(nexts))
        if unknown:
            raise ValueError(f"{self.what}: moves to statuses the map does not list: {', '.join(unknown)}")
        object.__setattr__(self, "_next", nexts)

    @property
    def statuses(self) -> tuple[str, ...]:
        return tuple(self._next)

    def next(self, old: str) -> tuple[str, ...]:
        """The statuses a record in ``old`` may move to."""
        return self._next[str(old)]

    def allows(self, old: str, new: str) -> bool:
        return str(new) in self._next.get(str(old), ())

    def sources(self, new: str) -> tuple[str, ...]:
        """The statuses from which a record may move to ``new``."""
        return tuple(old for old, news in self._next.items() if str(new) in news)

    def final(self, status: str) -> bool:
        return not self._next[str(status)]

    def check(self, old: str, new: str) -> None:
        """Refuse a move the map does not allow."""
        if not self.allows(old, new):
            raise self.error(self.what if self.label is None else self.label, str(old), str(new))

    def move(self, subject: Any, old: str, new: str) -> Move:
        """Check the move of ``subject`` (its id, or the record) and return the event to record."""
        self.check(old, new)
        log.info("%s %s: %s -> %s", self.what, getattr(subject, "pk", subject), old, new)
        return Move(self.what, subject, str(old), str(new))
