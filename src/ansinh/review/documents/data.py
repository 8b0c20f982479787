"""What the review documents print: plain values, no ORM.

The views (or a task) fill these from the review's queries; the builders in ``pdf.py`` and ``xlsx.py``
only lay them out. Keeping the documents apart from the database makes them testable on their own and
lets a command or a batch job produce them from an extract.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Issuer:
    """The ward that issues a document."""

    province: str
    ward: str
    place: str = ""
    """The place name written before the date ("Bến Thành, ngày …"); defaults to the ward without its kind."""
    signer_name: str = ""

    @property
    def place_name(self) -> str:
        if self.place:
            return self.place
        for prefix in ("Phường ", "Xã ", "Đặc khu ", "Thị trấn "):
            if self.ward.startswith(prefix):
                return self.ward[len(prefix) :]
        return self.ward


@dataclass(frozen=True)
class ListRow:
    """One household on a list (provisional list, decision annex)."""

    code: str
    head_name: str
    address: str
    members: int
    klass: str
    previous_class: str = ""
    deprivations: int | None = None
    income_per_person: float | None = None
    changed: bool = False
    note: str = ""


@dataclass(frozen=True)
class VoteRow:
    """The meeting's agreement with one household's provisional result."""

    code: str
    head_name: str
    address: str
    klass: str
    present: int
    agree: int
    passed: bool


@dataclass(frozen=True)
class MeetingMinutes:
    issuer: Issuer
    year: int
    held_on: datetime.date
    place: str
    chaired_by: str
    present: int
    participants: list[str]
    votes: list[VoteRow]
    agreement_share: float
    secretary: str = ""


@dataclass(frozen=True)
class ProvisionalList:
    issuer: Issuer
    year: int
    standard: str
    """The standard's name as printed ("chuẩn nghèo đa chiều giai đoạn 2022–2025")."""
    rows: list[ListRow]
    start: datetime.date | None = None
    end: datetime.date | None = None
    places: str = ""
    printed_on: datetime.date | None = None


@dataclass(frozen=True)
class DecisionPart:
    """What the decision recognises under one standard: its article and its annex."""

    standard: str
    rows: list[ListRow]


@dataclass(frozen=True)
class DecisionDocument:
    """One decision with an article and an annex per standard (a household is counted once per standard)."""

    issuer: Issuer
    number: str
    date: datetime.date
    year: int
    parts: list[DecisionPart]


@dataclass(frozen=True)
class MemberRow:
    full_name: str
    relation: str
    sex: str
    date_of_birth: datetime.date | None
    id_number: str = ""


@dataclass(frozen=True)
class CertificateDocument:
    issuer: Issuer
    number: str
    klass: str
    """``poor`` or ``near_poor``."""
    year: int
    standard: str
    household_code: str
    head_name: str
    address: str
    decision_number: str
    decision_date: datetime.date
    issued_on: datetime.date
    members: list[MemberRow] = field(default_factory=list)
