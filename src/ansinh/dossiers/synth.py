"""A synthetic year of dossiers for the demo city and the benchmark, built to given totals.

Written in bulk (two ``bulk_create`` calls), never through the per-dossier actions: the rows are those the
actions write (received, accepted with its appointment on the working clock, decided), so every report reads
them as it reads real ones. The department's 2023 review (dossiers reference §9) is the default: 33,104 dossiers
of which 32,454 were settled early or on time.
"""

from __future__ import annotations

import datetime as dt
import random
import secrets
from collections.abc import Sequence

from django.db import transaction

from ansinh.dossiers.models import Channel, Dossier, DossierEvent, EventKind, Status
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
) -> int:
    """Create ``total`` decided dossiers accepted in ``year`` across ``ward_codes``: the first
    ``early_or_on_time`` (in a shuffled order) decided by their appointment, the others after it. Returns the
    number created."""
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
                status=Status.DECIDED,
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
    DossierEvent.objects.bulk_create(events, batch_size=5000)
    return total
