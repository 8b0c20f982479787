"""A ward's officers see their ward's dossiers; roles without the dossier resource see none."""

from __future__ import annotations

from typing import Any

from ansinh.dossiers.models import Dossier

from .conftest import at


def test_it_limits_dossiers_to_the_officers_ward(make_user: Any, receive: Any, ward_a: Any, ward_b: Any) -> None:
    mine = receive(at(2026, 3, 6, 9))
    theirs = receive(at(2026, 3, 6, 9), ward=ward_b)
    officer_b = make_user("ward_officer", wards=[ward_b])
    assert set(Dossier.objects.scoped(officer_b)) == {theirs}
    assert mine not in Dossier.objects.scoped(officer_b)
    assert not Dossier.objects.scoped(make_user("case_worker", wards=[ward_a])).exists()
    assert not Dossier.objects.scoped(None).exists()
