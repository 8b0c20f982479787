"""The per-dossier summary of the event times is always what its events say, whatever path the dossier took, and
nothing but its one derivation writes it."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ansinh.dossiers import actions as a
from ansinh.dossiers import summary
from ansinh.dossiers.models import Dossier, DossierEvent, DossierSummary
from ansinh.dossiers.queries import current_appointment
from ansinh.dossiers.reports import period_report
from ansinh.lib.errors import DomainError

from .conftest import at

SRC = Path(summary.__file__).resolve().parents[1]
FIELDS = ["ward_id", "procedure", "channel", "received_at", *summary.COLUMNS]


def expected(dossier: Dossier) -> dict[str, Any]:
    """The summary recomputed in Python from the dossier's events, independently of the SQL derivation."""
    events = list(DossierEvent.objects.filter(dossier=dossier).order_by("seq"))

    def first(*kinds: str) -> dt.datetime | None:
        return next((e.at for e in events if e.kind in kinds), None)

    set_due = [e for e in events if e.appointment is not None]
    ended, due = first("decided", "withdrawn"), set_due[-1].appointment if set_due else None
    return {
        "ward_id": dossier.ward_id,
        "procedure": dossier.procedure,
        "channel": dossier.channel,
        "received_at": dossier.received_at,
        "accepted_at": first("accepted"),
        "ended_at": first("decided", "withdrawn"),
        "decided_at": first("decided"),
        "returned_at": first("returned"),
        "withdrawn_at": first("withdrawn"),
        "stopped_at": first("stopped"),
        "refused_at": first("refused"),
        "corrected_at": first("corrected"),
        "paused_seconds": sum(int(e.data.get("paused_working_seconds", 0)) for e in events),
        "files": sum(int(e.data.get("files", 0)) for e in events if e.kind == "received"),
        "ended_on": timezone.localtime(ended).date() if ended else None,
        "due": due,
        "due_on": timezone.localtime(due).date() if due else None,
        "due_set_at": set_due[-1].at if set_due else None,
        "last_status": events[-1].status,
        "last_at": events[-1].at,
        "last_seq": events[-1].seq,
    }


def stored(dossier: Dossier) -> dict[str, Any]:
    return dict(DossierSummary.objects.filter(dossier=dossier).values(*FIELDS).get())


def _step(officer: Any, d: Dossier, choice: int, when: dt.datetime) -> None:
    """One move the dossier's status allows, picked by ``choice``; a refused move (a late return without an
    apology, say) is part of the walk: it must leave the summary as it was."""
    d.refresh_from_db()
    moves: dict[str, list[Any]] = {
        "received": [
            lambda: a.do_accept_dossier(actor=officer, dossier=d, at=when),
            lambda: a.do_refuse_dossier(actor=officer, dossier=d, reason="Không thuộc thẩm quyền", at=when),
            lambda: a.do_withdraw_dossier(actor=officer, dossier=d, reason="rút", at=when),
        ],
        "accepted": [],
        "processing": [],
        "supplement": [
            lambda: a.do_receive_supplement(actor=officer, dossier=d, at=when),
            lambda: a.do_stop_dossier(actor=officer, dossier=d, reason="dừng", at=when),
        ],
        "decided": [
            lambda: a.do_return_dossier(actor=officer, dossier=d, at=when),
            lambda: a.do_send_apology(
                actor=officer,
                dossier=d,
                reason="Chờ xác minh",
                new_date=(current_appointment(d) + dt.timedelta(days=3)).date(),
                sent_by="sms",
                at=when,
            ),
        ],
    }
    working = [
        lambda: a.do_hand_off_dossier(actor=officer, dossier=d, unit="Phòng Văn hóa - Xã hội", at=when),
        lambda: a.do_request_supplement(actor=officer, dossier=d, reason="Thiếu giấy tờ", at=when),
        lambda: a.do_decide_dossier(actor=officer, dossier=d, result="Cấp giấy chứng nhận", at=when),
        lambda: a.do_withdraw_dossier(actor=officer, dossier=d, reason="rút", at=when),
        lambda: a.do_stop_dossier(actor=officer, dossier=d, reason="dừng", at=when),
        lambda: a.do_correct_dossier(
            actor=officer, dossier=d, appointment=when + dt.timedelta(days=9), reason="Nhập nhầm thời hạn", at=when
        ),
    ]
    moves["accepted"] = moves["processing"] = working
    options = moves.get(d.status, [])
    if not options:
        return
    try:
        options[choice % len(options)]()
    except DomainError:
        pass


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    walk=st.lists(st.tuples(st.integers(0, 11), st.integers(0, 120)), min_size=1, max_size=9),
    hour=st.sampled_from([8, 11, 12, 16, 18]),
    channel=st.sampled_from(["online", "counter", "post"]),
    with_file=st.booleans(),
)
def test_the_summary_always_equals_a_recomputation_from_the_events(
    officer: Any,
    receive: Any,
    settings: Any,
    tmp_path: Path,
    walk: list[tuple[int, int]],
    hour: int,
    channel: str,
    with_file: bool,
) -> None:
    from ansinh.dossiers.attachments import check

    settings.DOSSIER_FILES_DIR = tmp_path / "files"
    uploads = [check("request", "don.pdf", b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")] if with_file else []
    with transaction.atomic():
        when = at(2026, 3, 6, hour, 30)
        d = receive(when, accept=False, channel=channel, uploads=uploads)
        assert stored(d) == expected(d)
        for choice, hours in walk:
            when += dt.timedelta(hours=hours)
            _step(officer, d, choice, when)
            assert stored(d) == expected(d)
        transaction.set_rollback(True)


def test_the_synthetic_year_writes_the_summary_the_actions_would(ward_a: Any, ward_b: Any) -> None:
    from ansinh.dossiers.synth import build_year

    build_year([ward_a.code, ward_b.code], year=2025, total=40, early_or_on_time=36, returned=True)
    dossiers = list(Dossier.objects.all())
    assert len(dossiers) == DossierSummary.objects.count() == 40
    for d in dossiers:
        assert stored(d) == expected(d)


def test_a_past_period_does_not_move_when_its_dossiers_change_after_it(officer: Any, receive: Any) -> None:
    """The summary holds the times as they are now; the report still gives each period as its end saw it."""
    opened = receive(at(2026, 3, 25, 9))  # due 1 Apr, open (in time) on 31 Mar
    paused = receive(at(2026, 3, 26, 9))
    a.do_request_supplement(actor=officer, dossier=paused, reason="Thiếu giấy tờ", at=at(2026, 3, 27, 9))
    decided = receive(at(2026, 3, 2, 9))  # due 9 Mar, decided late on 10 Mar
    a.do_decide_dossier(actor=officer, dossier=decided, result="x", at=at(2026, 3, 10, 9))
    march = period_report(dt.date(2026, 3, 1), dt.date(2026, 4, 1))[-1]
    assert (march.late, march.in_time, march.paused, march.adjusted) == (1, 1, 1, 0)
    # April: the late one's appointment corrected, the open one decided, the paused one resumed.
    a.do_correct_dossier(
        actor=officer, dossier=decided, appointment=at(2026, 3, 20, 17), reason="Thời hạn 15 ngày", at=at(2026, 4, 2)
    )
    a.do_decide_dossier(actor=officer, dossier=opened, result="x", at=at(2026, 4, 3, 9))
    a.do_receive_supplement(actor=officer, dossier=paused, at=at(2026, 4, 6, 9))
    assert period_report(dt.date(2026, 3, 1), dt.date(2026, 4, 1))[-1] == march
    april = period_report(dt.date(2026, 4, 1), dt.date(2026, 5, 1))[-1]
    assert (april.carried_over, april.late, april.in_time + april.overdue, april.paused) == (2, 1, 1, 0)


def test_nothing_but_its_derivation_writes_the_summary() -> None:
    """No page, admin, import, endpoint, command or other module writes the summary: only ``dossiers.summary``
    (and the migration that backfills it through it)."""
    from django.contrib import admin

    assert DossierSummary not in admin.site._registry
    assert not [f.name for f in DossierSummary._meta.get_fields() if getattr(f, "editable", False)]
    writes = re.compile(
        r"(?<!class )DossierSummary\s*\(|DossierSummary\.objects\.(create|update|bulk_create|bulk_update|get_or_create|"
        r"update_or_create)|(INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+dossiers_dossiersummary",
        re.IGNORECASE,
    )
    roots = [SRC, SRC.parents[1] / "bench"]
    found = sorted(
        str(path.relative_to(SRC.parents[1]))
        for root in roots
        for path in root.rglob("*.py")
        if writes.search(path.read_text(encoding="utf-8")) and path.name != "summary.py"
    )
    assert found == [], found


def test_the_migration_backfills_the_summary_of_dossiers_already_written(officer: Any, receive: Any) -> None:
    import importlib

    from django.apps import apps

    decided = receive(at(2026, 3, 2, 9))
    a.do_decide_dossier(actor=officer, dossier=decided, result="x", at=at(2026, 3, 10, 9))
    waiting = receive(at(2026, 3, 3, 9), accept=False)
    DossierSummary.objects.all().delete()  # as before migration 0009
    importlib.import_module("ansinh.dossiers.migrations.0009_summary").backfill(apps, None)
    assert [stored(d) for d in (decided, waiting)] == [expected(d) for d in (decided, waiting)]
