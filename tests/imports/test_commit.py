from __future__ import annotations

from typing import Any

from ansinh.audit.models import AuditEvent
from ansinh.imports.models import BatchStatus
from ansinh.registry.models import Household, Member, Membership

from .conftest import household, member


def _two_households() -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    hh = [household("HH-001"), household("HH-002", ward="27553")]
    mm = [
        member("HH-001"),
        member("HH-001", "Trần Thị Bình", "Nữ", "02/03/1982", "Vợ/chồng"),
        member("HH-001", "Nguyễn Văn Cường", "Nam", "10/10/2012", "Con", with_id=False),
        member("HH-002", "Lê Văn Dũng", "Nam", "1970-01-31", "head"),
    ]
    return hh, mm


def test_it_commits_a_valid_file_and_reports_what_it_added(files, run_import, analyst, ward_a, ward_b):
    batch = run_import(files(*_two_households()), analyst, commit=False)
    assert batch.status == BatchStatus.VALIDATED, batch.error
    assert batch.summary["errors"] == 0
    assert not Household.objects.exists()  # validation writes nothing
    from ansinh.imports import actions

    batch = actions.commit_batch(batch, actor=None)
    assert batch.status == BatchStatus.COMMITTED
    assert batch.report["households_added"] == 2 and batch.report["members_added"] == 4
    hh = Household.objects.get(code="HH-001")
    assert hh.ward_id == "26734" and hh.area_type == "urban" and hh.address_folded.startswith("so ")
    assert Household.objects.get(code="HH-002").area_type == "rural"
    wife = Member.objects.get(full_name="Trần Thị Bình")
    assert wife.sex == "F" and wife.relation == "spouse" and wife.monthly_income == 4_000_000
    assert wife.name_folded == "tran thi binh"
    assert Membership.objects.count() == 4
    events = AuditEvent.objects.filter(source=f"import:{batch.pk}")
    assert events.filter(action="household.create").count() == 2
    assert events.filter(action="member.create").count() == 4
    created = events.get(action="member.create", object_id=str(wife.pk))
    assert created.changes["full_name"] == [None, "Trần Thị Bình"]
    assert created.ward_code == "26734"


def test_it_changes_nothing_when_the_same_file_is_imported_again(files, run_import, analyst, ward_a, ward_b):
    paths = files(*_two_households())
    run_import(paths, analyst, commit=True)
    before = AuditEvent.objects.count()
    versions = list(Member.objects.order_by("id").values_list("version", flat=True))
    again = run_import(paths, analyst, commit=True)
    assert again.report["households_added"] == 0 and again.report["households_updated"] == 0
    assert again.report["members_added"] == 0 and again.report["members_updated"] == 0
    assert again.report["households_unchanged"] == 2 and again.report["members_unchanged"] == 4
    assert AuditEvent.objects.count() == before + 1  # only the import.commit event itself
    assert list(Member.objects.order_by("id").values_list("version", flat=True)) == versions


def test_it_updates_only_what_changed_and_audits_old_and_new(files, run_import, analyst, ward_a, ward_b):
    hh, mm = _two_households()
    run_import(files(hh, mm, "a"), analyst, commit=True)
    hh[0]["floor_area_m2"] = "55,5"
    mm[2]["monthly_income"] = "1.500.000"  # the child without an ID: matched on name and date of birth
    batch = run_import(files(hh, mm, "b"), analyst, commit=True)
    assert batch.report == {
        **batch.report,
        "households_updated": 1,
        "households_unchanged": 1,
        "members_updated": 1,
        "members_unchanged": 3,
        "members_added": 0,
    }
    household_ = Household.objects.get(code="HH-001")
    assert household_.floor_area_m2 == 55.5 and household_.version == 2
    child = Member.objects.get(full_name="Nguyễn Văn Cường")
    assert child.monthly_income == 1_500_000 and child.version == 2
    event = AuditEvent.objects.get(source=f"import:{batch.pk}", action="member.update")
    assert event.changes == {"monthly_income": [4_000_000, 1_500_000], "version": [1, 2]}
    event = AuditEvent.objects.get(source=f"import:{batch.pk}", action="household.update")
    assert event.changes == {"floor_area_m2": [40.0, 55.5], "version": [1, 2]}
