"""A synthetic year of dossiers for the demo city and the benchmark, built to given totals.

Written in bulk (two ``bulk_create`` calls, then the summary of the event times derived set-based), never through
the per-dossier actions: the rows are those the actions write (received, accepted with its appointment on the
working clock, decided), so every report reads them as it reads real ones. The department's 2023 review
(dossiers reference §9) is the default: 33,104 dossiers of which 32,454 were settled early or on time.
"""

from __future__ import annotations

import datetime as dt
import random
import secrets
from collections.abc import Sequence

from django.db import transaction

from ansinh.dossiers import summary
from ansinh.dossiers.models import (
    Channel,
    Dossier,
    DossierEvent,
    EventKind,
    Feedback,
    FeedbackEvent,
    FeedbackStatus,
    Rating,
    Status,
)
from ansinh.dossiers.procedures import aware, clock, procedure


@transaction.atomic
def build_year(
    ward_codes: Sequence[str],
    *,
    year: int = 2023,
    total: int = 33_104,
    early_or_on_time: int = 32_454,
    procedure_code: str = "poverty_certificate",
    seed: int = 2023,
    returned: bool = False,
) -> int:
    """Create ``total`` decided dossiers accepted in ``year`` across ``ward_codes``: the first
    ``early_or_on_time`` (in a shuffled order) decided by their appointment, the others after it (``returned``:
    each result also returned at its decision). Returns the number created."""
    rng = random.Random(seed)
    first = dt.date(year, 1, 2)
    proc = procedure(procedure_code, first)
    limit = proc.limit_working_days or 5
    work = clock(first, 400)
    day_seconds = work.day_seconds(first)
    late = set(rng.sample(range(total), total - early_or_on_time))
    channels = [Channel.ONLINE, Channel.COUNTER, Channel.POST]
    prefix = secrets.token_hex(3)
    dossiers, plans = [], []
    for i in range(total):
        start = work.start(
            dt.datetime.combine(first + dt.timedelta(days=rng.randrange(0, 330)), dt.time(7 + rng.randrange(0, 10)))
        )
        due = work.add(start, limit * day_seconds)
        if i in late:
            decided = work.add(due, day_seconds * rng.randint(1, 3))
        else:
            decided = work.add(start, rng.randrange(1, limit * day_seconds))
        ward = ward_codes[i % len(ward_codes)]
        dossiers.append(
            Dossier(
                code=f"S{year}-{prefix}-{i:07d}",
                secret_hash="",
                procedure=proc.code,
                ward_id=ward,
                receiving_ward_id=ward,
                channel=channels[rng.randrange(0, 3)],
                status=Status.RETURNED if returned else Status.DECIDED,
                applicant_name="Người nộp (dữ liệu mẫu)",
                documents=sorted(proc.documents),
                received_at=aware(start),
            )
        )
        plans.append((aware(start), aware(due), aware(decided)))
    Dossier.objects.bulk_create(dossiers, batch_size=2000)
    events = []
    for dossier, (start, due, decided) in zip(dossiers, plans, strict=True):
        events += [
            DossierEvent(dossier=dossier, seq=1, kind=EventKind.RECEIVED, status=Status.RECEIVED, at=start),
            DossierEvent(
                dossier=dossier, seq=2, kind=EventKind.ACCEPTED, status=Status.ACCEPTED, at=start, appointment=due
            ),
            DossierEvent(dossier=dossier, seq=3, kind=EventKind.DECIDED, status=Status.DECIDED, at=decided),
        ]
        if returned:
            events.append(
                DossierEvent(dossier=dossier, seq=4, kind=EventKind.RETURNED, status=Status.RETURNED, at=decided)
            )
    DossierEvent.objects.bulk_create(events, batch_size=5000)
    ids = [d.pk for d in dossiers]
    if ids:
        summary.refresh_range(min(ids), max(ids))  # set-based, as the actions derive it one dossier at a time
    return total


@transaction.atomic
def build_ratings(year: int, *, share: float = 0.25, satisfied: float = 0.9966, seed: int = 2023) -> int:
    """Rate ``share`` of the returned dossiers of ``year`` once each, ``satisfied`` of them at the two top levels
    (the 2023 review's 99.66 %), the others dissatisfied; each rating a day after the return. Returns how many."""
    rng = random.Random(seed)
    returned = list(DossierEvent.objects.filter(kind=EventKind.RETURNED, at__year=year).values_list("dossier_id", "at"))
    chosen = rng.sample(returned, round(len(returned) * share))
    unhappy = set(rng.sample(range(len(chosen)), round(len(chosen) * (1 - satisfied))))
    ratings = [
        Rating(
            dossier_id=dossier_id,
            level=2 if i in unhappy else rng.choice((4, 5, 5)),
            criteria={str(c): (0 if i in unhappy else 2) for c in range(1, 12)},
            at=at + dt.timedelta(days=1),
        )
        for i, (dossier_id, at) in enumerate(chosen)
    ]
    Rating.objects.bulk_create(ratings, batch_size=2000)
    return len(ratings)


@transaction.atomic
def build_feedback(
    ward_codes: Sequence[str], *, year: int, total: int = 129, redirected: int = 6, seed: int = 2023
) -> int:
    """``total`` feedback items on regulations in ``year``, every one answered within its deadline and published
    (the 2023 review's 129 of 129), plus ``redirected`` complaints sent to their own procedure. Returns how many."""
    from ansinh.dossiers.feedback import deadlines

    rng = random.Random(seed)
    subjects = (
        "Thủ tục cấp giấy chứng nhận hộ nghèo",
        "Hồ sơ trợ cấp xã hội hằng tháng",
        "Thời hạn rà soát hộ nghèo thường xuyên",
        "Giấy tờ chứng minh người có công",
    )
    items, plans = [], []
    for i in range(total + redirected):
        ward = ward_codes[i % len(ward_codes)]
        start = dt.datetime.combine(dt.date(year, 1, 3), dt.time(8))
        at = aware(start + dt.timedelta(days=rng.randrange(0, 330), hours=rng.randrange(0, 8)))
        due = deadlines(at)
        items.append(
            Feedback(
                code=f"PA-S{year}-{i:05d}",
                secret_hash="",
                ward_id=ward,
                sender_name="Người gửi (dữ liệu mẫu)",
                subject=subjects[i % len(subjects)],
                content="Đề nghị đơn giản hóa thành phần hồ sơ.",
                kind="complaint" if i >= total else ("feedback" if i % 3 else "petition"),
                status=FeedbackStatus.REDIRECTED if i >= total else FeedbackStatus.PUBLISHED,
                answer="" if i >= total else "Đơn vị đã tiếp thu và sửa đổi hướng dẫn.",
                received_at=at,
                answer_due=due["answered"],
            )
        )
        plans.append((at, due))
    Feedback.objects.bulk_create(items)
    events = []
    for item, (at, due) in zip(items, plans, strict=True):
        steps = [("received", FeedbackStatus.RECEIVED, at)]
        if item.status == FeedbackStatus.REDIRECTED:
            steps.append(("redirected", FeedbackStatus.REDIRECTED, at + dt.timedelta(days=1)))
        else:
            steps += [
                ("classified", FeedbackStatus.CLASSIFIED, at + dt.timedelta(days=1)),
                ("answered", FeedbackStatus.ANSWERED, min(due["answered"], at + dt.timedelta(days=10))),
                ("published", FeedbackStatus.PUBLISHED, min(due["answered"], at + dt.timedelta(days=10))),
            ]
        events += [
            FeedbackEvent(feedback=item, seq=n, kind=kind, status=status, at=when,
                          note="Chuyển theo Luật Khiếu nại" if kind == "redirected" else "")
            for n, (kind, status, when) in enumerate(steps, start=1)
        ]  # fmt: skip
    FeedbackEvent.objects.bulk_create(events, batch_size=2000)
    return len(items)
