from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone


def at(*args: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime(*args))


@pytest.fixture
def receive(officer: Any, ward_a: Any) -> Callable[..., Any]:
    """Receive (and by default accept) a certificate dossier in ward A at the given instant."""
    from ansinh.dossiers.actions import do_accept_dossier, do_receive_dossier

    def make(when: dt.datetime, *, procedure: str = "poverty_certificate", accept: bool = True, **kw: Any) -> Any:
        documents = kw.pop("documents", ["request", "form_04", "form_1a", "id_card", "form_01_pension", "proof"])
        dossier, secret = do_receive_dossier(
            actor=officer,
            procedure_code=procedure,
            ward=kw.pop("ward", ward_a),
            channel=kw.pop("channel", "counter"),
            applicant_name="Nguyễn Văn An",
            documents=documents,
            at=when,
            **kw,
        )
        dossier.secret = secret
        if accept:
            do_accept_dossier(actor=officer, dossier=dossier, at=when)
            dossier.refresh_from_db()
        return dossier

    return make
